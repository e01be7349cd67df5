//! What can stop `scimspec load` before it has figures.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StressError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}
