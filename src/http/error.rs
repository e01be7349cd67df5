//! What can go wrong on the wire.

use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("cannot connect to {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("no answer from {url} within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    /// The answer's body passed the client's limit (`--max-body`); reading stopped there.
    #[error("the answer from {url} has a body larger than {limit} bytes")]
    BodyTooLarge { url: String, limit: u64 },
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
    /// Nothing listens at the target: the connection itself failed. (A case whose request
    /// timed out or was cut reached a target that answered discovery; that is the target's
    /// defect, not an unreachable target.)
    pub fn is_refused(&self) -> bool {
        matches!(self, HttpError::Unreachable { .. })
    }

    /// The target did not answer: the connection was refused or failed, was reset or closed
    /// before an answer came, or stayed silent past the timeout.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            HttpError::Unreachable { .. } | HttpError::Timeout { .. } | HttpError::Transport { .. }
        )
    }
}
