//! Why a target could not be connected.

use thiserror::Error;

use crate::http::HttpError;
use crate::profile::ProfileError;

pub use super::preflight::PreflightError;

#[derive(Debug, Error)]
pub enum TargetError {
    /// The target is given wrongly (not an http(s) URL).
    #[error("{0}")]
    Usage(String),
    #[error("target unreachable: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Http(HttpError),
    #[error("cannot start the embedded reference server: {0}")]
    Server(String),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The target answered, but refused the credentials or is no SCIM base URL: nothing
    /// of the suite was run.
    #[error(transparent)]
    Preflight(#[from] PreflightError),
}

impl TargetError {
    /// The target did not answer: refused, reset, or silent past the timeout, while
    /// connecting or during discovery.
    pub fn is_unreachable(&self) -> bool {
        match self {
            TargetError::Unreachable(_) => true,
            TargetError::Http(e) => e.is_unreachable(),
            _ => false,
        }
    }

    /// The target's settings are wrong (its URL, profile, CA certificate, headers or
    /// credentials): nothing of the suite was sent.
    pub fn is_config(&self) -> bool {
        match self {
            TargetError::Usage(_) | TargetError::Profile(_) | TargetError::Preflight(_) => true,
            TargetError::Http(e) => matches!(e, HttpError::Config(_)),
            TargetError::Unreachable(_) | TargetError::Server(_) => false,
        }
    }
}
