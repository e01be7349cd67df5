//! What can be wrong with a configuration file or with the settings merged from it.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}{}: {problem}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        path: String,
        line: Option<usize>,
        problem: String,
    },
    /// A setting that cannot be used as given (an unset `${VAR}`, an unknown target name, a URL
    /// without `{domain}` for an account domain).
    #[error("{0}")]
    Usage(String),
}
