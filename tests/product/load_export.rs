//! `scimspec load --export locust` run by Locust in its distributed mode on loopback — one
//! master, two workers — against the reference server, compared with scimspec's own run of
//! the same scenario and bound: both send the same number of requests of each kind. For `mix`
//! (which includes `import`) the master seeds the population once before the test and deletes
//! it after, leaving the server empty; a population that cannot be seeded stops Locust with a
//! non-zero exit. Needs `locust` on the PATH; without it the tests say they were skipped,
//! unless `CI` or `SCIMSPEC_REQUIRE_LOCUST` is set, where they fail.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, post};
use axum::Router;
use serde_json::{json, Value};

use crate::support::servers::scim;
use crate::support::{scimspec, serve_router, Reference, RunExt, TempDir};
use scimspec::server::ServerConfig;

const TOKEN: &str = "locust-test-token";
/// Locust users and flows per user: 20 flows (for lifecycle, 100 requests); also the
/// population `import` pages through, two users a page.
const USERS: u32 = 4;
const FLOWS_PER_USER: u32 = 5;
const PAGE_SIZE: &str = "2";
const LIMIT: Duration = Duration::from_secs(50);
/// Requests to the population, not part of scimspec's figures per kind (its report counts
/// the population apart), and the flows' cleanup.
const SEED: &str = "seed user";
const UNSEED: &str = "delete seed user";
const CLEANUP: &str = "cleanup";

/// False (and says it skipped) when Locust is not installed, unless it is required.
fn locust_available() -> bool {
    let installed = Command::new("locust")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("SCIMSPEC_REQUIRE_LOCUST").is_some();
        assert!(!required, "locust is not installed (pip install locust)");
        eprintln!("skipped: locust is not installed (pip install locust)");
    }
    installed
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn reference() -> Reference {
    Reference::start(ServerConfig {
        token: Some(TOKEN.into()),
        ..ServerConfig::default()
    })
}

/// `scimspec load --scenario SCENARIO --export locust DIR/export` against `base`.
fn export(dir: &TempDir, base: &str, scenario: &str) {
    let out = scimspec()
        .args(["load", "--scenario", scenario, "--export", "locust"])
        .arg(dir.join("export"))
        .args(["--users", &USERS.to_string(), "--page-size", PAGE_SIZE])
        .args(["--target", base, "--token", TOKEN])
        .exits(0);
    assert!(out.contains("locustfile.py"), "{out}");
}

/// Locust on the exported files against `host`, its stderr into `DIR/LOG`.
fn locust(dir: &Path, host: &str, log: &str) -> Command {
    let mut cmd = Command::new("locust");
    let log = File::create(dir.join(log)).expect("a log file");
    cmd.current_dir(dir)
        .args(["-f", "export/locustfile.py", "--host", host])
        .env("SCIMSPEC_TOKEN", TOKEN)
        .env("SCIMSPEC_FLOWS_PER_USER", FLOWS_PER_USER.to_string())
        .stdout(Stdio::null())
        .stderr(log);
    cmd
}

/// The headless test's arguments: users, spawn rate, time bound, the final figures' file.
fn headless(cmd: &mut Command) -> &mut Command {
    cmd.args(["--headless", "-u", &USERS.to_string()])
        .args(["-r", &USERS.to_string(), "--run-time", "40s"])
        .args(["--json-file", "locust", "--only-summary"])
}

/// Waits for `child` until the limit, killing it past that; its exit code (None: killed).
fn finished(child: &mut Child, started: Instant) -> Option<i32> {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs the export in `dir` with one master and two workers against `base`; the requests
/// and failures by name from the master's final figures.
fn run_distributed(dir: &TempDir, base: &str) -> (BTreeMap<String, u64>, u64) {
    let port = free_port().to_string();
    let started = Instant::now();
    let mut workers: Vec<Child> = (0..2)
        .map(|n| {
            locust(dir.path(), base, &format!("worker{n}.log"))
                .args(["--worker", "--master-host", "127.0.0.1"])
                .args(["--master-port", &port])
                .spawn()
                .expect("a locust worker starts")
        })
        .collect();
    let mut master = locust(dir.path(), base, "master.log");
    headless(
        master
            .args(["--master", "--master-bind-host", "127.0.0.1"])
            .args(["--master-bind-port", &port])
            .args(["--expect-workers", "2", "--expect-workers-max-wait", "30"]),
    );
    let mut master = master.spawn().expect("the locust master starts");
    let code = finished(&mut master, started);
    for w in &mut workers {
        if finished(w, started).is_none() {
            let _ = w.kill();
        }
    }
    let log = std::fs::read_to_string(dir.join("master.log")).unwrap_or_default();
    assert_eq!(
        code,
        Some(0),
        "the locust master failed or ran past {LIMIT:?}:\n{log}"
    );
    locust_figures(dir)
}

/// Requests by name (summed over methods) and all failures, from Locust's `--json-file`.
fn locust_figures(dir: &TempDir) -> (BTreeMap<String, u64>, u64) {
    let text = std::fs::read_to_string(dir.join("locust.json")).expect("locust wrote figures");
    let entries: Vec<Value> = serde_json::from_str(&text).expect("Locust's figures are JSON");
    let mut counts = BTreeMap::new();
    let mut failures = 0;
    for entry in &entries {
        let name = entry["name"].as_str().unwrap_or("?").to_string();
        *counts.entry(name).or_insert(0) += entry["num_requests"].as_u64().unwrap_or(0);
        failures += entry["num_failures"].as_u64().unwrap_or(0);
    }
    (counts, failures)
}

/// scimspec's own run of `scenario` (20 flows, 4 users): requests per kind, and the report.
fn scimspec_run(dir: &TempDir, base: &str, scenario: &str) -> (BTreeMap<String, u64>, Value) {
    let json = dir.join("load.json");
    let flows = (USERS * FLOWS_PER_USER).to_string();
    scimspec()
        .args(["load", "--scenario", scenario, "--rate", "max"])
        .args(["--duration", "30s", "--iterations", &flows])
        .args(["--users", &USERS.to_string(), "--page-size", PAGE_SIZE])
        .args(["--target", base, "--token", TOKEN])
        .arg("--report-json")
        .arg(&json)
        .exits(0);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report")).expect("JSON");
    let ours = report["kinds"]
        .as_array()
        .map(|kinds| {
            kinds
                .iter()
                .filter(|k| k["kind"] != "all")
                .filter_map(|k| Some((k["kind"].as_str()?.to_string(), k["requests"].as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    (ours, report)
}

#[test]
fn the_exported_locustfile_sends_what_scimspec_sends_in_distributed_mode() {
    if !locust_available() {
        return;
    }
    let server = reference();
    let base = server.base_url().to_string();
    let dir = TempDir::new("locust");
    export(&dir, &base, "lifecycle");
    let (mut theirs, failures) = run_distributed(&dir, &base);
    theirs.remove(CLEANUP);
    let (ours, _) = scimspec_run(&dir, &base, "lifecycle");
    println!("locust (1 master, 2 workers): {theirs:?}\nscimspec load: {ours:?}");
    assert_eq!(failures, 0);
    assert_eq!(
        theirs.values().sum::<u64>(),
        u64::from(USERS * FLOWS_PER_USER) * 5
    );
    assert_eq!(theirs, ours);
}

#[test]
fn the_exported_mix_seeds_its_population_once_and_deletes_it_in_distributed_mode() {
    if !locust_available() {
        return;
    }
    let server = reference();
    let base = server.base_url().to_string();
    let dir = TempDir::new("locust-mix");
    export(&dir, &base, "mix");
    let (mut theirs, failures) = run_distributed(&dir, &base);
    let log = std::fs::read_to_string(dir.join("master.log")).unwrap_or_default();
    assert_eq!(failures, 0, "{theirs:?}\n{log}");
    assert_eq!(theirs.remove(SEED), Some(u64::from(USERS)), "{log}");
    assert_eq!(theirs.remove(UNSEED), Some(u64::from(USERS)), "{log}");
    assert!(log.contains("seeded the population: 4 users"), "{log}");
    assert_eq!(server.count(TOKEN, "Users"), 0, "Locust left users behind");
    assert_eq!(
        server.count(TOKEN, "Groups"),
        0,
        "Locust left groups behind"
    );
    theirs.remove(CLEANUP);

    let (ours, report) = scimspec_run(&dir, &base, "mix");
    println!("locust (1 master, 2 workers): {theirs:?}\nscimspec load: {ours:?}");
    assert_eq!(report["population"], USERS);
    // Two import flows of the twenty, two pages each.
    assert_eq!(theirs.get("list users"), Some(&4));
    assert_eq!(theirs, ours);
}

/// A target that creates the first two users, answers 500 to every other request, and
/// records the ids it is asked to delete.
fn half_seeding_target(deletes: &Arc<Mutex<Vec<String>>>) -> String {
    let created = Arc::new(AtomicUsize::new(0));
    let deletes = Arc::clone(deletes);
    let router = Router::new()
        .route(
            "/scim/v2/Users",
            post(move || {
                let n = created.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n >= 2 {
                        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                    }
                    scim(StatusCode::CREATED, json!({"id": format!("made-{n}")}))
                }
            }),
        )
        .route(
            "/scim/v2/Users/{id}",
            delete(move |UrlPath(id): UrlPath<String>| {
                if let Ok(mut list) = deletes.lock() {
                    list.push(id);
                }
                async { StatusCode::NO_CONTENT }
            }),
        )
        .fallback(|| async { StatusCode::INTERNAL_SERVER_ERROR });
    serve_router(router, "/scim/v2")
}

#[test]
fn a_population_that_cannot_be_seeded_stops_locust_with_a_failure_and_is_deleted() {
    if !locust_available() {
        return;
    }
    let server = reference();
    let dir = TempDir::new("locust-unseeded");
    export(&dir, server.base_url(), "import");
    let deletes = Arc::new(Mutex::new(Vec::new()));
    let target = half_seeding_target(&deletes);
    let started = Instant::now();
    let mut single = locust(dir.path(), &target, "locust.log");
    let code = finished(
        &mut headless(&mut single).spawn().expect("locust starts"),
        started,
    );
    let log = std::fs::read_to_string(dir.join("locust.log")).unwrap_or_default();
    assert_eq!(code, Some(1), "{log}");
    assert!(
        log.contains("seeding the population failed: 2 of 4 users created"),
        "{log}"
    );
    let mut deleted = deletes.lock().map(|l| l.clone()).unwrap_or_default();
    deleted.sort();
    assert_eq!(deleted, ["made-0", "made-1"], "{log}");
    let (counts, failures) = locust_figures(&dir);
    assert_eq!(counts.get(SEED), Some(&u64::from(USERS)), "{counts:?}");
    assert_eq!(counts.get(UNSEED), Some(&2), "{counts:?}");
    assert!(failures >= 2, "{counts:?}");
}
