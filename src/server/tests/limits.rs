//! The server's limits with small values: a full house of silent connections makes room for a
//! normal client, a head or body that does not arrive in time ends the request, a chunked body
//! over the limit is 413, and the advertised `maxPayloadSize` follows the limit.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::client::Client;
use crate::server::{Limits, ServerConfig};

fn limited(limits: Limits) -> ServerConfig {
    ServerConfig {
        limits,
        ..ServerConfig::default()
    }
}

fn addr(c: &Client) -> String {
    let url = c.server.base_url().trim_start_matches("http://");
    url.split('/').next().unwrap_or_default().to_string()
}

/// Everything the server sends until it closes, or until `wait` passes.
async fn read_all(stream: &mut TcpStream, wait: Duration) -> String {
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut raw)).await;
    String::from_utf8_lossy(&raw).to_string()
}

#[tokio::test]
async fn silent_connections_make_room_for_a_normal_client() {
    let c = Client::start(limited(Limits {
        max_connections: 20,
        ..Limits::default()
    }))
    .await;
    let mut silent = Vec::new();
    for _ in 0..60 {
        let mut s = TcpStream::connect(addr(&c)).await.expect("connect");
        s.write_all(b"GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("partial head");
        silent.push(s);
    }
    let started = Instant::now();
    let r = c.get("/Users").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(started.elapsed() < Duration::from_secs(2));
    // The oldest silent connections were closed to make room.
    let first = read_all(&mut silent[0], Duration::from_secs(2)).await;
    assert_eq!(first, "", "closed without an answer");
    c.stop().await;
}

#[tokio::test]
async fn a_head_that_does_not_arrive_in_time_closes_the_connection() {
    let c = Client::start(limited(Limits {
        header_timeout: Duration::from_millis(300),
        ..Limits::default()
    }))
    .await;
    let mut s = TcpStream::connect(addr(&c)).await.expect("connect");
    s.write_all(b"GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("partial head");
    let started = Instant::now();
    let _ = read_all(&mut s, Duration::from_secs(5)).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    c.stop().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_408() {
    let c = Client::start(limited(Limits {
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    }))
    .await;
    let mut s = TcpStream::connect(addr(&c)).await.expect("connect");
    s.write_all(
        b"POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\n\
          Content-Length: 100\r\n\r\n{\"sch",
    )
    .await
    .expect("partial body");
    let answer = read_all(&mut s, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"status\":\"408\""), "{answer}");
    c.stop().await;
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_and_the_limit_is_advertised() {
    let c = Client::start(limited(Limits {
        max_body_bytes: 1000,
        ..Limits::default()
    }))
    .await;
    let mut s = TcpStream::connect(addr(&c)).await.expect("connect");
    let chunk = format!("400\r\n{}\r\n", "x".repeat(0x400));
    s.write_all(
        format!(
            "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\n\
             Transfer-Encoding: chunked\r\n\r\n{chunk}"
        )
        .as_bytes(),
    )
    .await
    .expect("chunked body");
    let answer = read_all(&mut s, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("maxPayloadSize (1000)"), "{answer}");
    let spc = c.get("/ServiceProviderConfig").await.json();
    assert_eq!(spc["bulk"]["maxPayloadSize"], 1000);
    c.stop().await;
}

#[tokio::test]
async fn above_the_rate_limit_the_answer_is_429_with_retry_after() {
    let c = Client::start(limited(Limits {
        rate_limit: Some(crate::server::RateLimit { per_second: 5 }),
        ..Limits::default()
    }))
    .await;
    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..8 {
        let r = c.get("/Users").await;
        statuses.push(r.status);
        if r.status == 429 && refused.is_none() {
            refused = Some(r);
        }
    }
    let admitted = statuses.iter().filter(|s| **s == 200).count();
    assert!((1..=5).contains(&admitted), "{statuses:?}");
    let refused = refused.expect("a 429 above 5 requests per second");
    assert_eq!(refused.header("retry-after"), Some("1"), "{}", refused.body);
    c.stop().await;
}
