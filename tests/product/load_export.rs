//! `scimspec load --export locust DIR` run by Locust in its distributed mode on loopback — one
//! master, two workers — against the reference server, compared with scimspec's own run of
//! the same scenario and bound: both send the same number of requests of each kind. Needs
//! `locust` on the PATH; without it the test says it was skipped, unless `CI` or
//! `SCIMSPEC_REQUIRE_LOCUST` is set, where it fails.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{scimspec, Reference, RunExt, TempDir};
use scimspec::server::ServerConfig;

const TOKEN: &str = "locust-test-token";
/// Locust users and flows per user: 20 lifecycle flows, 100 requests.
const USERS: u32 = 4;
const FLOWS_PER_USER: u32 = 5;
const LIMIT: Duration = Duration::from_secs(50);

fn locust_available() -> bool {
    Command::new("locust")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn locust(dir: &Path, base: &str) -> Command {
    let mut cmd = Command::new("locust");
    cmd.current_dir(dir)
        .args(["-f", "export/locustfile.py", "--host", base])
        .env("SCIMSPEC_TOKEN", TOKEN)
        .env("SCIMSPEC_FLOWS_PER_USER", FLOWS_PER_USER.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for `child` until the limit, killing it past that; true when it exited 0.
fn finished(child: &mut Child, started: Instant) -> bool {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status.success();
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Request counts by name from Locust's `_stats.csv` (without the aggregate and cleanup).
fn locust_counts(csv: &str) -> BTreeMap<String, u64> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let name = fields.get(1)?.to_string();
            let count = fields.get(2)?.parse().ok()?;
            (name != "Aggregated" && name != "cleanup").then_some((name, count))
        })
        .collect()
}

#[test]
fn the_exported_locustfile_sends_what_scimspec_sends_in_distributed_mode() {
    if !locust_available() {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("SCIMSPEC_REQUIRE_LOCUST").is_some();
        assert!(!required, "locust is not installed (pip install locust)");
        eprintln!("skipped: locust is not installed (pip install locust)");
        return;
    }
    let server = Reference::start(ServerConfig {
        token: Some(TOKEN.into()),
        ..ServerConfig::default()
    });
    let base = server.base_url().to_string();
    let dir = TempDir::new("locust");
    let out = scimspec()
        .args(["load", "--scenario", "lifecycle", "--export", "locust"])
        .arg(dir.join("export"))
        .args(["--target", &base, "--token", TOKEN])
        .exits(0);
    assert!(out.contains("locustfile.py"), "{out}");

    let port = free_port().to_string();
    let started = Instant::now();
    let mut workers: Vec<Child> = (0..2)
        .map(|_| {
            locust(dir.path(), &base)
                .args([
                    "--worker",
                    "--master-host",
                    "127.0.0.1",
                    "--master-port",
                    &port,
                ])
                .spawn()
                .expect("a locust worker starts")
        })
        .collect();
    let mut master = locust(dir.path(), &base)
        .args([
            "--master",
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            &port,
        ])
        .args([
            "--expect-workers",
            "2",
            "--expect-workers-max-wait",
            "30",
            "--headless",
        ])
        .args([
            "-u",
            &USERS.to_string(),
            "-r",
            &USERS.to_string(),
            "--run-time",
            "40s",
        ])
        .args(["--csv", "locust", "--only-summary"])
        .spawn()
        .expect("the locust master starts");
    let ok = finished(&mut master, started);
    for w in &mut workers {
        if !finished(w, started) {
            let _ = w.kill();
        }
    }
    let log = master
        .stderr
        .take()
        .map(|mut e| {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
            s
        })
        .unwrap_or_default();
    assert!(ok, "the locust master failed or ran past {LIMIT:?}:\n{log}");
    let csv = std::fs::read_to_string(dir.join("locust_stats.csv")).expect("locust wrote stats");
    let theirs = locust_counts(&csv);

    let json = dir.join("load.json");
    let flows = (USERS * FLOWS_PER_USER).to_string();
    scimspec()
        .args([
            "load",
            "--scenario",
            "lifecycle",
            "--rate",
            "max",
            "--duration",
            "30s",
        ])
        .args(["--iterations", &flows, "--users", &USERS.to_string()])
        .args(["--target", &base, "--token", TOKEN])
        .arg("--report-json")
        .arg(&json)
        .exits(0);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report")).expect("JSON");
    let ours: BTreeMap<String, u64> = report["kinds"]
        .as_array()
        .map(|kinds| {
            kinds
                .iter()
                .filter(|k| k["kind"] != "all")
                .filter_map(|k| Some((k["kind"].as_str()?.to_string(), k["requests"].as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    println!("locust (1 master, 2 workers): {theirs:?}\nscimspec load: {ours:?}");
    assert_eq!(
        theirs.values().sum::<u64>(),
        u64::from(USERS * FLOWS_PER_USER) * 5
    );
    assert_eq!(theirs, ours);
}
