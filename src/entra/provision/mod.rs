//! `scimspec provision` — replays Entra ID for the users and groups of a local JSON file:
//! provision-on-demand's five steps (test connection, import, scope, match, action) with the
//! details Entra's UI shows, the manager second pass, then a lifecycle — update, disable,
//! re-enable, delete; for groups add members, remove one, rename, delete — in the chosen PATCH
//! dialect. Every step is also a test for the reporters: a [`CaseInfo`] and a [`CaseResult`].

pub mod bodies;
pub mod input;
pub mod mapping;
pub mod replay;
pub mod scope;

use std::fmt::Write as _;
use std::time::Duration;

use crate::entra::{Dialect, EntraError};
use crate::http::{HttpClient, Redactor};
use crate::load::CaseInfo;
use crate::run::{CaseResult, Outcome};

pub use input::ProvisionFile;
pub use replay::{Phase, ReplayOptions, StepRecord};

/// A finished replay.
#[derive(Debug, Clone)]
pub struct ProvisionReport {
    pub target: String,
    pub run_id: String,
    pub dialect: Dialect,
    pub matching: Vec<String>,
    pub lifecycle: bool,
    pub steps: Vec<StepRecord>,
    /// Leftovers deleted at the end.
    pub cleanup: Vec<String>,
    pub duration: Duration,
}

/// Checks the file against the options before any request: matching attributes must be
/// mapped, scoping filters must be valid.
pub fn prepare(file: &ProvisionFile, matching: &[String]) -> Result<Vec<mapping::Mapping>, String> {
    let rows = mapping::user_mapping(&file.mapping.remove)?;
    for m in matching {
        if !rows.iter().any(|r| r.target.path().eq_ignore_ascii_case(m)) {
            let mapped: Vec<String> = rows.iter().map(|r| r.target.path()).collect();
            return Err(format!(
                "matching attribute '{m}' is not a target of the attribute mapping ({})",
                mapped.join(", ")
            ));
        }
    }
    scope::validate(&file.scoping_filters)?;
    Ok(rows)
}

/// Runs the replay against the client's target.
pub async fn provision(
    client: &HttpClient,
    redactor: &Redactor,
    file: ProvisionFile,
    mapping: Vec<mapping::Mapping>,
    options: ReplayOptions,
    run_id: &str,
) -> Result<ProvisionReport, EntraError> {
    let started = std::time::Instant::now();
    let (dialect, matching, lifecycle) =
        (options.dialect, options.matching.clone(), options.lifecycle);
    let mut replay = replay::Replay::new(client, redactor, file, mapping, options);
    replay.run().await?;
    Ok(ProvisionReport {
        target: client.base_url().to_string(),
        run_id: run_id.to_string(),
        dialect,
        matching,
        lifecycle,
        steps: std::mem::take(&mut replay.steps),
        cleanup: std::mem::take(&mut replay.cleanup),
        duration: started.elapsed(),
    })
}

fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "ok",
        Outcome::Fail => "FAILED",
        Outcome::Warn => "warning",
        Outcome::Skip => "not run",
        Outcome::Error => "ERROR",
    }
}

impl ProvisionReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.steps
            .iter()
            .filter(|s| s.result.outcome == outcome)
            .count()
    }

    /// True when a step failed or could not be evaluated.
    pub fn failed(&self) -> bool {
        self.count(Outcome::Fail) + self.count(Outcome::Error) > 0
    }

    /// True when no step could reach the target.
    pub fn unreachable(&self) -> bool {
        let ran: Vec<&StepRecord> = self
            .steps
            .iter()
            .filter(|s| s.result.outcome != Outcome::Skip && !s.result.transcript.is_empty())
            .collect();
        !ran.is_empty() && ran.iter().all(|s| s.result.unreachable)
    }

    /// Console text: each object's on-demand steps as Entra's UI lists them, then the
    /// lifecycle, then the totals.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Replaying Entra ID provisioning against {} (matching: {})",
            self.target,
            self.matching.join(", then ")
        );
        let mut phase = None;
        let mut object = String::new();
        for s in &self.steps {
            if phase != Some(s.phase) {
                phase = Some(s.phase);
                object.clear();
                let _ = match s.phase {
                    Phase::OnDemand => writeln!(
                        out,
                        "\n== Provision on demand (default PATCH dialect: the aadOptscim062020 flag does not apply on demand)"
                    ),
                    Phase::Lifecycle => writeln!(
                        out,
                        "\n== Provisioning cycle lifecycle ({} dialect)",
                        self.dialect.label()
                    ),
                };
            }
            if s.object != object {
                object = s.object.clone();
                let _ = writeln!(out, "\n  {object}");
            }
            let number = s.number.map(|n| format!("{n}. ")).unwrap_or_default();
            let title = format!("{number}{}", s.name);
            let outcome = s.result.outcome;
            let summary = if s.summary.is_empty() || outcome == Outcome::Skip {
                String::new()
            } else {
                format!(" — {}", s.summary)
            };
            let _ = writeln!(out, "    {title:<52} {}{summary}", label(outcome));
            for d in &s.details {
                let _ = writeln!(out, "        {d}");
            }
            if let Some(m) = &s.result.message {
                let prefix = if outcome == Outcome::Skip {
                    "why not"
                } else {
                    "problem"
                };
                let _ = writeln!(out, "        {prefix}: {m}");
            }
            if let Some(consequence) = s
                .info
                .consequence
                .as_ref()
                .filter(|_| matches!(outcome, Outcome::Fail | Outcome::Error))
            {
                let _ = writeln!(out, "        in Entra: {consequence}");
            }
            if verbose && !s.result.transcript.is_empty() {
                for line in s.result.transcript.lines() {
                    let _ = writeln!(out, "          {line}");
                }
            }
        }
        if !self.cleanup.is_empty() {
            let _ = writeln!(out, "\n  cleanup of objects this run created:");
            for c in &self.cleanup {
                let _ = writeln!(out, "    {c}");
            }
        }
        if !self.lifecycle {
            let _ = writeln!(
                out,
                "\n  --on-demand-only: the objects provisioned above stay in the target, as Entra leaves them."
            );
        }
        let _ = writeln!(
            out,
            "\nprovision: {} ok; {} failed; {} warned; {} not run; {} errors — {} steps in {:.2}s",
            self.count(Outcome::Pass),
            self.count(Outcome::Fail),
            self.count(Outcome::Warn),
            self.count(Outcome::Skip),
            self.count(Outcome::Error),
            self.steps.len(),
            self.duration.as_secs_f64()
        );
        out
    }

    /// The steps as (test, result) pairs for the reporters. A step's transcript starts with
    /// what the console shows of it (the summary and the "View details" lines).
    pub fn results(&self) -> Vec<(CaseInfo, CaseResult)> {
        self.steps
            .iter()
            .map(|s| {
                let mut transcript = String::new();
                if !s.summary.is_empty() {
                    transcript.push_str(&format!("{}\n", s.summary));
                }
                for d in &s.details {
                    transcript.push_str(&format!("{d}\n"));
                }
                if !transcript.is_empty() {
                    transcript.push('\n');
                }
                transcript.push_str(&s.result.transcript);
                let result = CaseResult {
                    transcript,
                    ..s.result.clone()
                };
                (s.info.clone(), result)
            })
            .collect()
    }
}
