//! `scimspec load`: does the endpoint hold a provisioning client's real traffic? Scenarios
//! that replay what Entra and Okta send ([`scenario`], bodies in `bodies.rs`), an open-model
//! arrival schedule ([`schedule`]), a bounded executor over the project's HTTP client
//! (`executor.rs`), HDR latency figures per request kind ([`stats`]), the 429 handling, the
//! final-state check and the cleanup, a verdict against the published thresholds
//! ([`verdict`]), the HTML page with its latency plot over time ([`html`]), and the export of a scenario to Locust for distributed runs ([`locust`]).
//! (`src/load/` is the case-file loader, unrelated.)

mod bodies;
mod cleanup;
mod error;
mod executor;
mod final_state;
mod flow;
pub mod html;
mod ledger;
pub mod locust;
mod parallel;
mod plot;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod stats;
pub mod step;
pub mod verdict;

use std::sync::Arc;
use std::time::Duration;

pub use cleanup::Leftover;
pub use error::StressError;
pub use final_state::FinalState;
pub use report::LoadReport;
pub use scenario::Scenario;
pub use schedule::{Rate, Schedule, Stage};

use crate::http::{HttpClient, OutgoingRequest};
use crate::plan::Required;
use crate::run::Interrupt;
use executor::Plans;
use flow::Flow;
use ledger::Ledger;

/// The default of `--max-requests`.
pub const DEFAULT_MAX_REQUESTS: u64 = 100_000;
/// The default of `--users`.
pub const DEFAULT_USERS: usize = 50;
/// After the schedule ends, requests in flight get this long before they are cut.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(10);
/// The cleanup's limit (a few seconds after an interrupt).
const CLEANUP_LIMIT: Duration = Duration::from_secs(120);
const INTERRUPTED_CLEANUP_LIMIT: Duration = Duration::from_secs(15);

/// How a load run goes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub scenario: Scenario,
    pub schedule: Schedule,
    /// Flows in progress at once (virtual users); also the population `import` pages through.
    pub users: usize,
    /// Flows started in all (`None`: as many as the schedule allows).
    pub iterations: Option<u64>,
    pub max_requests: u64,
    /// Arrivals stop when more than this share of requests fail (no answer or 5xx).
    pub max_error_rate: f64,
    pub page_size: usize,
    pub grace: Duration,
    /// The client's timeout the verdict holds p95 to.
    pub client_timeout: Duration,
    /// Unique prefix of everything the run creates.
    pub run: String,
    /// The userName suffix calibration found ("" or "@domain").
    pub user_name_suffix: String,
    /// Check the final state after the run.
    pub check_final_state: bool,
}

/// The steps of every scenario the run may use.
pub fn plans(
    options: &LoadOptions,
    required: &Required,
) -> Vec<(Scenario, Vec<step::StepTemplate>)> {
    Scenario::ALL
        .into_iter()
        .filter(|s| *s != Scenario::Mix && (0..10).any(|n| options.scenario.pick(n) == *s))
        .map(|s| (s, s.steps(required, options.page_size, options.users)))
        .collect()
}

/// Creates the population `import` pages through; what it created goes into the ledger.
async fn populate(
    client: &Arc<HttpClient>,
    options: &LoadOptions,
    required: &Required,
    ledger: &mut Ledger,
) -> usize {
    let step = Arc::new(vec![scenario::population_step(required)]);
    let flows: Vec<Flow> = (0..options.users as u64)
        .map(|n| {
            Flow::new(
                n,
                Arc::clone(&step),
                &format!("{}-seed", options.run),
                &options.user_name_suffix,
            )
        })
        .collect();
    let c = Arc::clone(client);
    let done = parallel::each(flows, 8, move |mut flow| {
        let c = Arc::clone(&c);
        async move {
            let request: Option<OutgoingRequest> = flow.request();
            let answer = match request {
                Some(r) => c.send(&r).await.ok(),
                None => None,
            };
            match answer {
                Some(a) if (200..300).contains(&a.response.status) => {
                    let effect = flow.step().map(|s| s.effect.clone());
                    flow.advance(a.response.json.as_ref());
                    effect.map(|e| (e, flow))
                }
                _ => None,
            }
        }
    })
    .await;
    let created = done.len();
    for (effect, flow) in done.into_iter().flatten() {
        ledger.record(&effect, &flow);
    }
    created
}

/// Runs the scenario against `client`, checks the final state, cleans up, and judges.
/// `target` names the target in the report.
pub async fn run(
    client: &HttpClient,
    target: &str,
    required: &Required,
    options: &LoadOptions,
    interrupt: &Interrupt,
) -> LoadReport {
    // The measured requests see every 429 themselves (not retried inside the client); the
    // population, the final-state check and the cleanup keep the client's own retries.
    let measured = Arc::new(client.with_max_retries(0));
    let client = Arc::new(client.clone());
    let plans = Plans::new(
        plans(options, required)
            .into_iter()
            .map(|(s, steps)| (s, Arc::new(steps)))
            .collect(),
    );
    let mut seeded = Ledger::default();
    let population = if options.scenario.needs_population() {
        populate(&client, options, required, &mut seeded).await
    } else {
        0
    };
    let mut ex = execute_on_worker(measured, plans, options, interrupt).await;
    let interrupted = ex.interrupted || interrupt.raised_at().is_some();
    let final_state = if options.check_final_state && !interrupted {
        Some(final_state::check(Arc::clone(&client), &ex.ledger).await)
    } else {
        None
    };
    ex.ledger.users.extend(seeded.users);
    let limit = if interrupt.raised_at().is_some() {
        INTERRUPTED_CLEANUP_LIMIT
    } else {
        CLEANUP_LIMIT
    };
    let leftovers = cleanup::clean(Arc::clone(&client), &ex.ledger, limit).await;
    let kinds = ex.stats.summary();
    let p95 = kinds.last().map_or(Duration::ZERO, |all| {
        Duration::from_secs_f64(all.p95_ms / 1000.0)
    });
    let window = ex.window.as_secs_f64().max(0.001);
    // Served requests (a 429 is an answer, not a request the target carried out) per second
    // of the hold at the requested rate, after any ramp.
    let hold = window - ex.stats.hold_start.as_secs_f64();
    let achieved = if hold > 0.5 {
        ex.stats.served_in_hold as f64 / hold
    } else {
        ex.stats
            .answered
            .saturating_sub(ex.stats.throttling.responses) as f64
            / window
    };
    let requested = options.schedule.requested().map(|r| r.0);
    let verdict = verdict::judge(&verdict::Figures {
        requested,
        achieved,
        p95,
        client_timeout: options.client_timeout,
        throttling: &ex.stats.throttling,
        final_state: final_state.as_ref(),
        leftovers: leftovers.len(),
    });
    LoadReport {
        version: report::REPORT_VERSION,
        target: target.to_string(),
        scenario: options.scenario.name().to_string(),
        run: options.run.clone(),
        requested_rate: requested,
        achieved_rate: (achieved * 100.0).round() / 100.0,
        schedule_seconds: options.schedule.length().as_secs_f64(),
        window_seconds: (window * 1000.0).round() / 1000.0,
        users: options.users,
        requests: ex.stats.requests() + ex.cut,
        answered: ex.stats.answered,
        missed_arrivals: ex.stats.missed,
        cut_at_hard_stop: ex.cut,
        flows: report::Flows {
            started: ex.flows_started,
            finished: ex.flows_finished,
            abandoned: ex.flows_abandoned,
        },
        kinds,
        statuses: ex
            .stats
            .statuses
            .iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect(),
        errors: ex.stats.errors.clone(),
        throttling: ex.stats.throttling.clone(),
        timeline: ex.stats.timeline(),
        population,
        final_state,
        leftovers,
        stopped: if interrupted {
            Some("interrupted".to_string())
        } else {
            ex.stopped
        },
        verdict,
    }
}

/// Runs the executor as a task of its own: on one of the runtime's worker threads, beside
/// the requests it sends, rather than on the thread blocked on the whole run, so an answer
/// reaching it wakes no other thread.
async fn execute_on_worker(
    client: Arc<HttpClient>,
    plans: Plans,
    options: &LoadOptions,
    interrupt: &Interrupt,
) -> executor::Execution {
    let options = options.clone();
    let interrupt = interrupt.clone();
    let task =
        tokio::spawn(async move { executor::execute(client, &plans, &options, &interrupt).await });
    match task.await {
        Ok(ex) => ex,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => executor::Execution::default(),
        },
    }
}

/// True when `url`'s host is this machine (127.0.0.0/8, ::1, localhost).
pub fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    match parsed.host_str() {
        Some(host) => {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_loopback() {
        assert!(is_loopback("http://127.0.0.1:8080/scim/v2"));
        assert!(is_loopback("http://localhost/scim/v2"));
        assert!(is_loopback("http://[::1]:80/scim"));
        assert!(!is_loopback("https://example.com/scim/v2"));
        assert!(!is_loopback("http://10.0.0.1/scim/v2"));
        assert!(!is_loopback("not a url"));
    }
}
