//! The closing lines on the console: warnings and errors with their reasons, the resources
//! left behind on the target, then the outcome counts (libtest-mimic has already printed each
//! case and the failures), shown through the report's redactor.

use std::fmt::Write as _;

use super::RunReport;
use crate::baseline::Comparison;
use crate::run::Outcome;

pub fn render(report: &RunReport, junit_path: Option<&str>, verbose: bool) -> String {
    let mut out = String::new();
    let warned: Vec<_> = report
        .results
        .iter()
        .filter(|(_, r)| r.outcome == Outcome::Warn)
        .collect();
    if !warned.is_empty() {
        let _ = writeln!(out, "\nwarnings (SHOULD requirements not met):");
        for (case, r) in warned {
            let _ = writeln!(
                out,
                "    {} — {}",
                case.id,
                r.message.as_deref().unwrap_or("")
            );
            if verbose && !r.transcript.is_empty() {
                for line in r.transcript.lines() {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
    }
    let noted: Vec<_> = report
        .results
        .iter()
        .filter(|(_, r)| r.outcome == Outcome::Pass && r.message.is_some())
        .collect();
    if !noted.is_empty() {
        let _ = writeln!(
            out,
            "\nnotes (optional MAY behaviour the target does not have; passed):"
        );
        for (case, r) in noted {
            let _ = writeln!(
                out,
                "    {} — {}",
                case.id,
                r.message.as_deref().unwrap_or("")
            );
        }
    }
    let errored: Vec<_> = report
        .results
        .iter()
        .filter(|(_, r)| r.outcome == Outcome::Error)
        .collect();
    if !errored.is_empty() {
        let _ = writeln!(out, "\nerrors (could not be evaluated):");
        for (case, r) in errored {
            let _ = writeln!(
                out,
                "    {} — {}",
                case.id,
                r.message.as_deref().unwrap_or("")
            );
        }
    }
    out.push_str(&leftovers(report));
    let c = report.counts();
    let total: usize = c.values().sum();
    let _ = writeln!(
        out,
        "\nscimspec: {} passed; {} failed; {} warned; {} skipped; {} errors — {} cases in {:.2}s against {}",
        c[&Outcome::Pass],
        c[&Outcome::Fail],
        c[&Outcome::Warn],
        c[&Outcome::Skip],
        c[&Outcome::Error],
        total,
        report.duration.as_secs_f64(),
        report.target
    );
    if let Some(path) = junit_path {
        let _ = writeln!(out, "JUnit report: {path}");
    }
    report.redactor.show(&out)
}

/// The resources the run created and could not delete, each with its case and why; empty
/// when there are none.
fn leftovers(report: &RunReport) -> String {
    let mut out = String::new();
    let count = report.leftovers().count();
    if count > 0 {
        let _ = writeln!(
            out,
            "\nleft behind on the target: {count} resources created by the run (delete them by hand):"
        );
        for (owner, leftover) in report.leftovers() {
            let _ = writeln!(out, "    {owner} — {leftover}");
        }
    }
    out
}

/// How the run compares with its baseline of known deviations.
pub fn render_baseline(cmp: &Comparison, target: &str, path: &str) -> String {
    let mut out = format!(
        "baseline {path} ({target}): {} known deviations reproduced; {} unexpected; {} stale\n",
        cmp.expected.len(),
        cmp.unexpected.len(),
        cmp.stale.len()
    );
    for id in &cmp.unexpected {
        let _ = writeln!(out, "    unexpected: {id}");
    }
    for (id, why) in &cmp.stale {
        let _ = writeln!(out, "    stale: {id} — {why}; update the baseline");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::tests::{case, report, result};

    #[test]
    fn a_pass_with_a_note_is_listed_and_counted_as_passed() {
        let run = report(
            "http://t/scim/v2",
            vec![(
                case("m", "RFC7644 §3.4.2.1"),
                result("m", Outcome::Pass, Some("optional behaviour not present")),
            )],
        );
        let text = render(&run, None, false);
        assert!(text.contains("notes (optional MAY behaviour"), "{text}");
        assert!(
            text.contains("    m — optional behaviour not present"),
            "{text}"
        );
        assert!(text.contains("1 passed; 0 failed; 0 warned"), "{text}");
    }
}
