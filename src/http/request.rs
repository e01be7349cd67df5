//! A request as the runner describes it, relative to the target's base URL.

/// A request relative to the target's base URL.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// `Some(true)`: the configured credentials; `Some(false)`: none; `None` with
    /// `invalid_token`: a made-up bearer token.
    pub use_credentials: bool,
    pub invalid_token: bool,
}

impl OutgoingRequest {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET".into(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            use_credentials: true,
            invalid_token: false,
        }
    }
}
