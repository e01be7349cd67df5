//! A tiny HTTP/1.1 client for the tests: one request per connection.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::scim::urn;
use crate::server::{spawn, RunningServer, ServerConfig};

/// A parsed response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A running server and the credentials to use.
pub struct Client {
    pub server: RunningServer,
    pub auth: Option<String>,
}

impl Client {
    pub async fn start(config: ServerConfig) -> Self {
        let auth = config.token.as_ref().map(|t| format!("Bearer {t}"));
        let server = spawn(config).await.expect("server starts");
        Self { server, auth }
    }

    pub async fn default() -> Self {
        Self::start(ServerConfig::default()).await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let url = self.server.base_url().trim_start_matches("http://");
        let (host, base_path) = url.split_once('/').expect("base url has a path");
        let mut req = format!(
            "{method} /{base_path}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        );
        if let Some(a) = &self.auth {
            if !extra
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            {
                req.push_str(&format!("Authorization: {a}\r\n"));
            }
        }
        for (k, v) in extra {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        if body.is_some() {
            if !extra
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                req.push_str("Content-Type: application/scim+json\r\n");
            }
            req.push_str(&format!("Content-Length: {}\r\n", payload.len()));
        }
        req.push_str("\r\n");
        req.push_str(&payload);
        self.raw(host, req.as_bytes()).await
    }

    pub async fn raw(&self, host: &str, bytes: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(host).await.expect("connect");
        stream.write_all(bytes).await.expect("write");
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).await.expect("read");
        parse(&buf)
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send("POST", path, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send("PUT", path, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send("PATCH", path, Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send("DELETE", path, None, &[]).await
    }

    /// Creates a user and returns its id.
    pub async fn user(&self, user_name: &str) -> String {
        let r = self
            .post(
                "/Users",
                &serde_json::json!({"schemas": [urn::USER], "userName": user_name}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["id"].as_str().expect("id").to_string()
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

/// A PatchOp body.
pub fn patch_op(ops: Value) -> Value {
    serde_json::json!({"schemas": [urn::PATCH_OP], "Operations": ops})
}

fn parse(buf: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(buf).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}
