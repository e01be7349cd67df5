//! `scimspec load` from outside: short runs of the real binary against the reference server
//! (its JSON report valid against `schemas/load-report.schema.json`, its JUnit file), the
//! refusal of a target off this machine, the 429 behaviour of the rate-limited reference
//! server, and a target left as it was found.

use serde_json::Value;

use crate::support::{scimspec, Reference, RunExt, TempDir};
use scimspec::server::{Limits, RateLimit, ServerConfig};

const SCHEMA: &str = include_str!("../../schemas/load-report.schema.json");
const TOKEN: &str = "load-test-token";

/// Asserts that `report` matches the load report schema and returns it.
fn valid(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).expect("the JSON report was written");
    let report: Value = serde_json::from_str(&text).expect("the report is JSON");
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match its schema: {errors:#?}"
    );
    report
}

fn verdict<'r>(report: &'r Value, id: &str) -> &'r str {
    report["verdict"]
        .as_array()
        .and_then(|v| v.iter().find(|c| c["id"] == id))
        .and_then(|c| c["outcome"].as_str())
        .unwrap_or("missing")
}

fn reference(rate_limit: Option<u32>) -> Reference {
    Reference::start(ServerConfig {
        token: Some(TOKEN.into()),
        limits: Limits {
            rate_limit: rate_limit.map(|per_second| RateLimit { per_second }),
            ..Limits::default()
        },
        ..ServerConfig::default()
    })
}

#[test]
fn a_short_lifecycle_run_on_the_embedded_server_reports_its_figures() {
    let dir = TempDir::new("load-lifecycle");
    let json = dir.join("load.json");
    let junit = dir.join("load.xml");
    let out = scimspec()
        .args([
            "load",
            "--scenario",
            "lifecycle",
            "--duration",
            "2s",
            "--rate",
            "50/s",
        ])
        // The reports named by load's own variables; `run`'s variable is left alone, so a
        // job setting both keeps both reports.
        .env("SCIMSPEC_LOAD_REPORT_JSON", &json)
        .env("SCIMSPEC_LOAD_JUNIT", &junit)
        .env("SCIMSPEC_REPORT_JSON", dir.join("run.json"))
        .env("SCIMSPEC_JUNIT", dir.join("run.xml"))
        .exits(0);
    assert!(out.contains("p95 ms"), "{out}");
    for theirs in ["run.json", "run.xml"] {
        assert!(!dir.join(theirs).exists(), "load wrote {theirs}");
    }
    assert!(out.contains("requested 50.0/s"), "{out}");
    let report = valid(&json);
    assert_eq!(report["scenario"], "lifecycle");
    let requests = report["requests"].as_u64().unwrap_or(0);
    assert!(
        (90..=101).contains(&requests),
        "{requests} requests for 2 s at 50/s"
    );
    let kinds: Vec<&str> = report["kinds"]
        .as_array()
        .map(|k| k.iter().filter_map(|k| k["kind"].as_str()).collect())
        .unwrap_or_default();
    for kind in [
        "create user",
        "read user",
        "patch user",
        "disable user",
        "delete user",
        "all",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    assert_eq!(verdict(&report, "entra-rate"), "pass");
    assert_eq!(verdict(&report, "final-state"), "pass");
    assert_eq!(verdict(&report, "cleanup"), "pass");
    let xml = std::fs::read_to_string(&junit).expect("JUnit written");
    assert_eq!(xml.matches("<testcase ").count(), 5, "{xml}");
}

#[test]
fn a_target_off_this_machine_is_refused_without_the_flag() {
    let out = scimspec()
        .args([
            "load",
            "--target",
            "https://scim.example.com/scim/v2",
            "--token",
            "t",
        ])
        .exits(2);
    assert!(out.contains("--i-understand-this-sends-load"), "{out}");
    assert!(out.contains("not on this machine"), "{out}");
}

#[test]
fn sends_load_in_the_config_file_is_the_consent_for_a_remote_target() {
    let dir = TempDir::new("load-consent");
    // 0.0.0.0 is not a loopback address, yet connecting to it stays on this machine (Linux
    // treats it as the local host); nothing listens on port 9: consent given, the run gets as
    // far as connecting and exits 3.
    let config = dir.write(
        "scimspec.toml",
        "[targets.remote]\nurl = \"http://0.0.0.0:9/scim/v2\"\ntoken = \"t\"\ntimeout = 1\nsends_load = true\n",
    );
    let out = scimspec()
        .args(["load", "--target", "remote", "--config"])
        .arg(&config)
        .exits(3);
    assert!(!out.contains("--i-understand-this-sends-load"), "{out}");
}

/// A 429 pauses all sending for its `Retry-After`. Arrivals that fall due meanwhile are not
/// sent all at once when the pause ends (a burst the target answers with more 429s): they
/// are counted, every arrival of the schedule is either sent or counted, and each pause costs
/// about one 429 rather than a burst's worth.
#[test]
fn the_rate_limited_server_answers_429_with_retry_after_and_scimspec_pauses_without_a_burst() {
    // 10/s: a few one-second windows serve far fewer than 25/s.
    let server = reference(Some(10));
    let dir = TempDir::new("load-429");
    let json = dir.join("load.json");
    scimspec()
        .args(["load", "--scenario", "get", "--duration", "4s"])
        .args(["--rate", "60/s"])
        .args(["--target", server.base_url(), "--token", TOKEN])
        .arg("--report-json")
        .arg(&json)
        .exits(1);
    let report = valid(&json);
    let t = &report["throttling"];
    let figure = |v: &Value| v.as_u64().unwrap_or(0);
    let refused = figure(&t["responses"]);
    assert!(refused > 0, "{t}");
    assert_eq!(figure(&t["with_retry_after"]), refused, "{t}");
    let pauses = figure(&t["pauses"]);
    assert!(pauses > 0, "{t}");
    assert_eq!(verdict(&report, "ipsie-429-retry-after"), "pass");
    // Honouring Retry-After keeps the served rate under the limit, not the 60/s asked for:
    // below Entra's 25/s, which fails the run.
    let achieved = report["achieved_rate"].as_f64().unwrap_or(0.0);
    assert!(achieved <= 15.5, "{achieved}");
    assert_eq!(verdict(&report, "entra-rate"), "fail");
    let not_sent = figure(&t["not_sent_while_paused"]);
    assert!(not_sent >= 30, "{t}");
    let accounted = figure(&report["requests"]) + not_sent + figure(&report["missed_arrivals"]);
    assert!(
        (235..=241).contains(&accounted),
        "{accounted} of 240 arrivals accounted for: {report}"
    );
    assert!(refused <= 3 * pauses, "more 429s than pauses explain: {t}");
}

#[test]
fn everything_created_under_load_is_deleted() {
    let server = reference(None);
    scimspec()
        .args([
            "load",
            "--scenario",
            "mix",
            "--duration",
            "2s",
            "--rate",
            "50/s",
        ])
        .args([
            "--users",
            "10",
            "--target",
            server.base_url(),
            "--token",
            TOKEN,
        ])
        .exits(0);
    assert_eq!(server.count(TOKEN, "Users"), 0);
    assert_eq!(server.count(TOKEN, "Groups"), 0);
}

#[test]
fn ctrl_c_stops_sending_and_still_deletes_what_the_run_created() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let server = reference(None);
    let mut child = scimspec()
        .args([
            "load",
            "--scenario",
            "entra-initial-cycle",
            "--duration",
            "60s",
        ])
        .args([
            "--rate",
            "40/s",
            "--target",
            server.base_url(),
            "--token",
            TOKEN,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("scimspec starts");
    // Wait until the run has created users.
    let started = Instant::now();
    while server.count(TOKEN, "Users") < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no users created"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let stopped = Instant::now();
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if stopped.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("scimspec load did not stop within 30 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(130));
    let mut printed = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut out, &mut printed);
    }
    assert!(printed.contains("stopped early: interrupted"), "{printed}");
    assert_eq!(server.count(TOKEN, "Users"), 0);
    assert_eq!(server.count(TOKEN, "Groups"), 0);
}
