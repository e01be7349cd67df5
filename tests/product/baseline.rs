//! Baselines end to end with the real binary: `run --write-baseline` writes every case that
//! did not pass, a rerun with that baseline exits 0 with every entry a known deviation (in the
//! console, JUnit, JSON and Markdown), and an entry that no longer holds says what was seen.

use super::junit_xsd::{EVERY_OUTCOME, KNOWN};
use crate::support::{scimspec, testcase, RunExt, TempDir};

#[test]
fn a_written_baseline_makes_the_rerun_pass_with_known_deviations() {
    let dir = TempDir::new("baseline-round-trip");
    let suite = dir.write("every-outcome.yaml", EVERY_OUTCOME);
    let written = dir.join("written.yaml");
    let all = scimspec()
        .args(["run", "--suites"])
        .arg(&suite)
        .arg("--write-baseline")
        .arg(&written)
        .junit_in(&dir)
        .exits(1);
    assert!(
        all.contains("baseline of 4 cases that did not pass written to"),
        "{all}"
    );
    let text = std::fs::read_to_string(&written).expect("baseline written");
    let baseline = scimspec::baseline::Baseline::parse("written.yaml", &text).expect("parses");
    let listed: Vec<&str> = baseline.cases.keys().map(String::as_str).collect();
    assert_eq!(
        listed,
        ["xsd-error", "xsd-fail", "xsd-known", "xsd-warn"],
        "{text}"
    );
    assert!(
        baseline.cases["xsd-fail"]
            .reason
            .contains("expected status 418, got 200"),
        "{text}"
    );

    let json = dir.join("report.json");
    let markdown = dir.join("summary.md");
    let all = scimspec()
        .args(["run", "--suites"])
        .arg(&suite)
        .arg("--baseline")
        .arg(&written)
        .arg("--report-json")
        .arg(&json)
        .arg("--report-markdown")
        .arg(&markdown)
        .junit_in(&dir)
        .exits(0);
    assert!(
        all.contains("4 known deviations reproduced; 0 unexpected; 0 stale"),
        "{all}"
    );
    let xml = dir.junit();
    assert!(xml.contains(r#"failures="0" errors="0""#), "{xml}");
    for id in ["xsd-fail", "xsd-error", "xsd-known", "xsd-warn"] {
        let case = testcase(&xml, id);
        assert!(case.contains("KNOWN DEVIATION (baseline)"), "{case}");
        assert!(
            xml.contains(&format!(r#"<property name="known-deviation.{id}""#)),
            "{xml}"
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("JSON");
    let cases = report["cases"].as_array().expect("cases");
    let known = cases
        .iter()
        .filter(|c| c["known_deviation"].is_string())
        .count();
    assert_eq!(known, 4, "{report}");
    assert_eq!(report["baseline"]["clean"], true, "{report}");
    let md = std::fs::read_to_string(&markdown).expect("markdown");
    assert!(md.contains("| fail (known) |"), "{md}");
    assert!(md.contains("### Known deviations (4)"), "{md}");
}

#[test]
fn an_entry_that_no_longer_holds_says_the_outcome_seen() {
    let dir = TempDir::new("baseline-stale");
    let suite = dir.write("every-outcome.yaml", EVERY_OUTCOME);
    let baseline = dir.write(
        "stale.yaml",
        format!("{KNOWN}  xsd-pass:\n    outcome: fail\n    reason: used to fail\n  xsd-fail:\n    outcome: warn\n    reason: was a warning\n"),
    );
    let all = scimspec()
        .args(["run", "--suites"])
        .arg(&suite)
        .arg("--baseline")
        .arg(&baseline)
        .junit_in(&dir)
        .exits(1);
    assert!(
        all.contains("stale: xsd-pass — expected fail, was pass; update the baseline"),
        "{all}"
    );
    assert!(
        all.contains("stale: xsd-fail — expected warn, was fail: RFC7644 §4 L2063 (MUST) broken at step 1: expected status 418"),
        "{all}"
    );
    let xml = dir.junit();
    assert!(testcase(&xml, "xsd-fail").contains("<failure "), "{xml}");
    assert!(
        !testcase(&xml, "xsd-pass").contains("KNOWN DEVIATION"),
        "{xml}"
    );
}
