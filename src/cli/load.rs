//! `scimspec load`: reads the load flags, refuses a target off this machine without
//! `--i-understand-this-sends-load`, connects the target (discovery and calibration, so
//! bodies fit it), runs the scenario or exports it to Locust, prints the figures, writes the
//! JSON, HTML and JUnit reports and says how it ended (also on Ctrl-C, after cleaning up).

use std::path::Path;
use std::time::Duration;

use super::args::LoadArgs;
use super::options;
use super::output::out;
use super::signals;
use super::{runtime, CommandError, Outcome};
use crate::exit::Exit;
use crate::run::Interrupt;
use crate::stress::{self, LoadOptions, Rate, Scenario, Schedule, Stage, StressError};

/// The run's settings from the flags (the target is not known yet: run prefix and userName
/// suffix are filled in after connecting).
fn load_options(args: &LoadArgs, timeout: Duration) -> Result<LoadOptions, StressError> {
    let scenario = Scenario::parse(&args.scenario)?;
    let hold = stress::schedule::parse_duration(&args.duration)?;
    let schedule = if args.rate.trim() == "max" {
        if !args.ramp.is_empty() {
            return Err(StressError::Usage("--ramp needs a --rate, not max".into()));
        }
        Schedule::Max { duration: hold }
    } else {
        Schedule::Open {
            stages: args
                .ramp
                .iter()
                .map(|s| Stage::parse(s))
                .collect::<Result<_, _>>()?,
            rate: Rate::parse(&args.rate)?,
            hold,
        }
    };
    if args.users == 0 {
        return Err(StressError::Usage("--users must be at least 1".into()));
    }
    if !(0.0..=100.0).contains(&args.max_error_rate) {
        return Err(StressError::Usage(
            "--max-error-rate is a percentage, 0 to 100".into(),
        ));
    }
    Ok(LoadOptions {
        scenario,
        schedule,
        users: args.users,
        iterations: args.iterations,
        max_requests: args.max_requests,
        max_error_rate: args.max_error_rate / 100.0,
        page_size: args.page_size.max(1),
        grace: Duration::from_secs(args.grace),
        client_timeout: timeout,
        run: format!("load{}", &uuid::Uuid::new_v4().simple().to_string()[..8]),
        user_name_suffix: String::new(),
        check_final_state: !args.no_final_check,
    })
}

fn write(path: &Path, text: &str) -> Result<(), CommandError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(path, text).map_err(|source| CommandError::Write {
        path: path.display().to_string(),
        source,
    })
}

pub fn load(args: &LoadArgs) -> Outcome {
    let (target_options, run_settings) = options::resolve(&args.target, None)?;
    let mut settings = load_options(args, target_options.timeout)?;
    let export = match args.export.as_slice() {
        [] => None,
        [engine, dir] if engine == "locust" => Some(Path::new(dir).to_path_buf()),
        [engine, _] => {
            return Err(CommandError::Usage(format!(
                "--export {engine}: the engine scimspec exports to is locust"
            )))
        }
        _ => return Err(CommandError::Usage("--export needs ENGINE DIR".into())),
    };
    if let Some(url) = &target_options.url {
        let consented = args.i_understand_this_sends_load || run_settings.sends_load;
        if export.is_none() && !consented && !stress::is_loopback(url) {
            return Err(CommandError::Usage(format!(
                "{url} is not on this machine: scimspec load sends up to {} requests to it. \
                 Give --i-understand-this-sends-load (or SCIMSPEC_SENDS_LOAD=1, or \
                 sends_load = true for the target in the config file) when you mean it.",
                settings.max_requests
            )));
        }
    }
    let runtime = runtime()?;
    let interrupt = Interrupt::new();
    let listener = signals::listen(interrupt.clone());
    let target = super::connect::connect(&runtime, &target_options, "sending load to")?;
    settings.user_name_suffix = target.calibration().user_name.shape("");
    let required = target.discovery().required.clone();
    if let Some(dir) = export {
        let written = stress::locust::export(&dir, &settings, &required);
        runtime.block_on(target.stop());
        for path in written? {
            out(&format!("wrote {path}\n"));
        }
        return Ok(Exit::Passed);
    }
    let report = runtime.block_on(stress::run(
        target.client(),
        target.base_url(),
        &required,
        &settings,
        &interrupt,
    ));
    let redactor = target.redactor().clone();
    runtime.block_on(target.stop());
    if let Some(dir) = &args.report_html {
        let generated = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        write(
            &dir.join(stress::html::INDEX),
            &stress::html::render(&report, &redactor, &generated),
        )?;
    }
    if let Some(path) = &args.report_json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CommandError::Usage(e.to_string()))?;
        write(path, &redactor.redact(&text))?;
    }
    if let Some(path) = &args.junit {
        write(path, &redactor.redact(&report.junit()))?;
    }
    out(&report.render());
    if let Some(signal) = listener.received() {
        return Ok(signal.exit());
    }
    Ok(if report.failed() {
        Exit::Failed
    } else {
        Exit::Passed
    })
}
