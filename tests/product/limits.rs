//! Bounded memory and time against hostile targets, and a clean stop on Ctrl-C: the real
//! binary against an endless or huge response body (its peak memory read from
//! `/proc/<pid>/status` while it runs), an endless slow body, a target that goes silent after
//! discovery (the deadline of `run` and of `compare`), and SIGINT in the middle of a run.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;

use crate::support::{scimspec, serve_router, RunExt, TempDir};

/// The exit code of a run stopped by SIGINT (README, `src/exit.rs`).
const INTERRUPTED: i32 = 130;

/// What the hostile target sends for every request outside discovery.
#[derive(Clone, Copy)]
enum Hostile {
    /// A chunked body that never ends, as fast as loopback takes it.
    Endless,
    /// `Content-Length: 200000000` and the 200 MB behind it.
    Huge,
    /// A chunked body that never ends, one byte every 100 ms.
    Trickle,
}

/// Reads one request head (and discards its body); the request path, or None at the end of
/// the connection.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    head.split_whitespace().nth(1).map(str::to_string)
}

/// Sends the hostile answer until the client goes away (or the huge body is complete).
fn send_hostile(stream: &mut TcpStream, hostile: Hostile) {
    let block = vec![b' '; 64 * 1024];
    match hostile {
        Hostile::Endless => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n\
                        Transfer-Encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let mut chunk = format!("{:x}\r\n", block.len()).into_bytes();
            chunk.extend_from_slice(&block);
            chunk.extend_from_slice(b"\r\n");
            while stream.write_all(&chunk).is_ok() {}
        }
        Hostile::Huge => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n\
                        Content-Length: 200000000\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let mut sent = 0;
            while sent < 200_000_000 && stream.write_all(&block).is_ok() {
                sent += block.len();
            }
        }
        Hostile::Trickle => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\n\
                        Transfer-Encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            while stream.write_all(b"1\r\n \r\n").is_ok() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// A raw HTTP/1.1 target on 127.0.0.1: the discovery endpoints answer 404, everything else
/// gets the hostile answer. Its SCIM base URL.
fn hostile_target(hostile: Hostile) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                while let Some(path) = read_request(&mut stream) {
                    let discovery = ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"]
                        .iter()
                        .any(|d| path.contains(d));
                    if !discovery {
                        send_hostile(&mut stream, hostile);
                        return;
                    }
                    let answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
                    if stream.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}/scim/v2")
}

/// How a watched run of the binary ended.
struct Watched {
    /// None when the watch had to kill it.
    status: Option<ExitStatus>,
    /// The highest VmHWM seen, in KiB.
    peak_kib: u64,
    elapsed: Duration,
    output: String,
}

/// The peak resident set size of a live process, in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Starts `cmd` with its output going to files of `dir`.
fn spawn_logged(cmd: &mut Command, dir: &TempDir) -> Child {
    let out = std::fs::File::create(dir.join("stdout")).expect("stdout file");
    let err = std::fs::File::create(dir.join("stderr")).expect("stderr file");
    cmd.stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start scimspec")
}

fn logged_output(dir: &TempDir) -> String {
    let read = |name| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    format!("{}{}", read("stdout"), read("stderr"))
}

/// Runs `cmd` to its end, reading its peak memory every 20 ms; kills it when it passes
/// `kill_above_kib` or runs longer than `limit` (the watch's own bound, so a failing test
/// fails quickly rather than exhausting the machine).
fn run_watched(cmd: &mut Command, dir: &TempDir, limit: Duration, kill_above_kib: u64) -> Watched {
    let started = Instant::now();
    let mut child = spawn_logged(cmd, dir);
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak_kib = peak_kib.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if peak_kib > kill_above_kib || started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for scimspec: {e}"),
        }
    };
    Watched {
        status,
        peak_kib,
        elapsed: started.elapsed(),
        output: logged_output(dir),
    }
}

/// 200 MB, the most a run may hold whatever the target sends.
const MEMORY_BOUND_KIB: u64 = 200 * 1024;

fn bounded_against(hostile: Hostile, tag: &str) {
    let dir = TempDir::new(tag);
    let target = hostile_target(hostile);
    let run = run_watched(
        scimspec()
            .args(["run", "rfc7644-3.3", "--target", &target, "--timeout", "20"])
            .junit_in(&dir),
        &dir,
        Duration::from_secs(60),
        4 * MEMORY_BOUND_KIB,
    );
    eprintln!("{tag}: peak RSS {} KiB, {:?}", run.peak_kib, run.elapsed);
    assert!(
        run.peak_kib < MEMORY_BOUND_KIB,
        "peak RSS {} KiB (killed: {}) after {:?}: {}",
        run.peak_kib,
        run.status.is_none(),
        run.elapsed,
        run.output
    );
    assert_eq!(run.status.and_then(|s| s.code()), Some(1), "{}", run.output);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
    let xml = dir.junit();
    assert!(
        xml.contains("body larger than 4194304 bytes"),
        "the cases error with the reason: {xml}"
    );
}

#[test]
fn an_endless_body_keeps_memory_bounded() {
    bounded_against(Hostile::Endless, "endless");
}

#[test]
fn a_200_mb_body_keeps_memory_bounded() {
    bounded_against(Hostile::Huge, "huge");
}

#[test]
fn the_timeout_covers_reading_the_body() {
    let dir = TempDir::new("trickle");
    let target = hostile_target(Hostile::Trickle);
    let run = run_watched(
        scimspec()
            .args(["run", "--exact", "rfc7644-3.3-create-returns-201"])
            .args(["--target", &target, "--timeout", "2"])
            .junit_in(&dir),
        &dir,
        Duration::from_secs(60),
        4 * MEMORY_BOUND_KIB,
    );
    assert_eq!(run.status.and_then(|s| s.code()), Some(1), "{}", run.output);
    assert!(
        run.elapsed < Duration::from_secs(15),
        "{:?}: {}",
        run.elapsed,
        run.output
    );
    assert!(dir.junit().contains("within 2s"), "{}", dir.junit());
}

/// Discovery answers 404; every other request is accepted and never answered.
fn silent_target() -> String {
    let router = Router::new()
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(|| async { StatusCode::NOT_FOUND }),
        )
        .route(
            "/scim/v2/ResourceTypes",
            get(|| async { StatusCode::NOT_FOUND }),
        )
        .route("/scim/v2/Schemas", get(|| async { StatusCode::NOT_FOUND }))
        .fallback(std::future::pending::<Response>);
    serve_router(router, "/scim/v2")
}

#[test]
fn a_silent_target_ends_at_the_run_deadline_with_a_report() {
    let dir = TempDir::new("deadline");
    let target = silent_target();
    let started = Instant::now();
    let all = scimspec()
        .args([
            "run",
            "--target",
            &target,
            "--timeout",
            "2",
            "--deadline",
            "5",
        ])
        .junit_in(&dir)
        .exits(1);
    let elapsed = started.elapsed();
    eprintln!("deadline 5 s, timeout 2 s: the run took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}: {all}");
    let xml = dir.junit();
    assert!(
        xml.contains("run deadline of 5 s reached"),
        "cases not finished name the deadline: {xml}"
    );
    assert!(all.contains("run deadline of 5 s reached"), "{all}");
}

/// Creates Users after a second (201 with an id), deletes at once, and holds every other
/// request for a minute: cases are in flight whenever the run is interrupted. Counts creations.
fn slow_target() -> (String, Arc<AtomicUsize>) {
    let created = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&created);
    let users = any(move |method: axum::http::Method, body: String| {
        let counter = Arc::clone(&counter);
        async move {
            if method == axum::http::Method::POST {
                tokio::time::sleep(Duration::from_secs(1)).await;
                counter.fetch_add(1, Ordering::SeqCst);
                let mut user: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                user["id"] = serde_json::json!(uuid::Uuid::new_v4().to_string());
                crate::support::servers::scim(StatusCode::CREATED, user)
            } else {
                tokio::time::sleep(Duration::from_secs(60)).await;
                StatusCode::NOT_FOUND.into_response()
            }
        }
    });
    let router = Router::new()
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(|| async { StatusCode::NOT_FOUND }),
        )
        .route(
            "/scim/v2/ResourceTypes",
            get(|| async { StatusCode::NOT_FOUND }),
        )
        .route("/scim/v2/Schemas", get(|| async { StatusCode::NOT_FOUND }))
        .route("/scim/v2/Users", users)
        .route(
            "/scim/v2/Users/{id}",
            any(|method: axum::http::Method| async move {
                if method == axum::http::Method::DELETE {
                    StatusCode::NO_CONTENT.into_response()
                } else {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    StatusCode::NOT_FOUND.into_response()
                }
            }),
        )
        .fallback(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::NOT_FOUND
        });
    (serve_router(router, "/scim/v2"), created)
}

fn send_sigint(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT failed");
}

/// Waits for `child` to end within `limit`; its status and how long it took.
fn wait_within(child: &mut Child, limit: Duration) -> (Option<ExitStatus>, Duration) {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return (Some(status), started.elapsed());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (None, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts a run against the slow target and waits until some of its cases are in flight.
fn run_in_flight(dir: &TempDir) -> Child {
    let (target, created) = slow_target();
    let child = spawn_logged(
        scimspec()
            .args([
                "run",
                "--target",
                &target,
                "--jobs",
                "8",
                "--timeout",
                "120",
            ])
            .junit_in(dir),
        dir,
    );
    let started = Instant::now();
    while created.load(Ordering::SeqCst) < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no case reached the target: {}",
            logged_output(dir)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn sigint_stops_the_run_writes_the_report_and_says_so() {
    let dir = TempDir::new("sigint");
    let mut child = run_in_flight(&dir);
    send_sigint(&child);
    let (status, took) = wait_within(&mut child, Duration::from_secs(30));
    let all = logged_output(&dir);
    eprintln!("SIGINT: the run stopped after {took:?}");
    assert_eq!(status.and_then(|s| s.code()), Some(INTERRUPTED), "{all}");
    assert!(
        took < Duration::from_secs(10),
        "stopped after {took:?}: {all}"
    );
    assert!(all.contains("interrupted"), "{all}");
    let xml = dir.junit();
    assert!(
        xml.contains("<error message=\"interrupted"),
        "interrupted cases are errors: {xml}"
    );
}

#[test]
fn a_second_sigint_exits_at_once() {
    let dir = TempDir::new("sigint-twice");
    let mut child = run_in_flight(&dir);
    send_sigint(&child);
    std::thread::sleep(Duration::from_millis(300));
    send_sigint(&child);
    let (status, took) = wait_within(&mut child, Duration::from_secs(30));
    let all = logged_output(&dir);
    assert_eq!(status.and_then(|s| s.code()), Some(INTERRUPTED), "{all}");
    assert!(
        took < Duration::from_secs(2),
        "stopped after {took:?}: {all}"
    );
}

#[test]
fn compare_ends_at_the_deadline_with_its_files() {
    let dir = TempDir::new("compare-deadline");
    let target = silent_target();
    let config = dir.write(
        "scimspec.toml",
        format!("[targets.silent]\nurl = \"{target}\"\ntimeout = 2\ndeadline = 4\n"),
    );
    let started = Instant::now();
    let output = scimspec()
        .args(["compare", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("run scimspec");
    let elapsed = started.elapsed();
    let all = crate::support::binary::text(&output);
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}: {all}");
    let xml = std::fs::read_to_string(dir.join("compare-junit.xml")).expect("compare JUnit");
    assert!(xml.contains("run deadline of 4 s reached"), "{xml}");
}
