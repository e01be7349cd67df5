//! The JSON report and the Markdown summary of a run: golden files of a hand-built run, every
//! report the product writes valid against `schemas/report.schema.json`, and the summary
//! bounded for GitHub's job summary.

use scimspec::report::RunReport;
use scimspec::report::{json, markdown};
use scimspec::run::{Leftover, Outcome};
use serde_json::Value;

use super::{mask, no_secret};
use crate::support::golden::assert_golden;
use crate::support::reports;
use crate::support::{scimspec, RunExt, TempDir};

const TARGET: &str = "https://scim.example.com/scim/v2";
const GENERATED: &str = "2025-01-02T03:04:05Z";

/// Asserts that `report` matches the report schema, listing every violation.
pub fn assert_valid_report(report: &Value) {
    let schema: Value = serde_json::from_str(json::SCHEMA).expect("the report schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match its schema: {errors:#?}"
    );
}

/// The hand-built run with its baseline, and what it and its first failing case left behind.
fn run_with_leftovers() -> (RunReport, Option<scimspec::baseline::Comparison>) {
    let baseline = reports::baseline();
    let (mut report, comparison) = reports::run_report(TARGET, reports::results(), Some(&baseline));
    let leftover = |id: &str, reason: &str| Leftover {
        resource_type: "Users".into(),
        resource: id.into(),
        reason: reason.into(),
    };
    report.run_leftovers = vec![leftover("cal-1", "DELETE answered 500")];
    if let Some((_, result)) = report
        .results
        .iter_mut()
        .find(|(_, r)| r.outcome == Outcome::Fail)
    {
        result.leftovers = vec![leftover("u-7 | x", "DELETE answered 403\nForbidden")];
    }
    (report, comparison)
}

/// The JSON without the version of the build that wrote it.
fn stable_json(text: &str) -> String {
    mask(text, r#""version": "[^"]*""#, r#""version": "[version]""#)
}

#[test]
fn json_report_of_a_run() {
    let (report, comparison) = run_with_leftovers();
    let text = json::render(&report, comparison.as_ref(), GENERATED);
    no_secret("the JSON report", &text);
    let value: Value = serde_json::from_str(&text).expect("the report is JSON");
    assert_eq!(value["version"], json::REPORT_VERSION);
    assert_valid_report(&value);
    assert_golden("report.json", &stable_json(&text));

    let (plain, _) = reports::run_report(TARGET, reports::results(), None);
    let run = |name, report, baseline, problem| json::NamedRun {
        name,
        report,
        baseline,
        problem,
    };
    let many = json::render_many(
        &[
            run("vendor", &report, comparison.as_ref(), None),
            run("offline", &plain, None, Some("target unreachable")),
        ],
        GENERATED,
    );
    assert_valid_report(&serde_json::from_str(&many).expect("JSON"));
}

#[test]
fn the_schema_refuses_what_is_not_a_report() {
    let (report, _) = reports::run_report(TARGET, reports::results(), None);
    let mut value = json::to_value(&report, None, GENERATED);
    value["cases"][0]["outcome"] = "passed".into();
    let schema: Value = serde_json::from_str(json::SCHEMA).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    assert!(!validator.is_valid(&value), "an unknown outcome is refused");
    let mut value = json::to_value(&report, None, GENERATED);
    value["version"] = 2.into();
    assert!(!validator.is_valid(&value), "another version is refused");
}

#[test]
fn markdown_summary_of_a_run() {
    let (report, comparison) = run_with_leftovers();
    let md = markdown::render(&report, comparison.as_ref());
    no_secret("the Markdown summary", &md);
    assert_golden("summary.md", &md);
}

#[test]
fn the_markdown_summary_stays_under_a_mebibyte() {
    let (failing, _) = reports::run_report(TARGET, reports::results(), None);
    let long = "a reason that goes on and on | with pipes ".repeat(40);
    let mut results = Vec::new();
    for i in 0..6000 {
        for (case, result) in reports::results() {
            let mut result = result;
            result.outcome = Outcome::Fail;
            result.message = Some(format!("{i} {long}"));
            results.push((case, result));
        }
    }
    let (huge, _) = reports::run_report(TARGET, results, None);
    let md = markdown::render(&huge, None);
    assert!(md.len() < 1024 * 1024, "{} bytes", md.len());
    assert!(md.contains("more lines not shown"), "the cut is said");
    assert!(!markdown::render(&failing, None).contains("not shown"));
}

#[test]
fn run_writes_json_and_markdown_reports() {
    let dir = TempDir::new("reports");
    let summary = dir.write("summary.md", "# earlier step\n");
    let json_path = dir.join("out/report.json");
    scimspec()
        .args(["run", "--exact", "rfc7644-3.3-create-returns-201"])
        .arg("--report-json")
        .arg(&json_path)
        .env("SCIMSPEC_REPORT_MARKDOWN", &summary)
        .junit_in(&dir)
        .exits(0);
    let text = std::fs::read_to_string(&json_path).expect("JSON report written");
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_valid_report(&value);
    assert_eq!(value["counts"]["pass"], 1);
    assert_eq!(value["cases"][0]["id"], "rfc7644-3.3-create-returns-201");
    assert!(text.contains("Bearer [REDACTED]"), "transcripts are masked");
    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        md.starts_with("# earlier step\n## scimspec ✅"),
        "appended: {md}"
    );
    assert!(md.contains("**1 passed · 0 failed"), "{md}");
}

#[test]
fn compare_writes_every_target_in_one_json_report() {
    let dir = TempDir::new("compare-json");
    let config = format!(
        "[targets.embedded]\n\n[targets.offline]\nurl = \"{}\"\n",
        crate::support::UNREACHABLE
    );
    let config_path = dir.write("c.toml", config);
    let json_path = dir.join("compare.json");
    scimspec()
        .args(["compare", "--config"])
        .arg(&config_path)
        .args(["--exact", "rfc7644-3.3-create-returns-201", "--out"])
        .arg(dir.join("out"))
        .arg("--report-json")
        .arg(&json_path)
        .exits(1);
    let value: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("written")).expect("JSON");
    assert_valid_report(&value);
    let targets = value["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[0]["name"], "embedded");
    assert_eq!(targets[0]["counts"]["pass"], 1);
    assert_eq!(targets[0]["problem"], Value::Null);
    assert!(
        targets[1]["problem"]
            .as_str()
            .is_some_and(|p| p.contains("unreachable")),
        "{value}"
    );
}
