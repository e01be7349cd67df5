//! The run as a Markdown summary (`--report-markdown`), sized for GitHub's job summary
//! (`$GITHUB_STEP_SUMMARY`, at most 1 MiB): a counts line, the cases that did not pass with
//! their outcome, level, section and one-line reason, the known deviations, the leftovers and
//! the Entra readiness line when Entra cases ran. Rows past [`BUDGET`] are counted, not shown.

use std::fmt::Write as _;

use super::compare::markdown::cell_text;
use super::verdict;
use super::RunReport;
use crate::baseline::Comparison;
use crate::run::Outcome;

/// The most bytes written: GitHub refuses a step summary over 1 MiB; this leaves room for the
/// closing lines and for other steps' summaries.
pub const BUDGET: usize = 900 * 1024;

/// The longest reason shown in a table cell, in characters.
const REASON_CHARS: usize = 200;

/// The first line of `text`, cut to [`REASON_CHARS`], as a table cell.
fn one_line(text: &str) -> String {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut cut: String = first.chars().take(REASON_CHARS).collect();
    if first.chars().count() > REASON_CHARS {
        cut.push('…');
    }
    cell_text(cut.trim())
}

/// Adds `line` unless it would take `out` past `budget`; false when it did not fit.
fn push_within(out: &mut String, line: &str, budget: usize) -> bool {
    if out.len() + line.len() + 1 > budget {
        return false;
    }
    out.push_str(line);
    out.push('\n');
    true
}

/// The summary, within [`BUDGET`] bytes.
pub fn render(report: &RunReport, baseline: Option<&Comparison>) -> String {
    render_within(report, baseline, BUDGET)
}

/// The summary within `budget` bytes (the closing notes may add a few hundred more).
pub fn render_within(report: &RunReport, baseline: Option<&Comparison>, budget: usize) -> String {
    let show = |text: &str| report.redactor.show(text);
    let mut out = String::new();
    let c = report.counts();
    let total: usize = c.values().sum();
    let passed = report.count(Outcome::Fail) + report.count(Outcome::Error) == 0;
    let _ = writeln!(
        out,
        "## scimspec {} {}\n",
        if passed { "✅" } else { "❌" },
        cell_text(&show(&report.target))
    );
    let _ = writeln!(
        out,
        "**{} passed · {} failed · {} warned · {} skipped · {} errors** — {} cases in {:.2} s (run `{}`)\n",
        c[&Outcome::Pass],
        c[&Outcome::Fail],
        c[&Outcome::Warn],
        c[&Outcome::Skip],
        c[&Outcome::Error],
        total,
        report.duration.as_secs_f64(),
        cell_text(&report.run_id)
    );
    for verdict in verdict::verdicts(&report.results) {
        let _ = writeln!(out, "**{}**\n", cell_text(&show(&verdict.headline())));
    }
    let mut left_out = 0;
    for (heading, outcomes) in [
        (
            "Not passing",
            &[Outcome::Fail, Outcome::Error, Outcome::Warn][..],
        ),
        ("Skipped", &[Outcome::Skip][..]),
    ] {
        let rows: Vec<_> = outcomes
            .iter()
            .flat_map(|o| report.results.iter().filter(move |(_, r)| r.outcome == *o))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let skipped = outcomes == [Outcome::Skip];
        if skipped {
            let _ = writeln!(
                out,
                "<details><summary>{heading} ({})</summary>\n",
                rows.len()
            );
        } else {
            let _ = writeln!(out, "### {heading} ({})\n", rows.len());
        }
        out.push_str("| case | outcome | level | section | reason |\n|---|---|---|---|---|\n");
        for (i, (case, r)) in rows.iter().enumerate() {
            let known = baseline.and_then(|b| b.known_reason(&case.id)).is_some();
            let line = format!(
                "| `{}` | {}{} | {} | {} | {} |",
                cell_text(&case.id),
                r.outcome,
                if known { " (known)" } else { "" },
                case.level,
                cell_text(case.section()),
                one_line(&show(r.message.as_deref().unwrap_or("")))
            );
            if !push_within(&mut out, &line, budget) {
                left_out += rows.len() - i;
                break;
            }
        }
        out.push_str(if skipped { "\n</details>\n\n" } else { "\n" });
    }
    if let Some(b) = baseline {
        if !b.expected.is_empty() || !b.stale.is_empty() {
            let _ = writeln!(out, "### Known deviations ({})\n", b.expected.len());
            for (id, reason) in &b.expected {
                let line = format!("- `{}` — {}", cell_text(id), one_line(&show(reason)));
                if !push_within(&mut out, &line, budget) {
                    left_out += 1;
                }
            }
            for (id, now) in &b.stale {
                let line = format!(
                    "- `{}` — stale: the baseline's outcome no longer holds ({})",
                    cell_text(id),
                    one_line(&show(now))
                );
                if !push_within(&mut out, &line, budget) {
                    left_out += 1;
                }
            }
            out.push('\n');
        }
    }
    let leftovers: Vec<_> = report.leftovers().collect();
    if !leftovers.is_empty() {
        let _ = writeln!(
            out,
            "### Left behind on the target ({}) — delete them by hand\n",
            leftovers.len()
        );
        for (owner, l) in leftovers {
            let line = format!(
                "- `{}` — {}",
                cell_text(owner),
                one_line(&show(&l.to_string()))
            );
            if !push_within(&mut out, &line, budget) {
                left_out += 1;
            }
        }
        out.push('\n');
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "_{left_out} more lines not shown (the summary stays under 1 MiB): see the JSON or JUnit report._"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_one_escaped_line() {
        assert_eq!(one_line("\n a | b <x>\nsecond"), "a \\| b &lt;x&gt;");
        let long = "x".repeat(REASON_CHARS + 5);
        assert_eq!(one_line(&long).chars().count(), REASON_CHARS + 1);
    }

    #[test]
    fn lines_past_the_budget_are_not_added() {
        let mut out = String::from("12345\n");
        assert!(push_within(&mut out, "67", 9));
        assert!(!push_within(&mut out, "9", 9));
        assert_eq!(out, "12345\n67\n");
    }
}
