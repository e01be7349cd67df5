//! Report inputs built by hand from the library API, the same on every run: the cases of
//! `tests/golden/cases.yaml`, fixed results (one of each outcome) with fixed durations and
//! transcripts, a fixed run id and discovery. Every golden test gets its [`RunReport`] from
//! [`run_report`], the one place that knows how a report carries its baseline.

use std::time::Duration;

use scimspec::baseline::{self, Baseline, Comparison, Entry, ExpectedOutcome};
use scimspec::http::{Exchange, RecordedRequest, RecordedResponse, Redactor};
use scimspec::load::{self, Capability, Case};
use scimspec::plan::Discovery;
use scimspec::report::RunReport;
use scimspec::run::{CaseResult, Outcome};
use serde_json::{json, Value};

/// The run id every hand-built report carries.
pub const RUN_ID: &str = "golden-run-7f3a";

/// The token the transcripts were "sent" with; it must appear nowhere in a report.
pub const SECRET: &str = "golden-secret-token-5e6f";

/// The cases the golden reports are about.
pub fn cases() -> Vec<Case> {
    load::load_sources([(
        "golden/cases.yaml".to_string(),
        include_str!("../golden/cases.yaml").to_string(),
    )])
    .expect("tests/golden/cases.yaml loads")
    .cases
}

/// The case `id` of [`cases`].
pub fn case(id: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id} in tests/golden/cases.yaml"))
}

/// A redactor that knows [`SECRET`].
pub fn redactor() -> Redactor {
    let mut redactor = Redactor::new();
    redactor.add(SECRET);
    redactor
}

/// What a target said it supports, with the evidence, as discovery would record it.
pub fn discovery() -> Discovery {
    let mut discovery = Discovery::default();
    let caps = &mut discovery.capabilities;
    caps.set(Capability::Users, true, "ResourceTypes lists User");
    caps.set(
        Capability::Groups,
        false,
        "ResourceTypes lists no Group resource type",
    );
    caps.set(
        Capability::Etag,
        true,
        "ServiceProviderConfig says etag.supported=true",
    );
    discovery.notes = vec![
        "/ServiceProviderConfig: 200".into(),
        "/ResourceTypes: 200".into(),
        "/Schemas: 404; what it would advertise is unknown".into(),
    ];
    discovery
}

/// One step of a transcript as the runner writes it: `--- label`, then the exchange rendered
/// with secrets masked. The request carries [`SECRET`] as its bearer token.
pub fn step(
    label: &str,
    (method, path): (&str, &str),
    request_body: Option<Value>,
    (status, response_body): (u16, Option<Value>),
) -> String {
    let mut request_headers = vec![
        ("Accept".to_string(), "application/scim+json".to_string()),
        ("Authorization".to_string(), format!("Bearer {SECRET}")),
    ];
    if request_body.is_some() {
        request_headers.push(("Content-Type".into(), "application/scim+json".into()));
    }
    let mut response_headers = Vec::new();
    if response_body.is_some() {
        response_headers.push((
            "content-type".to_string(),
            "application/scim+json".to_string(),
        ));
    }
    let exchange = Exchange {
        request: RecordedRequest {
            method: method.into(),
            url: format!("https://scim.example.com/scim/v2{path}"),
            headers: request_headers,
            body: request_body.map(|b| b.to_string()),
        },
        response: RecordedResponse {
            status,
            headers: response_headers,
            body: response_body
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default(),
            json: response_body,
        },
        elapsed: Duration::from_millis(12),
    };
    format!("--- {label}\n{}", exchange.render(&redactor()))
}

fn result(
    id: &str,
    outcome: Outcome,
    message: Option<&str>,
    problems: &[&str],
    transcript: String,
    millis: u64,
) -> CaseResult {
    CaseResult {
        id: id.into(),
        outcome,
        message: message.map(str::to_string),
        problems: problems.iter().map(|p| p.to_string()).collect(),
        transcript,
        duration: Duration::from_millis(millis),
        unreachable: false,
        leftovers: Vec::new(),
    }
}

/// Each case of [`cases`] with a fixed result: a failure with its transcript, a pass, a
/// warning with its transcript, a skip and an error.
pub fn results() -> Vec<(Case, CaseResult)> {
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "golden-user"
    });
    let created = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "golden-1",
        "userName": "Golden-User",
        "meta": { "resourceType": "User" },
        "x-echo": format!("Bearer {SECRET}")
    });
    let results = vec![
        result(
            "golden-create-returns-201",
            Outcome::Fail,
            Some(
                "RFC7644 §3.3 L601-602 (MUST) broken at step 1 'create a user': header Location: \
                 expected a value, got absent; /userName: expected \"golden-user\", got \
                 \"Golden-User\"",
            ),
            &[
                "header Location: expected a value, got absent",
                "/userName: expected \"golden-user\", got \"Golden-User\"",
            ],
            step(
                "step 1 'create a user'",
                ("POST", "/Users"),
                Some(user),
                (201, Some(created)),
            ) + &step(
                "cleanup (created by the case)",
                ("DELETE", "/Users/golden-1"),
                None,
                (204, None),
            ),
            42,
        ),
        result(
            "golden-list-users",
            Outcome::Pass,
            None,
            &[],
            step(
                "step 1",
                ("GET", "/Users"),
                None,
                (
                    200,
                    Some(json!({
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                        "totalResults": 0,
                        "Resources": []
                    })),
                ),
            ),
            7,
        ),
        result(
            "golden-etag-on-get",
            Outcome::Warn,
            Some(
                "RFC7644 §3.14 L3323-3325 (SHOULD) broken at step 1 'read the user': header \
                 ETag: expected a value, got absent",
            ),
            &["header ETag: expected a value, got absent"],
            step(
                "step 1 'read the user'",
                ("GET", "/Users/golden-1"),
                None,
                (200, Some(json!({"id": "golden-1", "userName": "golden-user"}))),
            ),
            9,
        ),
        CaseResult::skipped(
            "golden-group-add-member",
            "requires groups: ResourceTypes lists no Group resource type",
        ),
        result(
            "golden-sort-by-username",
            Outcome::Error,
            Some(
                "precondition step 1 'list users sorted' did not hold: expected status 200, got \
                 500 with body {\"detail\":\"sort <not> supported & failed\"}",
            ),
            &["expected status 200, got 500 with body {\"detail\":\"sort <not> supported & failed\"}"],
            step(
                "step 1 'list users sorted'",
                ("GET", "/Users?sortBy=userName"),
                None,
                (500, Some(json!({"detail": "sort <not> supported & failed"}))),
            ),
            15,
        ),
    ];
    cases().into_iter().zip(results).collect()
}

/// A baseline that knows the warning of [`results`] and expects a case to fail that passes.
pub fn baseline() -> Baseline {
    let entry = |outcome, reason: &str| Entry {
        outcome,
        reason: reason.into(),
    };
    Baseline {
        target: "Example SCIM 1.2".into(),
        cases: [
            (
                "golden-etag-on-get".to_string(),
                entry(
                    ExpectedOutcome::Warn,
                    "Example SCIM never sends ETag headers.",
                ),
            ),
            (
                "golden-list-users".to_string(),
                entry(ExpectedOutcome::Fail, "GET /Users used to answer 404."),
            ),
        ]
        .into_iter()
        .collect(),
    }
}

/// A finished run against `target` with `results`, compared with `baseline` if any: the
/// report and the comparison. The one place that builds a [`RunReport`].
pub fn run_report(
    target: &str,
    results: Vec<(Case, CaseResult)>,
    baseline: Option<&Baseline>,
) -> (RunReport, Option<Comparison>) {
    let all_ids: Vec<String> = cases().into_iter().map(|c| c.id).collect();
    let report = RunReport {
        target: target.into(),
        run_id: RUN_ID.into(),
        discovery: Some(discovery()),
        results: results.into_iter().map(|(c, r)| (c.info(), r)).collect(),
        duration: Duration::from_millis(1234),
        redactor: Redactor::new(),
        run_leftovers: Vec::new(),
    };
    let comparison = baseline.map(|b| baseline::compare(b, &report.results, &all_ids));
    (report, comparison)
}
