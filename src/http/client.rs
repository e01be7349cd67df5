use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use thiserror::Error;

use super::exchange::{Exchange, RecordedRequest, RecordedResponse};
use super::redact::Redactor;

/// How requests authenticate. The single place credentials live: the client turns them into
/// `Authorization` headers and gives every secret to the [`Redactor`].
#[derive(Clone, Default)]
pub enum Credentials {
    #[default]
    None,
    Bearer(String),
    Basic {
        user: String,
        password: String,
    },
    /// OAuth 2 client credentials grant (RFC 6749 §4.4): the client fetches a bearer token from
    /// the token endpoint, caches it and fetches a new one when it expires (or is refused).
    OAuth2(OAuth2),
}

/// The settings of an OAuth 2 client credentials grant.
#[derive(Clone, Default)]
pub struct OAuth2 {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scope: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, [REDACTED])"),
            Credentials::OAuth2(o) => write!(
                f,
                "OAuth2({}, client {}, [REDACTED])",
                o.token_url, o.client_id
            ),
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
            Credentials::OAuth2(o) => vec![
                o.client_secret.clone(),
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{}", o.client_id, o.client_secret)),
            ],
        }
    }

    /// A short description without secrets: `bearer token`, `basic (admin)`, `oauth2 (…)`.
    pub fn describe(&self) -> String {
        match self {
            Credentials::None => "none".into(),
            Credentials::Bearer(_) => "bearer token".into(),
            Credentials::Basic { user, .. } => format!("basic ({user})"),
            Credentials::OAuth2(o) => format!("oauth2 client credentials ({})", o.token_url),
        }
    }

    /// The `Authorization` value for static credentials (OAuth 2 tokens are fetched by the client).
    fn header(&self) -> Option<String> {
        match self {
            Credentials::None | Credentials::OAuth2(_) => None,
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
    /// Headers sent with every request (e.g. a tenant or API-key header); their values are
    /// treated as secrets and masked in transcripts.
    pub extra_headers: Vec<(String, String)>,
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
            extra_headers: Vec::new(),
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
    #[error("cannot get an OAuth 2 token from {url}: {detail}")]
    Token { url: String, detail: String },
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

/// A fetched OAuth 2 access token and when to stop using it.
#[derive(Debug, Clone)]
struct CachedToken {
    value: String,
    renew_at: Option<Instant>,
}

/// One client per run: connections are reused across cases.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    options: ClientOptions,
    redactor: Redactor,
    /// The OAuth 2 token, shared by every clone; the lock also makes concurrent cases wait
    /// for one fetch instead of each fetching a token.
    token: Arc<tokio::sync::Mutex<Option<CachedToken>>>,
}

/// Tokens are renewed this long before they expire, or at 90% of a short lifetime.
const TOKEN_MARGIN: Duration = Duration::from_secs(30);

fn renew_at(fetched: Instant, expires_in: Option<u64>) -> Option<Instant> {
    let lifetime = Duration::from_secs(expires_in?);
    let margin = TOKEN_MARGIN.min(lifetime / 10);
    Some(fetched + lifetime.saturating_sub(margin))
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
        let mut redactor = Redactor::new();
        for secret in options.credentials.secrets() {
            redactor.add(secret);
        }
        for (name, value) in &options.extra_headers {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                || reqwest::header::HeaderValue::from_str(value).is_err()
            {
                return Err(HttpError::Config(format!("invalid extra header '{name}'")));
            }
            redactor.add(value.clone());
        }
        Ok(Self {
            inner,
            options,
            redactor,
            token: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    /// The redactor knowing every secret of this client, including tokens it fetched.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The `Authorization` value for a request with the configured credentials.
    async fn authorization(&self) -> Result<Option<String>, HttpError> {
        let Credentials::OAuth2(oauth) = &self.options.credentials else {
            return Ok(self.options.credentials.header());
        };
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref() {
            if token.renew_at.is_none_or(|at| Instant::now() < at) {
                return Ok(Some(format!("Bearer {}", token.value)));
            }
        }
        let token = self.fetch_token(oauth).await?;
        let header = format!("Bearer {}", token.value);
        *cached = Some(token);
        Ok(Some(header))
    }

    /// Forgets the cached token, so the next request fetches a new one.
    async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    /// RFC 6749 §4.4.2: `grant_type=client_credentials`, the client authenticated with HTTP
    /// Basic (§2.3.1), the scope if any.
    async fn fetch_token(&self, oauth: &OAuth2) -> Result<CachedToken, HttpError> {
        let err = |detail: String| HttpError::Token {
            url: oauth.token_url.clone(),
            detail: self.redactor.redact(&detail),
        };
        let mut form = vec![format!(
            "grant_type={}",
            encode_component("client_credentials")
        )];
        if let Some(scope) = oauth.scope.as_deref().filter(|s| !s.is_empty()) {
            form.push(format!("scope={}", encode_component(scope)));
        }
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            encode_component(&oauth.client_id),
            encode_component(&oauth.client_secret)
        ));
        self.redactor.learn(basic.clone());
        let fetched = Instant::now();
        let response = self
            .inner
            .post(&oauth.token_url)
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(form.join("&"))
            .send()
            .await
            .map_err(|e| err(e.to_string()))?;
        let status = response.status().as_u16();
        let body: Value = response
            .json()
            .await
            .map_err(|e| err(format!("status {status}, the answer is not JSON: {e}")))?;
        if status != 200 {
            let reason = ["error", "error_description"]
                .iter()
                .filter_map(|k| body.get(*k).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(": ");
            return Err(err(format!("status {status} {reason}")));
        }
        let value = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| err("the answer has no access_token".into()))?
            .to_string();
        self.redactor.learn(value.clone());
        let expires_in = body.get("expires_in").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        Ok(CachedToken {
            value,
            renew_at: renew_at(fetched, expires_in),
        })
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

    /// Sends a request, honouring `Retry-After` on 429/503 a bounded number of times. With
    /// OAuth 2 credentials, a 401 makes the client fetch a new token and send once more.
    pub async fn send(&self, request: &OutgoingRequest) -> Result<Exchange, HttpError> {
        let mut attempt = 0;
        let mut refreshed = false;
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
            if status == 401
                && !refreshed
                && request.use_credentials
                && !request.invalid_token
                && matches!(self.options.credentials, Credentials::OAuth2(_))
            {
                refreshed = true;
                self.forget_token().await;
                continue;
            }
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
            if let Some(value) = self.authorization().await? {
                headers.push(("Authorization".into(), value));
            }
        }
        for (name, value) in &self.options.extra_headers {
            if !request
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                headers.push((name.clone(), value.clone()));
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
        let o = Credentials::OAuth2(OAuth2 {
            token_url: "http://t/token".into(),
            client_id: "cid".into(),
            client_secret: "very-secret-1".into(),
            scope: None,
        });
        assert!(!format!("{o:?}").contains("very-secret-1"));
        assert!(!o.describe().contains("very-secret-1"));
        assert!(o.secrets().contains(&"very-secret-1".to_string()));
    }

    #[test]
    fn tokens_are_renewed_before_they_expire() {
        let now = Instant::now();
        assert_eq!(renew_at(now, None), None);
        assert_eq!(
            renew_at(now, Some(3600)),
            Some(now + Duration::from_secs(3570))
        );
        assert_eq!(renew_at(now, Some(10)), Some(now + Duration::from_secs(9)));
        assert_eq!(renew_at(now, Some(0)), Some(now));
    }

    #[test]
    fn extra_header_values_are_secrets() {
        let client = HttpClient::new(ClientOptions {
            extra_headers: vec![("X-Api-Key".into(), "k-0123456789".into())],
            ..ClientOptions::new("http://h/")
        })
        .unwrap();
        assert_eq!(client.redactor().redact("k-0123456789"), "[REDACTED]");
        let bad = HttpClient::new(ClientOptions {
            extra_headers: vec![("Bad Header".into(), "v".into())],
            ..ClientOptions::new("http://h/")
        });
        match bad {
            Err(HttpError::Config(detail)) => {
                assert_eq!(detail, "invalid extra header 'Bad Header'")
            }
            other => panic!("expected a configuration error, got {:?}", other.err()),
        }
    }
}
