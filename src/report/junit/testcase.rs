//! One `<testcase>` valid against both JUnit schemas (`schemas/junit/`): no testcase-level
//! properties and no `file` attribute (neither schema has them), so what a case says about
//! itself heads its `system-out`. JUnit knows pass, failure, error and skipped only: a
//! warning (a SHOULD not met) and a known deviation (the outcome its baseline expects) are
//! passed testcases whose `system-err` opens with a marker line, short enough that no CI tool
//! truncates it.

use std::fmt::Write as _;

use super::classname::classname;
use super::xml::{Xml, XmlResult};
use crate::load::CaseInfo;
use crate::run::{CaseResult, Outcome};

/// How a case appears to a CI tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failure,
    Error,
    Skipped,
}

/// The verdict of a case: failures and errors the baseline expects (`known`) pass, so a CI
/// gate stays green on what is already known.
pub fn verdict(outcome: Outcome, known: bool) -> Verdict {
    match outcome {
        Outcome::Fail if !known => Verdict::Failure,
        Outcome::Error if !known => Verdict::Error,
        Outcome::Skip => Verdict::Skipped,
        _ => Verdict::Passed,
    }
}

/// The marker a warned case's `system-err` opens with.
pub const WARNING_MARK: &str = "WARNING: SHOULD requirement not met";

/// The marker a known deviation's `system-err` opens with.
pub const KNOWN_MARK: &str = "KNOWN DEVIATION (baseline)";

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The message and every problem, one per line.
fn detail(result: &CaseResult) -> String {
    let mut detail = result.message.clone().unwrap_or_default();
    for p in &result.problems {
        detail.push_str("\n- ");
        detail.push_str(p);
    }
    detail
}

/// What the case says about itself, one `key: value` line each: the head of `system-out`.
fn header(case: &CaseInfo, result: &CaseResult, known: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "case: {}", case.id);
    let _ = writeln!(out, "title: {}", case.title);
    let _ = writeln!(out, "spec: {}", case.spec);
    let _ = writeln!(out, "level: {}", case.level.as_str());
    let _ = writeln!(out, "outcome: {}", result.outcome.as_str());
    if let Some(req) = &case.requirement {
        let _ = writeln!(out, "requirement: {req}");
    }
    if let Some(consequence) = &case.consequence {
        let _ = writeln!(out, "consequence: {consequence}");
    }
    if !case.tags.is_empty() {
        let _ = writeln!(out, "tags: {}", case.tags.join(","));
    }
    let _ = writeln!(out, "file: {}", case.origin);
    if let Some(reason) = known {
        let _ = writeln!(out, "known-deviation: {reason}");
    }
    if let (Outcome::Pass, Some(note)) = (result.outcome, &result.message) {
        let _ = writeln!(out, "note: {note}");
    }
    if !result.leftovers.is_empty() {
        let list: Vec<String> = result.leftovers.iter().map(|l| l.to_string()).collect();
        let _ = writeln!(out, "leftovers: {}", list.join("; "));
    }
    out
}

/// The `system-err` of a case: the warning or known-deviation marker with its reason, then
/// what the case left on the target.
fn errors(result: &CaseResult, known: Option<&str>) -> String {
    let mut out = String::new();
    match (result.outcome, known) {
        (Outcome::Warn | Outcome::Fail | Outcome::Error, Some(reason)) => {
            let _ = writeln!(
                out,
                "{KNOWN_MARK}: {} as the baseline expects — {reason}\n{}\n",
                result.outcome,
                detail(result)
            );
        }
        (Outcome::Warn, None) => {
            let _ = writeln!(out, "{WARNING_MARK}: {}\n", detail(result));
        }
        _ => {}
    }
    for l in &result.leftovers {
        let _ = writeln!(out, "left behind on the target: {l}");
    }
    out
}

/// Writes the `<testcase>` of a case. `known`: the baseline's reason when the case ended as
/// its entry says; `target`: the target's name when several share the file.
pub fn testcase(
    xml: &mut Xml,
    case: &CaseInfo,
    result: &CaseResult,
    known: Option<&str>,
    target: Option<&str>,
) -> XmlResult {
    let time = secs(result.duration);
    let class = classname(case.section(), target);
    xml.start(
        "testcase",
        &[("name", &case.id), ("classname", &class), ("time", &time)],
    )?;
    let message = result.message.clone().unwrap_or_default();
    match verdict(result.outcome, known.is_some()) {
        Verdict::Failure => xml.element(
            "failure",
            &[("message", &message), ("type", case.level.as_str())],
            &detail(result),
        )?,
        Verdict::Error => xml.element(
            "error",
            &[("message", &message), ("type", "error")],
            &detail(result),
        )?,
        Verdict::Skipped => xml.empty("skipped", &[("message", &message)])?,
        Verdict::Passed => {}
    }
    let mut out = header(case, result, known);
    if !result.transcript.is_empty() {
        out.push('\n');
        out.push_str(&result.transcript);
    }
    xml.element("system-out", &[], &out)?;
    let err = errors(result, known);
    if !err.is_empty() {
        xml.element("system-err", &[], &err)?;
    }
    xml.end("testcase")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unknown_failures_and_errors_turn_a_ci_tool_red() {
        assert_eq!(verdict(Outcome::Fail, false), Verdict::Failure);
        assert_eq!(verdict(Outcome::Error, false), Verdict::Error);
        assert_eq!(verdict(Outcome::Fail, true), Verdict::Passed);
        assert_eq!(verdict(Outcome::Error, true), Verdict::Passed);
        assert_eq!(verdict(Outcome::Warn, false), Verdict::Passed);
        assert_eq!(verdict(Outcome::Skip, true), Verdict::Skipped);
        assert_eq!(verdict(Outcome::Pass, false), Verdict::Passed);
    }
}
