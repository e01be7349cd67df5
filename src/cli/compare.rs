//! `scimspec compare`: every target of a config file (or the `--only` ones), each with its own
//! settings merged like `run`'s, run at once; prints one line per target and the files written.
//! Ctrl-C / SIGTERM stops the runs early, the files are still written.

use std::path::PathBuf;

use super::args::CompareArgs;
use super::options::{self, finish};
use super::output::{self, out};
use super::signals;
use super::suite::load_suite;
use super::{CommandError, Outcome};
use crate::baseline::Baseline;
use crate::compare::{self, ComparedTarget};
use crate::config::{Config, TargetConfig};
use crate::exit::Exit;
use crate::report::json;
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
    // A URL or profile that cannot be used is a configuration error, before anything runs.
    if let Some(url) = &target.url {
        crate::target::validate_url(url)?;
    }
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
    output::err(&format!(
        "Comparing {} targets: {}",
        names.len(),
        names.join(", ")
    ));
    let interrupt = Interrupt::new();
    let listener = signals::listen(interrupt.clone());
    let result = compare::compare(targets, &out_dir, &interrupt)
        .map_err(|e| CommandError::Usage(e.to_string()))?;
    for run in &result.runs {
        output::protect(&run.redactor);
    }
    if let Some(path) = &args.report_json {
        write_json(path, &result)?;
    }
    out(&compare::summary(&result));
    if let Some(signal) = listener.received() {
        output::err(&format!(
            "interrupted by {}: unfinished cases are reported as errors; the files were written",
            signal.name()
        ));
        return Ok(signal.exit());
    }
    Ok(exit_of(&result))
}

/// 2 when a target's settings were wrong, 3 when no target answered, else 0 or 1: a target
/// that could not be run among others that could is a failed comparison (1).
fn exit_of(result: &compare::CompareResult) -> Exit {
    if result.runs.iter().any(|r| r.misconfigured) {
        Exit::Usage
    } else if !result.runs.is_empty() && result.runs.iter().all(|r| r.unreachable) {
        Exit::Unreachable
    } else if result.clean() {
        Exit::Passed
    } else {
        Exit::Failed
    }
}

/// Every target's run in one JSON report.
fn write_json(path: &std::path::Path, result: &compare::CompareResult) -> Result<(), CommandError> {
    let runs: Vec<json::NamedRun<'_>> = result
        .runs
        .iter()
        .map(|r| json::NamedRun {
            name: &r.name,
            report: &r.report,
            baseline: r.baseline.as_ref(),
            problem: r.problem.as_deref(),
        })
        .collect();
    let generated = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    super::run::write_file(path, &json::render_many(&runs, &generated), false)
}
