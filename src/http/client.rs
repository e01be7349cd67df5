use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine as _;
use thiserror::Error;

use super::exchange::{Exchange, RecordedRequest, RecordedResponse};

/// How requests authenticate.
#[derive(Clone, Default)]
pub enum Credentials {
    #[default]
    None,
    Bearer(String),
    Basic {
        user: String,
        password: String,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, [REDACTED])"),
        }
    }
}

impl Credentials {
    pub fn is_some(&self) -> bool {
        !matches!(self, Credentials::None)
    }

    /// The secrets a transcript must never show.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::None => Vec::new(),
            Credentials::Bearer(token) => vec![token.clone()],
            Credentials::Basic { user, password } => vec![
                password.clone(),
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")),
            ],
        }
    }

    fn header(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
            Credentials::Basic { user, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub base_url: String,
    pub credentials: Credentials,
    pub timeout: Duration,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// How many times a 429/503 answer with `Retry-After` is retried.
    pub max_retries: u32,
    /// The longest `Retry-After` wait honoured; longer waits are cut to this.
    pub max_retry_wait: Duration,
}

impl ClientOptions {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            credentials: Credentials::None,
            timeout: Duration::from_secs(30),
            insecure: false,
            ca_cert: None,
            max_retries: 3,
            max_retry_wait: Duration::from_secs(10),
        }
    }
}

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
}

impl HttpError {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HttpError::Unreachable { .. })
    }
}

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

/// One client per run: connections are reused across cases.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    options: ClientOptions,
}

/// Characters left as they are in a query component (RFC 3986 unreserved).
fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl HttpClient {
    pub fn new(options: ClientOptions) -> Result<Self, HttpError> {
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .pool_max_idle_per_host(64)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("scimspec/", env!("CARGO_PKG_VERSION")));
        if options.insecure {
            builder = builder.danger_accept_invalid_certs(true);
        }
        if let Some(path) = &options.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                HttpError::Config(format!(
                    "cannot read CA certificate {}: {e}",
                    path.display()
                ))
            })?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                HttpError::Config(format!("{} is not a PEM certificate: {e}", path.display()))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let inner = builder
            .build()
            .map_err(|e| HttpError::Config(e.to_string()))?;
        Ok(Self { inner, options })
    }

    pub fn base_url(&self) -> &str {
        &self.options.base_url
    }

    pub fn credentials(&self) -> &Credentials {
        &self.options.credentials
    }

    /// The absolute URL for a path relative to the base, with an encoded query.
    pub fn url_for(&self, path: &str, query: &[(String, String)]) -> String {
        let base = self.options.base_url.trim_end_matches('/');
        let mut url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{base}{path}")
        };
        if !query.is_empty() {
            let q: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
                .collect();
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&q.join("&"));
        }
        url
    }

    /// Sends a request, honouring `Retry-After` on 429/503 a bounded number of times.
    pub async fn send(&self, request: &OutgoingRequest) -> Result<Exchange, HttpError> {
        let mut attempt = 0;
        loop {
            let exchange = match self.send_once(request).await {
                Ok(exchange) => exchange,
                // A pooled keep-alive connection the server has just closed fails the next
                // request on it; an idempotent request is safely sent again once.
                Err(HttpError::Transport { .. })
                    if Self::idempotent(&request.method) && attempt == 0 =>
                {
                    attempt += 1;
                    self.send_once(request).await?
                }
                Err(e) => return Err(e),
            };
            let status = exchange.response.status;
            if (status == 429 || status == 503) && attempt < self.options.max_retries {
                if let Some(wait) = exchange
                    .response
                    .header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                {
                    let wait = Duration::from_secs(wait).min(self.options.max_retry_wait);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            return Ok(exchange);
        }
    }

    fn idempotent(method: &str) -> bool {
        matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
    }

    async fn send_once(&self, request: &OutgoingRequest) -> Result<Exchange, HttpError> {
        let url = self.url_for(&request.path, &request.query);
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| HttpError::Config(format!("bad method {}: {e}", request.method)))?;
        let mut headers: Vec<(String, String)> = Vec::new();
        if !request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            headers.push(("Accept".into(), "application/scim+json".into()));
        }
        if request.invalid_token {
            headers.push((
                "Authorization".into(),
                "Bearer scimspec-invalid-token-0000".into(),
            ));
        } else if request.use_credentials {
            if let Some(value) = self.options.credentials.header() {
                headers.push(("Authorization".into(), value));
            }
        }
        headers.extend(request.headers.iter().cloned());

        let mut builder = self.inner.request(method, &url);
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let started = Instant::now();
        let response = builder.send().await.map_err(|e| self.classify(&url, e))?;
        let status = response.status().as_u16();
        let response_headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let bytes = response.bytes().await.map_err(|e| self.classify(&url, e))?;
        let elapsed = started.elapsed();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let json = if body.trim().is_empty() {
            None
        } else {
            serde_json::from_str(&body).ok()
        };
        Ok(Exchange {
            request: RecordedRequest {
                method: request.method.clone(),
                url,
                headers,
                body: request.body.clone(),
            },
            response: RecordedResponse {
                status,
                headers: response_headers,
                body,
                json,
            },
            elapsed,
        })
    }

    fn classify(&self, url: &str, error: reqwest::Error) -> HttpError {
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(s) = source {
            detail = format!("{detail}: {s}");
            source = s.source();
        }
        if error.is_timeout() {
            HttpError::Timeout {
                url: url.to_string(),
                timeout: self.options.timeout,
            }
        } else if error.is_connect() {
            HttpError::Unreachable {
                url: url.to_string(),
                detail,
            }
        } else {
            HttpError::Transport {
                url: url.to_string(),
                detail,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_queries_with_percent_twenty() {
        let client = HttpClient::new(ClientOptions::new("http://h/scim/v2/")).unwrap();
        assert_eq!(
            client.url_for("/Users", &[("filter".into(), "userName eq \"a b\"".into())]),
            "http://h/scim/v2/Users?filter=userName%20eq%20%22a%20b%22"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::Bearer("tok-123456".into());
        assert!(!format!("{c:?}").contains("tok-123456"));
    }
}
