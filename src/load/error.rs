//! What can be wrong with case files, each problem with its file, line and column.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// A case file that cannot be used, with enough context to fix it:
/// the file, the line and column (1-based) where known, the case id where known, and the
/// problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFileError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub case: Option<String>,
    pub problem: String,
}

impl fmt::Display for CaseFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        f.write_str(": ")?;
        if let Some(case) = &self.case {
            write!(f, "case '{case}': ")?;
        }
        f.write_str(&self.problem)
    }
}

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no case files (*.yaml) found under {0}")]
    Empty(PathBuf),
    #[error("{} invalid case file entr{}:\n{}", .0.len(), if .0.len() == 1 { "y" } else { "ies" }, list(.0))]
    Invalid(Vec<CaseFileError>),
    #[error("internal schema {name} is not valid: {detail}")]
    Schema { name: String, detail: String },
}

fn list(errors: &[CaseFileError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}
