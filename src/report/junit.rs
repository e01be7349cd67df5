//! JUnit XML in the Surefire shape that Jenkins, GitLab and GitHub render: one `testsuite`,
//! one `testcase` per case (name = case id, classname = spec section), `failure` for MUST
//! breaks, `error` for cases that could not be evaluated, `skipped` with the reason, the
//! redacted transcript in `system-out`, level/spec/outcome as `properties`, and what a case
//! left behind on the target in `system-err` and a `leftovers` property.

use std::io::Write;
use std::path::Path;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use thiserror::Error;

use super::RunReport;
use crate::baseline::Comparison;
use crate::http::Redactor;
use crate::load::CaseInfo;
use crate::run::{CaseResult, Outcome};

#[derive(Debug, Error)]
pub enum JunitError {
    #[error("cannot write JUnit report {path}: {detail}")]
    Write { path: String, detail: String },
}

/// Text as the report may hold it: secrets masked and control characters escaped by the
/// redactor, then anything XML 1.0 still cannot carry replaced rather than emit invalid XML.
fn clean(redactor: &Redactor, text: &str) -> String {
    redactor
        .show(text)
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The XML being written; every attribute and text goes through [`clean`].
struct Xml {
    writer: Writer<Vec<u8>>,
    redactor: Redactor,
}

type XmlResult = std::io::Result<()>;

impl Xml {
    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> XmlResult {
        let mut el = BytesStart::new(name);
        for (k, v) in attrs {
            el.push_attribute((*k, clean(&self.redactor, v).as_str()));
        }
        self.writer.write_event(Event::Start(el))
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> XmlResult {
        let mut el = BytesStart::new(name);
        for (k, v) in attrs {
            el.push_attribute((*k, clean(&self.redactor, v).as_str()));
        }
        self.writer.write_event(Event::Empty(el))
    }

    fn end(&mut self, name: &str) -> XmlResult {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    fn text(&mut self, text: &str) -> XmlResult {
        self.writer
            .write_event(Event::Text(BytesText::new(&clean(&self.redactor, text))))
    }

    fn element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> XmlResult {
        self.start(name, attrs)?;
        self.text(text)?;
        self.end(name)
    }

    fn properties(&mut self, props: &[(String, String)]) -> XmlResult {
        if props.is_empty() {
            return Ok(());
        }
        self.start("properties", &[])?;
        for (name, value) in props {
            self.empty("property", &[("name", name), ("value", value)])?;
        }
        self.end("properties")
    }
}

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// `known`: the baseline's reason when the case ended as its baseline entry says.
fn testcase(xml: &mut Xml, case: &CaseInfo, result: &CaseResult, known: Option<&str>) -> XmlResult {
    let time = secs(result.duration);
    let section = case.section().to_string();
    let file = case.origin.file.clone();
    xml.start(
        "testcase",
        &[
            ("name", &case.id),
            ("classname", &section),
            ("time", &time),
            ("file", &file),
        ],
    )?;
    let mut props = vec![
        ("level".to_string(), case.level.as_str().to_string()),
        ("spec".to_string(), case.spec.clone()),
        ("outcome".to_string(), result.outcome.as_str().to_string()),
        ("title".to_string(), case.title.clone()),
    ];
    if let Some(req) = &case.requirement {
        props.push(("requirement".to_string(), req.clone()));
    }
    if let Some(consequence) = &case.consequence {
        props.push(("consequence".to_string(), consequence.clone()));
    }
    if !case.tags.is_empty() {
        props.push(("tags".to_string(), case.tags.join(",")));
    }
    if let Some(reason) = known {
        props.push(("known-deviation".to_string(), reason.to_string()));
    }
    if let (Outcome::Pass, Some(note)) = (result.outcome, &result.message) {
        props.push(("note".to_string(), note.clone()));
    }
    if !result.leftovers.is_empty() {
        let list: Vec<String> = result.leftovers.iter().map(|l| l.to_string()).collect();
        props.push(("leftovers".to_string(), list.join("; ")));
    }
    xml.properties(&props)?;
    let message = result.message.clone().unwrap_or_default();
    let mut detail = message.clone();
    for p in &result.problems {
        detail.push_str("\n- ");
        detail.push_str(p);
    }
    match result.outcome {
        Outcome::Fail => xml.element(
            "failure",
            &[("message", &message), ("type", case.level.as_str())],
            &detail,
        )?,
        Outcome::Error => xml.element(
            "error",
            &[("message", &message), ("type", "error")],
            &detail,
        )?,
        Outcome::Skip => xml.empty("skipped", &[("message", &message)])?,
        Outcome::Pass | Outcome::Warn => {}
    }
    let mut out = String::new();
    if result.outcome == Outcome::Warn {
        out.push_str(&format!("warning ({}): {detail}\n\n", case.level));
    }
    if result.outcome == Outcome::Pass && result.message.is_some() {
        out.push_str(&format!("note ({}): {detail}\n\n", case.level));
    }
    out.push_str(&result.transcript);
    if !out.is_empty() {
        xml.element("system-out", &[], &out)?;
    }
    if !result.leftovers.is_empty() {
        let lines: String = result
            .leftovers
            .iter()
            .map(|l| format!("left behind on the target: {l}\n"))
            .collect();
        xml.element("system-err", &[], &lines)?;
    }
    xml.end("testcase")
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
    /// their entry says carry its reason.
    pub baseline: Option<&'a Comparison>,
}

/// Writes one `<testsuite>`: counts, the target, run id and discovered capabilities as
/// properties, then one `<testcase>` per case.
fn testsuite(xml: &mut Xml, input: &SuiteInput<'_>, timestamp: &str) -> XmlResult {
    let report = input.report;
    let tests = report.results.len().to_string();
    let failures = report.count(Outcome::Fail).to_string();
    let errors = report.count(Outcome::Error).to_string();
    let skipped = report.count(Outcome::Skip).to_string();
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
            ("timestamp", timestamp),
            ("hostname", "scimspec"),
        ],
    )?;
    let mut props = vec![
        ("target".to_string(), report.target.clone()),
        ("run".to_string(), report.run_id.clone()),
        (
            "scimspec.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        (
            "warned".to_string(),
            report.count(Outcome::Warn).to_string(),
        ),
    ];
    let leftovers = report.leftovers().count();
    if leftovers > 0 {
        props.push(("leftovers".to_string(), leftovers.to_string()));
    }
    props.extend(input.properties.iter().cloned());
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
    xml.properties(&props)?;
    for (case, result) in &report.results {
        let known = input.baseline.and_then(|b| b.known_reason(&case.id));
        testcase(xml, case, result, known)?;
    }
    xml.end("testsuite")
}

/// Renders runs as one JUnit file: `<testsuites>` holding one `<testsuite>` per run. Every
/// text is shown through a redactor knowing the secrets of all the runs.
pub fn render_suites(suites: &[SuiteInput<'_>]) -> std::io::Result<Vec<u8>> {
    let redactor = Redactor::new();
    for s in suites {
        redactor.absorb(&s.report.redactor);
    }
    let mut xml = Xml {
        writer: Writer::new_with_indent(Vec::new(), b' ', 2),
        redactor,
    };
    xml.writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let sum = |o: Outcome| -> String {
        suites
            .iter()
            .map(|s| s.report.count(o))
            .sum::<usize>()
            .to_string()
    };
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
    let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    xml.start(
        "testsuites",
        &[
            ("name", "scimspec"),
            ("tests", &tests),
            ("failures", &sum(Outcome::Fail)),
            ("errors", &sum(Outcome::Error)),
            ("skipped", &sum(Outcome::Skip)),
            ("time", &time),
        ],
    )?;
    for input in suites {
        testsuite(&mut xml, input, &timestamp)?;
    }
    xml.end("testsuites")?;
    let mut bytes = xml.writer.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

/// Renders the report as JUnit XML.
pub fn render(report: &RunReport) -> std::io::Result<Vec<u8>> {
    render_suites(&[SuiteInput {
        name: "scimspec",
        report,
        properties: &[],
        baseline: None,
    }])
}

/// Writes runs to `path` as one JUnit file, creating parent directories.
pub fn write_suites(suites: &[SuiteInput<'_>], path: &Path) -> Result<(), JunitError> {
    let err = |detail: String| JunitError::Write {
        path: path.display().to_string(),
        detail,
    };
    let bytes = render_suites(suites).map_err(|e| err(e.to_string()))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| err(e.to_string()))?;
    }
    let mut file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    file.write_all(&bytes).map_err(|e| err(e.to_string()))
}

/// Writes the report to `path`, creating parent directories.
pub fn write(report: &RunReport, path: &Path) -> Result<(), JunitError> {
    write_suites(
        &[SuiteInput {
            name: "scimspec",
            report,
            properties: &[],
            baseline: None,
        }],
        path,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::tests::{case, report, result};

    fn render_with(baseline: Option<&Comparison>) -> String {
        let run = report(
            "http://t/scim/v2",
            vec![
                (
                    case("c1", "RFC7644 §3.3"),
                    result("c1", Outcome::Fail, None),
                ),
                (
                    case("c2", "RFC7644 §3.3"),
                    result("c2", Outcome::Pass, None),
                ),
            ],
        );
        let bytes = render_suites(&[SuiteInput {
            name: "scimspec",
            report: &run,
            properties: &[],
            baseline,
        }])
        .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_known_deviation_carries_the_baseline_reason() {
        let mut cmp = Comparison::default();
        cmp.expected
            .insert("c1".into(), "no Location <header> & more".into());
        let xml = render_with(Some(&cmp));
        let property =
            r#"<property name="known-deviation" value="no Location &lt;header&gt; &amp; more"/>"#;
        assert_eq!(xml.matches(property).count(), 1, "{xml}");
        let c1 = xml.find(r#"name="c1""#).unwrap_or_default();
        let c2 = xml.find(r#"name="c2""#).unwrap_or_default();
        let at = xml.find(property).unwrap_or_default();
        assert!(c1 < at && at < c2, "{xml}");
        assert!(!render_with(None).contains("known-deviation"));
    }

    #[test]
    fn a_pass_with_a_note_is_a_passed_testcase_carrying_it() {
        let run = report(
            "http://t/scim/v2",
            vec![(
                case("m", "RFC7644 §3.4.2.1"),
                result("m", Outcome::Pass, Some("optional behaviour not present")),
            )],
        );
        let bytes = render_suites(&[SuiteInput {
            name: "scimspec",
            report: &run,
            properties: &[],
            baseline: None,
        }])
        .unwrap_or_else(|e| panic!("{e}"));
        let xml = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            xml.contains(r#"<property name="note" value="optional behaviour not present"/>"#),
            "{xml}"
        );
        assert!(xml.contains("note ("), "{xml}");
        for element in ["<failure", "<error", "<skipped"] {
            assert!(!xml.contains(element), "{xml}");
        }
    }
}
