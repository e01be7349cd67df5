//! One sender's own connection, for `scimspec load`'s measured requests: the same origin
//! check, credentials, extra headers, timeout, body limit and 401 handling as the client's
//! other requests, but nothing recorded, no 429 retried, and, on a plain `http://` target
//! reached without a proxy, one keep-alive HTTP/1.1 connection held by this sender alone
//! (no pool to look a connection up in, no URL parsed per request). Anything else (HTTPS,
//! a proxy from the environment, a request target the fast path cannot write as it is)
//! goes through the client's pool.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderValue, CONTENT_LENGTH, HOST, RETRY_AFTER, USER_AGENT};
use hyper_util::rt::TokioIo;

use super::client::{BodyLimit, BriefAnswer, HttpClient};
use super::request::OutgoingRequest;
use super::HttpError;

/// The variables that make reqwest send through a proxy; with any of them set, requests go
/// through the client's pool, which honours them (and `NO_PROXY`).
const PROXY_VARIABLES: [&str; 4] = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/// A sender's own connection to the target (see the module's documentation).
pub struct Connection {
    client: Arc<HttpClient>,
    direct: Option<Direct>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// How a plain `http://` target is reached directly.
#[derive(Debug, Clone, PartialEq)]
struct Direct {
    /// The base URL's scheme and authority as written, e.g. `http://127.0.0.1:8080`: a URL
    /// starting with it and going on with `/`, `?` or nothing is on the target's origin.
    origin: String,
    /// `host:port` to connect to.
    address: String,
    host: HeaderValue,
}

impl Direct {
    /// The direct way to the target of `base_url`, when it is plain HTTP without userinfo
    /// and no proxy variable is set.
    fn of(base_url: &str, proxied: bool) -> Option<Self> {
        if proxied {
            return None;
        }
        let url = reqwest::Url::parse(base_url).ok()?;
        if url.scheme() != "http" || !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        let host = url.host_str()?;
        let port = url.port_or_known_default()?;
        let scheme_end = base_url.find("://")? + 3;
        let authority_end = base_url[scheme_end..]
            .find(['/', '?', '#'])
            .map_or(base_url.len(), |i| scheme_end + i);
        let origin = base_url[..authority_end].to_string();
        // The text must name the host the parser found (no userinfo, no odd forms).
        let written = &base_url[scheme_end..authority_end];
        let expected = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        if !written.eq_ignore_ascii_case(&expected) && !written.eq_ignore_ascii_case(host) {
            return None;
        }
        Some(Self {
            origin,
            address: format!("{host}:{port}"),
            host: HeaderValue::from_str(&expected).ok()?,
        })
    }

    /// The request target of `url` (its path and query), when `url` is on this origin and
    /// the target is one hyper takes as it is.
    fn request_target(&self, url: &str) -> Option<hyper::Uri> {
        let rest = url
            .get(..self.origin.len())
            .filter(|head| *head == self.origin)?;
        let rest = &url[rest.len()..];
        let target = match rest.chars().next() {
            None => "/".to_string(),
            Some('/') => rest.to_string(),
            Some('?') => format!("/{rest}"),
            Some(_) => return None,
        };
        target.parse().ok()
    }
}

impl Connection {
    pub fn new(client: Arc<HttpClient>) -> Self {
        let proxied = PROXY_VARIABLES
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|value| !value.is_empty()));
        let direct = Direct::of(client.base_url(), proxied);
        Self {
            client,
            direct,
            sender: None,
        }
    }

    /// True when requests go over this sender's own connection rather than the pool.
    pub fn is_direct(&self) -> bool {
        self.direct.is_some()
    }

    /// Sends a request and keeps of the answer its status, `Retry-After` and, with
    /// `parse_json`, its body as JSON. An idempotent request whose connection failed is sent
    /// once more; with OAuth 2, a 401 makes the client fetch a new token and send once more.
    pub async fn send(
        &mut self,
        request: &OutgoingRequest,
        parse_json: bool,
    ) -> Result<BriefAnswer, HttpError> {
        let mut refreshed = false;
        loop {
            let answer = match self.send_once(request, parse_json).await {
                Err(HttpError::Transport { .. }) if HttpClient::idempotent(&request.method) => {
                    self.send_once(request, parse_json).await?
                }
                other => other?,
            };
            if !refreshed && self.client.token_may_be_stale(request, answer.status) {
                refreshed = true;
                self.client.forget_token().await;
                continue;
            }
            return Ok(answer);
        }
    }

    async fn send_once(
        &mut self,
        request: &OutgoingRequest,
        parse_json: bool,
    ) -> Result<BriefAnswer, HttpError> {
        let url = self.client.url_for(&request.path, &request.query);
        let target = self.direct.as_ref().and_then(|d| d.request_target(&url));
        let Some(target) = target else {
            // Another origin (refused there, with the reason), or a target to normalise.
            return self.client.send_brief_pooled(request, parse_json).await;
        };
        let timeout = self.client.timeout();
        match tokio::time::timeout(timeout, self.exchange(request, target, &url, parse_json)).await
        {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => {
                self.sender = None;
                Err(e)
            }
            Err(_) => {
                self.sender = None;
                Err(HttpError::Timeout { url, timeout })
            }
        }
    }

    async fn exchange(
        &mut self,
        request: &OutgoingRequest,
        target: hyper::Uri,
        url: &str,
        parse_json: bool,
    ) -> Result<BriefAnswer, HttpError> {
        let (headers, _) = self.client.headers(request, url, false).await?;
        let method = hyper::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| HttpError::Config(format!("bad method {}: {e}", request.method)))?;
        let body = request
            .body
            .as_ref()
            .map_or_else(Bytes::new, |b| Bytes::from(b.clone()));
        let mut outgoing = hyper::Request::new(Full::new(body));
        *outgoing.method_mut() = method;
        *outgoing.uri_mut() = target;
        let all = outgoing.headers_mut();
        if let Some(direct) = &self.direct {
            all.insert(HOST, direct.host.clone());
        }
        all.insert(USER_AGENT, HttpClient::user_agent());
        all.extend(headers);
        let sender = self.ready(url).await?;
        let response = sender
            .send_request(outgoing)
            .await
            .map_err(|e| transport(url, &e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let announced = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let mut read = BodyLimit::new(url, self.client.max_body(), announced, parse_json)?;
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| transport(url, &e))?;
            if let Some(data) = frame.data_ref() {
                read.take(data)?;
            }
        }
        let kept = read.into_kept();
        Ok(BriefAnswer {
            status,
            retry_after,
            json: if parse_json {
                serde_json::from_slice(&kept).ok()
            } else {
                None
            },
        })
    }

    /// The connection, ready for a request: the one held when it is still open, or a new one.
    async fn ready(&mut self, url: &str) -> Result<&mut SendRequest<Full<Bytes>>, HttpError> {
        if let Some(mut sender) = self.sender.take() {
            if !sender.is_closed() && sender.ready().await.is_ok() {
                return Ok(self.sender.insert(sender));
            }
        }
        let Some(direct) = &self.direct else {
            return Err(HttpError::Config("no direct connection".to_string()));
        };
        let unreachable = |detail: String| HttpError::Unreachable {
            url: url.to_string(),
            detail,
        };
        let stream = tokio::net::TcpStream::connect(&direct.address)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        stream
            .set_nodelay(true)
            .map_err(|e| unreachable(e.to_string()))?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        // Ends when the server closes the connection or the sender is dropped.
        tokio::spawn(connection);
        Ok(self.sender.insert(sender))
    }
}

/// A failure on an open connection, with its causes.
fn transport(url: &str, error: &hyper::Error) -> HttpError {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    HttpError::Transport {
        url: url.to_string(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn plain_http_targets_without_a_proxy_are_reached_directly() {
        let direct = Direct::of("http://127.0.0.1:8080/scim/v2", false).expect("direct");
        assert_eq!(direct.origin, "http://127.0.0.1:8080");
        assert_eq!(direct.address, "127.0.0.1:8080");
        assert_eq!(direct.host, "127.0.0.1:8080");
        let default_port = Direct::of("http://scim.example?aadOptscim062020", false);
        assert_eq!(
            default_port.map(|d| (d.origin, d.address)),
            Some(("http://scim.example".into(), "scim.example:80".into()))
        );
        for pooled in [
            "https://127.0.0.1:8443/scim/v2",
            "http://user:pass@127.0.0.1:8080/scim",
            "not a url",
        ] {
            assert_eq!(Direct::of(pooled, false), None, "{pooled}");
        }
        assert_eq!(Direct::of("http://127.0.0.1:8080/scim/v2", true), None);
    }

    #[test]
    fn only_urls_on_the_origin_get_a_request_target() {
        let direct = Direct::of("http://127.0.0.1:8080/scim/v2", false).expect("direct");
        let target = |url: &str| direct.request_target(url).map(|u| u.to_string());
        assert_eq!(
            target("http://127.0.0.1:8080/scim/v2/Users?count=1").as_deref(),
            Some("/scim/v2/Users?count=1")
        );
        assert_eq!(target("http://127.0.0.1:8080").as_deref(), Some("/"));
        assert_eq!(
            target("http://127.0.0.1:8080?x=1").as_deref(),
            Some("/?x=1")
        );
        for foreign in [
            "http://127.0.0.1:8080@evil.example/Users",
            "http://127.0.0.1:80801/Users",
            "http://127.0.0.2:8080/Users",
            "http://127.0.0.1:8080/a b",
        ] {
            assert_eq!(target(foreign), None, "{foreign}");
        }
    }

    /// Both ways of sending (this sender's own connection, and the pool it falls back to)
    /// give the same answers. The server closes the connection after every answer, so the
    /// direct way must reconnect each time.
    #[tokio::test]
    async fn a_brief_answer_parses_the_body_only_when_asked_on_either_way() {
        use crate::http::client::tests::{limited, raw_server};
        let base = raw_server(|_| {
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 8\r\n\r\n{\"id\":7}"
                .to_vec()
        })
        .await;
        for direct in [true, false] {
            let connection = |max_body: u64| {
                let mut c = Connection::new(Arc::new(limited(&base, max_body)));
                if !direct {
                    c.direct = None;
                }
                c
            };
            let mut c = connection(1024);
            assert_eq!(c.is_direct(), direct);
            let get = OutgoingRequest::get("/x");
            let brief = c.send(&get, false).await.expect("answer");
            assert_eq!((brief.status, brief.retry_after), (429, Some(3)));
            assert!(brief.json.is_none(), "not parsed: {brief:?}");
            let parsed = c.send(&get, true).await.expect("answer");
            assert_eq!(parsed.json, Some(serde_json::json!({"id": 7})));
            assert!(matches!(
                connection(4).send(&get, false).await,
                Err(HttpError::BodyTooLarge { limit: 4, .. })
            ));
            let foreign = c
                .send(&OutgoingRequest::get("http://127.0.0.2:1/x"), false)
                .await;
            assert!(
                matches!(foreign, Err(HttpError::ForeignOrigin { .. })),
                "{foreign:?}"
            );
        }
    }

    /// The headers the direct way sends: Host, User-Agent, Accept, the credentials, the
    /// extra headers, the request's own, and the body's length.
    #[tokio::test]
    async fn the_direct_way_sends_what_the_pool_sends() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut head = vec![0u8; 8192];
                let n = stream.read(&mut head).await.unwrap_or(0);
                let _ = seen_tx.send(String::from_utf8_lossy(&head[..n]).into_owned());
                let _ = stream
                    .write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                    .await;
                let _ = stream.shutdown().await;
            }
        });
        let base = format!("http://{addr}/scim/v2");
        let client = HttpClient::new(crate::http::ClientOptions {
            credentials: crate::http::Credentials::Bearer("s3cret".into()),
            extra_headers: vec![("X-Tenant".into(), "t1".into())],
            ..crate::http::ClientOptions::new(&base)
        })
        .expect("client");
        let mut heads = Vec::new();
        for direct in [true, false] {
            let mut c = Connection::new(Arc::new(client.clone()));
            if !direct {
                c.direct = None;
            }
            let request = OutgoingRequest::json("POST", "/Users", &serde_json::json!({"a": 1}));
            let answer = c.send(&request, false).await.expect("answer");
            assert_eq!(answer.status, 201);
            let head = seen_rx
                .recv()
                .await
                .expect("request seen")
                .to_ascii_lowercase();
            heads.push(head);
        }
        for head in &heads {
            for line in [
                "post /scim/v2/users http/1.1\r\n".to_string(),
                format!("host: {addr}\r\n"),
                concat!("user-agent: scimspec/", env!("CARGO_PKG_VERSION"), "\r\n").to_string(),
                "accept: application/scim+json\r\n".to_string(),
                "authorization: bearer s3cret\r\n".to_string(),
                "x-tenant: t1\r\n".to_string(),
                "content-type: application/scim+json\r\n".to_string(),
                "content-length: 7\r\n".to_string(),
            ] {
                assert!(head.contains(&line), "{line:?} not in {head}");
            }
        }
    }

    /// A target that accepts the connection and never answers, or sends an endless body, costs
    /// the client's timeout and the body limit, not more, on the direct way.
    #[tokio::test]
    async fn silence_and_endless_bodies_are_bounded_on_the_direct_way() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                let endless = held.len() % 2 == 1;
                held.push(tokio::spawn(async move {
                    if endless {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                            .await;
                        while stream.write_all(b"400\r\n").await.is_ok()
                            && stream.write_all(&[b'a'; 1024]).await.is_ok()
                            && stream.write_all(b"\r\n").await.is_ok()
                        {}
                    } else {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    drop(stream);
                }));
            }
        });
        let client = HttpClient::new(crate::http::ClientOptions {
            timeout: Duration::from_millis(300),
            max_body: 64 * 1024,
            ..crate::http::ClientOptions::new(format!("http://{addr}"))
        })
        .expect("client");
        let mut silent = Connection::new(Arc::new(client.clone()));
        let started = std::time::Instant::now();
        // A POST is not sent twice, so the one timeout is the whole cost.
        let post = OutgoingRequest::json("POST", "/Users", &serde_json::json!({}));
        let result = silent.send(&post, false).await;
        assert!(
            matches!(result, Err(HttpError::Timeout { .. })),
            "{result:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        let mut endless = Connection::new(Arc::new(client));
        let result = endless.send(&post, false).await;
        assert!(
            matches!(result, Err(HttpError::BodyTooLarge { limit: 65536, .. })),
            "{result:?}"
        );
    }
}
