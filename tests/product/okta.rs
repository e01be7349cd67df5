//! Okta as a provisioning client, end to end: the `okta` cases and the Okta readiness verdict
//! beside Entra's, run as the real binary against the embedded reference server over loopback —
//! clean, with an Okta fault, and with PATCH declared unsupported.

use scimspec::load::{self, Capability, Method};
use scimspec::plan::{self, Capabilities, Selection};
use scimspec::report::verdict::OKTA_TAG;
use scimspec::server::{Fault, ServerConfig};

use crate::support::{scimspec, Reference, RunExt, TempDir};

const TOKEN: &str = "okta-test-token-3b9e";

/// The verdicts of a JSON run report (checked against its schema): client, readiness and the
/// blocking cases.
fn verdicts_in(path: &std::path::Path) -> Vec<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(path).expect("the JSON report");
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    crate::golden::run_reports::assert_valid_report(&report);
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    report["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .map(|v| {
            let blocking = v["blocking"]
                .as_array()
                .map_or(Vec::new(), |ids| ids.iter().map(text).collect());
            (text(&v["client"]), text(&v["readiness"]), blocking)
        })
        .collect()
}

#[test]
fn okta_cases_pass_on_the_embedded_server_and_both_verdicts_show() {
    let dir = TempDir::new("okta-ready");
    let json = dir.path().join("report.json");
    let all = scimspec()
        .args(["run", "--tag", "okta", "--tag", "entra"])
        .arg("--report-json")
        .arg(&json)
        .junit_in(&dir)
        .exits(0);
    let verdicts = verdicts_in(&json);
    assert_eq!(
        verdicts,
        [
            ("entra".to_string(), "ready".to_string(), Vec::new()),
            ("okta".to_string(), "ready".to_string(), Vec::new())
        ],
        "the JSON report carries the console's verdicts"
    );
    assert!(
        all.contains("Okta readiness — Ready for Okta provisioning"),
        "{all}"
    );
    let entra = all.find("Entra ID readiness — Ready for Entra provisioning");
    let okta = all.find("Okta readiness");
    assert!(
        entra.is_some() && entra < okta,
        "Okta's verdict follows Entra's: {all}"
    );
    let xml = dir.junit();
    assert!(xml.contains("classname=\"Okta.O-GROUP-RENAME\""), "{xml}");
}

#[test]
fn an_okta_fault_blocks_okta_with_its_consequence_and_no_entra_verdict_without_entra_cases() {
    let running = Reference::start(ServerConfig {
        token: Some(TOKEN.into()),
        fault: Some(
            "rename-with-id-refused"
                .parse::<Fault>()
                .expect("fault exists"),
        ),
        ..ServerConfig::default()
    });
    let dir = TempDir::new("okta-blocking");
    let json = dir.path().join("report.json");
    let all = scimspec()
        .args(["run", "--tag", "okta", "--target", running.base_url()])
        .args(["--token", TOKEN])
        .arg("--report-json")
        .arg(&json)
        .junit_in(&dir)
        .exits(1);
    assert_eq!(
        verdicts_in(&json),
        [(
            "okta".to_string(),
            "not-ready".to_string(),
            vec!["okta-push-rename-with-own-id".to_string()]
        )]
    );
    assert!(
        all.contains("Okta readiness — NOT ready for Okta provisioning: 1 blocking failure"),
        "{all}"
    );
    assert!(
        all.contains("- okta-push-rename-with-own-id (Okta O-GROUP-RENAME)"),
        "{all}"
    );
    assert!(
        all.contains("in Okta: Renamed Okta groups keep their old name"),
        "{all}"
    );
    assert!(!all.contains("Entra ID readiness"), "{all}");
}

#[test]
fn a_profile_that_leaves_okta_cases_out_is_not_judged_ready() {
    let dir = TempDir::new("okta-not-judged");
    let all = scimspec()
        .args(["run", "--tag", "okta", "--profile", "alexishr"])
        .junit_in(&dir)
        .exits(0);
    assert!(
        all.contains("Okta readiness — Not judged: 2 of 16 cases were not run (profile alexishr)"),
        "{all}"
    );
    assert!(!all.contains("Ready for Okta provisioning"), "{all}");
}

/// A target saying `patch.supported=false` does not silence Okta's PATCH cases: Okta's OIN
/// integrations deactivate users and push groups by PATCH only, so they run and report it.
#[test]
fn okta_patch_cases_are_not_skipped_when_patch_is_unsupported() {
    let suite = load::load_embedded().expect("embedded suite");
    let mut capabilities = Capabilities::default();
    capabilities.set(
        Capability::Patch,
        false,
        "ServiceProviderConfig says patch.supported=false",
    );
    let selection = Selection {
        tags: vec![OKTA_TAG.into()],
        ..Selection::default()
    };
    let planned = plan::plan(&suite, &selection, &capabilities);
    let patching: Vec<_> = planned
        .cases
        .iter()
        .filter(|p| {
            p.case
                .steps
                .iter()
                .any(|s| s.request.method == Method::Patch)
        })
        .collect();
    assert!(patching.len() >= 7, "{}", patching.len());
    let skipped: Vec<String> = patching
        .iter()
        .filter_map(|p| p.skip.as_ref().map(|why| format!("{}: {why}", p.case.id)))
        .collect();
    assert!(skipped.is_empty(), "{skipped:?}");
}
