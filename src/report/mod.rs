//! Stage 4: reporters. They read a finished [`RunReport`] (and, when the run had a baseline,
//! its [`crate::baseline::Comparison`]) and never send requests. Every text they produce
//! passes through the report's [`Redactor`], which travels with the results.

pub mod compare;
pub mod coverage;
pub mod failures;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod progress;
pub mod summary;
pub mod verdict;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::http::Redactor;
use crate::load::CaseInfo;
use crate::plan::Discovery;
use crate::run::{CaseResult, Leftover, Outcome};

/// Everything a reporter needs about one finished run.
#[derive(Debug)]
pub struct RunReport {
    /// The target's base URL (never carries credentials).
    pub target: String,
    pub run_id: String,
    /// What discovery found; `None` when the command does not run discovery (the Entra
    /// provisioning replay sends exactly what Entra sends, and Entra reads no discovery).
    pub discovery: Option<Discovery>,
    /// Each executed (or skipped) test with its result, in plan order.
    pub results: Vec<(CaseInfo, CaseResult)>,
    pub duration: Duration,
    /// Knows every secret of the run (fetched tokens included). Results hold raw target text;
    /// every reporter renders through this ([`Redactor::show`]): secrets masked, control
    /// characters escaped.
    pub redactor: Redactor,
    /// What the run created outside its cases (calibration) and could not delete.
    pub run_leftovers: Vec<Leftover>,
}

impl RunReport {
    pub fn counts(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for o in [
            Outcome::Pass,
            Outcome::Fail,
            Outcome::Warn,
            Outcome::Skip,
            Outcome::Error,
        ] {
            counts.insert(o, 0);
        }
        for (_, r) in &self.results {
            *counts.entry(r.outcome).or_insert(0) += 1;
        }
        counts
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.results
            .iter()
            .filter(|(_, r)| r.outcome == outcome)
            .count()
    }

    /// The resources the run left on the target, each with what created it (a case's id, or
    /// `calibration`).
    pub fn leftovers(&self) -> impl Iterator<Item = (&str, &Leftover)> {
        self.run_leftovers.iter().map(|l| ("calibration", l)).chain(
            self.results
                .iter()
                .flat_map(|(case, r)| r.leftovers.iter().map(move |l| (case.id.as_str(), l))),
        )
    }

    /// True when the target could not be reached by any case that ran.
    pub fn target_unreachable(&self) -> bool {
        let ran: Vec<_> = self
            .results
            .iter()
            .filter(|(_, r)| r.outcome != Outcome::Skip)
            .collect();
        !ran.is_empty() && ran.iter().all(|(_, r)| r.unreachable)
    }
}
