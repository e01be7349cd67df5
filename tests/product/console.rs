//! The console of `scimspec run` through a pipe, and the run's verdicts at `--jobs 8`: progress
//! lines, `-q`, and a target that fails whatever it is asked while another request is in
//! flight — list filters with 400, one resource with 500 — on which every case still passes,
//! because filtering cases run one at a time and a 5xx alongside other cases is run again
//! alone.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::support::servers::{scim, users_only_resource_types};
use crate::support::{scimspec, serve_router, RunExt, TempDir};

/// Requests being answered at the moment.
type InFlight = Arc<AtomicUsize>;

/// Waits a little and tells whether another request was in flight meanwhile.
async fn alone(in_flight: &InFlight) -> bool {
    let before = in_flight.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(40)).await;
    let during = in_flight.fetch_sub(1, Ordering::SeqCst);
    before == 0 && during == 1
}

/// A target whose list filters answer 400 and whose `/Users/slow` answers 500 whenever
/// another of these requests is being answered at the same time.
fn busy_target() -> String {
    let in_flight = InFlight::default();
    let config = || async {
        scim(
            StatusCode::OK,
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "filter": {"supported": true, "maxResults": 100}
            }),
        )
    };
    let types = || async { users_only_resource_types() };
    let list = |State(in_flight): State<InFlight>, RawQuery(query): RawQuery| async move {
        let filtered = query.unwrap_or_default().contains("filter=");
        if filtered && !alone(&in_flight).await {
            return scim(
                StatusCode::BAD_REQUEST,
                json!({"scimType": "invalidFilter", "detail": "busy"}),
            );
        }
        scim(
            StatusCode::OK,
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 0,
                "Resources": []
            }),
        )
    };
    let slow = |State(in_flight): State<InFlight>| async move {
        if alone(&in_flight).await {
            scim(StatusCode::OK, json!({"id": "slow", "userName": "slow"}))
        } else {
            scim(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"detail": "deadlock"}),
            )
        }
    };
    let not_found = || async { scim(StatusCode::NOT_FOUND, json!({"status": "404"})) };
    let router = Router::new()
        .route("/scim/ServiceProviderConfig", get(config))
        .route("/scim/ResourceTypes", get(types))
        .route("/scim/Users", get(list))
        .route("/scim/Users/slow", get(slow))
        .fallback(not_found)
        .with_state(in_flight);
    serve_router(router, "/scim")
}

/// Four cases reading `/Users/slow` and three filtering `/Users`.
fn busy_cases(dir: &TempDir) -> std::path::PathBuf {
    let mut text = String::from("spec: RFC7644 §3.4\ntags: [users]\ncases:\n");
    for i in 1..=4 {
        text.push_str(&format!(
            "  - id: slow-read-{i}\n    title: GET /Users/slow\n    level: MUST\n    steps:\n      - request: {{ method: GET, path: /Users/slow }}\n        expect: {{ status: 200 }}\n"
        ));
    }
    for i in 1..=3 {
        text.push_str(&format!(
            "  - id: filter-{i}\n    title: GET /Users filtered\n    level: MUST\n    steps:\n      - request: {{ method: GET, path: /Users, query: {{ filter: 'userName eq \"{{{{uid}}}}\"' }} }}\n        expect: {{ status: 200 }}\n"
        ));
    }
    dir.write("busy.yaml", text)
}

#[test]
fn a_target_failing_under_concurrency_gets_the_verdicts_it_gets_alone() {
    let target = busy_target();
    let dir = TempDir::new("console-busy");
    let cases = busy_cases(&dir);
    let report = dir.path().join("report.json");
    let all = scimspec()
        .args(["run", "--jobs", "8", "--no-preflight", "--target", &target])
        .arg("--suites")
        .arg(&cases)
        .arg("--report-json")
        .arg(&report)
        .junit_in(&dir)
        .exits(0);
    assert!(
        all.contains("scimspec: 7 passed, 0 failed, 0 warned, 0 skipped, 0 errors;"),
        "{all}"
    );
    // The slow reads ran at once and failed with 500: each ran again alone and passed.
    let retried = all.matches("(run again alone: its first attempt").count();
    assert!((2..=4).contains(&retried), "{all}");
    assert!(
        all.contains(&format!("; {retried} run again alone;")),
        "{all}"
    );
    assert!(
        all.contains("run again alone (a 5xx while other cases ran"),
        "{all}"
    );
    let json = std::fs::read_to_string(&report).expect("the JSON report");
    assert!(
        json.contains(
            "run again alone: its first attempt, alongside other cases, ended fail on a 5xx"
        ),
        "{json}"
    );
}

#[test]
fn through_a_pipe_progress_comes_as_lines_and_quiet_prints_the_summary_only() {
    let target = busy_target();
    let dir = TempDir::new("console-pipe");
    let cases = busy_cases(&dir);
    let run = |quiet: bool| {
        let mut command = scimspec();
        command
            .args(["run", "--jobs", "1", "--no-preflight", "--target", &target])
            .arg("--suites")
            .arg(&cases)
            .env("SCIMSPEC_PROGRESS_EVERY", "0")
            .junit_in(&dir);
        if quiet {
            command.arg("-q");
        }
        command.exits(0)
    };
    let all = run(false);
    assert!(all.contains("[MUST]   filter-1    ... pass"), "{all}");
    assert!(
        all.contains("[1/7] 0 failed, 0 warned, 0 errors; "),
        "{all}"
    );
    assert!(
        all.contains("[7/7] 0 failed, 0 warned, 0 errors; "),
        "{all}"
    );
    assert!(!all.contains("test result"), "{all}");

    let quiet = run(true);
    assert!(!quiet.contains("[7/7]"), "{quiet}");
    assert!(!quiet.contains("... pass"), "{quiet}");
    assert!(
        quiet
            .trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("scimspec: 7 passed")),
        "{quiet}"
    );
}
