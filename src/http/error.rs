//! What can go wrong on the wire.

use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("cannot connect to {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("no answer from {url} within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    #[error("request to {url} failed: {detail}")]
    Transport { url: String, detail: String },
    #[error("invalid client configuration: {0}")]
    Config(String),
    #[error("cannot get an OAuth 2 token from {url}: {detail}")]
    Token { url: String, detail: String },
    /// A URL outside the target's origin (scheme, host, port): credentials go to the target
    /// only, so nothing is sent there.
    #[error("{url} is not on the target's origin {origin}; nothing was sent there")]
    ForeignOrigin { url: String, origin: String },
    #[error("{url} is not a valid URL: {detail}")]
    InvalidUrl { url: String, detail: String },
}

impl HttpError {
    /// The target did not answer: the connection was refused or failed, was reset or closed
    /// before an answer came, or stayed silent past the timeout.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            HttpError::Unreachable { .. } | HttpError::Timeout { .. } | HttpError::Transport { .. }
        )
    }
}
