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
}

impl HttpError {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HttpError::Unreachable { .. })
    }
}
