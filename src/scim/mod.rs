//! The SCIM grammar shared by the reference server and the runner: the schema URIs, the schema
//! model (RFC 7643 §2, §7) and the schemas compiled in, attribute paths (RFC 7644 §3.10),
//! filters (§3.4.2.2), PATCH paths (§3.5.2), JSON pointers with SCIM's case-insensitive keys,
//! and the text helpers every layer's messages share.

pub mod attr_path;
pub mod embedded;
pub mod filter;
pub mod path;
pub mod pointer;
pub mod schema;
pub mod text;
pub mod urn;
pub mod writes;

pub use attr_path::{AttrPath, AttrPathError};
pub use filter::{CompValue, CompareOp, Filter, FilterError};
pub use path::{PatchPath, PathError};
pub use schema::{AttributeDef, ResourceSchema, SchemaDef};
