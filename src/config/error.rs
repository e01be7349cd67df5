//! What can be wrong with a configuration file or with the settings merged from it.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A file that is not valid TOML or not a config file, at its line and column (1-based).
    #[error("{path}{}{}: {problem}",
        .line.map(|l| format!(":{l}")).unwrap_or_default(),
        .column.filter(|_| .line.is_some()).map(|c| format!(":{c}")).unwrap_or_default())]
    Invalid {
        path: String,
        line: Option<usize>,
        column: Option<usize>,
        problem: String,
    },
    /// A setting that cannot be used as given (an unset `${VAR}`, an unknown target name, a URL
    /// without `{domain}` for an account domain).
    #[error("{0}")]
    Usage(String),
}
