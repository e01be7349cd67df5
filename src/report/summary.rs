//! The closing lines on the console: each failed or errored case (in detail, or only its
//! head with `-q`), the warnings and notes, the cases run again alone, the resources left
//! behind on the target, then one line counting everything — shown through the report's
//! redactor.

use std::fmt::Write as _;

use super::{failures, RunReport};
use crate::baseline::Comparison;
use crate::run::Outcome;

/// How much the console says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// `-q`: the failures' heads and the summary line.
    Quiet,
    /// Each failure with the exchange it broke on; warnings and notes one line each.
    #[default]
    Normal,
    /// `-v`: every failure and warning with its whole transcript.
    Verbose,
}

/// What the closing lines say beyond the report itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Closing<'a> {
    pub detail: Detail,
    /// Where the JUnit report was written.
    pub junit_path: Option<&'a str>,
    /// The run's comparison with its baseline: its known deviations are counted.
    pub comparison: Option<&'a Comparison>,
    /// The cases run again alone after a 5xx alongside other cases, with their first outcome.
    pub retried: &'a [(String, Outcome)],
}

pub fn render(report: &RunReport, closing: &Closing<'_>) -> String {
    let mut out = String::new();
    let verbose = closing.detail == Detail::Verbose;
    let known = |id: &str| {
        closing
            .comparison
            .and_then(|cmp| cmp.known_reason(id))
            .is_some()
    };
    let broken: Vec<_> = report
        .results
        .iter()
        .filter(|(case, r)| matches!(r.outcome, Outcome::Fail | Outcome::Error) && !known(&case.id))
        .collect();
    if !broken.is_empty() {
        let _ = writeln!(out, "\nfailures and errors:");
        for (case, r) in &broken {
            if closing.detail == Detail::Quiet {
                let _ = writeln!(out, "    {}", failures::head(case, r));
            } else {
                let _ = write!(out, "\n{}", failures::detail(case, r, verbose));
            }
        }
    }
    if closing.detail != Detail::Quiet {
        out.push_str(&known_deviations(report, closing.comparison));
        out.push_str(&warnings_and_notes(report, closing.comparison, verbose));
        out.push_str(&retried(closing.retried));
    }
    out.push_str(&leftovers(report));
    let _ = writeln!(out, "\n{}", line(report, closing));
    if let (Some(path), false) = (closing.junit_path, closing.detail == Detail::Quiet) {
        let _ = writeln!(out, "JUnit report: {path}");
    }
    report.redactor.show(&out)
}

/// `scimspec: 450 passed, 0 failed, 3 warned, 2 skipped, 0 errors; 1 known deviation; 0
/// leftovers; 12.3 s — 455 cases against URL`.
pub fn line(report: &RunReport, closing: &Closing<'_>) -> String {
    let known = closing.comparison.map_or(0, |cmp| cmp.expected.len());
    format!(
        "scimspec: {}",
        figures(report, known, closing.retried.len())
    )
}

/// The figures of [`line`] after its `scimspec:`, for a run with `known` known deviations
/// and `retried` cases run again alone; `compare` prints them after each target's name.
pub fn figures(report: &RunReport, known: usize, retried: usize) -> String {
    let c = report.counts();
    let total: usize = c.values().sum();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = format!(
        "{} passed, {} failed, {} warned, {} skipped, {}; {}; {}",
        c[&Outcome::Pass],
        c[&Outcome::Fail],
        c[&Outcome::Warn],
        c[&Outcome::Skip],
        plural(c[&Outcome::Error], "error", "errors"),
        plural(known, "known deviation", "known deviations"),
        plural(report.leftovers().count(), "leftover", "leftovers"),
    );
    if retried > 0 {
        let _ = write!(text, "; {retried} run again alone");
    }
    let _ = write!(
        text,
        "; {:.1} s — {} against {}",
        report.duration.as_secs_f64(),
        plural(total, "case", "cases"),
        report.target
    );
    text
}

/// The cases that ended as the baseline expects, one line each with the outcome and the
/// baseline's reason: reported, but not among the failures and warnings.
fn known_deviations(report: &RunReport, comparison: Option<&Comparison>) -> String {
    let mut out = String::new();
    let Some(cmp) = comparison else {
        return out;
    };
    let known: Vec<_> = report
        .results
        .iter()
        .filter_map(|(case, r)| cmp.known_reason(&case.id).map(|why| (case, r, why)))
        .collect();
    if !known.is_empty() {
        let _ = writeln!(out, "\nknown deviations (as the baseline expects):");
        for (case, r, why) in known {
            let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(
                out,
                "    {} — {}: {}",
                case.id,
                r.outcome,
                crate::scim::text::truncate(&why, 160)
            );
        }
    }
    out
}

/// The warned cases (with their transcripts when `verbose`) and the passes with a note; a
/// warning the baseline expects is listed with the known deviations instead.
fn warnings_and_notes(
    report: &RunReport,
    comparison: Option<&Comparison>,
    verbose: bool,
) -> String {
    let mut out = String::new();
    let warned: Vec<_> = report
        .results
        .iter()
        .filter(|(case, r)| {
            r.outcome == Outcome::Warn
                && comparison.and_then(|c| c.known_reason(&case.id)).is_none()
        })
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
    out
}

/// The cases run again alone, each with how its first attempt ended.
fn retried(retried: &[(String, Outcome)]) -> String {
    let mut out = String::new();
    if !retried.is_empty() {
        let _ = writeln!(
            out,
            "\nrun again alone (a 5xx while other cases ran; the second result counts):"
        );
        for (id, first) in retried {
            let _ = writeln!(out, "    {id} — first attempt: {first}");
        }
    }
    out
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

/// How the run compares with its baseline of known deviations; an unexpected case is shown with
/// the outcome it had and its message.
pub fn render_baseline(report: &RunReport, cmp: &Comparison, target: &str, path: &str) -> String {
    let mut out = format!(
        "baseline {path} ({target}): {} known deviations reproduced; {} unexpected; {} stale\n",
        cmp.expected.len(),
        cmp.unexpected.len(),
        cmp.stale.len()
    );
    for id in &cmp.unexpected {
        match report.results.iter().find(|(case, _)| &case.id == id) {
            Some((_, r)) => {
                let message = r.message.as_deref().unwrap_or("").trim();
                let _ = writeln!(
                    out,
                    "    unexpected {}: {id}{}{}",
                    r.outcome,
                    if message.is_empty() { "" } else { " — " },
                    crate::scim::text::truncate(message, 200)
                );
            }
            None => {
                let _ = writeln!(out, "    unexpected: {id}");
            }
        }
    }
    for (id, why) in &cmp.stale {
        let _ = writeln!(out, "    stale: {id} — {why}; update the baseline");
    }
    report.redactor.show(&out)
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
        let text = render(&run, &Closing::default());
        assert!(text.contains("notes (optional MAY behaviour"), "{text}");
        assert!(
            text.contains("    m — optional behaviour not present"),
            "{text}"
        );
        assert!(
            text.contains("scimspec: 1 passed, 0 failed, 0 warned, 0 skipped, 0 errors; 0 known deviations; 0 leftovers; 0.0 s — 1 case against http://t/scim/v2"),
            "{text}"
        );
    }

    #[test]
    fn known_deviations_are_listed_apart_and_unexpected_ones_say_what_was_seen() {
        let run = report(
            "http://t/scim/v2",
            vec![
                (
                    case("k", "RFC7644 §3.3"),
                    result("k", Outcome::Fail, Some("status 200, expected 201")),
                ),
                (
                    case("u", "RFC7644 §3.3"),
                    result("u", Outcome::Fail, Some("no Location header")),
                ),
            ],
        );
        let cmp = Comparison {
            expected: [("k".to_string(), "answers 200 on create".to_string())].into(),
            unexpected: vec!["u".to_string()],
            stale: vec![],
        };
        let text = render(
            &run,
            &Closing {
                comparison: Some(&cmp),
                ..Closing::default()
            },
        );
        let failures = &text[text.find("failures and errors:").unwrap_or(0)..];
        let known_at = text.find("known deviations (as the baseline expects):");
        assert!(known_at.is_some(), "{text}");
        assert!(
            text.contains("    k — fail: answers 200 on create"),
            "{text}"
        );
        assert!(
            !failures[..failures.find("known deviations").unwrap_or(failures.len())]
                .contains("fail — k"),
            "{text}"
        );
        let baseline = render_baseline(&run, &cmp, "t", "b.yaml");
        assert!(
            baseline.contains("    unexpected fail: u — no Location header"),
            "{baseline}"
        );
    }
}
