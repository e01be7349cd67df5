//! Everything a command can end with besides its result, and the exit code of each.

use thiserror::Error;

use crate::baseline::BaselineError;
use crate::config::ConfigError;
use crate::entra::EntraError;
use crate::exit::Exit;
use crate::load::LoadError;
use crate::profile::ProfileError;
use crate::report::junit::JunitError;
use crate::stress::StressError;
use crate::target::TargetError;

#[derive(Debug, Error)]
pub enum CommandError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error(transparent)]
    Junit(#[from] JunitError),
    #[error(transparent)]
    Entra(#[from] EntraError),
    #[error(transparent)]
    Stress(#[from] StressError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Server(String),
}

impl CommandError {
    /// The exit code: 3 when the target did not answer (refused, reset or silent while
    /// connecting or during discovery), 2 for everything else (usage, configuration, case
    /// files, reports).
    pub fn exit(&self) -> Exit {
        let unreachable = match self {
            CommandError::Target(e) => e.is_unreachable(),
            CommandError::Entra(e) => e.is_unreachable(),
            _ => false,
        };
        if unreachable {
            Exit::Unreachable
        } else {
            Exit::Usage
        }
    }
}
