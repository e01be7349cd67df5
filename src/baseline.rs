//! Known deviations of a target (the expected-failures idea of the OpenID conformance suite):
//! a baseline file lists cases with the outcome they are known to have and why. A run with a
//! baseline fails only on *unexpected* outcomes, and reports entries that no longer hold
//! (stale), so the baseline cannot silently hide a fixed or a new defect.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::load::CaseInfo;
use crate::report::RunReport;
use crate::run::{CaseResult, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpectedOutcome {
    Fail,
    Warn,
    Error,
    Skip,
}

impl ExpectedOutcome {
    fn outcome(self) -> Outcome {
        match self {
            ExpectedOutcome::Fail => Outcome::Fail,
            ExpectedOutcome::Warn => Outcome::Warn,
            ExpectedOutcome::Error => Outcome::Error,
            ExpectedOutcome::Skip => Outcome::Skip,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub outcome: ExpectedOutcome,
    /// Why: the target's deviation, with the RFC's words.
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// What the baseline describes, e.g. "PyPI scim2-server 0.1".
    pub target: String,
    #[serde(default)]
    pub cases: BTreeMap<String, Entry>,
}

#[derive(Debug, Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("baseline {path}: {detail}")]
    Invalid { path: String, detail: String },
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: shown.clone(),
            detail: e.to_string(),
        })?;
        serde_yaml_ng::from_str(&text).map_err(|e| BaselineError::Invalid {
            path: match e.location() {
                Some(l) => format!("{shown}:{}", l.line()),
                None => shown,
            },
            detail: e.to_string(),
        })
    }
}

/// How a run compares with its baseline.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Cases whose outcome is the known one.
    pub expected: Vec<String>,
    /// Failed, errored or warned cases the baseline does not list (or lists with another outcome).
    pub unexpected: Vec<String>,
    /// Baseline entries that no longer hold: (case id, what happened instead).
    pub stale: Vec<(String, String)>,
}

impl Comparison {
    pub fn is_clean(&self) -> bool {
        self.unexpected.is_empty() && self.stale.is_empty()
    }
}

/// Compares results with a baseline. `all_ids` are the ids of every case of the suite (to tell
/// a deselected case from one that does not exist).
pub fn compare(
    baseline: &Baseline,
    results: &[(CaseInfo, CaseResult)],
    all_ids: &[String],
) -> Comparison {
    let mut cmp = Comparison::default();
    for (case, result) in results {
        match baseline.cases.get(&case.id) {
            Some(entry) if entry.outcome.outcome() == result.outcome => {
                cmp.expected.push(case.id.clone())
            }
            Some(entry) => {
                cmp.stale.push((
                    case.id.clone(),
                    format!(
                        "expected {} but it was {}",
                        entry.outcome.outcome(),
                        result.outcome
                    ),
                ));
                if matches!(result.outcome, Outcome::Fail | Outcome::Error) {
                    cmp.unexpected.push(case.id.clone());
                }
            }
            // A baseline pins the target's whole known state: an unlisted warning is news too.
            None if matches!(
                result.outcome,
                Outcome::Fail | Outcome::Error | Outcome::Warn
            ) =>
            {
                cmp.unexpected.push(case.id.clone())
            }
            None => {}
        }
    }
    for id in baseline.cases.keys() {
        if !all_ids.contains(id) {
            cmp.stale.push((id.clone(), "no case has this id".into()));
        }
    }
    cmp
}

/// Compares a finished run with its baseline and records, in the report, the reason of every
/// case that ended as its baseline entry says (the reporters show it).
pub fn apply(baseline: &Baseline, report: &mut RunReport, all_ids: &[String]) -> Comparison {
    let cmp = compare(baseline, &report.results, all_ids);
    for id in &cmp.expected {
        if let Some(entry) = baseline.cases.get(id) {
            report
                .known_deviations
                .insert(id.clone(), entry.reason.clone());
        }
    }
    cmp
}
