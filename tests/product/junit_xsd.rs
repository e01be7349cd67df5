//! The JUnit reports CI tools read, validated with `xmllint --noout --schema` against the
//! Jenkins `junit-10.xsd` and the Surefire 3.0 schema (`schemas/junit/`): `run` with every
//! outcome (pass, fail, warn, skip, error, a MAY note and a known deviation from a baseline),
//! `run` of the whole suite against a faulty reference server with a baseline written from it,
//! and `compare`. Without `xmllint` the tests say they skipped, unless `CI` or
//! `SCIMSPEC_REQUIRE_XMLLINT` is set: then they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use scimspec::server::{Fault, ServerConfig};

use crate::support::{scimspec, testcase, Reference, RunExt, TempDir};

/// Cases against the embedded reference server ending with each outcome.
pub const EVERY_OUTCOME: &str = r#"spec: RFC7644 §4
tags: [discovery]
cases:
  - id: xsd-pass
    title: GET /ServiceProviderConfig
    spec: RFC7644 §4 L2063
    level: MUST
    steps:
      - request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 200 }
  - id: xsd-fail
    title: GET /ServiceProviderConfig expecting 418 <teapot> & more
    spec: RFC7644 §4 L2063
    level: MUST
    steps:
      - request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 418 }
  - id: xsd-warn
    title: GET /ServiceProviderConfig expecting 418, a SHOULD
    spec: RFC7643 §5
    level: SHOULD
    steps:
      - request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 418 }
  - id: xsd-note
    title: GET /ServiceProviderConfig expecting 418, a MAY
    spec: RFC7644 §3.4.2.2
    level: MAY
    steps:
      - request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 418 }
  - id: xsd-error
    title: a precondition that breaks
    spec: RFC7644 §4
    level: MUST
    steps:
      - name: precondition
        setup: true
        request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 418 }
      - request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 200 }
  - id: xsd-skip
    title: an optional feature the target lacks
    spec: RFC7644 §4
    level: MUST
    steps:
      - name: the feature
        assume: true
        request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 418 }
  - id: xsd-known
    title: a known deviation
    spec: RFC7644 §4
    level: MUST
    steps:
      - request: { method: GET, path: /ServiceProviderConfig }
        expect: { status: 418 }
"#;

/// The baseline of [`EVERY_OUTCOME`]: `xsd-known` fails, as known.
pub const KNOWN: &str = "target: the reference server\ncases:\n  xsd-known:\n    outcome: fail\n    reason: answers 200, not 418 — a test deviation\n";

const SCHEMAS: [&str; 2] = ["junit-10.xsd", "surefire-test-report-3.0.xsd"];

/// True when `xmllint` runs; false (the test skips) when it is missing and not required.
fn xmllint() -> bool {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let required = ["CI", "SCIMSPEC_REQUIRE_XMLLINT"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    assert!(
        !required,
        "xmllint is missing (Debian: apt-get install libxml2-utils) and CI or \
         SCIMSPEC_REQUIRE_XMLLINT is set"
    );
    eprintln!("skipped: xmllint is missing, the JUnit reports were not validated");
    false
}

fn schema(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/junit")
        .join(name)
}

/// What `xmllint` says against `xsd` when `doc` is invalid.
fn invalid(doc: &Path, xsd: &str) -> Option<String> {
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema(xsd))
        .arg(doc)
        .output()
        .expect("xmllint runs");
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Asserts `doc` is valid against both schemas.
fn assert_valid(doc: &Path) {
    assert_valid_against(doc, &SCHEMAS);
}

/// Asserts `doc` is valid against each of `schemas`.
fn assert_valid_against(doc: &Path, schemas: &[&str]) {
    let problems: Vec<String> = schemas
        .iter()
        .filter_map(|xsd| invalid(doc, xsd).map(|why| format!("{xsd}:\n{why}")))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each `<testsuite>` of a `<testsuites>` file as a document of its own (the Surefire schema's
/// root is a `<testsuite>`), written into `dir`.
fn each_suite(xml: &str, dir: &TempDir) -> Vec<PathBuf> {
    let mut docs = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<testsuite ") {
        let end = rest[start..]
            .find("</testsuite>")
            .map(|e| start + e + "</testsuite>".len())
            .expect("testsuite closed");
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
            &rest[start..end]
        );
        docs.push(dir.write(&format!("suite-{}.xml", docs.len()), doc));
        rest = &rest[end..];
    }
    docs
}

#[test]
fn run_with_every_outcome_writes_valid_junit() {
    if !xmllint() {
        return;
    }
    let dir = TempDir::new("xsd-run");
    let suite = dir.write("every-outcome.yaml", EVERY_OUTCOME);
    let baseline = dir.write("known.yaml", KNOWN);
    scimspec()
        .args(["run", "--suites"])
        .arg(&suite)
        .arg("--baseline")
        .arg(&baseline)
        .junit_in(&dir)
        .exits(1);
    let xml = dir.junit();
    for (id, mark) in [
        ("xsd-fail", "<failure "),
        ("xsd-error", "<error "),
        ("xsd-skip", "<skipped "),
        (
            "xsd-warn",
            "<system-err>WARNING: SHOULD requirement not met",
        ),
        ("xsd-note", "note: "),
        ("xsd-known", "<system-err>KNOWN DEVIATION (baseline): fail"),
        ("xsd-pass", "<system-out>"),
    ] {
        assert!(testcase(&xml, id).contains(mark), "{id}: {mark}\n{xml}");
    }
    assert!(!testcase(&xml, "xsd-known").contains("<failure"), "{xml}");
    assert_valid(&dir.junit_path());
}

#[test]
fn run_of_the_suite_on_a_faulty_server_writes_valid_junit_with_and_without_a_baseline() {
    if !xmllint() {
        return;
    }
    let server = Reference::start(ServerConfig {
        fault: Some(Fault::CreateReturns200),
        ..Default::default()
    });
    let dir = TempDir::new("xsd-fault");
    let written = dir.join("written.yaml");
    let first = dir.join("first.xml");
    scimspec()
        .args(["run", "--target", server.base_url(), "--junit"])
        .arg(&first)
        .arg("--write-baseline")
        .arg(&written)
        .exits(1);
    let xml = std::fs::read_to_string(&first).expect("report");
    assert!(
        xml.contains("<failure ") && xml.contains("<error "),
        "{xml}"
    );
    assert_valid(&first);
    scimspec()
        .args(["run", "--target", server.base_url(), "--baseline"])
        .arg(&written)
        .junit_in(&dir)
        .exits(0);
    let known = dir.junit();
    assert!(
        !known.contains("<failure ") && !known.contains("<error "),
        "{known}"
    );
    assert!(known.contains("KNOWN DEVIATION (baseline)"), "{known}");
    assert_valid(&dir.junit_path());
}

#[test]
fn compare_writes_valid_junit() {
    if !xmllint() {
        return;
    }
    let dir = TempDir::new("xsd-compare");
    let (path, xml) = compare_two_targets(&dir);
    // The Surefire schema's root is one <testsuite>: the file as a whole is checked against
    // Jenkins' schema, each of its testsuites against both.
    assert_valid_against(&path, &SCHEMAS[..1]);
    let suites = each_suite(&xml, &dir);
    assert_eq!(suites.len(), 2, "{xml}");
    for suite in suites {
        assert_valid(&suite);
    }
}

/// Runs `compare` on two targets (the embedded server twice, the second with a baseline) of
/// the same cases; the path and text of `compare-junit.xml`.
fn compare_two_targets(dir: &TempDir) -> (PathBuf, String) {
    dir.write("every-outcome.yaml", EVERY_OUTCOME);
    dir.write("known.yaml", KNOWN);
    let config = dir.write(
        "scimspec.toml",
        "[defaults]\nsuites = [\"every-outcome.yaml\"]\n\n[targets.reference]\n\n\
         [targets.\"known.v2\"]\nbaseline = \"known.yaml\"\n",
    );
    let all = scimspec()
        .args(["compare", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.join("out"))
        .exits(1);
    // The target with a baseline names what its baseline did not expect, with the outcome.
    for line in ["unexpected fail: xsd-fail", "unexpected warn: xsd-warn"] {
        assert!(all.contains(line), "{line}\n{all}");
    }
    let path = dir.join("out/compare-junit.xml");
    let xml = std::fs::read_to_string(&path).expect("compare-junit.xml");
    (path, xml)
}

/// Every `(classname, name)` of the testcases of a JUnit file, read with an XML parser.
fn testcase_keys(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut keys = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                let attr = |key: &str| {
                    e.try_get_attribute(key)
                        .expect("attribute")
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("escaped")
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                keys.push((attr("classname"), attr("name")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    keys
}

/// GitLab merges testcases sharing classname and name, and `xunitparser` fails on them: in a
/// comparison each target's classnames start with its name.
#[test]
fn compare_junit_names_each_testcase_once() {
    let dir = TempDir::new("compare-unique");
    let (_, xml) = compare_two_targets(&dir);
    let keys = testcase_keys(&xml);
    assert_eq!(keys.len(), 14, "{keys:?}");
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    assert!(
        keys.contains(&("known_v2.RFC7644.s4".to_string(), "xsd-known".to_string())),
        "{keys:?}"
    );
    assert!(
        keys.contains(&("reference.RFC7644.s4".to_string(), "xsd-known".to_string())),
        "{keys:?}"
    );
}
