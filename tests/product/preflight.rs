//! The preflight of a run: a refused token or a base URL that is no SCIM base stops the run
//! before any case, with exit code 2 and a message saying what to check; `--no-preflight`
//! runs the cases anyway; the embedded server passes it.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use scimspec::server::ServerConfig;

use crate::support::{scimspec, serve_router, Reference, RunExt, TempDir};

/// The reference server requiring a bearer token.
fn guarded() -> (Reference, String) {
    let token = format!("tok-{}", uuid::Uuid::new_v4().simple());
    let server = Reference::start(ServerConfig {
        token: Some(token.clone()),
        ..Default::default()
    });
    (server, token)
}

#[test]
fn a_wrong_token_stops_the_run_before_any_case() {
    let (server, _) = guarded();
    let dir = TempDir::new("preflight-token");
    let started = Instant::now();
    let all = scimspec()
        .args(["run", "--target", server.base_url(), "--token", "wrong"])
        .junit_in(&dir)
        .exits(2);
    // Bounded time, with room for a loaded CI machine; that no case ran is checked below.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        all.contains("refused the credentials (bearer token)"),
        "{all}"
    );
    assert!(all.contains("answered 401"), "{all}");
    assert!(all.contains("--token"), "{all}");
    assert!(!all.contains("rfc7644-"), "a case ran: {all}");
    assert!(
        !dir.junit_path().exists(),
        "no report of a run that did not start"
    );
}

#[test]
fn a_wrong_base_path_names_the_right_one() {
    let (server, token) = guarded();
    let root = server.base_url().trim_end_matches("/scim/v2").to_string();
    let dir = TempDir::new("preflight-base");
    let all = scimspec()
        .args(["run", "--target", &root])
        .env("SCIMSPEC_TOKEN", &token)
        .junit_in(&dir)
        .exits(2);
    assert!(all.contains("does not look like a SCIM base URL"), "{all}");
    assert!(
        all.contains(&format!("try --target {root}/scim/v2")),
        "{all}"
    );
    assert!(!all.contains("rfc7644-"), "a case ran: {all}");
}

#[test]
fn a_web_page_with_no_scim_nearby_is_no_scim_base() {
    let page = || async { (StatusCode::NOT_FOUND, "<html>Not here</html>").into_response() };
    let base = serve_router(Router::new().fallback(page), "/app");
    let all = scimspec()
        .args(["run", "--target", &base, "--token", "t"])
        .exits(2);
    assert!(all.contains("/Users 404 text/plain"), "{all}");
    assert!(all.contains("None of"), "{all}");
    assert!(all.contains(&format!("{base}/scim/v2")), "{all}");
}

#[test]
fn no_preflight_runs_the_cases_anyway() {
    let (server, _) = guarded();
    let dir = TempDir::new("preflight-off");
    let filter = "rfc7644-3.3-create-returns-201";
    let all = scimspec()
        .args(["run", "--target", server.base_url(), "--token", "wrong"])
        .args(["--no-preflight", "--exact", filter])
        .junit_in(&dir)
        .exits(1);
    assert!(!all.contains("preflight:"), "{all}");
    assert!(dir.junit().contains(filter), "the case ran");
    // The same from the environment.
    scimspec()
        .args(["run", "--target", server.base_url(), "--token", "wrong"])
        .args(["--exact", filter])
        .env("SCIMSPEC_NO_PREFLIGHT", "1")
        .junit_in(&dir)
        .exits(1);
}

#[test]
fn the_embedded_server_passes_the_preflight() {
    let dir = TempDir::new("preflight-embedded");
    let all = scimspec()
        .args(["run", "--exact", "rfc7644-3.3-create-returns-201"])
        .junit_in(&dir)
        .exits(0);
    assert!(!all.contains("preflight:"), "{all}");
}

#[test]
fn the_config_file_can_turn_the_preflight_off() {
    let (server, _) = guarded();
    let dir = TempDir::new("preflight-config");
    let filter = "rfc7644-3.3-create-returns-201";
    let config = dir.write(
        "c.toml",
        format!(
            "[targets.t]\nurl = \"{}\"\ntoken = \"wrong\"\nno_preflight = true\n",
            server.base_url()
        ),
    );
    scimspec()
        .args(["run", "--exact", filter, "--config"])
        .arg(&config)
        .junit_in(&dir)
        .exits(1);
    assert!(dir.junit().contains(filter), "the case ran");
}
