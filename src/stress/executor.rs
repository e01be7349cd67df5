//! The run itself: releases requests on the arrival schedule, each to a flow whose previous
//! request has been answered (or a new flow, up to `--users` in progress), at most one
//! request in flight per flow. A request's latency counts from when it was due, not from when
//! it could be sent, so a backlog shows in the percentiles. A 429 pauses all sending for its
//! `Retry-After` (or holds that flow 1 s without one) and the request is sent again. Arrivals
//! stop at the end of the schedule, at `--max-requests`, above `--max-error-rate` or on an
//! interrupt; requests still in flight then get the grace, after which they are cut.
//! Requests are sent by a fixed pool of workers, one per virtual user, each on a connection
//! of its own (nothing recorded, bodies parsed only when an id is captured).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::flow::Flow;
use super::ledger::Ledger;
use super::stats::{error_class, Stats};
use super::step::StepTemplate;
use super::{LoadOptions, Scenario};
use crate::http::{BriefAnswer, Connection, HttpClient, HttpError, OutgoingRequest};
use crate::run::{Interrupt, INTERRUPT_GRACE};

/// A 429 is sent again at most this many times in a row before the flow is given up.
const MAX_REFUSALS: u32 = 5;
/// How long a flow waits after a 429 without a readable `Retry-After`.
const NO_RETRY_AFTER_WAIT: Duration = Duration::from_secs(1);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);
/// How often stop conditions are looked at while nothing else happens.
const TICK: Duration = Duration::from_millis(50);
/// Failure rate is judged only after this many requests.
const ERROR_RATE_MIN_REQUESTS: u64 = 50;

/// What happened.
#[derive(Debug, Default)]
pub struct Execution {
    pub stats: Stats,
    pub ledger: Ledger,
    /// From the start to when arrivals stopped.
    pub window: Duration,
    /// Why arrivals stopped before the schedule's end, if they did.
    pub stopped: Option<String>,
    pub interrupted: bool,
    pub flows_started: u64,
    pub flows_finished: u64,
    /// Flows ended early by an error answer, no answer, or too many 429s.
    pub flows_abandoned: u64,
    /// Requests still in flight at the hard stop.
    pub cut: u64,
}

/// A request handed to a sending worker.
struct Job {
    flow: Flow,
    due: Instant,
    request: OutgoingRequest,
    parse_json: bool,
}

/// An answer (or its absence) back from worker `worker`, now idle again.
struct Done {
    worker: usize,
    flow: Flow,
    due: Instant,
    result: Result<BriefAnswer, HttpError>,
}

/// The steps of each scenario, built once.
#[derive(Clone)]
pub struct Plans {
    plans: Vec<(Scenario, Arc<Vec<StepTemplate>>)>,
}

impl Plans {
    pub fn new(plans: Vec<(Scenario, Arc<Vec<StepTemplate>>)>) -> Self {
        Self { plans }
    }

    fn steps(&self, scenario: Scenario) -> Arc<Vec<StepTemplate>> {
        self.plans
            .iter()
            .find(|(s, _)| *s == scenario)
            .map(|(_, p)| Arc::clone(p))
            .unwrap_or_default()
    }
}

/// Runs the schedule against `client` (which must not retry 429s itself).
pub async fn execute(
    client: Arc<HttpClient>,
    plans: &Plans,
    options: &LoadOptions,
    interrupt: &Interrupt,
) -> Execution {
    let mut ex = Execution::default();
    ex.stats.hold_start = options.schedule.ramp_length();
    let start = Instant::now();
    let closed = options.schedule.requested().is_none();
    let end = start + options.schedule.length();
    let mut hard_stop = end + options.grace;
    let mut arrivals = options.schedule.arrivals().peekable();
    let backlog_cap = options.users.max(1) * 10;
    let mut backlog: VecDeque<Instant> = VecDeque::new();
    let mut ready: VecDeque<Flow> = VecDeque::new();
    let mut delayed: Vec<(Instant, Flow)> = Vec::new();
    let mut in_progress = 0usize;
    let mut in_flight = 0usize;
    let mut sent = 0u64;
    let mut paused_until: Option<Instant> = None;
    let mut stopping: Option<Instant> = None;
    let (tx, mut rx) = mpsc::unbounded_channel::<Done>();
    let mut tasks = JoinSet::new();
    // A fixed pool of sending workers, one per virtual user (at most one request is in
    // flight per flow), instead of a task spawned per request.
    let mut workers = Vec::with_capacity(options.users.max(1));
    let mut idle: Vec<usize> = Vec::with_capacity(options.users.max(1));
    for worker in 0..options.users.max(1) {
        let (jobs, mut inbox) = mpsc::unbounded_channel::<Job>();
        let mut connection = Connection::new(Arc::clone(&client));
        let tx = tx.clone();
        tasks.spawn(async move {
            while let Some(job) = inbox.recv().await {
                let result = connection.send(&job.request, job.parse_json).await;
                let done = Done {
                    worker,
                    flow: job.flow,
                    due: job.due,
                    result,
                };
                if tx.send(done).is_err() {
                    break;
                }
            }
        });
        workers.push(jobs);
        idle.push(worker);
    }

    loop {
        let now = Instant::now();
        if stopping.is_none() {
            let mut reason = None;
            if interrupt.raised_at().is_some() {
                ex.interrupted = true;
                hard_stop = hard_stop.min(now + INTERRUPT_GRACE);
                reason = Some("interrupted".to_string());
            } else if sent >= options.max_requests {
                reason = Some(format!("--max-requests {} reached", options.max_requests));
            } else if ex.stats.requests() >= ERROR_RATE_MIN_REQUESTS
                && ex.stats.error_rate() > options.max_error_rate
            {
                reason = Some(format!(
                    "error rate {:.0}% above --max-error-rate {:.0}%",
                    ex.stats.error_rate() * 100.0,
                    options.max_error_rate * 100.0
                ));
            } else if options
                .iterations
                .is_some_and(|n| ex.flows_started >= n && in_progress == 0)
            {
                reason = Some(format!("{} flows done", ex.flows_started));
            }
            if reason.is_some() {
                ex.stopped = reason;
                stopping = Some(now.min(end));
                backlog.clear();
            } else if !closed {
                let paused = paused_until.is_some_and(|p| now < p);
                while let Some(at) = arrivals.peek().map(|t| start + *t) {
                    if at > now {
                        break;
                    }
                    arrivals.next();
                    if paused {
                        // Not kept for later: sent when the pause ends, they would be a
                        // burst on top of the arrivals then due.
                        ex.stats.throttling.not_sent_while_paused += 1;
                        continue;
                    }
                    backlog.push_back(at);
                    if backlog.len() > backlog_cap {
                        backlog.pop_front();
                        ex.stats.missed += 1;
                    }
                }
            }
            // The schedule is over once its last arrival is released (a closed loop: at its
            // end); what is still due is sent below.
            let over = if closed {
                now >= end
            } else {
                arrivals.peek().is_none()
            };
            if stopping.is_none() && over {
                stopping = Some(now.min(end));
            }
        }
        // Flows held after a 429 without Retry-After.
        let mut i = 0;
        while i < delayed.len() {
            if delayed[i].0 <= now {
                ready.push_back(delayed.swap_remove(i).1);
            } else {
                i += 1;
            }
        }
        if (stopping.is_none() || !backlog.is_empty()) && paused_until.is_none_or(|p| now >= p) {
            loop {
                let due = if closed {
                    now
                } else {
                    match backlog.front() {
                        Some(due) => *due,
                        None => break,
                    }
                };
                if sent >= options.max_requests || idle.is_empty() {
                    break;
                }
                let flow = match ready.pop_front() {
                    Some(flow) => flow,
                    None if in_progress < options.users
                        && options.iterations.is_none_or(|n| ex.flows_started < n) =>
                    {
                        let number = ex.flows_started;
                        ex.flows_started += 1;
                        in_progress += 1;
                        let steps = plans.steps(options.scenario.pick(number));
                        Flow::new(number, steps, &options.run, &options.user_name_suffix)
                    }
                    None => break,
                };
                let Some(request) = flow.request() else {
                    // Done, or a step needs an id its flow never got.
                    in_progress -= 1;
                    if flow.step().is_none() {
                        ex.flows_finished += 1;
                    } else {
                        ex.flows_abandoned += 1;
                    }
                    continue;
                };
                if !closed {
                    backlog.pop_front();
                }
                sent += 1;
                in_flight += 1;
                let parse_json = flow.needs_body();
                let job = Job {
                    flow,
                    due,
                    request,
                    parse_json,
                };
                if let Some(worker) = idle.pop() {
                    if workers[worker].send(job).is_err() {
                        // The worker is gone (it cannot be, short of a panic): the flow ends.
                        in_flight -= 1;
                        in_progress -= 1;
                        ex.flows_abandoned += 1;
                    }
                }
            }
        }
        while tasks.try_join_next().is_some() {}
        if stopping.is_some() && in_flight == 0 {
            // Due requests no flow could take once the schedule ended.
            ex.stats.missed += backlog.len() as u64;
            break;
        }
        if now >= hard_stop {
            ex.cut = in_flight as u64;
            tasks.abort_all();
            break;
        }
        let mut wake = now + TICK;
        if let Some(at) = arrivals
            .peek()
            .map(|t| start + *t)
            .filter(|_| stopping.is_none())
        {
            wake = wake.min(at);
        }
        if let Some(p) = paused_until.filter(|p| *p > now) {
            wake = wake.min(p);
        }
        wake = wake.min(hard_stop).max(now);
        // Answers already in need no timer: at full speed most turns take one from here.
        let done = match rx.try_recv() {
            Ok(done) => Some(done),
            Err(_) => tokio::select! {
                done = rx.recv() => done,
                () = tokio::time::sleep_until(wake) => None,
            },
        };
        let Some(done) = done else {
            continue;
        };
        in_flight -= 1;
        let finished = Instant::now();
        let at = finished - start;
        let Done {
            worker,
            mut flow,
            due,
            result,
        } = done;
        idle.push(worker);
        let kind = flow.step().map(|s| s.kind).unwrap_or("unknown");
        let latency = finished.saturating_duration_since(due);
        match result {
            Err(e) => {
                ex.stats.error(kind, error_class(&e), latency, at);
                in_progress -= 1;
                ex.flows_abandoned += 1;
            }
            Ok(answer) => {
                let status = answer.status;
                ex.stats.answer(kind, status, latency, at);
                if (200..300).contains(&status) {
                    let effect = flow.step().map(|s| s.effect.clone());
                    flow.advance(answer.json.as_ref());
                    if let Some(effect) = effect {
                        ex.ledger.record(&effect, &flow);
                    }
                    if flow.step().is_some() {
                        ready.push_back(flow);
                    } else {
                        in_progress -= 1;
                        ex.flows_finished += 1;
                    }
                } else if status == 429 {
                    let throttling = &mut ex.stats.throttling;
                    throttling.responses += 1;
                    flow.refusals += 1;
                    let retry_after = answer
                        .retry_after
                        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
                    if let Some(wait) = retry_after {
                        throttling.with_retry_after += 1;
                        // What waited to be sent waits out the pause like every arrival.
                        throttling.not_sent_while_paused += backlog.len() as u64;
                        backlog.clear();
                        let until = finished + wait;
                        match paused_until.filter(|p| *p > finished) {
                            Some(p) if until > p => {
                                throttling.paused_seconds += (until - p).as_secs_f64();
                                paused_until = Some(until);
                            }
                            Some(_) => {}
                            None => {
                                throttling.pauses += 1;
                                throttling.paused_seconds += wait.as_secs_f64();
                                paused_until = Some(until);
                            }
                        }
                    }
                    if flow.refusals > MAX_REFUSALS {
                        throttling.gave_up += 1;
                        in_progress -= 1;
                        ex.flows_abandoned += 1;
                    } else if stopping.is_none() {
                        throttling.retried += 1;
                        if retry_after.is_some() {
                            ready.push_back(flow);
                        } else {
                            delayed.push((finished + NO_RETRY_AFTER_WAIT, flow));
                        }
                    } else {
                        in_progress -= 1;
                    }
                } else {
                    in_progress -= 1;
                    ex.flows_abandoned += 1;
                }
            }
        }
    }
    ex.window = stopping.unwrap_or(end).saturating_duration_since(start);
    ex.stats.throttling.paused_seconds =
        (ex.stats.throttling.paused_seconds * 100.0).round() / 100.0;
    ex
}
