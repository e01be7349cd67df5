//! Stage 3: executes cases against the target — HTTP steps, captures, assertions,
//! transcripts and cleanup, within the run's deadline and until an interrupt. The runner produces [`CaseResult`]s and never formats output;
//! its [`Transcript`] records requests for the Entra provisioning replay too.

mod case;
mod context;
mod created;
mod expect;
pub mod failing;
mod grade;
pub mod matchers;
mod outcome;
mod parallel;
pub mod schemas;
mod stop;
mod transcript;
mod trials;

pub use case::run_case;
pub use context::RunContext;
pub use outcome::{CaseResult, Leftover, Outcome};
pub use stop::{
    Interrupt, RunStop, StopReason, DEADLINE_CLEANUP, INTERRUPTED_CLEANUP, INTERRUPT_GRACE,
};
pub use transcript::Transcript;
pub use trials::{
    execute, list, run_plan, run_plan_at_once, ExecuteOptions, Execution, Retried, Unfinished,
    Unwatched, Watcher,
};
