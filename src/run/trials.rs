//! Runs a plan as libtest-mimic trials: cargo-test style output, `--list`, substring and
//! exact filters, `--skip`, and `--jobs` concurrent cases. Each trial runs its case on the
//! shared tokio runtime and records the [`CaseResult`] for the reporters. Once the run's
//! deadline has passed or it was interrupted, no case starts: each errors with the reason.

use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::case::run_case;
use super::context::RunContext;
use super::outcome::{CaseResult, Outcome};
use super::stop::StopReason;
use crate::plan::{NameFilter, Plan};

#[derive(Debug, Clone, Default)]
pub struct ExecuteOptions {
    /// Selection by case id (applied by the trial harness, which counts what it filters out).
    pub names: NameFilter,
    pub jobs: usize,
    pub quiet: bool,
    pub no_color: bool,
}

impl ExecuteOptions {
    fn arguments(&self, list: bool) -> Arguments {
        Arguments {
            filter: self.names.filter.clone(),
            exact: self.names.exact,
            skip: self.names.skip.clone(),
            list,
            test_threads: Some(self.jobs.max(1)),
            quiet: self.quiet,
            color: self.no_color.then_some(libtest_mimic::ColorSetting::Never),
            ..Arguments::default()
        }
    }
}

/// The results of a run, in plan order (cases deselected by name filters are absent).
#[derive(Debug, Default)]
pub struct Execution {
    pub results: Vec<(usize, CaseResult)>,
    /// Set when the run stopped early (deadline or interrupt) before every case finished.
    pub stopped: Option<Unfinished>,
}

/// The cases a run that stopped early did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unfinished {
    pub reason: StopReason,
    /// Cases whose steps were cut while running (their cleanup ran, bounded).
    pub cut: usize,
    /// Cases that never started.
    pub not_started: usize,
}

impl Unfinished {
    /// What `results` left unfinished, if the run was stopped by `reason`.
    pub fn count<'r>(
        reason: Option<StopReason>,
        results: impl IntoIterator<Item = &'r CaseResult>,
    ) -> Option<Self> {
        let reason = reason?;
        let (cut_text, not_started_text) = (reason.to_string(), reason.not_started());
        let mut unfinished = Unfinished {
            reason,
            cut: 0,
            not_started: 0,
        };
        for r in results.into_iter().filter(|r| r.outcome == Outcome::Error) {
            match r.message.as_deref() {
                Some(m) if m == cut_text => unfinished.cut += 1,
                Some(m) if m == not_started_text => unfinished.not_started += 1,
                _ => {}
            }
        }
        (unfinished.cut + unfinished.not_started > 0).then_some(unfinished)
    }
}

/// The result of a case that was not started because the run stopped.
fn not_started(id: &str, reason: StopReason) -> CaseResult {
    CaseResult {
        outcome: Outcome::Error,
        message: Some(reason.not_started()),
        ..CaseResult::skipped(id, "")
    }
}

/// Prints the selected cases as `cargo test -- --list` does, sending nothing.
pub fn list(plan: &Plan, options: &ExecuteOptions) {
    let trials: Vec<Trial> = plan
        .cases
        .iter()
        .map(|p| Trial::test(p.case.id.clone(), || Ok(())).with_kind(p.case.level.as_str()))
        .collect();
    let _conclusion = libtest_mimic::run(&options.arguments(true), trials);
}

fn failure_text(result: &CaseResult) -> String {
    let mut text = result.message.clone().unwrap_or_default();
    if result.problems.len() > 1 {
        for p in &result.problems {
            text.push_str(&format!("\n  - {p}"));
        }
    }
    if !result.transcript.is_empty() {
        text.push_str("\n\ntranscript:\n");
        text.push_str(&result.transcript);
    }
    text
}

pub fn execute(
    plan: &Plan,
    ctx: Arc<RunContext>,
    handle: tokio::runtime::Handle,
    options: &ExecuteOptions,
) -> Execution {
    let slots: Arc<Mutex<Vec<Option<CaseResult>>>> =
        Arc::new(Mutex::new(vec![None; plan.cases.len()]));
    let trials: Vec<Trial> = plan
        .cases
        .iter()
        .enumerate()
        .map(|(index, planned)| {
            let case = Arc::new(planned.case.clone());
            let skip = planned.skip.clone();
            let ctx = Arc::clone(&ctx);
            let handle = handle.clone();
            let slots = Arc::clone(&slots);
            let kind = case.level.as_str();
            Trial::ignorable_test(case.id.clone(), move || {
                let stopped = ctx.stop.stopped();
                let result = match (skip, stopped) {
                    (Some(reason), _) => CaseResult::skipped(&case.id, reason),
                    (None, Some(reason)) => not_started(&case.id, reason),
                    (None, None) => handle.block_on(run_case(&ctx, &case, index)),
                };
                let verdict = match result.outcome {
                    // Shown as ignored on the console, not as one failure per case left;
                    // the reports count it as an error.
                    Outcome::Error
                        if stopped.is_some_and(|r| result.message == Some(r.not_started())) =>
                    {
                        Ok(Completion::ignored_with(
                            result.message.clone().unwrap_or_default(),
                        ))
                    }
                    Outcome::Pass | Outcome::Warn => Ok(Completion::Completed),
                    // What the harness prints is shown through the run's redactor.
                    Outcome::Skip => Ok(Completion::ignored_with(
                        ctx.redactor
                            .show(result.message.as_deref().unwrap_or_default()),
                    )),
                    Outcome::Fail | Outcome::Error => {
                        Err(Failed::from(ctx.redactor.show(&failure_text(&result))))
                    }
                };
                if let Ok(mut slots) = slots.lock() {
                    slots[index] = Some(result);
                }
                verdict
            })
            .with_kind(kind)
        })
        .collect();

    let _conclusion = libtest_mimic::run(&options.arguments(false), trials);
    let results = match Arc::try_unwrap(slots) {
        Ok(mutex) => mutex.into_inner().unwrap_or_default(),
        Err(shared) => shared.lock().map(|s| s.clone()).unwrap_or_default(),
    };
    let results: Vec<(usize, CaseResult)> = results
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (i, r)))
        .collect();
    Execution {
        stopped: Unfinished::count(ctx.stop.stopped(), results.iter().map(|(_, r)| r)),
        results,
    }
}

/// Runs a whole plan without the console harness, `jobs` cases at a time, and returns the
/// results in plan order. For library users and the project's own fault tests.
pub async fn run_plan(plan: &Plan, ctx: Arc<RunContext>, jobs: usize) -> Vec<CaseResult> {
    let permits = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, planned) in plan.cases.iter().enumerate() {
        let case = planned.case.clone();
        let skip = planned.skip.clone();
        let ctx = Arc::clone(&ctx);
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let result = match skip {
                Some(reason) => CaseResult::skipped(&case.id, reason),
                None => {
                    let _permit = permits.acquire_owned().await;
                    match ctx.stop.stopped() {
                        Some(reason) => not_started(&case.id, reason),
                        None => run_case(&ctx, &case, index).await,
                    }
                }
            };
            (index, result)
        });
    }
    let mut results: Vec<Option<CaseResult>> = vec![None; plan.cases.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| CaseResult {
                outcome: Outcome::Error,
                message: Some("the case's task ended abnormally".into()),
                ..CaseResult::skipped(&plan.cases[i].case.id, "")
            })
        })
        .collect()
}
