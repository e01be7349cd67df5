//! The figures of a load run as one value: the console table and the JSON report
//! (`--report-json`, shape `schemas/load-report.schema.json`) are both made from it, and a
//! JUnit file with one testcase per verdict criterion.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::cleanup::Leftover;
use super::final_state::FinalState;
use super::stats::{KindSummary, Second, Throttling};
use super::verdict::{Criterion, Judgement};

/// Raised on any change a reader could trip over.
pub const REPORT_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct Flows {
    pub started: u64,
    pub finished: u64,
    pub abandoned: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub version: u32,
    pub target: String,
    pub scenario: String,
    pub run: String,
    /// Requests per second asked for (at the end of the ramp); null for `--rate max`.
    pub requested_rate: Option<f64>,
    pub achieved_rate: f64,
    pub schedule_seconds: f64,
    /// From the start to when arrivals stopped.
    pub window_seconds: f64,
    pub users: usize,
    pub requests: u64,
    pub answered: u64,
    pub missed_arrivals: u64,
    pub cut_at_hard_stop: u64,
    pub flows: Flows,
    pub kinds: Vec<KindSummary>,
    pub statuses: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub throttling: Throttling,
    /// Each second of the run: requests completed, errors, 429s and latency percentiles.
    pub timeline: Vec<Second>,
    pub population: usize,
    pub final_state: Option<FinalState>,
    pub leftovers: Vec<Leftover>,
    pub stopped: Option<String>,
    pub verdict: Vec<Criterion>,
}

/// Problems and leftovers listed on the console; the rest are counted (the JSON report has all).
const LISTED: usize = 20;

/// The line saying how many of `total` were not listed, if any were not.
fn more(out: &mut String, total: usize) {
    if total > LISTED {
        let _ = writeln!(
            out,
            "  … and {} more (every one is in --report-json)",
            total - LISTED
        );
    }
}

impl LoadReport {
    /// True when a criterion failed.
    pub fn failed(&self) -> bool {
        self.verdict.iter().any(|c| c.outcome == Judgement::Fail)
    }

    /// The console text: settings, the per-kind table, statuses, errors, 429s, the final
    /// state, leftovers and the verdict.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let requested = self
            .requested_rate
            .map_or("max (closed loop)".to_string(), |r| format!("{r:.1}/s"));
        let _ = writeln!(
            out,
            "scimspec load: {} against {}, {} virtual users, {:.1} s",
            self.scenario, self.target, self.users, self.window_seconds
        );
        let _ = writeln!(
            out,
            "rate: requested {requested}, achieved {:.1}/s served ({} requests, {} answered, {} of them 429{}{})",
            self.achieved_rate,
            self.requests,
            self.answered,
            self.throttling.responses,
            if self.missed_arrivals > 0 {
                format!(
                    ", {} arrivals missed: every user waiting",
                    self.missed_arrivals
                )
            } else {
                String::new()
            },
            if self.cut_at_hard_stop > 0 {
                format!(", {} cut at the hard stop", self.cut_at_hard_stop)
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            out,
            "flows: {} started, {} finished, {} ended early by an error{}",
            self.flows.started,
            self.flows.finished,
            self.flows.abandoned,
            if self.population > 0 {
                format!("; {} users created first for import", self.population)
            } else {
                String::new()
            }
        );
        if let Some(why) = &self.stopped {
            let _ = writeln!(out, "stopped early: {why}");
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:<16} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "request", "count", "errors", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms"
        );
        for k in &self.kinds {
            let _ = writeln!(
                out,
                "{:<16} {:>8} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                k.kind, k.requests, k.errors, k.p50_ms, k.p90_ms, k.p95_ms, k.p99_ms, k.max_ms
            );
        }
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect();
        let _ = writeln!(out, "\nstatuses: {}", statuses.join(", "));
        if !self.errors.is_empty() {
            let errors: Vec<String> = self
                .errors
                .iter()
                .map(|(e, n)| format!("{e}×{n}"))
                .collect();
            let _ = writeln!(out, "errors: {}", errors.join(", "));
        }
        let t = &self.throttling;
        if t.responses > 0 {
            let _ = writeln!(
                out,
                "429: {} answers, {} with Retry-After; scimspec paused sending {} times ({:.1} s in all, {} arrivals not sent), sent {} again, gave up {} flows",
                t.responses, t.with_retry_after, t.pauses, t.paused_seconds, t.not_sent_while_paused, t.retried, t.gave_up
            );
        } else {
            let _ = writeln!(out, "429: none");
        }
        if let Some(s) = &self.final_state {
            let _ = writeln!(
                out,
                "final state: {} users, {} groups checked; {} not as sent",
                s.users_checked, s.groups_checked, s.mismatches
            );
            for p in s.problems.iter().take(LISTED) {
                let _ = writeln!(out, "  {p}");
            }
            more(&mut out, s.problems.len());
        }
        if !self.leftovers.is_empty() {
            let _ = writeln!(out, "left behind on the target:");
            for l in self.leftovers.iter().take(LISTED) {
                let _ = writeln!(out, "  {} {}: {}", l.resource, l.id, l.why);
            }
            more(&mut out, self.leftovers.len());
        }
        let _ = writeln!(out, "\nverdict:");
        for c in &self.verdict {
            let mark = match c.outcome {
                Judgement::Pass => "pass",
                Judgement::Fail => "FAIL",
                Judgement::NotAssessed => "n/a ",
            };
            let _ = writeln!(out, "  {mark}  {} — {}", c.title, c.figures);
        }
        out
    }

    /// One JUnit testsuite, one testcase per verdict criterion.
    pub fn junit(&self) -> String {
        use quick_xml::escape::escape;
        let failures = self
            .verdict
            .iter()
            .filter(|c| c.outcome == Judgement::Fail)
            .count();
        let skipped = self
            .verdict
            .iter()
            .filter(|c| c.outcome == Judgement::NotAssessed)
            .count();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuite name=\"scimspec load {}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" errors=\"0\" time=\"{:.3}\">",
            escape(self.scenario.as_str()),
            self.verdict.len(),
            self.window_seconds
        );
        for c in &self.verdict {
            let _ = write!(
                out,
                "  <testcase name=\"{}\" classname=\"load.{}\">",
                escape(c.title),
                escape(c.id)
            );
            match c.outcome {
                Judgement::Pass => {
                    let _ = write!(
                        out,
                        "<system-out>{}</system-out>",
                        escape(c.figures.as_str())
                    );
                }
                Judgement::Fail => {
                    let _ = write!(out, "<failure message=\"{}\"/>", escape(c.figures.as_str()));
                }
                Judgement::NotAssessed => {
                    let _ = write!(out, "<skipped message=\"{}\"/>", escape(c.figures.as_str()));
                }
            }
            let _ = writeln!(out, "</testcase>");
        }
        out.push_str("</testsuite>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::stress::Leftover;

    #[test]
    fn long_lists_of_leftovers_are_cut_on_the_console() {
        let mut report = crate::stress::html::tests::report("http://127.0.0.1:1/scim/v2");
        report.leftovers = (0..25)
            .map(|n| Leftover {
                resource: "Users".into(),
                id: format!("u{n}"),
                why: "DELETE answered 500".into(),
            })
            .collect();
        let text = report.render();
        assert!(text.contains("  Users u19: DELETE answered 500"), "{text}");
        assert!(!text.contains("u20:"), "{text}");
        assert!(
            text.contains("… and 5 more (every one is in --report-json)"),
            "{text}"
        );
    }
}
