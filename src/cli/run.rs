//! `scimspec run`: connect the target, plan, run the cases as trials on the console, write the
//! JUnit report (and a baseline of the run when asked), print the summary (with the Entra and
//! Okta verdicts and the baseline comparison when they apply) and say how the run ended — also
//! when its deadline passed or Ctrl-C / SIGTERM
//! stopped it.

use std::time::Instant;

use super::args::RunArgs;
use super::console::{Console, ProgressStyle};
use super::options::{self, RunSettings};
use super::output::{self, out};
use super::signals::{self, Signal};
use super::suite::load_suite;
use super::{runtime, CommandError, Outcome};
use crate::baseline::{self, Baseline, Comparison};
use crate::exit::Exit;
use crate::report::summary::{Closing, Detail};
use crate::report::verdict;
use crate::report::{self, junit, RunReport};
use crate::run::{self, ExecuteOptions, Interrupt, Outcome as CaseOutcome, StopReason, Unfinished};
use crate::target::{self, Target};

pub fn run(args: &RunArgs) -> Outcome {
    let layer = options::run_layer(
        &args.select,
        args.deadline,
        args.jobs,
        args.junit.as_deref(),
        args.baseline.as_deref(),
        &args.suites,
    );
    let (target_options, settings) = options::resolve(&args.target, Some(layer))?;
    let suite = load_suite(&settings.suites)?;
    let execute = ExecuteOptions {
        names: options::names(&args.select, &settings),
        jobs: settings.jobs,
    };
    if args.list {
        let profile = target::load_profile(target_options.profile.as_deref())?;
        let plan = target::plan_offline(&suite, &settings.selection, profile.as_deref());
        run::list(&plan, &execute);
        return Ok(Exit::Passed);
    }
    let baseline = settings
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()?;
    let runtime = runtime()?;
    let started = Instant::now();
    // Listening from before the connection: a Ctrl-C during discovery and calibration lets
    // calibration clean up, then no case starts and the report is written.
    let interrupt = Interrupt::new();
    let listener = signals::listen(interrupt.clone());
    let target = super::connect::connect(&runtime, &target_options, "running against")?;
    let plan = target.plan(&suite, &settings.selection);
    let ctx = target.context_with_interrupt(&interrupt);
    let run_id = ctx.run_id.clone();
    let id_width = plan
        .cases
        .iter()
        .filter(|p| execute.names.keeps(&p.case.id))
        .map(|p| p.case.id.chars().count())
        .max()
        .unwrap_or(0);
    let style = ProgressStyle::detect(args.quiet, progress_every());
    let mut console = Console::new(args.quiet, args.no_color, style, id_width);
    let execution = run::execute(&plan, ctx, runtime.handle().clone(), &execute, &mut console);
    console.finish();
    let stopped = execution.stopped;
    let retried: Vec<(String, CaseOutcome)> = execution
        .retried
        .iter()
        .map(|r| (plan.cases[r.index].case.id.clone(), r.first_outcome))
        .collect();
    let results = execution
        .results
        .into_iter()
        .map(|(i, r)| (plan.cases[i].case.info(), r))
        .collect();
    let report = target.report(run_id, results, started.elapsed());
    let properties = suite_properties(&target);
    runtime.block_on(target.stop());

    let comparison = baseline.as_ref().map(|b| {
        let ids: Vec<String> = suite.cases.iter().map(|c| c.id.clone()).collect();
        baseline::compare(b, &report.results, &ids)
    });
    write_junit(&report, &properties, comparison.as_ref(), &settings)?;
    write_reports(args, &report, comparison.as_ref())?;
    if let Some(path) = &args.write_baseline {
        let written = Baseline::from_results(&report.target, &report.results, |text: &str| {
            report.redactor.show(text)
        });
        written.write(path)?;
        output::err(&format!(
            "baseline of {} case{} that did not pass written to {}",
            written.cases.len(),
            if written.cases.len() == 1 { "" } else { "s" },
            path.display()
        ));
    }
    let junit_path = settings.junit.display().to_string();
    out(&report::summary::render(
        &report,
        &Closing {
            detail: if args.quiet {
                Detail::Quiet
            } else if args.verbose {
                Detail::Verbose
            } else {
                Detail::Normal
            },
            junit_path: Some(&junit_path),
            comparison: comparison.as_ref(),
            retried: &retried,
        },
    ));
    // Runs that include Entra or Okta cases end with that client's readiness verdict.
    if !args.quiet {
        out(&verdict::render_all(&report.results));
    }
    if let (Some(cmp), Some(b), Some(path)) = (&comparison, &baseline, &settings.baseline) {
        out(&report::summary::render_baseline(
            &report,
            cmp,
            &b.target,
            &path.display().to_string(),
        ));
    }
    if let Some(line) = stopped_line(listener.received(), stopped) {
        output::err(&line);
    }
    if let Some(signal) = listener.received() {
        return Ok(signal.exit());
    }
    let ran = report
        .results
        .iter()
        .filter(|(_, r)| r.outcome != CaseOutcome::Skip)
        .count();
    Ok(if report.target_unreachable() {
        output::err("error: the target could not be reached by any case");
        Exit::Unreachable
    } else if ran == 0 {
        output::err("error: no case ran (check the filter, --tag and --section)");
        Exit::Usage
    } else if report.leftovers().next().is_some() {
        output::err("error: the run left resources behind on the target (listed above)");
        Exit::Failed
    } else if let Some(cmp) = &comparison {
        if cmp.is_clean() {
            Exit::Passed
        } else {
            Exit::Failed
        }
    } else if report.count(CaseOutcome::Fail) + report.count(CaseOutcome::Error) > 0 {
        Exit::Failed
    } else {
        Exit::Passed
    })
}

/// How often a progress line is printed through a pipe: `SCIMSPEC_PROGRESS_EVERY` seconds
/// (`0`: after every case), 10 by default or when the variable is not a number.
fn progress_every() -> std::time::Duration {
    let seconds = std::env::var("SCIMSPEC_PROGRESS_EVERY")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(10);
    std::time::Duration::from_secs(seconds)
}

/// What to say when the run stopped early: the signal or deadline, and the cases it left.
fn stopped_line(signal: Option<Signal>, unfinished: Option<Unfinished>) -> Option<String> {
    let cases = |n: usize| format!("{n} case{}", if n == 1 { "" } else { "s" });
    let left = unfinished.map(|u| {
        format!(
            "{} stopped while running (each cleaned up what it could in the time left), {} \
             never started",
            cases(u.cut),
            cases(u.not_started)
        )
    });
    match (signal, unfinished) {
        (Some(signal), _) => Some(format!(
            "interrupted by {}: {}; the report was written",
            signal.name(),
            left.unwrap_or_else(|| "every case had finished".into())
        )),
        (None, Some(u)) if matches!(u.reason, StopReason::Deadline(_)) => {
            Some(format!("{}: {}", u.reason, left.unwrap_or_default()))
        }
        _ => None,
    }
}

/// The JUnit suite's own properties: the profile and the config file's target name.
fn suite_properties(target: &Target) -> Vec<(String, String)> {
    target
        .profile()
        .map(|p| ("profile".to_string(), p.name().to_string()))
        .into_iter()
        .chain(
            target
                .name
                .iter()
                .map(|n| ("config.target".to_string(), n.clone())),
        )
        .collect()
}

fn write_junit(
    report: &RunReport,
    properties: &[(String, String)],
    baseline: Option<&Comparison>,
    settings: &RunSettings,
) -> Result<(), CommandError> {
    junit::write_run(
        &junit::SuiteInput {
            name: "scimspec",
            report,
            properties,
            baseline,
        },
        &settings.junit,
    )?;
    Ok(())
}

/// The JSON report, the Markdown summary and the HTML report, when asked for. The summary is
/// appended to an existing file: `$GITHUB_STEP_SUMMARY` collects every step's.
fn write_reports(
    args: &RunArgs,
    report: &RunReport,
    baseline: Option<&Comparison>,
) -> Result<(), CommandError> {
    let generated = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    if let Some(path) = &args.report_json {
        write_file(
            path,
            &report::json::render(report, baseline, &generated),
            false,
        )?;
    }
    if let Some(path) = &args.report_markdown {
        write_file(path, &report::markdown::render(report, baseline), true)?;
    }
    if let Some(dir) = &args.report_html {
        write_file(
            &dir.join(report::html::INDEX),
            &report::html::render(report, baseline, &generated),
            false,
        )?;
    }
    Ok(())
}

/// Writes (or appends) `text` to `path`, creating its directory.
pub(super) fn write_file(
    path: &std::path::Path,
    text: &str,
    append: bool,
) -> Result<(), CommandError> {
    use std::io::Write as _;
    let err = |source| CommandError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .map_err(err)?;
    file.write_all(text.as_bytes()).map_err(err)
}
