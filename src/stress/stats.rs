//! The figures of a run as it goes: an HDR latency histogram per request kind, statuses,
//! error classes, 429 handling and a per-second timeline (requests, errors, 429s and a small
//! latency histogram per second); and their summary.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::http::HttpError;

/// Latencies are recorded in microseconds, 1 µs to 1 h, three significant digits.
const HIGHEST_MICROS: u64 = 3_600_000_000;

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_MICROS, 3).expect("constant bounds hdrhistogram accepts")
}

/// Per-second latency histograms: two significant digits and 32-bit counts keep one second
/// at a few kilobytes, whatever the run's length.
fn second_histogram() -> Histogram<u32> {
    Histogram::new_with_bounds(1, HIGHEST_MICROS, 2).expect("constant bounds hdrhistogram accepts")
}

/// What completed in one second of the run.
#[derive(Debug, Clone)]
struct SecondFigures {
    latency: Histogram<u32>,
    errors: u64,
    throttled: u64,
}

impl Default for SecondFigures {
    fn default() -> Self {
        Self {
            latency: second_histogram(),
            errors: 0,
            throttled: 0,
        }
    }
}

/// One second of the timeline as reported: requests completed in it (answered or not), how
/// many were errors (no answer, 4xx other than 429, 5xx) and 429s, and their latencies in
/// milliseconds (`None` when nothing completed in that second).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Second {
    pub second: u64,
    pub requests: u64,
    pub errors: u64,
    pub throttled: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// What a completed request was, for the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Completion {
    Served,
    Error,
    Throttled,
}

/// One request kind's figures.
#[derive(Debug, Clone)]
pub struct KindFigures {
    latency: Histogram<u64>,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
}

impl Default for KindFigures {
    fn default() -> Self {
        Self {
            latency: histogram(),
            statuses: BTreeMap::new(),
            errors: 0,
        }
    }
}

/// How 429 answers went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Throttling {
    /// 429 answers received.
    pub responses: u64,
    /// Of those, how many carried a `Retry-After` scimspec could read (seconds).
    pub with_retry_after: u64,
    /// Times scimspec paused sending for a `Retry-After`.
    pub pauses: u64,
    /// Seconds spent paused, in all.
    pub paused_seconds: f64,
    /// Requests sent again after a 429.
    pub retried: u64,
    /// Flows given up after too many 429s in a row.
    pub gave_up: u64,
    /// Arrivals due while sending was paused (or waiting when a pause began), not sent.
    pub not_sent_while_paused: u64,
}

/// Everything counted during a run.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    kinds: BTreeMap<&'static str, KindFigures>,
    all: Option<Histogram<u64>>,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<String, u64>,
    pub throttling: Throttling,
    /// Answers (or errors) per second since the start.
    seconds: Vec<SecondFigures>,
    pub answered: u64,
    pub failed: u64,
    /// Arrivals dropped because every virtual user was waiting and the backlog was full.
    pub missed: u64,
    /// When the ramp ends and the rate holds.
    pub hold_start: Duration,
    /// Answers other than 429 completed after `hold_start`.
    pub served_in_hold: u64,
}

/// The error class of a request that got no HTTP answer.
pub fn error_class(error: &HttpError) -> &'static str {
    match error {
        HttpError::Timeout { .. } => "timeout",
        HttpError::Unreachable { .. } => "connection refused",
        HttpError::Transport { .. } => "connection reset or closed",
        HttpError::BodyTooLarge { .. } => "body too large",
        HttpError::Token { .. } => "token endpoint",
        _ => "client error",
    }
}

impl Stats {
    fn tick(&mut self, at: Duration, latency: Duration, completion: Completion) {
        let second = at.as_secs() as usize;
        if self.seconds.len() <= second {
            self.seconds.resize_with(second + 1, SecondFigures::default);
        }
        let figures = &mut self.seconds[second];
        let _ = figures.latency.record(micros(latency));
        match completion {
            Completion::Served => {}
            Completion::Error => figures.errors += 1,
            Completion::Throttled => figures.throttled += 1,
        }
    }

    /// The per-second timeline, from the run's first second to the last one in which a
    /// request completed.
    pub fn timeline(&self) -> Vec<Second> {
        self.seconds
            .iter()
            .enumerate()
            .map(|(second, f)| {
                let h = &f.latency;
                let at = |q: f64| (!h.is_empty()).then(|| ms(h.value_at_quantile(q)));
                Second {
                    second: second as u64,
                    requests: h.len(),
                    errors: f.errors,
                    throttled: f.throttled,
                    p50_ms: at(0.50),
                    p95_ms: at(0.95),
                    p99_ms: at(0.99),
                    max_ms: (!h.is_empty()).then(|| ms(h.max())),
                }
            })
            .collect()
    }

    fn latency(&mut self, kind: &'static str, latency: Duration) -> &mut KindFigures {
        let micros = micros(latency);
        let all = self.all.get_or_insert_with(histogram);
        let _ = all.record(micros);
        let figures = self.kinds.entry(kind).or_default();
        let _ = figures.latency.record(micros);
        figures
    }

    /// An HTTP answer of `kind` with `status`, `latency` after it was due, at `at` into the run.
    pub fn answer(&mut self, kind: &'static str, status: u16, latency: Duration, at: Duration) {
        let completion = match status {
            429 => Completion::Throttled,
            400.. => Completion::Error,
            _ => Completion::Served,
        };
        self.tick(at, latency, completion);
        self.answered += 1;
        if status != 429 && at >= self.hold_start {
            self.served_in_hold += 1;
        }
        *self.statuses.entry(status).or_default() += 1;
        let figures = self.latency(kind, latency);
        *figures.statuses.entry(status).or_default() += 1;
        if status >= 500 {
            figures.errors += 1;
            self.failed += 1;
            *self.errors.entry(format!("HTTP {status}")).or_default() += 1;
        } else if status >= 400 && status != 429 {
            figures.errors += 1;
            *self.errors.entry(format!("HTTP {status}")).or_default() += 1;
        }
    }

    /// A request of `kind` that got no answer.
    pub fn error(&mut self, kind: &'static str, class: &str, latency: Duration, at: Duration) {
        self.tick(at, latency, Completion::Error);
        self.failed += 1;
        self.latency(kind, latency).errors += 1;
        *self.errors.entry(class.to_string()).or_default() += 1;
    }

    /// Requests sent (answered or not).
    pub fn requests(&self) -> u64 {
        self.answered + self.errors_without_answer()
    }

    fn errors_without_answer(&self) -> u64 {
        self.errors
            .iter()
            .filter(|(class, _)| !class.starts_with("HTTP "))
            .map(|(_, n)| n)
            .sum()
    }

    /// The share of requests that failed (no answer or a 5xx).
    pub fn error_rate(&self) -> f64 {
        let total = self.requests();
        if total == 0 {
            0.0
        } else {
            self.failed as f64 / total as f64
        }
    }

    /// The per-kind summary, in kind order, with the total last.
    pub fn summary(&self) -> Vec<KindSummary> {
        let mut rows: Vec<KindSummary> = self
            .kinds
            .iter()
            .map(|(kind, f)| KindSummary::of(kind, &f.latency, f.statuses.clone(), f.errors))
            .collect();
        if let Some(all) = &self.all {
            let errors = rows.iter().map(|r| r.errors).sum();
            rows.push(KindSummary::of("all", all, self.statuses.clone(), errors));
        }
        rows
    }
}

/// Latency percentiles of one request kind, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSummary {
    pub kind: String,
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub statuses: BTreeMap<String, u64>,
}

/// A latency as the histograms record it: whole microseconds, within their bounds.
fn micros(latency: Duration) -> u64 {
    (latency.as_micros() as u64).clamp(1, HIGHEST_MICROS)
}

fn ms(micros: u64) -> f64 {
    (micros as f64 / 10.0).round() / 100.0
}

impl KindSummary {
    fn of(kind: &str, h: &Histogram<u64>, statuses: BTreeMap<u16, u64>, errors: u64) -> Self {
        Self {
            kind: kind.to_string(),
            requests: h.len(),
            errors,
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
            statuses: statuses
                .into_iter()
                .map(|(s, n)| (s.to_string(), n))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_histogram_per_kind_and_in_all() {
        let mut stats = Stats::default();
        for i in 1..=100u64 {
            stats.answer("read user", 200, Duration::from_millis(i), Duration::ZERO);
        }
        stats.answer(
            "create user",
            500,
            Duration::from_millis(1000),
            Duration::from_secs(1),
        );
        let rows = stats.summary();
        let read = rows.iter().find(|r| r.kind == "read user").expect("read");
        assert_eq!(read.requests, 100);
        assert!((read.p50_ms - 50.0).abs() < 0.1, "{}", read.p50_ms);
        assert!((read.p99_ms - 99.0).abs() < 0.1, "{}", read.p99_ms);
        assert!((read.max_ms - 100.0).abs() < 0.1);
        let all = rows.last().expect("all");
        assert_eq!(
            (all.kind.as_str(), all.requests, all.errors),
            ("all", 101, 1)
        );
        assert_eq!(all.statuses.get("500"), Some(&1));
        let timeline = stats.timeline();
        let requests: Vec<u64> = timeline.iter().map(|s| s.requests).collect();
        assert_eq!(requests, vec![100, 1]);
        assert!((stats.error_rate() - 1.0 / 101.0).abs() < 1e-9);
    }

    #[test]
    fn the_timeline_has_each_seconds_latencies_errors_and_429s() {
        let mut stats = Stats::default();
        for i in 1..=100u64 {
            stats.answer(
                "get",
                200,
                Duration::from_millis(i),
                Duration::from_millis(400),
            );
        }
        stats.answer(
            "get",
            429,
            Duration::from_millis(5),
            Duration::from_millis(2100),
        );
        stats.answer(
            "get",
            404,
            Duration::from_millis(7),
            Duration::from_millis(2200),
        );
        stats.error(
            "get",
            "timeout",
            Duration::from_secs(2),
            Duration::from_millis(2900),
        );
        let timeline = stats.timeline();
        assert_eq!(timeline.len(), 3);
        let first = &timeline[0];
        assert_eq!(
            (first.second, first.requests, first.errors, first.throttled),
            (0, 100, 0, 0)
        );
        let near = |v: Option<f64>, want: f64| v.is_some_and(|v| (v - want).abs() <= want * 0.01);
        assert!(near(first.p50_ms, 50.0), "{:?}", first.p50_ms);
        assert!(near(first.p95_ms, 95.0), "{:?}", first.p95_ms);
        assert!(near(first.p99_ms, 99.0), "{:?}", first.p99_ms);
        assert!(near(first.max_ms, 100.0), "{:?}", first.max_ms);
        let empty = &timeline[1];
        assert_eq!(
            (empty.requests, empty.p50_ms, empty.max_ms),
            (0, None, None)
        );
        let last = &timeline[2];
        assert_eq!((last.requests, last.errors, last.throttled), (3, 2, 1));
        assert!(near(last.max_ms, 2000.0), "{:?}", last.max_ms);
    }

    #[test]
    fn only_answers_after_the_ramp_other_than_429_count_as_served_in_the_hold() {
        let mut stats = Stats {
            hold_start: Duration::from_secs(2),
            ..Stats::default()
        };
        stats.answer("get", 200, Duration::ZERO, Duration::from_secs(1));
        stats.answer("get", 200, Duration::ZERO, Duration::from_secs(2));
        stats.answer("get", 429, Duration::ZERO, Duration::from_secs(3));
        stats.answer("get", 201, Duration::ZERO, Duration::from_secs(3));
        assert_eq!((stats.answered, stats.served_in_hold), (4, 2));
    }

    #[test]
    fn requests_without_an_answer_are_classed_and_counted() {
        let mut stats = Stats::default();
        let timeout = HttpError::Timeout {
            url: String::new(),
            timeout: Duration::from_secs(1),
        };
        stats.error(
            "get",
            error_class(&timeout),
            Duration::from_secs(1),
            Duration::ZERO,
        );
        stats.answer("get", 429, Duration::from_millis(1), Duration::ZERO);
        assert_eq!(stats.requests(), 2);
        assert_eq!(stats.errors.get("timeout"), Some(&1));
        assert_eq!(
            stats.errors.get("HTTP 429"),
            None,
            "429 is throttling, not an error"
        );
        assert!((stats.error_rate() - 0.5).abs() < 1e-9);
    }
}
