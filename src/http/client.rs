//! The HTTP client of a run: one connection pool, the credentials on every request, retries on
//! 429/503 with `Retry-After` (never past the run's deadline), one more try after a 401 with
//! OAuth 2, response bodies read up to a limit, and every exchange recorded.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::credentials::Credentials;
use super::deadline::Deadline;
use super::exchange::{Exchange, RecordedRequest, RecordedResponse};
use super::oauth::TokenCache;
use super::redact::Redactor;
use super::request::OutgoingRequest;
use super::url;
use super::HttpError;

/// What a measured request of `scimspec load` keeps of its answer: the status, the
/// `Retry-After` value, and the body as JSON only when it was asked for (an id to capture).
/// Nothing is recorded: no transcript is written of measured requests.
#[derive(Debug, Clone, Default)]
pub struct BriefAnswer {
    pub status: u16,
    /// `Retry-After` in whole seconds, when the answer carried a readable one.
    pub retry_after: Option<u64>,
    /// The body parsed as JSON, when parsing was asked for and it is JSON.
    pub json: Option<serde_json::Value>,
}

/// The `User-Agent` of every request.
const USER_AGENT: &str = concat!("scimspec/", env!("CARGO_PKG_VERSION"));

/// The default of `--max-body`: 4 MiB, far above any SCIM answer the suite provokes.
pub const DEFAULT_MAX_BODY: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub base_url: String,
    pub credentials: Credentials,
    /// The longest one request may take, reading its whole answer included.
    pub timeout: Duration,
    /// The largest response body read, in bytes; a larger one is a [`HttpError::BodyTooLarge`].
    pub max_body: u64,
    /// The run's deadline: `Retry-After` waits that would end after it are not waited for.
    pub deadline: Option<Deadline>,
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
            max_body: DEFAULT_MAX_BODY,
            deadline: None,
            insecure: false,
            ca_cert: None,
            max_retries: 3,
            max_retry_wait: Duration::from_secs(10),
            extra_headers: Vec::new(),
        }
    }
}

/// One client per run: connections are reused across cases.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    options: ClientOptions,
    redactor: Redactor,
    /// The OAuth 2 token, shared by every clone.
    token: TokenCache,
    /// The base URL parsed once (`None` when it does not parse: each request then reports it).
    base: Option<reqwest::Url>,
    /// The `Authorization` value of fixed credentials (bearer, Basic), built once for the
    /// lean path; marked sensitive.
    fixed_authorization: Option<reqwest::header::HeaderValue>,
}

impl HttpClient {
    pub fn new(options: ClientOptions) -> Result<Self, HttpError> {
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .pool_max_idle_per_host(64)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT);
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
        let base = reqwest::Url::parse(&options.base_url).ok();
        let fixed_authorization = options
            .credentials
            .header()
            .and_then(|v| reqwest::header::HeaderValue::from_str(&v).ok())
            .map(|mut v| {
                v.set_sensitive(true);
                v
            });
        Ok(Self {
            inner,
            options,
            redactor,
            token: TokenCache::default(),
            base,
            fixed_authorization,
        })
    }

    /// The same client (pool, credentials, token) retrying 429/503 at most `retries` times;
    /// `scimspec load` sees every 429 itself and honours `Retry-After` for the whole run.
    pub fn with_max_retries(&self, retries: u32) -> Self {
        let mut client = self.clone();
        client.options.max_retries = retries;
        client
    }

    /// The redactor knowing every secret of this client, including tokens it fetched.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The `Authorization` value for a request with the configured credentials.
    async fn authorization(&self) -> Result<Option<String>, HttpError> {
        match &self.options.credentials {
            Credentials::OAuth2(oauth) => self
                .token
                .authorization(&self.inner, oauth, &self.redactor)
                .await
                .map(Some),
            other => Ok(other.header()),
        }
    }

    /// Forgets the OAuth 2 token, so the next request fetches a new one.
    pub(super) async fn forget_token(&self) {
        self.token.forget().await;
    }

    pub(super) fn timeout(&self) -> Duration {
        self.options.timeout
    }

    pub(super) fn max_body(&self) -> u64 {
        self.options.max_body
    }

    pub(super) fn user_agent() -> HeaderValue {
        HeaderValue::from_static(USER_AGENT)
    }

    pub fn base_url(&self) -> &str {
        &self.options.base_url
    }

    pub fn credentials(&self) -> &Credentials {
        &self.options.credentials
    }

    /// The run's deadline, if it has one.
    pub fn deadline(&self) -> Option<Deadline> {
        self.options.deadline
    }

    /// The absolute URL for a path relative to the base, with an encoded query.
    pub fn url_for(&self, path: &str, query: &[(String, String)]) -> String {
        url::join(&self.options.base_url, path, query)
    }

    /// Sends a request, honouring `Retry-After` on 429/503 a bounded number of times (and only
    /// while the run's deadline leaves time for the wait). With
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
            if !refreshed && self.token_may_be_stale(request, status) {
                refreshed = true;
                self.token.forget().await;
                continue;
            }
            if (status == 429 || status == 503) && attempt < self.options.max_retries {
                if let Some(wait) = exchange
                    .response
                    .header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                {
                    let wait = Duration::from_secs(wait).min(self.options.max_retry_wait);
                    // A wait the run's deadline leaves no time for is not waited for.
                    if self.options.deadline.is_some_and(|d| wait > d.remaining()) {
                        return Ok(exchange);
                    }
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            return Ok(exchange);
        }
    }

    /// A 401 to a request sent with an OAuth 2 token: the token may have expired, so it is
    /// fetched again and the request sent once more.
    pub(super) fn token_may_be_stale(&self, request: &OutgoingRequest, status: u16) -> bool {
        status == 401
            && request.use_credentials
            && !request.invalid_token
            && matches!(self.options.credentials, Credentials::OAuth2(_))
    }

    /// Sends a request once through the pool, as [`HttpClient::send`] does (origin check,
    /// credentials, extra headers, timeout and body limit), recording nothing and parsing the
    /// body as JSON only when `parse_json` is set: what a [`super::Connection`] falls back to.
    pub(super) async fn send_brief_pooled(
        &self,
        request: &OutgoingRequest,
        parse_json: bool,
    ) -> Result<BriefAnswer, HttpError> {
        let url = self.url_for(&request.path, &request.query);
        let (builder, _) = self.builder(request, &url, false).await?;
        let response = builder.send().await.map_err(|e| self.classify(&url, e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let json = if parse_json {
            let bytes = self.read_body(response, &url, true).await?;
            serde_json::from_slice(&bytes).ok()
        } else {
            self.read_body(response, &url, false).await?;
            None
        };
        Ok(BriefAnswer {
            status,
            retry_after,
            json,
        })
    }

    /// The request ready to send: the URL checked to be on the target's origin, then the
    /// headers of [`Self::headers`] and the body; with `record`, also the headers sent, for
    /// the transcript.
    async fn builder(
        &self,
        request: &OutgoingRequest,
        url: &str,
        record: bool,
    ) -> Result<(reqwest::RequestBuilder, Vec<(String, String)>), HttpError> {
        let checked_url = self.on_target_origin(url)?;
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| HttpError::Config(format!("bad method {}: {e}", request.method)))?;
        let (headers, recorded) = self.headers(request, url, record).await?;
        let mut builder = self.inner.request(method, checked_url).headers(headers);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        Ok((builder, recorded))
    }

    /// The headers of a request, in the order sent: `Accept`, the credentials, the extra
    /// headers and the request's own (an extra header the request names itself is left out);
    /// with `record`, also as text, for the transcript.
    pub(super) async fn headers(
        &self,
        request: &OutgoingRequest,
        url: &str,
        record: bool,
    ) -> Result<(HeaderMap, Vec<(String, String)>), HttpError> {
        let mut headers = Headers {
            map: HeaderMap::with_capacity(4 + request.headers.len()),
            recorded: Vec::new(),
            record,
            url,
        };
        if !request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            headers.add("Accept", "application/scim+json")?;
        }
        if request.invalid_token {
            headers.add("Authorization", "Bearer scimspec-invalid-token-0000")?;
        } else if request.use_credentials {
            match (&self.fixed_authorization, record) {
                (Some(value), false) => {
                    headers
                        .map
                        .append(reqwest::header::AUTHORIZATION, value.clone());
                }
                _ => {
                    if let Some(value) = self.authorization().await? {
                        headers.add("Authorization", &value)?;
                    }
                }
            }
        }
        for (name, value) in &self.options.extra_headers {
            if !request
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                headers.add(name, value)?;
            }
        }
        for (name, value) in &request.headers {
            headers.add(name, value)?;
        }
        Ok((headers.map, headers.recorded))
    }

    pub(super) fn idempotent(method: &str) -> bool {
        matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
    }

    /// `url` parsed, when it is on the base URL's origin (scheme, host and port): every
    /// request passes here, so credentials and extra headers never leave the target.
    fn on_target_origin(&self, url: &str) -> Result<reqwest::Url, HttpError> {
        let parse = |text: &str| {
            reqwest::Url::parse(text).map_err(|e| HttpError::InvalidUrl {
                url: text.to_string(),
                detail: e.to_string(),
            })
        };
        let parsed_base;
        let base = match &self.base {
            Some(base) => base,
            None => {
                parsed_base = parse(&self.options.base_url)?;
                &parsed_base
            }
        };
        let parsed = parse(url)?;
        // The origin's parts compared in place (an `Origin` is built of new strings); other
        // schemes have opaque origins, equal to none.
        let same_origin = match parsed.scheme() {
            "http" | "https" => {
                parsed.scheme() == base.scheme()
                    && parsed.host() == base.host()
                    && parsed.port_or_known_default() == base.port_or_known_default()
            }
            _ => parsed.origin() == base.origin(),
        };
        if same_origin {
            Ok(parsed)
        } else {
            Err(HttpError::ForeignOrigin {
                url: url.to_string(),
                origin: base.origin().ascii_serialization(),
            })
        }
    }

    async fn send_once(&self, request: &OutgoingRequest) -> Result<Exchange, HttpError> {
        let url = self.url_for(&request.path, &request.query);
        let (builder, headers) = self.builder(request, &url, true).await?;
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
        let bytes = self.read_body(response, &url, true).await?;
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

    /// Reads a response body of at most `max_body` bytes, chunk by chunk (see [`BodyLimit`]),
    /// keeping it when `keep` is set (else it is read and dropped). The client's timeout covers
    /// this read too.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        url: &str,
        keep: bool,
    ) -> Result<Vec<u8>, HttpError> {
        let mut body = BodyLimit::new(url, self.options.max_body, response.content_length(), keep)?;
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(url, e))? {
            body.take(&chunk)?;
        }
        Ok(body.into_kept())
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

/// A response body read up to the client's limit: a larger one, announced by
/// `Content-Length` or found while reading, ends the read with [`HttpError::BodyTooLarge`],
/// so memory stays bounded whatever the target sends. What is read is kept only when asked.
pub(super) struct BodyLimit<'a> {
    url: &'a str,
    limit: u64,
    read: u64,
    kept: Option<Vec<u8>>,
}

impl<'a> BodyLimit<'a> {
    /// Refuses at once a body announced (`announced`, its `Content-Length`) over `limit`.
    pub(super) fn new(
        url: &'a str,
        limit: u64,
        announced: Option<u64>,
        keep: bool,
    ) -> Result<Self, HttpError> {
        let body = Self {
            url,
            limit,
            read: 0,
            kept: keep.then(Vec::new),
        };
        match announced {
            Some(n) if n > limit => Err(body.too_large()),
            _ => Ok(body),
        }
    }

    /// Takes in the next chunk.
    pub(super) fn take(&mut self, chunk: &[u8]) -> Result<(), HttpError> {
        self.read += chunk.len() as u64;
        if self.read > self.limit {
            return Err(self.too_large());
        }
        if let Some(kept) = self.kept.as_mut() {
            kept.extend_from_slice(chunk);
        }
        Ok(())
    }

    /// The body read, when it was kept (else empty).
    pub(super) fn into_kept(self) -> Vec<u8> {
        self.kept.unwrap_or_default()
    }

    fn too_large(&self) -> HttpError {
        HttpError::BodyTooLarge {
            url: self.url.to_string(),
            limit: self.limit,
        }
    }
}

/// The headers of one request being built, and their text when recorded.
struct Headers<'a> {
    map: HeaderMap,
    recorded: Vec<(String, String)>,
    record: bool,
    url: &'a str,
}

impl Headers<'_> {
    fn add(&mut self, name: &str, value: &str) -> Result<(), HttpError> {
        let invalid = |what: &str| HttpError::Transport {
            url: self.url.to_string(),
            detail: format!("invalid header {what} in '{name}'"),
        };
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
        let header_value = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
        if self.record {
            self.recorded.push((name.to_string(), value.to_string()));
        }
        self.map.append(header_name, header_value);
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Answers every request on 127.0.0.1 with the bytes `answer` returns (given the
    /// number of requests seen so far); the base URL.
    pub(crate) async fn raw_server(answer: fn(usize) -> Vec<u8>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let mut seen = 0;
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut head = vec![0u8; 4096];
                let _ = stream.read(&mut head).await;
                let _ = stream.write_all(&answer(seen)).await;
                let _ = stream.shutdown().await;
                seen += 1;
            }
        });
        format!("http://{addr}")
    }

    fn chunked(chunks: usize) -> Vec<u8> {
        let mut out =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
        for _ in 0..chunks {
            out.extend_from_slice(b"a\r\n0123456789\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    }

    pub(crate) fn limited(base: &str, max_body: u64) -> HttpClient {
        HttpClient::new(ClientOptions {
            max_body,
            ..ClientOptions::new(base)
        })
        .unwrap()
    }

    #[tokio::test]
    async fn bodies_are_read_up_to_the_limit() {
        let base = raw_server(|_| chunked(3)).await;
        let get = OutgoingRequest::get("/x");
        let exchange = limited(&base, 30).send(&get).await.unwrap();
        assert_eq!(exchange.response.body.len(), 30);
        match limited(&base, 29).send(&get).await {
            Err(e @ HttpError::BodyTooLarge { limit: 29, .. }) => assert_eq!(
                e.to_string(),
                format!("the answer from {base}/x has a body larger than 29 bytes")
            ),
            other => panic!("expected a body too large, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_announced_length_over_the_limit_is_not_read() {
        let base =
            raw_server(|_| b"HTTP/1.1 200 OK\r\nContent-Length: 200000000\r\n\r\nabc".to_vec())
                .await;
        let result = limited(&base, 1024).send(&OutgoingRequest::get("/x")).await;
        assert!(
            matches!(result, Err(HttpError::BodyTooLarge { limit: 1024, .. })),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn retry_after_is_not_waited_past_the_deadline() {
        let base = raw_server(|seen| {
            if seen == 0 {
                b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n"
                    .to_vec()
            } else {
                b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
        })
        .await;
        let client = HttpClient::new(ClientOptions {
            deadline: Some(Deadline::after(Duration::from_secs(2))),
            ..ClientOptions::new(&base)
        })
        .unwrap();
        let started = Instant::now();
        let exchange = client.send(&OutgoingRequest::get("/x")).await.unwrap();
        assert_eq!(exchange.response.status, 503, "the refusal is the answer");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn only_the_base_urls_origin_is_requested() {
        let client = HttpClient::new(ClientOptions::new("http://127.0.0.1:8080")).unwrap();
        for url in [
            "http://127.0.0.1:8080/scim/v2/Users/1",
            "http://127.0.0.1:8080",
            "HTTP://127.0.0.1:8080/x",
        ] {
            assert!(client.on_target_origin(url).is_ok(), "{url}");
        }
        for url in [
            "http://127.0.0.2:8080/scim/v2/Users/1",
            "http://localhost:8080/scim/v2/Users/1",
            "http://127.0.0.1:8081/scim/v2/Users/1",
            "https://127.0.0.1:8080/scim/v2/Users/1",
            // the base followed by a path starting with `@` names another host
            &client.url_for("@evil.example/Users", &[]),
        ] {
            match client.on_target_origin(url) {
                Err(HttpError::ForeignOrigin {
                    url: refused,
                    origin,
                }) => {
                    assert_eq!(
                        (refused.as_str(), origin.as_str()),
                        (url, "http://127.0.0.1:8080")
                    )
                }
                other => panic!("{url}: expected a foreign origin, got {other:?}"),
            }
        }
        let default_port = HttpClient::new(ClientOptions::new("https://h.example/scim")).unwrap();
        assert!(default_port
            .on_target_origin("https://h.example:443/scim/Users")
            .is_ok());
    }

    #[tokio::test]
    async fn a_foreign_url_gets_no_request() {
        let mut options = ClientOptions::new("http://127.0.0.1:1/scim/v2");
        options.credentials = Credentials::Bearer("t0ken-0123456789".into());
        let client = HttpClient::new(options).unwrap();
        let error = client
            .send(&OutgoingRequest::get("http://127.0.0.2:1/scim/v2/Users/1"))
            .await
            .expect_err("refused");
        assert!(
            matches!(error, HttpError::ForeignOrigin { .. }),
            "{error:?}"
        );
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
