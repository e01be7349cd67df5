//! Drives the real `scimspec` binary over loopback: against the embedded reference server,
//! against a deliberately wrong target, with malformed case files and an unreachable target.

use crate::support::{scimspec, testcase, wrong_target, Reference, RunExt, TempDir, UNREACHABLE};

fn attr(xml: &str, element: &str, name: &str) -> String {
    let start = xml.find(&format!("<{element} ")).expect("element present");
    let rest = &xml[start..];
    let key = format!(" {name}=\"");
    let at = rest.find(&key).expect("attribute present") + key.len();
    rest[at..].split('"').next().unwrap_or_default().to_string()
}

#[test]
fn embedded_default_passes_every_case() {
    let dir = TempDir::new("embedded");
    let all = scimspec().arg("run").junit_in(&dir).exits(0);
    let cases = scimspec::load::load_embedded().expect("suite").cases.len();
    let xml = dir.junit();
    assert_eq!(attr(&xml, "testsuite", "tests"), cases.to_string());
    assert_eq!(attr(&xml, "testsuite", "failures"), "0", "{all}");
    assert_eq!(attr(&xml, "testsuite", "errors"), "0", "{all}");
    assert_eq!(xml.matches("<testcase ").count(), cases);
    assert!(xml.contains("name=\"rfc7644-3.3-create-returns-201\""));
    assert!(xml.contains("classname=\"RFC7644.s3_3\""));
    assert!(xml.contains("\nlevel: MUST\n"));
    assert!(all.contains("scimspec: "), "closing line missing: {all}");
    assert!(all.contains(" 0 failed,"), "{all}");
}

#[test]
fn wrong_target_fails_the_right_cases_with_the_right_messages() {
    let dir = TempDir::new("wrong");
    let target = wrong_target();
    let all = scimspec()
        .args(["run", "--target", &target])
        .junit_in(&dir)
        .exits(1);
    let xml = dir.junit();

    let create = testcase(&xml, "rfc7644-3.3-create-returns-201");
    assert!(create.contains("<failure "), "{create}");
    assert!(create.contains("RFC7644 §3.3"), "{create}");
    assert!(create.contains("expected status 201, got 200"), "{create}");

    let zero = testcase(&xml, "rfc7644-3.4.2-no-match-returns-200-zero");
    assert!(zero.contains("<failure "), "{zero}");
    assert!(zero.contains("expected status 200, got 404"), "{zero}");
    assert!(all.contains("rfc7644-3.3-create-returns-201"), "{all}");
}

#[test]
fn secrets_never_appear_in_console_or_reports() {
    let secret = format!("tok-{}", uuid::Uuid::new_v4().simple());
    let dir = TempDir::new("secret");
    let server = Reference::start(scimspec::server::ServerConfig {
        token: Some(secret.clone()),
        ..Default::default()
    });
    let all = scimspec()
        .args(["run", "--target", server.base_url()])
        .junit_in(&dir)
        .env("SCIMSPEC_TOKEN", &secret)
        .exits(0);
    let xml = dir.junit();
    assert!(
        xml.contains("Bearer [REDACTED]"),
        "transcripts show the header, masked"
    );
    assert!(!all.contains(&secret), "token leaked to the console");
    assert!(!xml.contains(&secret), "token leaked to the JUnit report");
}

#[test]
fn malformed_case_file_names_file_case_and_problem() {
    let dir = TempDir::new("malformed");
    let file = dir.write(
        "bad.yaml",
        "spec: RFC7644 §3.3\ncases:\n  - id: good-one\n    title: fine\n    level: MUST\n    steps:\n      - request: { method: GET, path: /Users }\n  - id: broken-one\n    title: bad status\n    level: MUST\n    steps:\n      - request: { method: GET, path: /Users }\n        expect: { status: 9001 }\n",
    );
    let all = scimspec().args(["run", "--suites"]).arg(&file).exits(2);
    assert!(
        all.contains("bad.yaml:13:27: case 'broken-one': at /steps/0/expect/status"),
        "{all}"
    );
    assert!(!all.contains("panicked"), "{all}");
}

#[test]
fn unreachable_target_exits_3() {
    let all = scimspec()
        .args(["run", "--target", UNREACHABLE, "--timeout", "5"])
        .exits(3);
    assert!(all.contains("unreachable"), "{all}");
}

#[test]
fn usage_errors_exit_2() {
    let all = scimspec().args(["run", "--target", "not a url"]).exits(2);
    assert!(
        all.contains("--target must be an http:// or https:// URL, got 'not a url'"),
        "{all}"
    );
    let all = scimspec().args(["run", "--basic", "no-colon"]).exits(2);
    assert!(
        all.contains("--basic must be USER:PASSWORD (no ':' found)"),
        "{all}"
    );
}

#[test]
fn list_and_filters_select_cases_by_name() {
    let all = scimspec().args(["run", "--list", "create"]).exits(0);
    assert!(
        all.contains("rfc7644-3.3-create-returns-201: test"),
        "{all}"
    );
    assert!(!all.contains("discovery"), "{all}");
}

#[test]
fn coverage_document_is_current() {
    scimspec()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["coverage", "--check", "suites/COVERAGE.md"])
        .exits(0);
}
