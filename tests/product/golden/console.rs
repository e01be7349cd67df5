//! The console of `scimspec run` (by default, `-v` and `-q`) against a tiny target that answers the cases of
//! `tests/golden/cases.yaml` the same way every time: a failure with its transcript, a pass,
//! a warning, a skip and an error, as the real binary prints them.

use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::{mask, no_secret};
use crate::support::golden::assert_golden;
use crate::support::reports::SECRET;
use crate::support::servers::{scim, users_only_resource_types};
use crate::support::{scimspec, serve_router, RunExt, TempDir};

/// A target answering the cases of `tests/golden/cases.yaml` the same way every time: it
/// creates without Location and changes the userName (a MUST broken), lists users, reads a
/// user without ETag (a SHOULD broken), has no Groups (a skip) and fails sorting with 500
/// (an error).
fn golden_target() -> String {
    let config = || async {
        scim(
            StatusCode::OK,
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "patch": {"supported": true},
                "sort": {"supported": true}
            }),
        )
    };
    let types = || async { users_only_resource_types() };
    let create = |body: String| async move {
        let sent: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        scim(
            StatusCode::CREATED,
            json!({
                "schemas": sent["schemas"],
                "id": "golden-1",
                "userName": "Golden-User",
                "meta": {"resourceType": "User"}
            }),
        )
    };
    let list = |RawQuery(query): RawQuery| async move {
        if query.unwrap_or_default().contains("sortBy") {
            return scim(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"detail": "sorting is not implemented"}),
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
    let read = || async {
        scim(
            StatusCode::OK,
            json!({"id": "golden-1", "userName": "golden-user"}),
        )
    };
    let delete = || async { StatusCode::NO_CONTENT };
    let not_found = || async { scim(StatusCode::NOT_FOUND, json!({"status": "404"})) };
    let router = Router::new()
        .route("/scim/ServiceProviderConfig", get(config))
        .route("/scim/ResourceTypes", get(types))
        .route("/scim/Users", get(list).post(create))
        .route("/scim/Users/golden-1", get(read).delete(delete))
        .fallback(not_found);
    serve_router(router, "/scim")
}

/// Everything `scimspec run` printed, without what changes from run to run: the port,
/// the temporary directory, dates and timings.
fn stable_console(text: &str, dir: &TempDir) -> String {
    let text = text.replace(&dir.path().display().to_string(), "[dir]");
    let text = mask(&text, r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    let text = mask(&text, r"(?m)^(\s*< date: ).*$", "${1}[date]");
    let text = mask(&text, r"\(\d+ ms\)", "([n] ms)");
    mask(&text, r"\d+\.\d+ s\b", "[n] s")
}

#[test]
fn console_of_a_run_with_every_outcome() {
    let target = golden_target();
    let dir = TempDir::new("golden-console");
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cases.yaml");
    for (flags, golden) in [
        (&["-v"][..], "console-run.txt"),
        (&[], "console-run-default.txt"),
        (&["-q"], "console-run-quiet.txt"),
    ] {
        let all = scimspec()
            .arg("run")
            .args(flags)
            .args(["--jobs", "1", "--target", &target, "--token", SECRET])
            .arg("--suites")
            .arg(&cases)
            .junit_in(&dir)
            .exits(1);
        no_secret("the console", &all);
        assert_golden(golden, &stable_console(&all, &dir));
    }
}
