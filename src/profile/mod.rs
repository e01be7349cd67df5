//! Target profiles: what a SCIM target supports, written as data (`profiles/NAME.toml`).
//!
//! A profile lists the User attributes a target supports or requires and their formats, how it
//! authenticates, its matching attribute and whether groups are provisioned. It feeds the
//! pipeline in one direction:
//! - the planner (`plan`) skips cases that need what the profile excludes, with the reason,
//!   asking [`Profile::check_use`] about the attribute uses of their requests ([`attr_use`]);
//! - the runner gets test data that fits the profile ([`data`]): template variables such as
//!   `{{e164}}` or `{{profile.work_email_type}}`, and the profile's required attributes added
//!   to every User a case creates;
//! - the embedded server can behave like such a target (`scimspec serve --profile NAME`),
//!   checking resources with [`Profile::check_resource`].
//!
//! One file per job: the file as written (`model`), finding and parsing it (`shipped`,
//! `parse`, `error`), the validated profile and its queries (`validated`, `support`), the
//! embedded server's behaviour (`emulation`), the description `scimspec profiles` prints
//! (`describe`).

pub mod attr_use;
pub mod data;
mod describe;
mod emulation;
mod error;
mod model;
mod parse;
mod shipped;
mod support;
mod validated;

pub use attr_use::{AttrUse, TypeInfo, UseKind};
pub use error::{ProfileError, ProfileProblem};
pub use model::{AttributeSpec, AuthMethod, AuthSpec, Format, ProfileFile, Unsupported};
pub use parse::parse;
pub use shipped::{load, shipped_names, SHIPPED};
pub use validated::{Attr, Profile};

use crate::scim::urn::{ENTERPRISE_USER, USER as CORE_USER};
