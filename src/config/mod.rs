//! The configuration file (TOML): one or more targets with their URL, authentication, profile
//! and options, so CI needs one flag (`--config scimspec.toml`). Flags and `SCIMSPEC_*`
//! variables override it (the command layer merges them, field by field, with
//! [`TargetConfig::over`]). `${NAME}` in a string is replaced by the environment variable
//! `NAME`, so secrets need not be written in the file.
//!
//! ```toml
//! [defaults]                     # applies to every target; a target's own keys win
//! timeout = 30
//!
//! [targets.staging]
//! url = "https://staging.example.com/scim/v2"
//! profile = "xmatters"           # a shipped profile or a path to a .toml profile
//! token = "${STAGING_TOKEN}"
//!
//! [targets.okta-app]
//! url = "https://app.example.com/scim/v2"
//! oauth = { token_url = "https://login.example.com/oauth2/token", client_id = "scimspec",
//!           client_secret = "${CLIENT_SECRET}", scope = "scim" }
//!
//! [targets.reference]            # no url: the embedded reference server, in the profile
//! profile = "samanage"
//! ```

mod error;
mod expand;
mod file;
mod target;

pub use error::ConfigError;
pub use expand::expand;
pub use file::{CompareConfig, Config};
pub use target::{with_domain, BasicConfig, HeaderEntry, OAuthConfig, TargetConfig};
