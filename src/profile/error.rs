//! What can go wrong finding or reading a profile, and one problem of a profile file with its
//! line.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error(
        "unknown profile '{name}': use a shipped profile ({known}) or the path of a .toml file"
    )]
    Unknown { name: String, known: String },
    #[error("cannot read profile {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid profile {}", list(.0))]
    Invalid(Vec<ProfileProblem>),
}

fn list(problems: &[ProfileProblem]) -> String {
    if let [one] = problems {
        return one.to_string();
    }
    let lines: Vec<String> = problems.iter().map(|p| format!("\n  {p}")).collect();
    format!("({} problems):{}", problems.len(), lines.concat())
}

/// One problem in a profile file, with the file and the line and column (1-based) where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub problem: String,
}

impl std::fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.problem)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.problem),
            _ => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}
