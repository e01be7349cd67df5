//! `scimspec compare`: every target of a config file (or the `--only` ones), each with its own
//! settings merged like `run`'s, run at once; prints one line per target and the files written.
//! Ctrl-C / SIGTERM stops the runs early, the files are still written.

use std::path::PathBuf;

use super::args::CompareArgs;
use super::options::{self, finish};
use super::output::out;
use super::signals;
use super::suite::load_suite;
use super::{CommandError, Outcome};
use crate::baseline::Baseline;
use crate::compare::{self, ComparedTarget};
use crate::config::{Config, TargetConfig};
use crate::exit::Exit;
use crate::run::Interrupt;

/// The targets to compare: `--only` ones (in the file's order) or all.
fn chosen(config: &Config, only: &[String]) -> Result<Vec<String>, CommandError> {
    for name in only {
        if !config.names().contains(&name.as_str()) {
            return Err(CommandError::Usage(format!(
                "{} has no target '{name}' (it has: {})",
                config.path,
                config.names().join(", ")
            )));
        }
    }
    let names: Vec<String> = config
        .names()
        .into_iter()
        .filter(|n| only.is_empty() || only.iter().any(|o| o == n))
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(CommandError::Usage(format!(
            "{} defines no target: add [targets.NAME] tables",
            config.path
        )));
    }
    Ok(names)
}

fn prepare(
    config: &Config,
    name: &str,
    args: &CompareArgs,
) -> Result<ComparedTarget, CommandError> {
    let flags: TargetConfig =
        options::run_layer(&args.select, args.deadline, None, None, None, &[]);
    let (target, settings) = finish(Some(name.to_string()), flags.over(config.target(name)?))?;
    // A profile that cannot be read is a configuration error, before anything runs.
    crate::target::load_profile(target.profile.as_deref())?;
    Ok(ComparedTarget {
        name: name.to_string(),
        suite: load_suite(&settings.suites)?,
        baseline: settings
            .baseline
            .as_deref()
            .map(Baseline::load)
            .transpose()?,
        names: options::names(&args.select, &settings),
        selection: settings.selection,
        jobs: settings.jobs,
        target,
    })
}

pub fn compare(args: &CompareArgs) -> Outcome {
    let config = Config::load(&args.config)?;
    let names = chosen(&config, &args.only)?;
    let targets = names
        .iter()
        .map(|n| prepare(&config, n, args))
        .collect::<Result<Vec<_>, _>>()?;
    let out_dir = args
        .out
        .clone()
        .or_else(|| config.compare().out.as_ref().map(|o| config.resolve(o)))
        .unwrap_or_else(|| PathBuf::from("reports"));
    eprintln!("Comparing {} targets: {}", names.len(), names.join(", "));
    let interrupt = Interrupt::new();
    let listener = signals::listen(interrupt.clone());
    let result = compare::compare(targets, &out_dir, &interrupt)
        .map_err(|e| CommandError::Usage(e.to_string()))?;
    out(&compare::summary(&result));
    if let Some(signal) = listener.received() {
        eprintln!(
            "interrupted by {}: unfinished cases are reported as errors; the files were written",
            signal.name()
        );
        return Ok(signal.exit());
    }
    Ok(if result.clean() {
        Exit::Passed
    } else {
        Exit::Failed
    })
}
