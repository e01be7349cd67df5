//! How much one client may ask of the reference server — body size, time to send a request,
//! open connections — and the layer that reads every request body within those limits.
//!
//! - A body larger than [`Limits::max_body_bytes`] answers 413 with a SCIM error naming the
//!   limit (RFC 7644 §3.7.4 for bulk, Table 8 "413 (Payload Too Large)"); a `Content-Length`
//!   announcing more is refused before a byte of the body is read. The same number is
//!   advertised as `bulk.maxPayloadSize`.
//! - A body that has not fully arrived within [`Limits::body_timeout`] answers 408.
//! - The head-read deadline and the connection bound are enforced where connections are
//!   served (`listen.rs`).

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, CONNECTION, CONTENT_LENGTH};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::connections::Connection;
use super::error::{ScimError, ScimType};
use super::state::AppState;

/// The limits the server enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body in bytes (advertised as `bulk.maxPayloadSize`); more is 413.
    pub max_body_bytes: usize,
    /// Time a connection has to send a complete request head once it is opened or has had its
    /// previous answer; then it is closed (slow or silent clients cannot hold it).
    pub header_timeout: Duration,
    /// Time a request body has to arrive in full once its head is read; then 408.
    pub body_timeout: Duration,
    /// Most connections open at once. A new connection beyond it closes the connection that
    /// has been waiting longest without a request in progress (one that never sent a complete
    /// request first); when every connection is answering, the new one gets 503.
    pub max_connections: usize,
    /// Most requests answered per second; more answer 429 with `Retry-After`
    /// (`rate_limit.rs`). None: no limit.
    pub rate_limit: Option<super::rate_limit::RateLimit>,
}

impl Default for Limits {
    /// 1 MiB bodies (RFC 7644 §3.7.4's example `maxPayloadSize`), 10 s for a request head,
    /// 30 s for a body, 512 connections (half the common default of 1,024 open files), no
    /// rate limit.
    fn default() -> Self {
        Self {
            max_body_bytes: 1_048_576,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 512,
            rate_limit: None,
        }
    }
}

/// 413 for a body over `max` bytes, in the words of RFC 7644 §3.7.4's example.
pub fn too_large(max: usize) -> ScimError {
    ScimError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
        format!("The size of the request exceeds the maxPayloadSize ({max})."),
    )
}

/// Why a body could not be read.
enum BodyProblem {
    TooLarge,
    Broken,
}

/// Middleware: reads the body within the size and time limits, then hands the request on
/// with the body in memory.
pub async fn read_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limits = &state.config().limits;
    let max = limits.max_body_bytes;
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > max as u64) {
        return closing(too_large(max));
    }
    let (parts, body) = req.into_parts();
    let read = tokio::time::timeout(limits.body_timeout, collect(body, max)).await;
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(BodyProblem::TooLarge)) => return closing(too_large(max)),
        Ok(Err(BodyProblem::Broken)) => {
            return closing(ScimError::bad_request(
                ScimType::InvalidSyntax,
                "the request body could not be read",
            ))
        }
        Err(_) => {
            return closing(ScimError::new(
                StatusCode::REQUEST_TIMEOUT,
                None,
                format!(
                    "the request body did not arrive within {} s",
                    limits.body_timeout.as_secs_f64()
                ),
            ))
        }
    };
    if let Some(conn) = parts.extensions.get::<Arc<Connection>>() {
        conn.body_read();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The error, with `Connection: close`: the rest of the body is never read.
fn closing(error: ScimError) -> Response {
    let mut res = error.into_response();
    res.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Reads the whole body, stopping as soon as it exceeds `max` bytes.
async fn collect(mut body: Body, max: usize) -> Result<Bytes, BodyProblem> {
    let mut out: Vec<u8> = Vec::new();
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyProblem::Broken)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > max {
                return Err(BodyProblem::TooLarge);
            }
            if out.is_empty() && body.is_end_stream() {
                return Ok(data);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    #[test]
    fn collects_up_to_the_limit_and_not_beyond() {
        let ok = block_on(collect(Body::from("x".repeat(10)), 10));
        assert!(matches!(ok, Ok(b) if b.len() == 10));
        let big = block_on(collect(Body::from("x".repeat(11)), 10));
        assert!(matches!(big, Err(BodyProblem::TooLarge)));
        let empty = block_on(collect(Body::empty(), 0));
        assert!(matches!(empty, Ok(b) if b.is_empty()));
    }

    #[test]
    fn the_default_payload_limit_is_one_mebibyte() {
        assert_eq!(Limits::default().max_body_bytes, 1 << 20);
        assert!(too_large(1 << 20).detail.contains("1048576"));
    }
}
