//! `scimspec probe` and `scimspec provision` for the command line: build the client (or start
//! the embedded reference server when no target is given), run, and hand back the text to
//! print and how the command ended. Printing and exit codes are `main`'s.

use std::path::Path;
use std::time::Duration;

use super::probe::{self, ProbeOptions};
use super::provision::{self, input, ReplayOptions};
use super::EntraError;
use crate::app::{self, AppError};
use crate::cli::{ProbeArgs, ProvisionArgs, TargetArgs};
use crate::http::{ClientOptions, Credentials, HttpClient, Redactor};
use crate::plan::Discovery;
use crate::report::{junit, RunReport};
use crate::server;

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandStatus {
    Passed,
    Failed,
    Unreachable,
}

#[derive(Debug, Clone)]
pub struct CommandOutput {
    pub text: String,
    pub status: CommandStatus,
}

struct Connected {
    client: HttpClient,
    redactor: Redactor,
    server: Option<server::RunningServer>,
    note: String,
}

fn runtime() -> Result<tokio::runtime::Runtime, EntraError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| EntraError::App(AppError::Runtime(e)))
}

async fn connect(target: &TargetArgs) -> Result<Connected, EntraError> {
    let mut credentials = app::credentials(target)?;
    let mut server = None;
    let mut note = String::new();
    let base_url = match &target.target {
        Some(url) => {
            app::validate_target(url)?;
            url.trim_end_matches('/').to_string()
        }
        None => {
            let token = format!("scimspec-{}", uuid::Uuid::new_v4().simple());
            let config = server::ServerConfig {
                token: Some(token.clone()),
                ..server::ServerConfig::default()
            };
            let running = server::spawn(config)
                .await
                .map_err(|e| EntraError::App(AppError::Server(e.to_string())))?;
            let url = running.base_url().to_string();
            note = format!(
                "No --target given: running against the embedded reference server at {url}\n\n"
            );
            server = Some(running);
            credentials = Credentials::Bearer(token);
            url
        }
    };
    let extra_headers = target
        .headers
        .iter()
        .map(|h| crate::config::parse_header(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| EntraError::App(AppError::Usage(e.to_string())))?;
    let client = HttpClient::new(ClientOptions {
        credentials,
        timeout: Duration::from_secs(target.timeout.max(1)),
        insecure: target.insecure,
        ca_cert: target.ca_cert.clone(),
        extra_headers,
        ..ClientOptions::new(base_url)
    })?;
    let redactor = client.redactor().clone();
    Ok(Connected {
        client,
        redactor,
        server,
        note,
    })
}

/// `scimspec probe`: Entra's Test Connection.
pub fn probe(args: &ProbeArgs) -> Result<CommandOutput, EntraError> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let connected = connect(&args.target).await?;
        let options = ProbeOptions {
            matching: args.matching.clone(),
            group_probe: !args.no_group_probe,
        };
        let result = probe::probe(&connected.client, &connected.redactor, &options).await;
        if let Some(server) = connected.server {
            server.stop().await;
        }
        let report = result?;
        Ok(CommandOutput {
            text: format!("{}{}", connected.note, report.render(args.verbose)),
            status: if report.passed() {
                CommandStatus::Passed
            } else {
                CommandStatus::Failed
            },
        })
    })
}

/// `scimspec provision`: the replay, its console text and its JUnit report.
pub fn provision(args: &ProvisionArgs) -> Result<CommandOutput, EntraError> {
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let file = input::load(&args.file, &run_id)?;
    let shown = args.file.display().to_string();
    let mapping =
        provision::prepare(&file, &args.matching).map_err(|detail| EntraError::Input {
            path: shown.clone(),
            detail,
        })?;
    if let Some(url) = &args.target.target {
        app::validate_target(url)?;
    }
    let runtime = runtime()?;
    let report = runtime.block_on(async {
        let connected = connect(&args.target).await?;
        let options = ReplayOptions {
            matching: args.matching.clone(),
            dialect: args.dialect,
            lifecycle: !args.on_demand_only,
        };
        let result = provision::provision(
            &connected.client,
            &connected.redactor,
            file,
            mapping,
            options,
            &run_id,
        )
        .await;
        if let Some(server) = connected.server {
            server.stop().await;
        }
        result.map(|r| (r, connected.note))
    });
    let (report, note) = report?;
    write_junit(&report, &shown, &args.junit)?;
    let status = if report.unreachable() {
        CommandStatus::Unreachable
    } else if report.failed() {
        CommandStatus::Failed
    } else {
        CommandStatus::Passed
    };
    Ok(CommandOutput {
        text: format!(
            "{note}{}JUnit report: {}\n",
            report.render(args.verbose),
            args.junit.display()
        ),
        status,
    })
}

fn write_junit(
    report: &provision::ProvisionReport,
    origin: &str,
    path: &Path,
) -> Result<(), EntraError> {
    let run = RunReport {
        target: report.target.clone(),
        run_id: report.run_id.clone(),
        discovery: Discovery::default(),
        results: report.results(origin),
        duration: report.duration,
    };
    Ok(junit::write(&run, path)?)
}
