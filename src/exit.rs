//! The process exit codes, named once: the command line and the `cargo test` harness use them.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// No case failed or errored.
    Passed,
    /// A case failed (a MUST broken) or could not be evaluated.
    Failed,
    /// Usage or configuration error, an invalid case file, or no case ran at all.
    Usage,
    /// The target is unreachable.
    Unreachable,
    /// Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it.
    Interrupted,
    /// Stopped by SIGTERM: 128 + 15.
    Terminated,
    /// A failed `cargo test` harness run (libtest's own code).
    HarnessFailed,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Passed => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Unreachable => 3,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HarnessFailed => 101,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}
