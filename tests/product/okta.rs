//! Okta as a provisioning client, end to end: the `okta` cases and the Okta readiness verdict
//! beside Entra's, run as the real binary against the embedded reference server over loopback —
//! clean, with an Okta fault, and with PATCH declared unsupported.

use scimspec::load::{self, Capability, Method};
use scimspec::plan::{self, Capabilities, Selection};
use scimspec::report::verdict::OKTA_TAG;
use scimspec::server::{Fault, ServerConfig};

use crate::support::{scimspec, Reference, RunExt, TempDir};

const TOKEN: &str = "okta-test-token-3b9e";

#[test]
fn okta_cases_pass_on_the_embedded_server_and_both_verdicts_show() {
    let dir = TempDir::new("okta-ready");
    let all = scimspec()
        .args(["run", "--tag", "okta", "--tag", "entra"])
        .junit_in(&dir)
        .exits(0);
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
    let all = scimspec()
        .args(["run", "--tag", "okta", "--target", running.base_url()])
        .args(["--token", TOKEN])
        .junit_in(&dir)
        .exits(1);
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
