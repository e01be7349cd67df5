//! Exit codes as the README documents them, in every command: 0 passed, 1 a case failed or
//! errored, 2 a usage, configuration or case-file error, 3 a target that does not answer
//! (refused, reset or silent) — and a base URL whose query string must reach the target.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::support::servers::scim;
use crate::support::{scimspec, serve_router, RunExt, TempDir, UNREACHABLE};

/// How a broken target treats each connection.
#[derive(Clone, Copy)]
enum Broken {
    /// Reads the request and closes the connection without a word.
    Resets,
    /// Reads the request and never answers (the connection is held for 15 s).
    Silent,
}

/// A TCP listener on 127.0.0.1 that breaks every exchange as `how` says; its SCIM base URL.
/// It accepts at most 200 connections and lives as long as the test process.
fn broken_target(how: Broken) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                if let Broken::Silent = how {
                    std::thread::sleep(Duration::from_secs(15));
                }
            });
        }
    });
    format!("http://{addr}/scim/v2")
}

/// The example users file of the provisioning replay.
fn users_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/entra-provision.json")
}

#[test]
fn run_probe_and_provision_exit_3_when_the_target_resets_or_stays_silent() {
    for how in [Broken::Resets, Broken::Silent] {
        let url = broken_target(how);
        let dir = TempDir::new("exits-broken");
        let all = scimspec()
            .args(["run", "--target", &url, "--timeout", "1"])
            .junit_in(&dir)
            .exits(3);
        assert!(all.contains("target unreachable"), "{all}");
        let all = scimspec()
            .args(["probe", "--target", &url, "--timeout", "1"])
            .exits(3);
        assert!(all.contains("target unreachable"), "{all}");
        let all = scimspec()
            .arg("provision")
            .arg(users_file())
            .args(["--target", &url, "--timeout", "1"])
            .junit_in(&dir)
            .exits(3);
        assert!(all.contains("target unreachable"), "{all}");
    }
}

fn compare_config(dir: &TempDir, text: &str) -> PathBuf {
    dir.write("c.toml", text)
}

#[test]
fn compare_exits_3_only_when_no_target_answers() {
    let dir = TempDir::new("exits-compare");
    let reset = broken_target(Broken::Resets);
    let config = compare_config(
        &dir,
        &format!(
            "[defaults]\ntimeout = 1\n[targets.gone]\nurl = \"{UNREACHABLE}\"\n\
             [targets.resets]\nurl = \"{reset}\"\n"
        ),
    );
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path())
        .exits(3);
    assert!(all.contains("gone") && all.contains("resets"), "{all}");

    // One target answers: the comparison ran, and failed for the one that did not.
    let config = compare_config(
        &dir,
        &format!(
            "[defaults]\ntimeout = 1\n[targets.gone]\nurl = \"{UNREACHABLE}\"\n\
             [targets.reference]\n"
        ),
    );
    scimspec()
        .args([
            "compare",
            "--exact",
            "rfc7644-3.3-create-returns-201",
            "--config",
        ])
        .arg(&config)
        .arg("--out")
        .arg(dir.path())
        .exits(1);
}

#[test]
fn compare_exits_2_on_a_configuration_error() {
    let dir = TempDir::new("exits-compare-config");
    let config = compare_config(&dir, "[targets.a]\nurl = \"ftp://example.com/scim\"\n");
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path())
        .exits(2);
    assert!(all.contains("ftp://example.com/scim"), "{all}");

    let missing = dir.join("missing.pem");
    let config = compare_config(
        &dir,
        &format!(
            "[targets.a]\nurl = \"{UNREACHABLE}\"\nca_cert = \"{}\"\n",
            missing.display()
        ),
    );
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path())
        .exits(2);
    assert!(all.contains("missing.pem"), "{all}");
}

#[test]
fn run_with_a_config_file_that_names_no_target_is_a_usage_error() {
    let dir = TempDir::new("exits-empty-config");
    for text in ["", "[defaults]\ntimeout = 5\n"] {
        let config = dir.write("c.toml", text);
        let all = scimspec()
            .args(["run", "--config"])
            .arg(&config)
            .junit_in(&dir)
            .exits(2);
        assert!(all.contains("defines no target"), "{all}");
        assert!(!all.contains("embedded reference server at"), "{all}");
    }
    // An explicit target without a url is the embedded server.
    let config = dir.write("c.toml", "[targets.reference]\n");
    let all = scimspec()
        .args([
            "run",
            "--exact",
            "rfc7644-3.3-create-returns-201",
            "--config",
        ])
        .arg(&config)
        .junit_in(&dir)
        .exits(0);
    assert!(all.contains("1 passed"), "{all}");
}

/// A target whose `/Users` answers only when the base URL's query string comes first, as
/// Entra sends it; 404 otherwise.
fn query_target() -> String {
    let users = |RawQuery(query): RawQuery| async move {
        match query {
            Some(q) if q.starts_with("aadOptscim062020&filter=") => scim(
                StatusCode::OK,
                serde_json::json!({
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                    "totalResults": 0, "Resources": [], "startIndex": 1, "itemsPerPage": 0
                }),
            ),
            _ => scim(
                StatusCode::NOT_FOUND,
                serde_json::json!({
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                    "status": "404", "detail": format!("query {query:?}")
                }),
            ),
        }
    };
    serve_router(
        Router::new().route("/scim/v2/Users", get(users)),
        "/scim/v2",
    )
}

#[test]
fn a_base_url_query_string_is_sent_after_the_path() {
    let base = query_target();
    let all = scimspec()
        .args(["probe", "--no-group-probe", "--target"])
        .arg(format!("{base}?aadOptscim062020"))
        .exits(0);
    assert!(!all.contains("404"), "{all}");
    // Without it the target answers 404, so the test above can fail.
    scimspec()
        .args(["probe", "--no-group-probe", "--target", &base])
        .exits(1);
}
