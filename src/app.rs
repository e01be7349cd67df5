//! Wires the stages together for the command line: load → plan → run → report.
//! Returns typed errors; `main` turns them into messages and exit codes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::baseline::{self, Baseline, BaselineError};
use crate::cli::{RunArgs, TargetArgs};
use crate::http::{ClientOptions, Credentials, HttpClient, HttpError};
use crate::load::{self, LoadError, Suite};
use crate::plan::{self, Capabilities, Discovery, Selection};
use crate::report::{self, junit, RunReport};
use crate::run::{self, ExecuteOptions, Outcome, RunContext};
use crate::server;

#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{0}")]
    Usage(String),
    #[error("target unreachable: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Http(HttpError),
    #[error("cannot start the embedded reference server: {0}")]
    Server(String),
    #[error(transparent)]
    Junit(#[from] junit::JunitError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// No MUST case failed and nothing errored.
    Passed,
    /// A case failed or could not be evaluated.
    Failed,
    /// No case ran at all.
    NothingRan,
    /// Every case that ran could not reach the target.
    Unreachable,
    /// `--list` only.
    Listed,
}

pub fn credentials(target: &TargetArgs) -> Result<Credentials, AppError> {
    match (&target.token, &target.basic) {
        (Some(token), _) if !token.is_empty() => Ok(Credentials::Bearer(token.clone())),
        (_, Some(basic)) => {
            let (user, password) = basic.split_once(':').ok_or_else(|| {
                AppError::Usage("--basic must be USER:PASSWORD (no ':' found)".into())
            })?;
            Ok(Credentials::Basic {
                user: user.to_string(),
                password: password.to_string(),
            })
        }
        _ => Ok(Credentials::None),
    }
}

fn load_suite(paths: &[PathBuf]) -> Result<Suite, LoadError> {
    if paths.is_empty() {
        load::load_embedded()
    } else {
        load::load_paths(paths)
    }
}

/// Validates case files; returns the loaded suite.
pub fn check(paths: &[PathBuf]) -> Result<Suite, AppError> {
    Ok(load_suite(paths)?)
}

pub fn validate_target(url: &str) -> Result<(), AppError> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(AppError::Usage(format!(
            "--target must be an http:// or https:// URL, got '{url}'"
        )))
    }
}

/// `scimspec run`.
pub fn run(args: &RunArgs) -> Result<RunStatus, AppError> {
    let suite = load_suite(&args.suites)?;
    let selection = Selection {
        tags: args.tags.clone(),
        sections: args.sections.clone(),
    };
    let options = ExecuteOptions {
        filter: args.filter.clone(),
        exact: args.exact,
        skip: args.skip.clone(),
        list: args.list,
        jobs: args.jobs,
        quiet: args.quiet,
        no_color: args.no_color,
    };
    if let Some(url) = &args.target.target {
        validate_target(url)?;
    }
    let mut credentials = credentials(&args.target)?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;

    if args.list {
        let plan = plan::plan(&suite, &selection, &Capabilities::default());
        let client =
            HttpClient::new(ClientOptions::new("http://127.0.0.1/")).map_err(AppError::Http)?;
        run::execute(
            &plan,
            Arc::new(RunContext::new(client)),
            runtime.handle().clone(),
            &options,
        );
        return Ok(RunStatus::Listed);
    }

    // No target: the embedded reference server, with a fresh token so authentication is tested too.
    let mut embedded = None;
    let base_url = match &args.target.target {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let token = format!("scimspec-{}", uuid::Uuid::new_v4().simple());
            let config = server::ServerConfig {
                token: Some(token.clone()),
                ..server::ServerConfig::default()
            };
            let running = runtime
                .block_on(server::spawn(config))
                .map_err(|e| AppError::Server(e.to_string()))?;
            let url = running.base_url().to_string();
            eprintln!("No --target given: running against the embedded reference server at {url}");
            embedded = Some(running);
            credentials = Credentials::Bearer(token);
            url
        }
    };

    let client = HttpClient::new(ClientOptions {
        credentials,
        timeout: Duration::from_secs(args.target.timeout.max(1)),
        insecure: args.target.insecure,
        ca_cert: args.target.ca_cert.clone(),
        ..ClientOptions::new(base_url.clone())
    })
    .map_err(AppError::Http)?;

    let started = Instant::now();
    let discovery: Discovery = match runtime.block_on(plan::discover(&client)) {
        Ok(d) => d,
        Err(e) if e.is_unreachable() => return Err(AppError::Unreachable(e.to_string())),
        Err(e) => return Err(AppError::Http(e)),
    };
    let plan = plan::plan(&suite, &selection, &discovery.capabilities);
    let ctx = Arc::new(RunContext::new(client));
    let run_id = ctx.run_id.clone();
    let execution = run::execute(&plan, ctx, runtime.handle().clone(), &options);

    if let Some(server) = embedded {
        runtime.block_on(server.stop());
    }

    let results = execution
        .results
        .into_iter()
        .map(|(i, r)| (plan.cases[i].case.clone(), r))
        .collect();
    let mut report = RunReport {
        target: base_url,
        run_id,
        discovery,
        results,
        duration: started.elapsed(),
        known_deviations: Default::default(),
    };
    let comparison = baseline.as_ref().map(|b| {
        let ids: Vec<String> = suite.cases.iter().map(|c| c.id.clone()).collect();
        let cmp = baseline::compare(b, &report.results, &ids);
        for id in &cmp.expected {
            if let Some(entry) = b.cases.get(id) {
                report
                    .known_deviations
                    .insert(id.clone(), entry.reason.clone());
            }
        }
        cmp
    });
    junit::write(&report, &args.junit)?;
    print!(
        "{}",
        report::summary::render(&report, Some(&args.junit.display().to_string()))
    );
    // Runs that include Entra cases end with the Entra ID readiness verdict.
    if let Some(verdict) = crate::entra::verdict::Verdict::from_results(&report.results) {
        print!("{}", verdict.render());
    }
    if let (Some(cmp), Some(b), Some(path)) = (&comparison, &baseline, &args.baseline) {
        print!(
            "{}",
            report::summary::render_baseline(cmp, &b.target, &path.display().to_string())
        );
    }

    let ran = report
        .results
        .iter()
        .filter(|(_, r)| r.outcome != Outcome::Skip)
        .count();
    Ok(if report.target_unreachable() {
        RunStatus::Unreachable
    } else if ran == 0 {
        RunStatus::NothingRan
    } else if let Some(cmp) = &comparison {
        if cmp.is_clean() {
            RunStatus::Passed
        } else {
            RunStatus::Failed
        }
    } else if report.count(Outcome::Fail) + report.count(Outcome::Error) > 0 {
        RunStatus::Failed
    } else {
        RunStatus::Passed
    })
}
