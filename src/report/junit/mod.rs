//! JUnit XML that CI tools read correctly, valid against both the Jenkins `junit-10.xsd` and
//! the Surefire 3.0 schema (`schemas/junit/`). A run is one `<testsuite>` (the Surefire
//! shape); a comparison is a `<testsuites>` with one `<testsuite>` per target, whose
//! classnames start with the target's name so no two targets share a classname and name.
//! One `<testcase>` per case ([`testcase`]): `failure` for MUST breaks, `error` for cases
//! that could not be evaluated, `skipped` with the reason, warnings and known deviations as
//! passed testcases marked in `system-err`. The target, run id, timestamp, counts, discovered
//! capabilities, warnings and known deviations are the suite's properties.

mod classname;
mod testcase;
mod xml;

use std::io::Write;
use std::path::Path;

use thiserror::Error;

use super::RunReport;
use crate::baseline::Comparison;
use crate::http::Redactor;
use crate::run::Outcome;
pub use classname::classname;
pub use testcase::{verdict, Verdict, KNOWN_MARK, WARNING_MARK};
use xml::{Xml, XmlResult};

#[derive(Debug, Error)]
pub enum JunitError {
    #[error("cannot write JUnit report {path}: {detail}")]
    Write { path: String, detail: String },
}

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// One `<testsuite>` of a JUnit file: a run against one target.
#[derive(Debug, Clone, Copy)]
pub struct SuiteInput<'a> {
    /// The testsuite's name: `scimspec` for a run, the target's name in a comparison.
    pub name: &'a str,
    pub report: &'a RunReport,
    /// Extra suite properties (e.g. the target's profile), after the standard ones.
    pub properties: &'a [(String, String)],
    /// How the run compares with the target's baseline, when it has one: cases that ended as
    /// their entry says are known deviations (passed testcases carrying its reason).
    pub baseline: Option<&'a Comparison>,
}

impl SuiteInput<'_> {
    fn known(&self, case_id: &str) -> Option<&str> {
        self.baseline.and_then(|b| b.known_reason(case_id))
    }

    /// How many cases have `verdict`.
    fn count(&self, verdict: Verdict) -> usize {
        self.report
            .results
            .iter()
            .filter(|(case, r)| {
                testcase::verdict(r.outcome, self.known(&case.id).is_some()) == verdict
            })
            .count()
    }
}

/// The suite's properties: the target, the run, the counts JUnit has no attribute for, the
/// extra properties, each warning and known deviation, then discovery.
fn suite_properties(input: &SuiteInput<'_>, timestamp: &str) -> Vec<(String, String)> {
    let report = input.report;
    let mut props = vec![
        ("target".to_string(), report.target.clone()),
        ("run".to_string(), report.run_id.clone()),
        ("timestamp".to_string(), timestamp.to_string()),
        (
            "scimspec.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        (
            "warned".to_string(),
            report.count(Outcome::Warn).to_string(),
        ),
    ];
    if let Some(b) = input.baseline {
        props.push(("known-deviations".to_string(), b.expected.len().to_string()));
    }
    let leftovers = report.leftovers().count();
    if leftovers > 0 {
        props.push(("leftovers".to_string(), leftovers.to_string()));
    }
    props.extend(input.properties.iter().cloned());
    for (case, r) in &report.results {
        let known = input.known(&case.id);
        if let Some(reason) = known {
            props.push((
                format!("known-deviation.{}", case.id),
                format!("{}: {reason}", r.outcome),
            ));
        } else if r.outcome == Outcome::Warn {
            props.push((
                format!("warning.{}", case.id),
                r.message.clone().unwrap_or_default(),
            ));
        }
    }
    if let Some(discovery) = &report.discovery {
        for (cap, supported, evidence) in discovery.capabilities.iter() {
            props.push((
                format!("capability.{cap}"),
                format!("{}: {evidence}", if supported { "yes" } else { "no" }),
            ));
        }
        for (i, note) in discovery.notes.iter().enumerate() {
            props.push((format!("discovery.{}", i + 1), note.clone()));
        }
    }
    props
}

/// Writes one `<testsuite>`: counts, properties, then one `<testcase>` per case; `target`
/// qualifies the classnames when several targets share the file.
fn testsuite(
    xml: &mut Xml,
    input: &SuiteInput<'_>,
    timestamp: &str,
    target: Option<&str>,
) -> XmlResult {
    let report = input.report;
    let tests = report.results.len().to_string();
    let failures = input.count(Verdict::Failure).to_string();
    let errors = input.count(Verdict::Error).to_string();
    let skipped = input.count(Verdict::Skipped).to_string();
    let time = secs(report.duration);
    xml.start(
        "testsuite",
        &[
            ("name", input.name),
            ("tests", &tests),
            ("failures", &failures),
            ("errors", &errors),
            ("skipped", &skipped),
            ("time", &time),
        ],
    )?;
    xml.properties(&suite_properties(input, timestamp))?;
    for (case, result) in &report.results {
        testcase::testcase(xml, case, result, input.known(&case.id), target)?;
    }
    xml.end("testsuite")
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A redactor knowing the secrets of every run.
fn redactor_of(suites: &[SuiteInput<'_>]) -> Redactor {
    let redactor = Redactor::new();
    for s in suites {
        redactor.absorb(&s.report.redactor);
    }
    redactor
}

/// Renders one run as a JUnit file whose root is its `<testsuite>`.
pub fn render_run(input: &SuiteInput<'_>) -> std::io::Result<Vec<u8>> {
    let mut xml = Xml::new(redactor_of(std::slice::from_ref(input)))?;
    testsuite(&mut xml, input, &now(), None)?;
    Ok(xml.finish())
}

/// Renders several targets' runs as one JUnit file: `<testsuites>` holding one `<testsuite>`
/// per target, each case's classname starting with its target's name.
pub fn render_comparison(suites: &[SuiteInput<'_>]) -> std::io::Result<Vec<u8>> {
    let mut xml = Xml::new(redactor_of(suites))?;
    let sum =
        |v: Verdict| -> String { suites.iter().map(|s| s.count(v)).sum::<usize>().to_string() };
    let tests = suites
        .iter()
        .map(|s| s.report.results.len())
        .sum::<usize>()
        .to_string();
    let time = secs(
        suites
            .iter()
            .map(|s| s.report.duration)
            .max()
            .unwrap_or_default(),
    );
    xml.start(
        "testsuites",
        &[
            ("name", "scimspec"),
            ("tests", &tests),
            ("failures", &sum(Verdict::Failure)),
            ("errors", &sum(Verdict::Error)),
            ("time", &time),
        ],
    )?;
    let timestamp = now();
    for input in suites {
        testsuite(&mut xml, input, &timestamp, Some(input.name))?;
    }
    xml.end("testsuites")?;
    Ok(xml.finish())
}

/// Renders the report as JUnit XML (no baseline, no extra properties).
pub fn render(report: &RunReport) -> std::io::Result<Vec<u8>> {
    render_run(&SuiteInput {
        name: "scimspec",
        report,
        properties: &[],
        baseline: None,
    })
}

/// Writes `bytes` to `path`, creating parent directories.
fn write_bytes(
    path: &Path,
    bytes: impl FnOnce() -> std::io::Result<Vec<u8>>,
) -> Result<(), JunitError> {
    let err = |detail: String| JunitError::Write {
        path: path.display().to_string(),
        detail,
    };
    let bytes = bytes().map_err(|e| err(e.to_string()))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| err(e.to_string()))?;
    }
    let mut file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    file.write_all(&bytes).map_err(|e| err(e.to_string()))
}

/// Writes one run to `path` ([`render_run`]).
pub fn write_run(input: &SuiteInput<'_>, path: &Path) -> Result<(), JunitError> {
    write_bytes(path, || render_run(input))
}

/// Writes several targets' runs to `path` ([`render_comparison`]).
pub fn write_comparison(suites: &[SuiteInput<'_>], path: &Path) -> Result<(), JunitError> {
    write_bytes(path, || render_comparison(suites))
}

/// Writes the report to `path` ([`render`]).
pub fn write(report: &RunReport, path: &Path) -> Result<(), JunitError> {
    write_bytes(path, || render(report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::tests::{case, report, result};

    fn run_of(cases: Vec<(&str, Outcome, Option<&str>)>) -> RunReport {
        report(
            "http://t/scim/v2",
            cases
                .into_iter()
                .map(|(id, outcome, message)| {
                    (case(id, "RFC7644 §3.3"), result(id, outcome, message))
                })
                .collect(),
        )
    }

    fn render_with(run: &RunReport, baseline: Option<&Comparison>) -> String {
        let bytes = render_run(&SuiteInput {
            name: "scimspec",
            report: run,
            properties: &[],
            baseline,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_run_is_one_testsuite_without_testcase_properties_or_files() {
        let run = run_of(vec![("c1", Outcome::Fail, Some("broken"))]);
        let xml = render_with(&run, None);
        assert!(xml.contains("\n<testsuite name=\"scimspec\""), "{xml}");
        assert!(!xml.contains("<testsuites"), "{xml}");
        assert!(!xml.contains(" file="), "{xml}");
        assert!(xml.contains(r#"classname="RFC7644.s3_3""#), "{xml}");
        let case = &xml[xml.find("<testcase").unwrap_or_default()..];
        assert!(!case.contains("<properties"), "{xml}");
        assert!(case.contains("level: MUST\n"), "{xml}");
        assert!(xml.contains(r#"failures="1""#), "{xml}");
    }

    #[test]
    fn a_known_deviation_is_a_passed_testcase_carrying_the_baseline_reason() {
        let run = run_of(vec![
            ("c1", Outcome::Fail, Some("no Location")),
            ("c2", Outcome::Pass, None),
        ]);
        let mut cmp = Comparison::default();
        cmp.expected
            .insert("c1".into(), "no Location <header> & more".into());
        let xml = render_with(&run, Some(&cmp));
        assert!(!xml.contains("<failure"), "{xml}");
        assert!(xml.contains(r#"failures="0""#), "{xml}");
        let property = r#"<property name="known-deviation.c1" value="fail: no Location &lt;header&gt; &amp; more"/>"#;
        assert_eq!(xml.matches(property).count(), 1, "{xml}");
        let c1 = &xml[xml.find(r#"name="c1""#).unwrap_or_default()..];
        let c1 = &c1[..c1.find("</testcase>").unwrap_or_default()];
        assert!(
            c1.contains("<system-err>KNOWN DEVIATION (baseline): fail as the baseline expects — no Location &lt;header&gt;"),
            "{xml}"
        );
        let without = render_with(&run, None);
        assert!(!without.contains("known-deviation"), "{without}");
        assert!(without.contains(r#"failures="1""#), "{without}");
    }

    #[test]
    fn a_warning_passes_with_a_marker_in_system_err_and_a_suite_property() {
        let run = run_of(vec![("w", Outcome::Warn, Some("no scimType"))]);
        let xml = render_with(&run, None);
        for element in ["<failure", "<error", "<skipped"] {
            assert!(!xml.contains(element), "{xml}");
        }
        assert!(
            xml.contains("<system-err>WARNING: SHOULD requirement not met: no scimType"),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<property name="warning.w" value="no scimType"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<property name="warned" value="1"/>"#),
            "{xml}"
        );
    }

    #[test]
    fn a_pass_with_a_note_is_a_passed_testcase_carrying_it() {
        let run = run_of(vec![(
            "m",
            Outcome::Pass,
            Some("optional behaviour not present"),
        )]);
        let xml = render_with(&run, None);
        assert!(
            xml.contains("note: optional behaviour not present\n"),
            "{xml}"
        );
        for element in ["<failure", "<error", "<skipped", "<system-err"] {
            assert!(!xml.contains(element), "{xml}");
        }
    }

    #[test]
    fn a_comparison_qualifies_classnames_by_target() {
        let a = run_of(vec![("c1", Outcome::Pass, None)]);
        let b = run_of(vec![("c1", Outcome::Skip, Some("no groups"))]);
        let suites = [
            SuiteInput {
                name: "a",
                report: &a,
                properties: &[],
                baseline: None,
            },
            SuiteInput {
                name: "b.2",
                report: &b,
                properties: &[],
                baseline: None,
            },
        ];
        let bytes = render_comparison(&suites).unwrap_or_else(|e| panic!("{e}"));
        let xml = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(xml.contains(r#"classname="a.RFC7644.s3_3""#), "{xml}");
        assert!(xml.contains(r#"classname="b_2.RFC7644.s3_3""#), "{xml}");
    }
}
