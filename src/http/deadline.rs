//! The overall deadline of a run, as the client sees it: a `Retry-After` wait that would end
//! after it is not waited for. The run layer stops its cases at the same instant.

use std::fmt;
use std::time::{Duration, Instant};

/// A run's deadline: `length` after the moment it was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    length: Duration,
}

impl Deadline {
    /// The deadline `length` from now.
    pub fn after(length: Duration) -> Self {
        Self {
            at: Instant::now() + length,
            length,
        }
    }

    pub fn at(&self) -> Instant {
        self.at
    }

    /// How long the run was given.
    pub fn length(&self) -> Duration {
        self.length
    }

    /// What is left of it (zero once it has passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }
}

impl fmt::Display for Deadline {
    /// `run deadline of 600 s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "run deadline of {} s", self.length.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_counts_down_and_names_its_length() {
        let d = Deadline::after(Duration::from_secs(600));
        assert!(!d.passed());
        assert!(d.remaining() > Duration::from_secs(590));
        assert_eq!(d.to_string(), "run deadline of 600 s");
        let gone = Deadline::after(Duration::ZERO);
        assert!(gone.passed());
        assert_eq!(gone.remaining(), Duration::ZERO);
    }
}
