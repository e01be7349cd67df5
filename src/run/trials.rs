//! Runs a plan: the cases selected by id (substring, `--exact`, `--skip`, as `cargo test`
//! selects tests), `--jobs` at a time on the run's tokio runtime, each finished case handed to
//! a [`Watcher`] (the command layer's console) as it ends. Cases that filter a list run after
//! the others, when no other case's data is on the target. A case that failed or errored on a
//! 5xx while other cases ran alongside it is run again alone at the end, and its result says
//! so. Once the run's deadline has passed or it was interrupted, no case starts: each errors
//! with the reason.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use libtest_mimic::{Arguments, Trial};

use super::case::run_case;
use super::context::RunContext;
use super::failing::failing_status;
use super::outcome::{CaseResult, Outcome};
use super::stop::StopReason;
use crate::load::Case;
use crate::plan::{filters_a_list, NameFilter, Plan};

#[derive(Debug, Clone, Default)]
pub struct ExecuteOptions {
    /// Selection by case id.
    pub names: NameFilter,
    pub jobs: usize,
}

/// Told about the run as it goes; the command layer's console is one. Every method is called
/// from the thread running the plan, one call at a time.
pub trait Watcher {
    /// The run begins with `total` selected cases.
    fn begin(&mut self, _total: usize) {}
    /// A case finished (or was skipped).
    fn finished(&mut self, _case: &Case, _result: &CaseResult) {}
    /// How often [`Watcher::tick`] is wanted while cases run; `None`: never.
    fn tick_every(&self) -> Option<Duration> {
        None
    }
    fn tick(&mut self) {}
    /// A case that failed alongside others (`first`) was run again alone: `result`.
    fn retried(&mut self, _case: &Case, _first: &CaseResult, _result: &CaseResult) {}
}

/// A watcher that wants to know nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unwatched;

impl Watcher for Unwatched {}

/// The results of a run, in plan order (cases deselected by name filters are absent).
#[derive(Debug, Default)]
pub struct Execution {
    pub results: Vec<(usize, CaseResult)>,
    /// Set when the run stopped early (deadline or interrupt) before every case finished.
    pub stopped: Option<Unfinished>,
    /// The cases run again alone after a 5xx alongside other cases.
    pub retried: Vec<Retried>,
}

/// A case run again alone: its index in the plan and how its first attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retried {
    pub index: usize,
    pub first_outcome: Outcome,
    pub first_message: String,
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

/// The result of a case whose task ended without one (it panicked).
fn abnormal_end(id: &str) -> CaseResult {
    CaseResult {
        outcome: Outcome::Error,
        message: Some("the case's task ended abnormally".into()),
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
    let arguments = Arguments {
        filter: options.names.filter.clone(),
        exact: options.names.exact,
        skip: options.names.skip.clone(),
        list: true,
        ..Arguments::default()
    };
    let _conclusion = libtest_mimic::run(&arguments, trials);
}

/// Runs the cases of `plan` that `options` selects, telling `watcher` as they finish; then
/// runs again, alone, each case that failed or errored on a 5xx while other cases ran.
pub fn execute(
    plan: &Plan,
    ctx: Arc<RunContext>,
    handle: tokio::runtime::Handle,
    options: &ExecuteOptions,
    watcher: &mut impl Watcher,
) -> Execution {
    let selected: Vec<usize> = (0..plan.cases.len())
        .filter(|&i| options.names.keeps(&plan.cases[i].case.id))
        .collect();
    watcher.begin(selected.len());
    let mut runs = handle.block_on(run_phases(plan, &ctx, &selected, options.jobs, watcher));
    let retried = handle.block_on(retry_alone(plan, &ctx, &mut runs, watcher));
    let results: Vec<(usize, CaseResult)> = runs
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (i, r.result)))
        .collect();
    Execution {
        stopped: Unfinished::count(ctx.stop.stopped(), results.iter().map(|(_, r)| r)),
        results,
        retried,
    }
}

/// Runs a whole plan, `jobs` cases at a time (those filtering a list one at a time, after the
/// others), and returns the results in plan order. For library users and `compare`.
pub async fn run_plan(plan: &Plan, ctx: Arc<RunContext>, jobs: usize) -> Vec<CaseResult> {
    let all: Vec<usize> = (0..plan.cases.len()).collect();
    let runs = run_phases(plan, &ctx, &all, jobs, &mut Unwatched).await;
    in_plan_order(plan, runs)
}

/// [`run_plan`] without the phase for list filters: every case `jobs` at a time. For a target
/// whose answers do not depend on what other cases store (the reference server of the
/// project's fault and variance proofs), where it is faster.
pub async fn run_plan_at_once(plan: &Plan, ctx: Arc<RunContext>, jobs: usize) -> Vec<CaseResult> {
    let all: Vec<usize> = (0..plan.cases.len()).collect();
    let mut runs = vec![None; plan.cases.len()];
    let mut ticker = None;
    run_phase(
        plan,
        &ctx,
        &all,
        jobs,
        &mut Unwatched,
        &mut ticker,
        &mut runs,
    )
    .await;
    in_plan_order(plan, runs)
}

fn in_plan_order(plan: &Plan, runs: Vec<Option<CaseRun>>) -> Vec<CaseResult> {
    runs.into_iter()
        .enumerate()
        .map(|(i, r)| r.map_or_else(|| abnormal_end(&plan.cases[i].case.id), |r| r.result))
        .collect()
}

/// One case's result, and whether another case was running at some moment while it ran.
#[derive(Debug, Clone)]
struct CaseRun {
    result: CaseResult,
    alongside: bool,
}

/// The selected cases in two phases: first those that do not filter or sort a list, `jobs` at
/// a time, then those that do, one at a time. A list filter is evaluated by the target over
/// every resource stored at that moment, other cases' included, and some targets fail on
/// shapes of data the case did not create (scimmy answers 400 to `name.familyName eq` while
/// any stored User lacks `name`), so a case filtering a list runs while no other case has data
/// on the target, and its outcome does not depend on timing.
async fn run_phases(
    plan: &Plan,
    ctx: &Arc<RunContext>,
    selected: &[usize],
    jobs: usize,
    watcher: &mut impl Watcher,
) -> Vec<Option<CaseRun>> {
    let (filtering, others): (Vec<usize>, Vec<usize>) = selected
        .iter()
        .partition(|&&i| plan.cases[i].skip.is_none() && filters_a_list(&plan.cases[i].case));
    let mut runs = vec![None; plan.cases.len()];
    let mut ticker = watcher
        .tick_every()
        .map(|every| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
    run_phase(plan, ctx, &others, jobs, watcher, &mut ticker, &mut runs).await;
    run_phase(plan, ctx, &filtering, 1, watcher, &mut ticker, &mut runs).await;
    runs
}

/// Runs the cases `indices` of `plan`, `jobs` at a time and started in their order (so one
/// job runs them in plan order), into `runs`; `ticker` paces [`Watcher::tick`].
async fn run_phase(
    plan: &Plan,
    ctx: &Arc<RunContext>,
    indices: &[usize],
    jobs: usize,
    watcher: &mut impl Watcher,
    ticker: &mut Option<tokio::time::Interval>,
    runs: &mut [Option<CaseRun>],
) {
    let permits = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let overlap = Arc::new(Overlap::default());
    let mut tasks: tokio::task::JoinSet<(usize, CaseRun)> = tokio::task::JoinSet::new();
    // Each running case's index and its permit, released once its result is taken here: so
    // the next case starts after the previous one's result was told, and one job keeps the
    // plan's order.
    let mut running: std::collections::HashMap<
        tokio::task::Id,
        (usize, tokio::sync::OwnedSemaphorePermit),
    > = std::collections::HashMap::new();
    let mut to_start = Vec::new();
    for &index in indices {
        let planned = &plan.cases[index];
        match &planned.skip {
            Some(reason) => {
                let result = CaseResult::skipped(&planned.case.id, reason.clone());
                watcher.finished(&planned.case, &result);
                runs[index] = Some(CaseRun {
                    result,
                    alongside: false,
                });
            }
            None => to_start.push(index),
        }
    }
    let mut to_start = to_start.into_iter().peekable();
    while to_start.peek().is_some() || !tasks.is_empty() {
        tokio::select! {
            biased;
            Some(joined) = tasks.join_next_with_id() => {
                let (index, run) = match joined {
                    Ok((id, (index, run))) => {
                        running.remove(&id);
                        (index, run)
                    }
                    Err(e) => match running.remove(&e.id()) {
                        Some((index, _permit)) => (index, CaseRun {
                            result: abnormal_end(&plan.cases[index].case.id),
                            alongside: false,
                        }),
                        None => continue,
                    },
                };
                watcher.finished(&plan.cases[index].case, &run.result);
                runs[index] = Some(run);
            }
            permit = Arc::clone(&permits).acquire_owned(), if to_start.peek().is_some() => {
                let Some(index) = to_start.next() else { continue };
                let case = plan.cases[index].case.clone();
                let ctx = Arc::clone(ctx);
                let overlap = Arc::clone(&overlap);
                let task = tasks.spawn(async move {
                    if let Some(reason) = ctx.stop.stopped() {
                        let result = not_started(&case.id, reason);
                        return (index, CaseRun { result, alongside: false });
                    }
                    let started = overlap.start();
                    let result = run_case(&ctx, &case, index).await;
                    let alongside = overlap.end(started);
                    (index, CaseRun { result, alongside })
                });
                if let Ok(permit) = permit {
                    running.insert(task.id(), (index, permit));
                }
            }
            () = tick(ticker) => watcher.tick(),
        }
    }
}

/// Resolves at the next tick of `ticker`; never without one.
async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(ticker) => {
            ticker.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Tells whether a case ran while another did: how many cases are running, and how many
/// started so far.
#[derive(Debug, Default)]
struct Overlap {
    running: AtomicUsize,
    starts: AtomicUsize,
}

/// What [`Overlap::start`] saw: the starts before this one, and whether another case ran.
#[derive(Debug, Clone, Copy)]
struct Started {
    starts_before: usize,
    others_running: bool,
}

impl Overlap {
    fn start(&self) -> Started {
        let starts_before = self.starts.fetch_add(1, Ordering::SeqCst);
        let others_running = self.running.fetch_add(1, Ordering::SeqCst) > 0;
        Started {
            starts_before,
            others_running,
        }
    }

    /// True when another case ran at some moment between `started` and now.
    fn end(&self, started: Started) -> bool {
        self.running.fetch_sub(1, Ordering::SeqCst);
        let started_since = self.starts.load(Ordering::SeqCst) > started.starts_before + 1;
        started.others_running || started_since
    }
}

/// Whether `run` is worth running again alone: it failed or errored on a 5xx answer while
/// another case ran; a target failing under concurrency may well answer the same request
/// alone.
fn worth_retrying(run: &CaseRun) -> bool {
    matches!(run.result.outcome, Outcome::Fail | Outcome::Error)
        && run.alongside
        && failing_status(&run.result.transcript).is_some_and(|s| (500..600).contains(&s))
}

/// Runs each case worth it again alone, one after the other, keeping the second result with
/// a note on how the first attempt ended (in its message when it did not pass, and at the
/// head of its transcript).
async fn retry_alone(
    plan: &Plan,
    ctx: &Arc<RunContext>,
    runs: &mut [Option<CaseRun>],
    watcher: &mut impl Watcher,
) -> Vec<Retried> {
    let mut retried = Vec::new();
    let count = plan.cases.len();
    for (index, slot) in runs.iter_mut().enumerate() {
        let Some(first) = slot.take_if(|r| worth_retrying(r)) else {
            continue;
        };
        if ctx.stop.stopped().is_some() {
            *slot = Some(first);
            break;
        }
        let case = &plan.cases[index].case;
        // Data distinct from the first attempt's, in case some of it was left behind.
        let mut result = run_case(ctx, case, count + index).await;
        let first_message = first.result.message.clone().unwrap_or_default();
        let note = retry_note(first.result.outcome, &first_message);
        result.transcript = format!(
            "--- {note}\n--- first attempt\n{}--- alone\n{}",
            first.result.transcript, result.transcript
        );
        if let Some(message) = result.message.as_mut() {
            *message = format!("{message} ({note})");
        }
        watcher.retried(case, &first.result, &result);
        retried.push(Retried {
            index,
            first_outcome: first.result.outcome,
            first_message,
        });
        *slot = Some(CaseRun {
            result,
            alongside: false,
        });
    }
    retried
}

/// The note on a case run again alone.
fn retry_note(first: Outcome, message: &str) -> String {
    let why = message.split(": ").last().unwrap_or(message);
    format!(
        "run again alone: its first attempt, alongside other cases, ended {first} on a 5xx ({})",
        crate::scim::text::truncate(why, 120)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_overlaps_one_running_at_its_start_or_started_after_it() {
        let overlap = Overlap::default();
        let alone = overlap.start();
        assert!(!overlap.end(alone), "nothing else ran");
        let first = overlap.start();
        let second = overlap.start();
        assert!(overlap.end(first), "the second started while the first ran");
        assert!(
            overlap.end(second),
            "the first was running when the second started"
        );
        let after = overlap.start();
        assert!(!overlap.end(after), "both had ended");
    }

    fn run(outcome: Outcome, status: u16, alongside: bool) -> CaseRun {
        let mut result = CaseResult::skipped("c", "m");
        result.outcome = outcome;
        result.transcript = format!(
            "--- step 1 'create'\n> POST http://t/Users\n< {status} (1 ms)\n--- cleanup\n> DELETE http://t/Users/1\n< 204 (1 ms)\n"
        );
        CaseRun { result, alongside }
    }

    #[test]
    fn only_a_5xx_alongside_other_cases_is_run_again() {
        assert!(worth_retrying(&run(Outcome::Fail, 500, true)));
        assert!(worth_retrying(&run(Outcome::Error, 503, true)));
        assert!(!worth_retrying(&run(Outcome::Fail, 500, false)), "alone");
        assert!(!worth_retrying(&run(Outcome::Fail, 400, true)), "a 4xx");
        assert!(!worth_retrying(&run(Outcome::Warn, 500, true)), "a warning");
        assert!(!worth_retrying(&run(Outcome::Skip, 500, true)), "a skip");
    }
}
