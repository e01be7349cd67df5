//! The run as JSON for machines (`--report-json`): its target, counts, discovery and
//! calibration notes, capabilities, the Entra and Okta verdicts, leftovers and every case with its outcome, reasons and
//! redacted transcript. Its shape is `schemas/report.schema.json`, versioned by
//! [`REPORT_VERSION`].

use serde_json::{json, Map, Value};

use super::RunReport;
use crate::baseline::Comparison;
use crate::run::{Leftover, Outcome};

/// The `version` of the report's shape; raised on any change a reader could trip over.
pub const REPORT_VERSION: u64 = 1;

/// The JSON Schema every report matches (`schemas/report.schema.json`).
pub const SCHEMA: &str = include_str!("../../schemas/report.schema.json");

/// Milliseconds, as an integer.
fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn leftover(owner: Option<&str>, l: &Leftover, show: &dyn Fn(&str) -> String) -> Value {
    let mut v = Map::new();
    if let Some(owner) = owner {
        v.insert("created_by".into(), json!(show(owner)));
    }
    v.insert("resource_type".into(), json!(show(&l.resource_type)));
    v.insert("resource".into(), json!(show(&l.resource)));
    v.insert("reason".into(), json!(show(&l.reason)));
    Value::Object(v)
}

/// The report as a JSON value. `generated` is the time the report was written (RFC 3339).
pub fn to_value(report: &RunReport, baseline: Option<&Comparison>, generated: &str) -> Value {
    let show = |text: &str| report.redactor.show(text);
    let counts = report.counts();
    let mut count_map = Map::new();
    count_map.insert("total".into(), json!(report.results.len()));
    for (outcome, n) in &counts {
        count_map.insert(outcome.as_str().into(), json!(n));
    }
    let discovery = report.discovery.as_ref().map(|d| {
        json!({
            "notes": d.notes.iter().map(|n| show(n)).collect::<Vec<_>>(),
            "capabilities": d.capabilities.iter().map(|(c, supported, evidence)| json!({
                "name": c.as_str(),
                "supported": supported,
                "evidence": show(evidence),
            })).collect::<Vec<_>>(),
        })
    });
    let cases: Vec<Value> = report
        .results
        .iter()
        .map(|(case, r)| {
            let known = baseline.and_then(|b| b.known_reason(&case.id));
            json!({
                "id": case.id,
                "title": show(&case.title),
                "requirement": case.requirement.as_deref().map(show),
                "spec": case.spec,
                "section": case.section(),
                "level": case.level.as_str(),
                "tags": case.tags,
                "outcome": r.outcome.as_str(),
                "message": r.message.as_deref().map(show),
                "problems": r.problems.iter().map(|p| show(p)).collect::<Vec<_>>(),
                "known_deviation": known.map(show),
                "leftovers": r.leftovers.iter().map(|l| leftover(None, l, &show)).collect::<Vec<_>>(),
                "duration_ms": millis(r.duration),
                "transcript": show(&r.transcript),
            })
        })
        .collect();
    let ids = |findings: &[super::verdict::Finding]| -> Vec<String> {
        findings.iter().map(|f| f.id.clone()).collect()
    };
    let verdicts: Vec<Value> = super::verdict::verdicts(&report.results)
        .iter()
        .map(|v| {
            json!({
                "client": v.client.tag,
                "name": v.client.name,
                "readiness": v.readiness.as_str(),
                "headline": show(&v.headline()),
                "cases": v.total,
                "blocking": ids(&v.blocking),
                "unverified": ids(&v.unverified),
                "degraded": ids(&v.degraded),
                "not_run": ids(&v.skipped),
            })
        })
        .collect();
    let baseline = baseline.map(|b| {
        json!({
            "clean": b.is_clean(),
            "known": b.expected.len(),
            "unexpected": b.unexpected,
            "stale": b.stale.iter().map(|(id, now)| json!({"id": id, "now": show(now)})).collect::<Vec<_>>(),
        })
    });
    json!({
        "version": REPORT_VERSION,
        "tool": {"name": "scimspec", "version": env!("CARGO_PKG_VERSION")},
        "generated": generated,
        "target": show(&report.target),
        "run_id": report.run_id,
        "duration_ms": millis(report.duration),
        "counts": Value::Object(count_map),
        "passed": report.count(Outcome::Fail) + report.count(Outcome::Error) == 0,
        "discovery": discovery,
        "baseline": baseline,
        "verdicts": verdicts,
        "leftovers": report.leftovers().map(|(owner, l)| leftover(Some(owner), l, &show)).collect::<Vec<_>>(),
        "cases": cases,
    })
}

/// The report as pretty-printed JSON text, ending with a line break.
pub fn render(report: &RunReport, baseline: Option<&Comparison>, generated: &str) -> String {
    let value = to_value(report, baseline, generated);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// One target's run in a report of several (`compare`).
#[derive(Debug, Clone, Copy)]
pub struct NamedRun<'a> {
    pub name: &'a str,
    pub report: &'a RunReport,
    pub baseline: Option<&'a Comparison>,
    /// Why the target could not be run at all, if it could not.
    pub problem: Option<&'a str>,
}

/// Several runs in one report (`compare`): each target's run under its name.
pub fn render_many(runs: &[NamedRun<'_>], generated: &str) -> String {
    let targets: Vec<Value> = runs
        .iter()
        .map(|run| {
            let show = |text: &str| run.report.redactor.show(text);
            let mut v = to_value(run.report, run.baseline, generated);
            if let Value::Object(map) = &mut v {
                map.insert("name".into(), json!(show(run.name)));
                map.insert("problem".into(), json!(run.problem.map(show)));
                map.remove("tool");
                map.remove("generated");
                map.remove("version");
            }
            v
        })
        .collect();
    let value = json!({
        "version": REPORT_VERSION,
        "tool": {"name": "scimspec", "version": env!("CARGO_PKG_VERSION")},
        "generated": generated,
        "targets": targets,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
