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

    /// `method path` with `body` as `application/scim+json` (RFC 7644 §8.1).
    pub fn json(method: &str, path: impl Into<String>, body: &serde_json::Value) -> Self {
        let mut request = Self::get(path);
        request.method = method.to_string();
        request.body = Some(body.to_string());
        request
            .headers
            .push(("Content-Type".into(), "application/scim+json".into()));
        request
    }
}
