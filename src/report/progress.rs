//! What the console shows while a run goes: one line per finished case (`[MUST] id ... fail`,
//! in the words of the closing summary), and the progress so far as a count line for logs
//! (`[120/452] 3 failed, 1 warned, 0 errors; 14 s`) or a bar for a terminal.

use std::time::Duration;

use crate::load::Level;
use crate::run::{CaseResult, Outcome};
use crate::scim::text;

/// How many cases of the run have finished, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: usize,
    pub done: usize,
    counts: [usize; 5],
}

fn slot(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Pass => 0,
        Outcome::Fail => 1,
        Outcome::Warn => 2,
        Outcome::Skip => 3,
        Outcome::Error => 4,
    }
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Self {
            total,
            ..Self::default()
        }
    }

    pub fn record(&mut self, outcome: Outcome) {
        self.done += 1;
        self.counts[slot(outcome)] += 1;
    }

    /// A finished case's outcome changed (it was run again).
    pub fn replace(&mut self, old: Outcome, new: Outcome) {
        self.counts[slot(old)] = self.counts[slot(old)].saturating_sub(1);
        self.counts[slot(new)] += 1;
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.counts[slot(outcome)]
    }

    /// The counts that say whether the run is going well.
    fn tally(&self) -> String {
        let errors = self.count(Outcome::Error);
        format!(
            "{} failed, {} warned, {} error{}",
            self.count(Outcome::Fail),
            self.count(Outcome::Warn),
            errors,
            if errors == 1 { "" } else { "s" }
        )
    }

    /// One line for a log: `[120/452] 3 failed, 1 warned, 0 errors; 14 s`.
    pub fn line(&self, elapsed: Duration) -> String {
        format!(
            "[{}/{}] {}; {} s",
            self.done,
            self.total,
            self.tally(),
            elapsed.as_secs()
        )
    }

    /// A bar `width` characters wide with the same counts, for a terminal line.
    pub fn bar(&self, elapsed: Duration, width: usize) -> String {
        let filled = (self.done * width)
            .checked_div(self.total)
            .unwrap_or(width)
            .min(width);
        format!(
            "[{}{}] {}/{} {}; {} s",
            "=".repeat(filled),
            " ".repeat(width - filled),
            self.done,
            self.total,
            self.tally(),
            elapsed.as_secs()
        )
    }
}

/// The word for an outcome on the console, the same in the case lines, the failure heads and
/// (as `passed`, `failed`, …) the closing summary.
pub fn word(outcome: Outcome) -> &'static str {
    outcome.as_str()
}

/// The ANSI colour of an outcome's word on a terminal.
pub fn colour(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "\u{1b}[32m",
        Outcome::Fail | Outcome::Error => "\u{1b}[31m",
        Outcome::Warn => "\u{1b}[33m",
        Outcome::Skip => "\u{1b}[36m",
    }
}

/// A finished case's line in three parts: before its outcome's word, the word, after it.
/// `[MUST]   id ... `, `skip`, `: requires groups (…)`; ids are padded to `id_width`.
pub fn case_line(
    level: Level,
    id: &str,
    id_width: usize,
    result: &CaseResult,
) -> (String, &'static str, String) {
    let tag = format!("[{}]", level.as_str());
    let before = format!("{tag:<8} {id:<id_width$} ... ");
    let after = match (result.outcome, result.message.as_deref()) {
        (Outcome::Skip, Some(reason)) => format!(": {}", text::single_line(reason)),
        _ => String::new(),
    };
    (before, word(result.outcome), after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_outcomes_and_replaces_a_rerun() {
        let mut p = Progress::new(4);
        p.record(Outcome::Pass);
        p.record(Outcome::Fail);
        p.record(Outcome::Error);
        assert_eq!(
            p.line(Duration::from_millis(14_200)),
            "[3/4] 1 failed, 0 warned, 1 error; 14 s"
        );
        p.replace(Outcome::Error, Outcome::Pass);
        assert_eq!(p.count(Outcome::Pass), 2);
        assert_eq!(
            p.line(Duration::ZERO),
            "[3/4] 1 failed, 0 warned, 0 errors; 0 s"
        );
    }

    #[test]
    fn the_bar_fills_with_the_cases_done() {
        let mut p = Progress::new(4);
        assert_eq!(
            p.bar(Duration::ZERO, 8),
            "[        ] 0/4 0 failed, 0 warned, 0 errors; 0 s"
        );
        p.record(Outcome::Pass);
        assert!(p.bar(Duration::ZERO, 8).starts_with("[==      ] 1/4"));
        assert!(Progress::new(0)
            .bar(Duration::ZERO, 4)
            .starts_with("[====] 0/0"));
    }

    #[test]
    fn a_skip_says_its_reason_in_the_same_word() {
        let result = CaseResult::skipped("c", "requires groups:\n no Group type");
        let (before, word, after) = case_line(Level::Must, "c", 3, &result);
        assert_eq!(before, "[MUST]   c   ... ");
        assert_eq!(word, "skip");
        assert_eq!(after, ": requires groups: no Group type");
        let mut warned = result.clone();
        warned.outcome = Outcome::Warn;
        assert_eq!(case_line(Level::Should, "c", 1, &warned).1, "warn");
    }
}
