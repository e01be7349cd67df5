//! When a run stops early: at its deadline, or on an interrupt (Ctrl-C / SIGTERM, raised by
//! the command layer). No case starts after either; running cases have their steps cut (at
//! the deadline, or after a short grace when interrupted) and their cleanup bounded, and the
//! unfinished cases error with the reason.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::http::Deadline;

/// How long running cases may go on after an interrupt before their steps are cut.
pub const INTERRUPT_GRACE: Duration = Duration::from_secs(5);
/// The cleanup of cases cut by an interrupt: this much more after the grace.
pub const INTERRUPTED_CLEANUP: Duration = Duration::from_secs(2);
/// The cleanup of every case after the run's deadline: this much more, in total.
pub const DEADLINE_CLEANUP: Duration = Duration::from_secs(10);

/// A request to stop the run, shared by everyone holding a clone; raised once.
#[derive(Debug, Clone)]
pub struct Interrupt(Arc<watch::Sender<Option<Instant>>>);

impl Default for Interrupt {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(None)))
    }
}

impl Interrupt {
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises the interrupt (the first call counts).
    pub fn raise(&self) {
        self.0.send_if_modified(|at| {
            let first = at.is_none();
            if first {
                *at = Some(Instant::now());
            }
            first
        });
    }

    /// When the interrupt was raised, if it was.
    pub fn raised_at(&self) -> Option<Instant> {
        *self.0.borrow()
    }

    /// Resolves when the interrupt is raised: the instant it was.
    async fn raised(&self) -> Instant {
        let mut rx = self.0.subscribe();
        let raised = rx.wait_for(Option::is_some).await.map(|at| *at);
        match raised {
            Ok(Some(at)) => at,
            // The sender lives as long as `self`: neither can happen.
            _ => std::future::pending().await,
        }
    }
}

/// Why a run stopped early; also the error message of its unfinished cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Deadline(Duration),
    Interrupted,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Deadline(length) => {
                write!(f, "run deadline of {} s reached", length.as_secs())
            }
            StopReason::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl StopReason {
    /// The message of a case that never started.
    pub fn not_started(self) -> String {
        format!("{self} before the case started")
    }
}

/// What stops one run: its deadline (if any) and the interrupt it listens to.
#[derive(Debug, Clone)]
pub struct RunStop {
    deadline: Option<Deadline>,
    interrupt: Interrupt,
    /// [`INTERRUPT_GRACE`], [`INTERRUPTED_CLEANUP`], [`DEADLINE_CLEANUP`].
    grace: Duration,
    interrupted_cleanup: Duration,
    deadline_cleanup: Duration,
}

impl Default for RunStop {
    fn default() -> Self {
        Self::new(None, Interrupt::new())
    }
}

impl RunStop {
    pub fn new(deadline: Option<Deadline>, interrupt: Interrupt) -> Self {
        Self {
            deadline,
            interrupt,
            grace: INTERRUPT_GRACE,
            interrupted_cleanup: INTERRUPTED_CLEANUP,
            deadline_cleanup: DEADLINE_CLEANUP,
        }
    }

    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    /// Why no case may start now, if so.
    pub fn stopped(&self) -> Option<StopReason> {
        if self.interrupt.raised_at().is_some() {
            Some(StopReason::Interrupted)
        } else {
            self.deadline
                .filter(Deadline::passed)
                .map(|d| StopReason::Deadline(d.length()))
        }
    }

    /// Runs a case's steps until they end, or until they must be cut: then the reason.
    pub async fn steps<F: Future>(&self, steps: F) -> Result<F::Output, StopReason> {
        // Work that is already done counts, even when the stop is due too.
        tokio::select! {
            biased;
            out = steps => Ok(out),
            reason = self.cut() => Err(reason),
        }
    }

    /// Runs a case's cleanup until it ends or its budget after a stop is spent; true when
    /// it ended.
    pub async fn cleanup<F: Future<Output = ()>>(&self, cleanup: F) -> bool {
        tokio::select! {
            biased;
            () = cleanup => true,
            () = self.cleanup_spent() => false,
        }
    }

    /// Resolves when running steps must stop.
    async fn cut(&self) -> StopReason {
        let deadline = async {
            match self.deadline {
                Some(d) => tokio::time::sleep_until(d.at().into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = deadline => StopReason::Deadline(self.deadline.map_or(Duration::ZERO, |d| d.length())),
            at = self.interrupt.raised() => {
                tokio::time::sleep_until(at + self.grace).await;
                StopReason::Interrupted
            }
        }
    }

    /// Resolves when no more cleanup may be done.
    async fn cleanup_spent(&self) {
        let deadline = async {
            match self.deadline {
                Some(d) => tokio::time::sleep_until((d.at() + self.deadline_cleanup).into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = deadline => {}
            at = self.interrupt.raised() => {
                tokio::time::sleep_until(at + self.grace + self.interrupted_cleanup).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_the_cases_report_them() {
        assert_eq!(
            StopReason::Deadline(Duration::from_secs(5)).to_string(),
            "run deadline of 5 s reached"
        );
        assert_eq!(
            StopReason::Interrupted.not_started(),
            "interrupted before the case started"
        );
    }

    /// A stop with budgets short enough for a test: grace 300 ms, cleanup 300 ms more.
    fn quick(deadline: Option<Duration>) -> RunStop {
        RunStop {
            grace: Duration::from_millis(300),
            interrupted_cleanup: Duration::from_millis(300),
            deadline_cleanup: Duration::from_millis(300),
            ..RunStop::new(deadline.map(Deadline::after), Interrupt::new())
        }
    }

    #[tokio::test]
    async fn the_deadline_cuts_steps_and_leaves_cleanup_its_budget() {
        let stop = quick(Some(Duration::from_millis(200)));
        assert_eq!(stop.stopped(), None);
        let cut = stop.steps(std::future::pending::<()>()).await;
        assert_eq!(cut, Err(StopReason::Deadline(Duration::from_millis(200))));
        assert!(
            stop.stopped().is_some(),
            "no case starts after the deadline"
        );
        let quick_cleanup = stop
            .cleanup(tokio::time::sleep(Duration::from_millis(100)))
            .await;
        assert!(quick_cleanup, "cleanup within its budget ends");
        let endless = stop.cleanup(std::future::pending()).await;
        assert!(!endless, "an endless cleanup is cut");
    }

    #[tokio::test]
    async fn an_interrupt_stops_new_cases_and_cuts_steps_after_the_grace() {
        let stop = quick(None);
        let interrupt = stop.interrupt().clone();
        let started = Instant::now();
        let steps = stop.steps(async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            interrupt.raise();
            std::future::pending::<()>().await
        });
        assert_eq!(steps.await, Err(StopReason::Interrupted));
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(400) && took < Duration::from_secs(2),
            "{took:?}"
        );
        assert_eq!(stop.stopped(), Some(StopReason::Interrupted));
        let finished = stop.steps(async { 7 }).await;
        assert_eq!(finished, Ok(7), "what ends in time ends normally");
        let endless = stop.cleanup(std::future::pending()).await;
        assert!(!endless, "cleanup ends with the grace and its own budget");
    }
}
