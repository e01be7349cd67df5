//! What running a case produced: its outcome, why, its transcript and what it left behind.

use std::fmt;
use std::time::Duration;

use crate::load::Level;

/// The verdict on one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Pass,
    /// A MUST requirement is broken.
    Fail,
    /// A SHOULD requirement is broken. (A broken MAY is a pass with a note: the RFC leaves
    /// it to the target.)
    Warn,
    /// Not run: the target does not advertise what the case needs, or it was deselected.
    Skip,
    /// Could not be evaluated: unreachable target, a failed precondition, a bad template.
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Skip => "skip",
            Outcome::Error => "error",
        }
    }

    /// The outcome of a broken expectation at this level: a MAY never warns nor fails.
    pub fn for_broken(level: Level) -> Outcome {
        match level {
            Level::Must => Outcome::Fail,
            Level::Should => Outcome::Warn,
            Level::May => Outcome::Pass,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What running one case produced. Reporters read only this and the case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub outcome: Outcome,
    /// One line: why the case did not pass; on a pass, the note of an optional (MAY)
    /// behaviour the target does not have (None on a plain pass).
    pub message: Option<String>,
    /// Every broken expectation of the failing step.
    pub problems: Vec<String>,
    /// Every HTTP exchange of the case, secrets redacted.
    pub transcript: String,
    pub duration: Duration,
    /// The target could not be reached at all.
    pub unreachable: bool,
    /// Resources the case created that are still on the target after its cleanup.
    pub leftovers: Vec<Leftover>,
}

/// A resource a case created and could not delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The endpoint it was created under, e.g. `Users`.
    pub resource_type: String,
    /// Its id, or its location when the target gave only that.
    pub resource: String,
    /// Why it is still there: the answer to its DELETE, or why none was sent.
    pub reason: String,
}

impl fmt::Display for Leftover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.resource_type, self.resource, self.reason
        )
    }
}

impl CaseResult {
    pub fn skipped(id: &str, reason: impl Into<String>) -> Self {
        Self {
            id: id.to_string(),
            outcome: Outcome::Skip,
            message: Some(reason.into()),
            problems: Vec::new(),
            transcript: String::new(),
            duration: Duration::ZERO,
            unreachable: false,
            leftovers: Vec::new(),
        }
    }
}
