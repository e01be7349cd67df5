//! `scimspec probe` (Entra's Test Connection) and `scimspec provision` (a replay of Entra's
//! provisioning for a file of users and groups): connect the target without discovery — these
//! send exactly what Entra sends — run, print, and say how it ended.

use std::path::Path;

use super::args::{ProbeArgs, ProvisionArgs};
use super::options;
use super::output::{self, out};
use super::{runtime, CommandError, Outcome};
use crate::entra::probe::{self, ProbeOptions};
use crate::entra::provision::{self, input, ReplayOptions};
use crate::entra::EntraError;
use crate::exit::Exit;
use crate::http::Redactor;
use crate::report::{junit, RunReport};
use crate::target::{Discover, Target, TargetOptions};

/// The line printed before the output when the embedded server is the target.
fn embedded_note(target: &Target) -> String {
    if target.is_embedded() {
        format!(
            "No --target given: running against the embedded reference server at {}\n\n",
            target.base_url()
        )
    } else {
        String::new()
    }
}

fn target_options(args: &super::args::TargetArgs) -> Result<TargetOptions, CommandError> {
    Ok(options::resolve(args, None)?.0)
}

/// `scimspec probe`: Entra's Test Connection.
pub fn probe(args: &ProbeArgs) -> Outcome {
    let options = target_options(&args.target)?;
    let runtime = runtime()?;
    let (text, passed) = runtime.block_on(async {
        let target = Target::connect(&options, Discover::No).await?;
        output::protect(target.redactor());
        let probe_options = ProbeOptions {
            matching: args.matching.clone(),
            group_probe: !args.no_group_probe,
        };
        let result = probe::probe(target.client(), target.redactor(), &probe_options).await;
        let note = embedded_note(&target);
        target.stop().await;
        let report = result.map_err(EntraError::from)?;
        Ok::<_, CommandError>((
            format!("{note}{}", report.render(args.verbose)),
            report.passed(),
        ))
    })?;
    out(&text);
    Ok(if passed { Exit::Passed } else { Exit::Failed })
}

/// `scimspec provision`: the replay, its console text and its JUnit report.
pub fn provision(args: &ProvisionArgs) -> Outcome {
    let options = target_options(&args.target)?;
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let file = input::load(&args.file, &run_id)?;
    let shown = args.file.display().to_string();
    let mapping =
        provision::prepare(&file, &args.matching).map_err(|detail| EntraError::Input {
            path: shown.clone(),
            detail,
        })?;
    if let Some(url) = &options.url {
        crate::target::validate_url(url)?;
    }
    let runtime = runtime()?;
    let (report, note, redactor) = runtime.block_on(async {
        let target = Target::connect(&options, Discover::No).await?;
        output::protect(target.redactor());
        let redactor = target.redactor().clone();
        let replay = ReplayOptions {
            matching: args.matching.clone(),
            dialect: args.dialect.into(),
            lifecycle: !args.on_demand_only,
            origin: shown.clone(),
        };
        let result = provision::provision(
            target.client(),
            target.redactor(),
            file,
            mapping,
            replay,
            &run_id,
        )
        .await;
        let note = embedded_note(&target);
        target.stop().await;
        Ok::<_, CommandError>((result?, note, redactor))
    })?;
    write_junit(&report, redactor, &args.junit)?;
    out(&format!(
        "{note}{}JUnit report: {}\n",
        report.render(args.verbose),
        args.junit.display()
    ));
    Ok(if report.unreachable() {
        Exit::Unreachable
    } else if report.failed() {
        Exit::Failed
    } else {
        Exit::Passed
    })
}

fn write_junit(
    report: &provision::ProvisionReport,
    redactor: Redactor,
    path: &Path,
) -> Result<(), CommandError> {
    let run = RunReport {
        target: report.target.clone(),
        run_id: report.run_id.clone(),
        discovery: None,
        results: report.results(),
        duration: report.duration,
        redactor,
        run_leftovers: Vec::new(),
    };
    Ok(junit::write(&run, path)?)
}
