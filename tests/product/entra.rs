//! Microsoft Entra ID compatibility, end to end: the `entra` cases and the readiness verdict,
//! `scimspec probe` and `scimspec provision`, each run as the real binary against the embedded
//! reference server over loopback — clean, with Entra-dialect faults, and in strict RFC mode.

use scimspec::load;
use scimspec::plan::Selection;
use scimspec::report::verdict::ENTRA_TAG as TAG;
use scimspec::run::Outcome;
use scimspec::server::{Fault, ServerConfig};

use crate::support::pipeline::run_suite_against;
use crate::support::{scimspec, Reference, RunExt, TempDir, UNREACHABLE};

const TOKEN: &str = "entra-test-token-5f1c";

/// A reference server (optionally broken) that asks for `TOKEN`.
fn server(config: ServerConfig) -> Reference {
    Reference::start(ServerConfig {
        token: Some(TOKEN.into()),
        ..config
    })
}

fn faulty(name: &str) -> Reference {
    server(ServerConfig {
        fault: Some(name.parse::<Fault>().expect("fault exists")),
        ..ServerConfig::default()
    })
}

/// `scimspec provision` of the documented example file.
fn provision() -> std::process::Command {
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/entra-provision.json");
    let mut cmd = scimspec();
    cmd.arg("provision").arg(example);
    cmd
}

/// The `entra` cases against `running`, which must fail some: what was printed.
fn entra_run(running: &Reference, dir: &TempDir) -> String {
    scimspec()
        .args(["run", "--tag", "entra", "--target", running.base_url()])
        .args(["--token", TOKEN])
        .junit_in(dir)
        .exits(1)
}

#[test]
fn entra_cases_pass_on_the_embedded_server_and_the_verdict_is_ready() {
    let dir = TempDir::new("entra-ready");
    let all = scimspec()
        .args(["run", "--tag", "entra"])
        .junit_in(&dir)
        .exits(0);
    assert!(
        all.contains("Entra ID readiness — Ready for Entra provisioning"),
        "{all}"
    );
    assert!(
        all.contains("met: GET /Schemas answers a ListResponse"),
        "{all}"
    );
    assert!(!all.contains("Only one dialect ran"), "{all}");
    let xml = dir.junit();
    assert!(xml.contains("classname=\"Entra.E-DISABLE-USER\""), "{xml}");
    assert!(xml.contains("\nconsequence: "), "{xml}");
}

#[test]
fn rfc_only_runs_print_no_verdict() {
    let dir = TempDir::new("entra-none");
    let all = scimspec()
        .args(["run", "--tag", "etag"])
        .junit_in(&dir)
        .exits(0);
    assert!(!all.contains("Entra ID readiness"), "{all}");
}

#[test]
fn a_faulty_server_gets_blocking_failures_with_their_consequence() {
    let running = faulty("member-remove-wipes-all");
    let dir = TempDir::new("entra-blocking");
    let all = entra_run(&running, &dir);
    assert!(all.contains("NOT ready for Entra provisioning"), "{all}");
    assert!(
        all.contains("- entra-default-group-remove-member-by-value-list (Entra E-GROUP-REMOVE-MEMBERS, default dialect)"),
        "{all}"
    );
    assert!(all.contains("in Entra: Removing one member"), "{all}");
    assert!(!all.contains(TOKEN), "the token leaked: {all}");
}

#[test]
fn a_strict_rfc_server_is_not_ready_for_the_default_dialect() {
    let running = server(ServerConfig {
        strict: true,
        ..ServerConfig::default()
    });
    let dir = TempDir::new("entra-strict");
    let all = entra_run(&running, &dir);
    assert!(all.contains("NOT ready for Entra provisioning"), "{all}");
    assert!(all.contains("entra-default-disable-user"), "{all}");
}

/// Every fault that rejects an Entra dialect feature makes at least one `entra` case fail
/// (MUST) or warn (SHOULD).
#[test]
fn every_entra_dialect_fault_is_caught_by_an_entra_case() {
    let suite = load::load_embedded().expect("embedded suite");
    let selection = Selection {
        tags: vec![TAG.into()],
        ..Selection::default()
    };
    let entra_faults: Vec<Fault> = Fault::all()
        .iter()
        .copied()
        .filter(|f| f.rule().starts_with("Entra") || f.name() == "null-attributes-rejected")
        .collect();
    assert!(entra_faults.len() >= 8, "{entra_faults:?}");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut uncaught = Vec::new();
    for fault in entra_faults {
        let config = ServerConfig {
            token: Some(TOKEN.into()),
            fault: Some(fault),
            ..ServerConfig::default()
        };
        let results = runtime.block_on(run_suite_against(config, &suite, &selection, 8));
        let caught = results
            .iter()
            .any(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Warn));
        if !caught {
            uncaught.push(fault.name());
        }
    }
    assert!(
        uncaught.is_empty(),
        "Entra faults no entra case catches: {uncaught:?}"
    );
}

#[test]
fn probe_passes_on_the_embedded_server() {
    let all = scimspec().arg("probe").exits(0);
    assert!(all.contains("/Users?filter=userName+eq+%22"), "{all}");
    assert!(all.contains("Test Connection: succeeded"), "{all}");
}

#[test]
fn probe_explains_a_404_as_quarantine() {
    let running = faulty("zero-results-404");
    let all = scimspec()
        .args(["probe", "--target", running.base_url(), "--token", TOKEN])
        .args(["--matching", "externalId"])
        .exits(1);
    assert!(all.contains("filter=externalId+eq+%22"), "{all}");
    assert!(
        all.contains("Entra would quarantine this job: SCIM compliance issue"),
        "{all}"
    );
}

#[test]
fn probe_reports_invalid_credentials_without_showing_them() {
    let running = server(ServerConfig::default());
    let wrong = "not-the-token-9a8b7c";
    let all = scimspec()
        .args(["probe", "--target", running.base_url()])
        .args(["--token", wrong, "-v"])
        .exits(1);
    assert!(all.contains("FAIL  401 — invalid credentials"), "{all}");
    assert!(!all.contains(wrong), "the token leaked: {all}");
}

#[test]
fn probe_of_an_unreachable_target_exits_3() {
    let all = scimspec().args(["probe", "--target", UNREACHABLE]).exits(3);
    assert!(
        all.contains("target unreachable: cannot connect to"),
        "{all}"
    );
}

#[test]
fn provision_replays_on_demand_and_lifecycle_into_junit() {
    let dir = TempDir::new("entra-provision");
    let all = provision().junit_in(&dir).exits(0);
    for line in [
        "1. Test connection",
        "2. Import user",
        "3. Determine if user is in scope",
        "4. Match user between source and target system",
        "5. Perform action",
        "Create — 201",
        "Scoping filter: Staff only department IS NOT NULL: True",
        "Assigned to application: False",
        "Update manager reference (second pass)",
        "Add members (up to 5 on demand)",
        "Disable user",
        "Remove a member",
        "Rename group",
        "Delete group",
        "Delete user",
    ] {
        assert!(all.contains(line), "missing '{line}': {all}");
    }
    let xml = dir.junit();
    assert!(
        xml.contains("<testcase name=\"provision-user-1-match\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase name=\"provision-group-1-rename\""),
        "{xml}"
    );
    assert!(xml.contains("failures=\"0\""), "{xml}");
}

#[test]
fn provision_in_the_flag_dialect_catches_a_wiped_group_only_by_default() {
    let running = faulty("member-remove-wipes-all");
    let dir = TempDir::new("entra-provision-fault");
    let run = |dialect: &str| {
        let mut cmd = provision();
        cmd.args(["--target", running.base_url(), "--token", TOKEN])
            .args(["--dialect", dialect])
            .junit_in(&dir);
        cmd
    };
    let all = run("default").exits(1);
    assert!(all.contains("the remove wiped the group"), "{all}");
    assert!(all.contains("in Entra: Removing one member"), "{all}");
    run("aadOptscim062020").exits(0);
}

#[test]
fn provision_rejects_a_bad_file_with_exit_2() {
    let dir = TempDir::new("entra-bad-file");
    let file = dir.write(
        "users.json",
        r#"{"users": [{"userPrincipalName": "a", "lastName": "b"}]}"#,
    );
    let all = scimspec().arg("provision").arg(&file).exits(2);
    assert!(
        all.contains("users[0]: unknown attribute 'lastName'"),
        "{all}"
    );
}
