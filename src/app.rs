//! Wires the stages together for the command line: load → plan → run → report.
//! Returns typed errors; `main` turns them into messages and exit codes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::baseline::{self, Baseline, BaselineError};
use crate::cli::{RunArgs, TargetArgs};
use crate::config::{self, ConfigError};
use crate::http::{ClientOptions, Credentials, HttpClient, HttpError};
use crate::load::{self, LoadError, Suite};
use crate::plan::{self, Capabilities, Discovery, Selection};
use crate::profile::{self, Profile, ProfileError};
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
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
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

/// The credentials given by flags or `SCIMSPEC_*` variables (bearer, Basic or OAuth 2).
pub fn credentials(target: &TargetArgs) -> Result<Credentials, AppError> {
    Ok(config::flag_credentials(target)?.unwrap_or_default())
}

/// Loads the profile named on the command line or in the config file.
pub fn load_profile(name: Option<&str>) -> Result<Option<Arc<Profile>>, AppError> {
    Ok(name.map(profile::load).transpose()?.map(Arc::new))
}

/// The embedded server's configuration for a run without a target, with fresh credentials of
/// the kind the profile uses (Basic for Samanage, a bearer token otherwise).
pub fn embedded_server_config(
    profile: Option<Arc<Profile>>,
) -> (server::ServerConfig, Credentials) {
    let secret = format!("scimspec-{}", uuid::Uuid::new_v4().simple());
    let basic = profile.as_ref().is_some_and(|p| p.uses_basic());
    let config = server::ServerConfig {
        token: (!basic).then(|| secret.clone()),
        basic: basic.then(|| ("scimspec".to_string(), secret.clone())),
        profile,
        ..server::ServerConfig::default()
    };
    let credentials = if basic {
        Credentials::Basic {
            user: "scimspec".into(),
            password: secret,
        }
    } else {
        Credentials::Bearer(secret)
    };
    (config, credentials)
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
    let (args, target) = config::resolve_run(args)?;
    let args = &args;
    let profile = load_profile(target.profile.as_deref())?;
    let suite = load_suite(&args.suites)?;
    let selection = Selection {
        tags: args.select.tags.clone(),
        sections: args.select.sections.clone(),
    };
    let options = ExecuteOptions {
        filter: args.select.filter.clone(),
        exact: args.select.exact,
        skip: args.select.skip.clone(),
        list: args.list,
        jobs: args.jobs,
        quiet: args.quiet,
        no_color: args.no_color,
    };
    if let Some(url) = &target.url {
        validate_target(url)?;
    }
    let mut credentials = target.credentials.clone();
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;

    if args.list {
        let mut capabilities = Capabilities::default();
        if let Some(p) = &profile {
            plan::restrict_capabilities(p, &mut capabilities);
        }
        let plan = plan::plan_for_profile(&suite, &selection, &capabilities, profile.as_deref());
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
    let base_url = match &target.url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let (config, creds) = embedded_server_config(profile.clone());
            let running = runtime
                .block_on(server::spawn(config))
                .map_err(|e| AppError::Server(e.to_string()))?;
            let url = running.base_url().to_string();
            eprintln!("No --target given: running against the embedded reference server at {url}");
            embedded = Some(running);
            credentials = creds;
            url
        }
    };

    let client = HttpClient::new(ClientOptions {
        credentials,
        timeout: Duration::from_secs(target.timeout.max(1)),
        insecure: target.insecure,
        ca_cert: target.ca_cert.clone(),
        extra_headers: target.headers.clone(),
        ..ClientOptions::new(base_url.clone())
    })
    .map_err(AppError::Http)?;

    let started = Instant::now();
    let mut discovery: Discovery = match runtime.block_on(plan::discover(&client)) {
        Ok(d) => d,
        Err(e) if e.is_unreachable() => return Err(AppError::Unreachable(e.to_string())),
        Err(e) => return Err(AppError::Http(e)),
    };
    if let Some(p) = &profile {
        plan::restrict_capabilities(p, &mut discovery.capabilities);
    }
    let plan = plan::plan_for_profile(
        &suite,
        &selection,
        &discovery.capabilities,
        profile.as_deref(),
    );
    let ctx = Arc::new(RunContext::new(client).with_profile(profile.clone()));
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
    let report = RunReport {
        target: base_url,
        run_id,
        discovery,
        results,
        duration: started.elapsed(),
    };
    let comparison = baseline.as_ref().map(|b| {
        let ids: Vec<String> = suite.cases.iter().map(|c| c.id.clone()).collect();
        baseline::compare(b, &report.results, &ids)
    });
    let suite_props: Vec<(String, String)> = profile
        .iter()
        .map(|p| ("profile".to_string(), p.name().to_string()))
        .chain(
            target
                .name
                .iter()
                .map(|n| ("config.target".to_string(), n.clone())),
        )
        .collect();
    junit::write_suites(
        &[junit::SuiteInput {
            name: "scimspec",
            report: &report,
            properties: &suite_props,
            baseline: comparison.as_ref(),
        }],
        &args.junit,
    )?;
    print!(
        "{}",
        report::summary::render(
            &report,
            Some(&args.junit.display().to_string()),
            args.verbose
        )
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
