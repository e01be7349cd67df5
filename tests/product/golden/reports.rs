//! The reporters on hand-built runs: the JUnit report, the console summary, and the
//! comparison as Markdown, HTML and JUnit.

use scimspec::baseline::Comparison;
use scimspec::report::compare::{html, markdown, Matrix, TargetResult};
use scimspec::report::{junit, summary, RunReport};
use scimspec::run::Outcome;

use super::{no_secret, stable_junit};
use crate::support::golden::assert_golden;
use crate::support::reports::{self, SECRET};

const TARGET: &str = "https://scim.example.com/scim/v2";

/// The matrix of the comparison is dated; the golden files are not.
const GENERATED: &str = "2025-01-02 03:04 UTC";

#[test]
fn junit_report_of_a_run() {
    let baseline = reports::baseline();
    let (report, comparison) = reports::run_report(TARGET, reports::results(), Some(&baseline));
    let suite = junit::SuiteInput {
        name: "scimspec",
        report: &report,
        properties: &[],
        baseline: comparison.as_ref(),
    };
    let xml = stable_junit(junit::render_run(&suite).expect("renders"));
    no_secret("the JUnit report", &xml);
    assert_golden("junit.xml", &xml);
}

#[test]
fn console_summary_of_a_run() {
    let baseline = reports::baseline();
    let (report, comparison) = reports::run_report(TARGET, reports::results(), Some(&baseline));
    let comparison = comparison.expect("compared with the baseline");
    let closing = summary::Closing {
        junit_path: Some("reports/junit.xml"),
        comparison: Some(&comparison),
        ..summary::Closing::default()
    };
    let quiet = summary::render(&report, &closing);
    let verbose = summary::render(
        &report,
        &summary::Closing {
            detail: summary::Detail::Verbose,
            junit_path: None,
            ..closing
        },
    );
    let with_baseline =
        summary::render_baseline(&report, &comparison, &baseline.target, "example.yaml");
    no_secret("the console", &verbose);
    assert_golden("summary.txt", &quiet);
    assert_golden("summary-verbose.txt", &verbose);
    assert_golden("summary-baseline.txt", &with_baseline);
}

/// The hand-built run with its baseline, and the same cases on the reference server where
/// all but the skip pass.
fn compared_reports() -> (RunReport, RunReport, Option<Comparison>) {
    let baseline = reports::baseline();
    let clean = reports::results()
        .into_iter()
        .map(|(case, mut result)| {
            if result.outcome != Outcome::Skip {
                result.outcome = Outcome::Pass;
                result.message = None;
                result.problems.clear();
            }
            (case, result)
        })
        .collect();
    let (reference, _) = reports::run_report("http://127.0.0.1:8080/scim/v2", clean, None);
    let (vendor, comparison) = reports::run_report(TARGET, reports::results(), Some(&baseline));
    (reference, vendor, comparison)
}

/// The matrix of `targets`, dated [`GENERATED`].
fn matrix(targets: &[TargetResult<'_>]) -> Matrix {
    let mut matrix = Matrix::new(targets, &reports::redactor());
    matrix.generated = GENERATED.into();
    matrix
}

/// The suite properties `compare` gives each target in its JUnit file.
fn compare_properties(target: &TargetResult<'_>) -> Vec<(String, String)> {
    let mut p = vec![("auth".to_string(), target.auth.to_string())];
    if let Some(profile) = target.profile {
        p.push(("profile".to_string(), profile.to_string()));
    }
    if let Some(problem) = target.problem {
        p.push(("problem".to_string(), reports::redactor().redact(problem)));
    }
    p
}

#[test]
fn comparison_as_markdown_html_and_junit() {
    let (reference, vendor, comparison) = compared_reports();
    let targets = [
        TargetResult {
            name: "reference",
            profile: Some("xmatters"),
            auth: "bearer token",
            report: &reference,
            problem: None,
            baseline: None,
        },
        TargetResult {
            name: "vendor <example>",
            profile: None,
            auth: "oauth2 client credentials (golden-client)",
            report: &vendor,
            problem: None,
            baseline: comparison.as_ref(),
        },
    ];
    let matrix = matrix(&targets);
    let md = markdown::render(&matrix);
    let page = html::render(&matrix);
    let properties: Vec<Vec<(String, String)>> = targets.iter().map(compare_properties).collect();
    let suites: Vec<junit::SuiteInput<'_>> = targets
        .iter()
        .zip(&properties)
        .map(|(t, p)| junit::SuiteInput {
            name: t.name,
            report: t.report,
            properties: p,
            baseline: t.baseline,
        })
        .collect();
    let xml = stable_junit(junit::render_comparison(&suites).expect("renders"));
    for (what, text) in [("Markdown", &md), ("HTML", &page), ("JUnit", &xml)] {
        no_secret(what, text);
    }
    assert_golden("compare.md", &md);
    assert_golden("compare.html", &page);
    assert_golden("compare-junit.xml", &xml);
}

/// A target that could not be run at all: its problem, masked, and no outcome anywhere.
#[test]
fn comparison_with_a_target_that_could_not_be_run() {
    let (reference, _, _) = compared_reports();
    let (offline, _) = reports::run_report("https://offline.example.com/scim/v2", vec![], None);
    let problem = format!("target unreachable: connection refused (token {SECRET})\nsecond line");
    let targets = [
        TargetResult {
            name: "reference",
            profile: Some("xmatters"),
            auth: "bearer token",
            report: &reference,
            problem: None,
            baseline: None,
        },
        TargetResult {
            name: "offline",
            profile: None,
            auth: "basic (admin)",
            report: &offline,
            problem: Some(&problem),
            baseline: None,
        },
    ];
    let matrix = matrix(&targets);
    let md = markdown::render(&matrix);
    let page = html::render(&matrix);
    no_secret("Markdown", &md);
    no_secret("HTML", &page);
    assert_golden("compare-unreachable.md", &md);
    assert_golden("compare-unreachable.html", &page);
}
