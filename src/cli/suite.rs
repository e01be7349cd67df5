//! `scimspec check` (validate case files) and `scimspec coverage` (the RFC section → cases
//! document).

use std::path::PathBuf;

use super::args::{CheckArgs, CoverageArgs};
use super::output::out;
use super::{CommandError, Outcome};
use crate::exit::Exit;
use crate::load::{self, LoadError, Suite};

/// The built-in suite, or the case files and directories given.
pub fn load_suite(paths: &[PathBuf]) -> Result<Suite, LoadError> {
    if paths.is_empty() {
        load::load_embedded()
    } else {
        load::load_paths(paths)
    }
}

pub fn check(args: &CheckArgs) -> Outcome {
    let suite = load_suite(&args.paths)?;
    out(&format!("{} cases, all valid\n", suite.cases.len()));
    Ok(Exit::Passed)
}

pub fn coverage(args: &CoverageArgs) -> Outcome {
    let suite = load_suite(&[])?;
    let doc = crate::report::coverage::render(&suite.cases)
        .map_err(|e| CommandError::Usage(e.to_string()))?;
    if let Some(path) = &args.check {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current != doc {
            super::output::err(&format!(
                "error: {} is out of date: run scimspec coverage --out {}",
                path.display(),
                path.display()
            ));
            return Ok(Exit::Failed);
        }
        return Ok(Exit::Passed);
    }
    match &args.out {
        Some(path) => std::fs::write(path, &doc).map_err(|source| CommandError::Write {
            path: path.display().to_string(),
            source,
        })?,
        None => out(&doc),
    }
    Ok(Exit::Passed)
}
