//! `scimspec serve` as a user runs it: it says where it listens, and hostile clients — huge
//! filters and paths, a body announced at 10 GiB, a thousand slowloris connections — neither
//! crash it nor keep other clients from being answered.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `scimspec serve --port 0` process, killed when dropped.
struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT/scim/v2`, as printed.
    base_url: String,
    /// Host and port.
    addr: String,
    /// The first two lines it printed.
    banner: String,
}

impl Served {
    /// Starts `scimspec serve --port 0 ARGS`; with `max_open_files`, under that limit of open
    /// file descriptors (`ulimit -n`, as on many systems by default).
    fn start(args: &[&str], max_open_files: Option<u32>) -> Self {
        let bin = env!("CARGO_BIN_EXE_scimspec");
        let mut cmd = match max_open_files {
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(bin);
                sh
            }
            None => Command::new(bin),
        };
        for (key, _) in std::env::vars() {
            if key.starts_with("SCIMSPEC_") {
                cmd.env_remove(key);
            }
        }
        let mut child = cmd
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start scimspec serve");
        let stdout = child.stdout.take().expect("stdout piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let mut banner = String::new();
            for _ in 0..2 {
                let line = lines.next().and_then(Result::ok).unwrap_or_default();
                banner.push_str(&line);
                banner.push('\n');
            }
            let _ = tx.send(banner);
            // Keep reading so the server never blocks on a full pipe.
            for _ in lines {}
        });
        let banner = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
        let Some(base_url) = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_string)
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scimspec serve printed no URL: {banner:?}");
        };
        let addr = base_url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        Served {
            child,
            base_url,
            addr,
            banner,
        }
    }

    /// Sends one request (`Connection: close`) and returns the status and body.
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let Some(mut stream) = self.connect() else {
            return (0, "no connection".into());
        };
        let body = body.unwrap_or_default();
        let head = format!(
            "{method} /scim/v2{path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/scim+json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        // The server may answer (and close) before it has read a refused body.
        let _ = stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body.as_bytes()));
        read_answer(&mut stream)
    }

    /// A connection, waiting at most 5 s for it and then at most 10 s for each read.
    fn connect(&self) -> Option<TcpStream> {
        let addr = self.addr.parse().ok()?;
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        Some(stream)
    }

    /// True while the server answers `GET /ServiceProviderConfig` with 200.
    fn answers(&self) -> bool {
        self.request("GET", "/ServiceProviderConfig", None).0 == 200
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads an answer until the server closes the connection: its status and body.
fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn scim_type(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body).unwrap_or_default()["scimType"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn port_zero_prints_a_url_that_works_and_the_auth_mode_without_the_secret() {
    let served = Served::start(&["--token", "s3cret-token-value"], None);
    assert!(served.base_url.ends_with("/scim/v2"), "{}", served.banner);
    assert!(!served.addr.ends_with(":0"), "{}", served.banner);
    assert!(
        served.banner.contains("auth: bearer token"),
        "{}",
        served.banner
    );
    assert!(!served.banner.contains("s3cret"), "{}", served.banner);
    let (status, _) = served.request("GET", "/Users", None);
    assert_eq!(status, 401, "the token is required");

    let open = Served::start(&["--profile", "okta"], None);
    assert!(open.banner.contains("auth: none"), "{}", open.banner);
    assert!(open.banner.contains("profile: okta"), "{}", open.banner);
    assert!(open.answers(), "{}", open.base_url);
}

#[test]
fn a_filter_of_fifty_thousand_terms_is_refused_and_the_server_keeps_answering() {
    let served = Served::start(&[], None);
    let filter = vec!["userName pr"; 50_000].join(" or ");
    let search = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": filter,
    })
    .to_string();
    let (status, body) = served.request("POST", "/.search", Some(&search));
    assert_eq!(
        (status, scim_type(&body).as_str()),
        (400, "invalidFilter"),
        "{body}"
    );
    // Under the length limit, a chain too deep is refused the same way.
    let deep = vec!["userName pr"; 200].join(" and ");
    let (status, body) = served.request(
        "GET",
        &format!("/Users?filter={}", deep.replace(' ', "%20")),
        None,
    );
    assert_eq!(
        (status, scim_type(&body).as_str()),
        (400, "invalidFilter"),
        "{body}"
    );
    assert!(served.answers());
}

#[test]
fn a_patch_path_of_forty_thousand_terms_is_refused_and_the_server_keeps_answering() {
    let served = Served::start(&[], None);
    let user = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "deep-path",
    })
    .to_string();
    let (status, body) = served.request("POST", "/Users", Some(&user));
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default()["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let path = format!(
        "emails[{}]",
        vec![r#"type eq "work""#; 40_000].join(" and ")
    );
    let patch = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": path, "value": "x@example.com"}],
    })
    .to_string();
    let (status, body) = served.request("PATCH", &format!("/Users/{id}"), Some(&patch));
    assert_eq!(
        (status, scim_type(&body).as_str()),
        (400, "invalidPath"),
        "{body}"
    );
    assert!(
        body.len() < 1_000,
        "the error does not repeat the path: {body}"
    );
    assert!(served.answers());
}

#[test]
fn a_body_announced_at_ten_gibibytes_is_refused_at_once() {
    let served = Served::start(&[], None);
    let mut stream = served.connect().expect("connect");
    let started = Instant::now();
    let head = "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\n\
                Content-Length: 10737418240\r\n\r\n";
    stream.write_all(head.as_bytes()).expect("send head");
    let (status, body) = read_answer(&mut stream);
    let took = started.elapsed();
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("maxPayloadSize (1048576)"), "{body}");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    let (_, config) = served.request("GET", "/ServiceProviderConfig", None);
    assert!(config.contains("\"maxPayloadSize\":1048576"), "{config}");
}

#[test]
fn a_normal_client_is_answered_while_a_thousand_slowloris_connections_are_open() {
    // 512 open files: like a default of 1,024 with half of it used, the old server ran out
    // of descriptors with these connections and stopped accepting anyone.
    let served = Served::start(&[], Some(512));
    let opening = Instant::now();
    let mut slow = Vec::new();
    while slow.len() < 1_000 {
        // Open a connection, send part of a request head, then nothing.
        let Some(mut s) = served.connect() else { break };
        if s.write_all(b"GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n")
            .is_err()
        {
            break;
        }
        slow.push(s);
    }
    let opened = (slow.len(), opening.elapsed());
    let started = Instant::now();
    let (status, body) = served.request("GET", "/Users", None);
    let took = started.elapsed();
    assert_eq!(status, 200, "{body} (slow connections opened: {opened:?})");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    assert_eq!(opened.0, 1_000, "every slow connection opened");
    eprintln!("GET /Users answered in {took:?} with 1,000 slowloris connections open ({opened:?} to open them)");
    drop(slow);
}
