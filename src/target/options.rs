//! Where a target is and how to talk to it, as plain values: what the command layer hands to
//! [`super::Target::connect`] after merging flags, environment and the config file.

use std::path::PathBuf;
use std::time::Duration;

use super::TargetError;
use crate::http::{Credentials, DEFAULT_MAX_BODY};

/// The per-request timeout when none is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct TargetOptions {
    /// The config file's name for the target, if it came from one.
    pub name: Option<String>,
    /// SCIM base URL (with any `{domain}` already filled in); `None`: the embedded server.
    pub url: Option<String>,
    pub credentials: Credentials,
    /// Extra headers on every request (values are masked in transcripts).
    pub headers: Vec<(String, String)>,
    /// A shipped profile name or a path to a profile file.
    pub profile: Option<String>,
    pub timeout: Duration,
    /// The largest response body read, in bytes.
    pub max_body: u64,
    /// The run's overall deadline, counted from [`super::Target::connect`]; None: no deadline.
    pub deadline: Option<Duration>,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// Skip the preflight check of credentials and base URL (see `preflight.rs`).
    pub no_preflight: bool,
}

impl Default for TargetOptions {
    /// The embedded reference server, no profile.
    fn default() -> Self {
        Self {
            name: None,
            url: None,
            credentials: Credentials::None,
            headers: Vec::new(),
            profile: None,
            timeout: DEFAULT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            deadline: None,
            insecure: false,
            ca_cert: None,
            no_preflight: false,
        }
    }
}

impl TargetOptions {
    /// A target at `url` with these credentials and every other option at its default.
    pub fn url(url: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            url: Some(url.into()),
            credentials,
            ..Self::default()
        }
    }
}

/// An http:// or https:// URL with a host and no whitespace.
pub fn validate_url(url: &str) -> Result<(), TargetError> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(TargetError::Usage(format!(
            "--target must be an http:// or https:// URL, got '{url}'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http() {
        assert!(validate_url("https://example.com/scim").is_ok());
        let err = validate_url("example.com/scim").unwrap_err();
        assert!(matches!(&err, TargetError::Usage(m) if m.contains("example.com/scim")));
        assert!(matches!(
            validate_url("http://a b"),
            Err(TargetError::Usage(_))
        ));
    }
}
