//! Planning adapts to what a target declares where the RFC lets it choose: a target that does
//! not support `POST /.search`, that answers small pages, or that supports a subset of the User
//! schema gets the cases needing more skipped, each with the evidence discovery found.

use scimspec::server::{ServerConfig, Variant};

use crate::support::{scimspec, Reference, RunExt, TempDir};

/// Runs the one case `id` against `server`, expecting exit `code` (2 when it was skipped: no
/// case ran), and returns what was printed.
fn run_one(server: &Reference, id: &str, dir: &TempDir, code: i32) -> String {
    scimspec()
        .args([
            "run",
            "--target",
            server.base_url(),
            "--token",
            "adapt-token",
            "--exact",
            id,
        ])
        .junit_in(dir)
        .exits(code)
}

#[test]
fn cases_needing_what_the_target_lacks_are_skipped_with_the_evidence() {
    let server = Reference::start(ServerConfig {
        token: Some("adapt-token".into()),
        variants: vec![
            Variant::NoSearch,
            Variant::SmallPages,
            Variant::UserSchemaSubset,
        ],
        ..ServerConfig::default()
    });
    let dir = TempDir::new("adapts");
    for (id, evidence) in [
        (
            "rfc7644-3.4.3-search-filter",
            "requires search: POST /Users/.search answered 501",
        ),
        (
            "rfc7644-3.4.2.4-count-above-matches",
            "expects 3 resources on one page, more than the target answers (ServiceProviderConfig says filter.maxResults=2)",
        ),
        (
            "rfc7644-3.4.2.2-filter-ne",
            "uses the User attribute title, which the target does not support (/Schemas: the User schema does not list title)",
        ),
    ] {
        let out = run_one(&server, id, &dir, 2);
        assert!(out.contains("1 skipped") && out.contains(evidence), "{id}: {out}");
    }
}

#[test]
fn a_target_declaring_everything_runs_those_cases() {
    let server = Reference::start(ServerConfig {
        token: Some("adapt-token".into()),
        ..ServerConfig::default()
    });
    let dir = TempDir::new("adapts");
    for id in [
        "rfc7644-3.4.3-search-filter",
        "rfc7644-3.4.2.4-count-above-matches",
        "rfc7644-3.4.2.2-filter-ne",
    ] {
        let out = run_one(&server, id, &dir, 0);
        assert!(out.contains("1 passed"), "{id}: {out}");
    }
}

#[test]
fn the_command_line_uses_what_calibration_learnt() {
    // Email-shaped user names and required attributes are learnt before the cases run; the
    // cases of `scimspec run` must then use them, as the library's run does.
    let server = Reference::start(ServerConfig {
        token: Some("adapt-token".into()),
        variants: vec![Variant::EmailUserName, Variant::RequireNameAndActive],
        ..ServerConfig::default()
    });
    let dir = TempDir::new("adapts");
    let out = run_one(&server, "rfc7644-3.3-create-returns-201", &dir, 0);
    assert!(out.contains("1 passed"), "{out}");
}
