//! Throughput of the embedded reference server: simple GETs and creates per second.
//!
//! `cargo bench --bench server` (optionally `-- --seconds 5 --connections 32`). The load
//! generator is a lean keep-alive HTTP/1.1 client on raw TCP in the same process, so the
//! figures are what the server sustains while sharing the machine with its client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scimspec::server::{spawn, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The allocator of the `scimspec` binary, so the figures are those of `scimspec serve`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tokio::net::TcpStream;

const TOKEN: &str = "bench-token";

/// Reads one HTTP/1.1 response (headers + Content-Length body) from `stream` into `buf`;
/// returns the status code.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(status);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn request(method: &str, path: &str, host: &str, body: Option<&str>) -> Vec<u8> {
    let mut r = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\nAccept: application/scim+json\r\n"
    );
    if let Some(b) = body {
        r.push_str(&format!(
            "Content-Type: application/scim+json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    r.push_str("\r\n");
    if let Some(b) = body {
        r.push_str(b);
    }
    r.into_bytes()
}

/// Runs `connections` keep-alive clients for `seconds`; `make` builds the n-th request.
async fn measure(
    addr: &str,
    connections: usize,
    seconds: f64,
    expect: u16,
    make: Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>,
) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let addr = addr.to_string();
        let done = Arc::clone(&done);
        let counter = Arc::clone(&counter);
        let make = Arc::clone(&make);
        tasks.push(tokio::spawn(async move {
            let Ok(mut stream) = TcpStream::connect(&addr).await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            let mut buf = Vec::with_capacity(16 * 1024);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if stream.write_all(&make(n)).await.is_err() {
                    return;
                }
                match read_response(&mut stream, &mut buf).await {
                    Ok(status) if status == expect => {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(status) => {
                        eprintln!("unexpected status {status}");
                        return;
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    let started = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let seconds = arg("--seconds", 3.0);
    let connections = arg("--connections", 32.0) as usize;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            std::process::exit(2);
        }
    };
    runtime.block_on(async {
        let server = match spawn(ServerConfig {
            token: Some(TOKEN.into()),
            ..ServerConfig::default()
        })
        .await
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot start the server: {e}");
                std::process::exit(2);
            }
        };
        let base = server.base_url().to_string();
        let rest = base.trim_start_matches("http://");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (host, path) = (host.to_string(), format!("/{path}"));

        // One user to read.
        let seed = request(
            "POST",
            &format!("{path}/Users"),
            &host,
            Some(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bench-reader","name":{"givenName":"Bench","familyName":"Reader"},"emails":[{"value":"bench@example.com","type":"work","primary":true}]}"#),
        );
        let mut stream = match TcpStream::connect(&host).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot connect: {e}");
                std::process::exit(2);
            }
        };
        let mut buf = Vec::new();
        let _ = stream.write_all(&seed).await;
        let _ = read_response(&mut stream, &mut buf).await;
        let body = String::from_utf8_lossy(&buf).to_string();
        let id = body
            .split("\"id\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_string();

        let get = {
            let (host, path) = (host.clone(), path.clone());
            let req = request("GET", &format!("{path}/Users/{id}"), &host, None);
            Arc::new(move |_n: u64| req.clone()) as Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>
        };
        let gets = measure(&host, connections, seconds, 200, get).await;
        println!("GET /Users/{{id}}   {gets:>10.0} requests/s  ({connections} connections, {seconds}s)");

        let create = {
            let (host, path) = (host.clone(), path.clone());
            Arc::new(move |n: u64| {
                request(
                    "POST",
                    &format!("{path}/Users"),
                    &host,
                    Some(&format!(
                        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bench-{n}","active":true}}"#
                    )),
                )
            }) as Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>
        };
        let creates = measure(&host, connections, seconds, 201, create).await;
        println!("POST /Users        {creates:>10.0} requests/s  ({connections} connections, {seconds}s)");
        server.stop().await;
    });
}
