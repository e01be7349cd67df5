//! The SCIM grammar shared by the reference server and the runner: the schema model
//! (RFC 7643 §2, §7), attribute paths (RFC 7644 §3.10), filters (§3.4.2.2) and PATCH paths
//! (§3.5.2).

pub mod attr_path;
mod embedded;
pub mod filter;
pub mod path;
pub mod schema;

pub use attr_path::{AttrPath, AttrPathError};
pub use filter::{CompValue, CompareOp, Filter, FilterError};
pub use path::{PatchPath, PathError};
pub use schema::{AttributeDef, ResourceSchema, SchemaDef};
