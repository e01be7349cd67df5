//! Flags, `SCIMSPEC_*` variables and the config file, merged into plain option structs. The
//! flags form one layer of [`TargetConfig`], laid over the chosen target of the file, laid over
//! its `[defaults]`; the defaults below are applied once, at the end, so an explicit flag
//! always wins (`--timeout 30` beats `timeout = 12`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args::{SelectArgs, TargetArgs};
use super::CommandError;
use crate::config::{BasicConfig, Config, HeaderEntry, OAuthConfig, TargetConfig};
use crate::http::DEFAULT_MAX_BODY;
use crate::plan::{NameFilter, Selection};
use crate::target::TargetOptions;

/// The default of `--jobs`.
pub const DEFAULT_JOBS: usize = 8;
/// The default of `--timeout`, in seconds.
pub const DEFAULT_TIMEOUT: u64 = 30;
/// The default of `--deadline`, in seconds.
pub const DEFAULT_DEADLINE: u64 = 600;
/// The default of `--junit`.
pub const DEFAULT_JUNIT: &str = "reports/junit.xml";

/// How one target's suite runs, beside where the target is.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub suites: Vec<PathBuf>,
    pub selection: Selection,
    pub names: NameFilter,
    pub jobs: usize,
    pub junit: PathBuf,
    pub baseline: Option<PathBuf>,
}

/// Splits `Name: value`. The message never repeats the value: it may be a secret.
pub fn parse_header(text: &str) -> Result<(String, String), CommandError> {
    match text.split_once(':') {
        Some((n, v)) if !n.trim().is_empty() => Ok((n.trim().to_string(), v.trim().to_string())),
        _ => Err(CommandError::Usage(
            "--header must be 'Name: value' (no name and ':' found)".into(),
        )),
    }
}

/// Splits `USER:PASSWORD`.
pub fn parse_basic(text: &str, flag: &str) -> Result<(String, String), CommandError> {
    text.split_once(':')
        .map(|(u, p)| (u.to_string(), p.to_string()))
        .ok_or_else(|| CommandError::Usage(format!("{flag} must be USER:PASSWORD (no ':' found)")))
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// The target flags as one layer of settings (`--target` only when it is a URL).
fn flag_layer(t: &TargetArgs) -> Result<TargetConfig, CommandError> {
    let mut layer = TargetConfig {
        url: t.target.clone().filter(|u| is_url(u)),
        profile: t.profile.clone(),
        timeout: t.timeout,
        max_body: t.max_body,
        insecure: t.insecure.then_some(true),
        ca_cert: t.ca_cert.clone(),
        ..TargetConfig::default()
    };
    if let Some(token) = t.token.as_ref().filter(|t| !t.is_empty()) {
        layer.token = Some(token.clone());
    } else if let Some(basic) = &t.basic {
        let (user, password) = parse_basic(basic, "--basic")?;
        layer.basic = Some(BasicConfig {
            user,
            password,
            domain: t.domain.clone(),
        });
    } else if let Some(url) = &t.token_url {
        let (Some(id), Some(secret)) = (&t.client_id, &t.client_secret) else {
            return Err(CommandError::Usage(
                "--token-url needs --client-id and --client-secret".into(),
            ));
        };
        layer.oauth = Some(OAuthConfig {
            token_url: url.clone(),
            client_id: id.clone(),
            client_secret: secret.clone(),
            scope: t.scope.clone(),
        });
    }
    for h in &t.headers {
        let (name, value) = parse_header(h)?;
        layer.headers.retain(|e| !e.0.eq_ignore_ascii_case(&name));
        layer.headers.push(HeaderEntry(name, value));
    }
    Ok(layer)
}

/// The selection flags as a layer (empty lists: not given).
fn select_layer(select: &SelectArgs, layer: &mut TargetConfig) {
    let given = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    layer.tags = given(&select.tags);
    layer.sections = given(&select.sections);
    layer.skip = given(&select.skip);
}

/// The config file's layer for this command line: the target `--target` names, the file's
/// only target, or `[defaults]` alone (for `--target URL`).
fn file_layer(
    config: &Config,
    flag_target: Option<&str>,
) -> Result<(Option<String>, TargetConfig), CommandError> {
    Ok(match flag_target {
        Some(t) if config.names().contains(&t) => (Some(t.to_string()), config.target(t)?),
        Some(t) if is_url(t) => (None, config.defaults()?),
        Some(t) => {
            return Err(CommandError::Usage(format!(
                "--target '{t}' is neither a URL nor a target of {} (it has: {})",
                config.path,
                config.names().join(", ")
            )))
        }
        None => match config.names().as_slice() {
            [] => (None, config.defaults()?),
            [one] => (Some(one.to_string()), config.target(one)?),
            many => {
                return Err(CommandError::Usage(format!(
                    "{} has several targets ({}): choose one with --target NAME, or use scimspec compare",
                    config.path,
                    many.join(", ")
                )))
            }
        },
    })
}

/// The merged settings of one target, defaults applied.
pub fn finish(
    name: Option<String>,
    merged: TargetConfig,
) -> Result<(TargetOptions, RunSettings), CommandError> {
    let url = merged.url_with_domain()?;
    let target = TargetOptions {
        name,
        url,
        credentials: merged.credentials(),
        headers: merged
            .headers
            .iter()
            .map(|h| (h.0.clone(), h.1.clone()))
            .collect(),
        profile: merged.profile.clone(),
        timeout: Duration::from_secs(merged.timeout.unwrap_or(DEFAULT_TIMEOUT)),
        max_body: merged.max_body.unwrap_or(DEFAULT_MAX_BODY),
        deadline: Some(merged.deadline.unwrap_or(DEFAULT_DEADLINE))
            .filter(|s| *s > 0)
            .map(Duration::from_secs),
        insecure: merged.insecure.unwrap_or(false),
        ca_cert: merged.ca_cert.clone(),
    };
    let settings = RunSettings {
        suites: merged.suites.unwrap_or_default(),
        selection: Selection {
            tags: merged.tags.unwrap_or_default(),
            sections: merged.sections.unwrap_or_default(),
        },
        names: NameFilter {
            filter: None,
            exact: false,
            skip: merged.skip.unwrap_or_default(),
        },
        jobs: merged.jobs.unwrap_or(DEFAULT_JOBS),
        junit: merged.junit.unwrap_or_else(|| PathBuf::from(DEFAULT_JUNIT)),
        baseline: merged.baseline,
    };
    Ok((target, settings))
}

/// Everything a command that talks to one target was given: its target flags, an optional
/// extra layer of run settings (`run`'s own flags) and the config file they name.
pub fn resolve(
    t: &TargetArgs,
    run_layer: Option<TargetConfig>,
) -> Result<(TargetOptions, RunSettings), CommandError> {
    let config = t.config.as_deref().map(Config::load).transpose()?;
    let mut flags = flag_layer(t)?;
    if let Some(run) = run_layer {
        flags = run.over(flags);
    }
    let (name, file) = match &config {
        Some(c) => file_layer(c, t.target.as_deref())?,
        None => {
            if let Some(t) = t.target.as_deref().filter(|t| !is_url(t)) {
                flags.url = Some(t.to_string()); // refused as a URL by the target
            }
            (None, TargetConfig::default())
        }
    };
    // `--basic` without `--domain` keeps the file's account domain.
    let file_domain = file.basic.as_ref().and_then(|b| b.domain.clone());
    let mut merged = flags.over(file);
    if let Some(b) = merged.basic.as_mut().filter(|b| b.domain.is_none()) {
        b.domain = file_domain;
    }
    finish(name, merged)
}

/// `run`'s own flags as a layer (deadline, jobs, report path, baseline, suites, selection).
pub fn run_layer(
    select: &SelectArgs,
    deadline: Option<u64>,
    jobs: Option<usize>,
    junit: Option<&Path>,
    baseline: Option<&Path>,
    suites: &[PathBuf],
) -> TargetConfig {
    let mut layer = TargetConfig {
        deadline,
        jobs,
        junit: junit.map(Path::to_path_buf),
        baseline: baseline.map(Path::to_path_buf),
        suites: (!suites.is_empty()).then(|| suites.to_vec()),
        ..TargetConfig::default()
    };
    select_layer(select, &mut layer);
    layer
}

/// The id filter of the command line, with the `--skip` texts the settings already hold.
pub fn names(select: &SelectArgs, settings: &RunSettings) -> NameFilter {
    NameFilter {
        filter: select.filter.clone(),
        exact: select.exact,
        skip: settings.names.skip.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    use crate::cli::args::{Cli, Command};

    fn run_args(argv: &[&str]) -> crate::cli::args::RunArgs {
        let mut full = vec!["scimspec", "run"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full).map(|c| c.command) {
            Ok(Command::Run(args)) => args,
            other => panic!("not a run: {other:?}"),
        }
    }

    fn resolved(argv: &[&str]) -> Result<(TargetOptions, RunSettings), CommandError> {
        let args = run_args(argv);
        let layer = run_layer(
            &args.select,
            args.deadline,
            args.jobs,
            args.junit.as_deref(),
            args.baseline.as_deref(),
            &args.suites,
        );
        resolve(&args.target, Some(layer))
    }

    fn config_file(text: &str) -> (tempfile_dir::Dir, String) {
        let dir = tempfile_dir::Dir::new();
        let path = dir.write("scimspec.toml", text);
        (dir, path)
    }

    /// A directory removed on drop (no crate needed for one test file).
    mod tempfile_dir {
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let p = std::env::temp_dir().join(format!(
                    "scimspec-options-{}",
                    uuid::Uuid::new_v4().simple()
                ));
                std::fs::create_dir_all(&p).expect("temp dir");
                Dir(p)
            }
            pub fn write(&self, name: &str, text: &str) -> String {
                let p = self.0.join(name);
                std::fs::write(&p, text).expect("write");
                p.display().to_string()
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn a_flag_at_its_default_value_overrides_the_file() {
        let (_dir, path) = config_file(
            "[targets.a]\nurl = \"https://a.example/scim\"\ntimeout = 12\njobs = 3\njunit = \"x.xml\"\n",
        );
        let (target, settings) =
            resolved(&["--config", &path, "--timeout", "30", "--jobs", "8"]).unwrap();
        assert_eq!(target.timeout, Duration::from_secs(30));
        assert_eq!(settings.jobs, 8);
        assert!(
            settings.junit.ends_with("x.xml"),
            "the file's value stays where no flag is given"
        );
        let (target, settings) = resolved(&["--config", &path]).unwrap();
        assert_eq!(target.timeout, Duration::from_secs(12));
        assert_eq!(settings.jobs, 3);
        assert_eq!(target.name.as_deref(), Some("a"));
    }

    #[test]
    fn body_limit_and_deadline_merge_like_the_timeout() {
        let (_dir, path) = config_file(
            "[targets.a]\nurl = \"https://a.example/scim\"\nmax_body = 1000\ndeadline = 60\n",
        );
        let (target, _) = resolved(&["--config", &path]).unwrap();
        assert_eq!(target.max_body, 1000);
        assert_eq!(target.deadline, Some(Duration::from_secs(60)));
        let (target, _) =
            resolved(&["--config", &path, "--max-body", "2000", "--deadline", "0"]).unwrap();
        assert_eq!(target.max_body, 2000);
        assert_eq!(target.deadline, None, "0: no deadline");
        let (target, _) = resolved(&[]).unwrap();
        assert_eq!(target.max_body, DEFAULT_MAX_BODY);
        assert_eq!(target.deadline, Some(Duration::from_secs(DEFAULT_DEADLINE)));
    }

    #[test]
    fn defaults_apply_when_nothing_is_given() {
        let (target, settings) = resolved(&[]).unwrap();
        assert_eq!(target.timeout, Duration::from_secs(DEFAULT_TIMEOUT));
        assert_eq!(settings.jobs, DEFAULT_JOBS);
        assert_eq!(settings.junit, PathBuf::from(DEFAULT_JUNIT));
        assert!(target.url.is_none(), "no target: the embedded server");
    }

    #[test]
    fn the_domain_flag_fills_the_url() {
        let (target, _) = resolved(&[
            "--target",
            "https://{domain}.example/scim",
            "--basic",
            "u:p",
            "--domain",
            "acme",
        ])
        .unwrap();
        assert_eq!(target.url.as_deref(), Some("https://acme.example/scim"));
        let err = resolved(&[
            "--target",
            "https://{domain}.example/scim",
            "--basic",
            "u:p",
        ])
        .unwrap_err();
        assert!(
            matches!(&err, CommandError::Config(e) if e.to_string().contains("needs an account domain")),
            "{err}"
        );
    }

    #[test]
    fn bad_flags_name_the_flag_not_the_secret() {
        let err = resolved(&["--basic", "adminsecret"]).unwrap_err();
        assert!(
            matches!(&err, CommandError::Usage(m) if m.contains("--basic") && !m.contains("adminsecret")),
            "{err}"
        );
        let err = resolved(&["--header", "X-Api-Key-secret"]).unwrap_err();
        assert!(
            matches!(&err, CommandError::Usage(m) if m.contains("--header") && !m.contains("secret")),
            "{err}"
        );
    }

    #[test]
    fn a_target_name_needs_a_config_file_that_has_it() {
        let (_dir, path) = config_file("[targets.a]\n[targets.b]\n");
        let err = resolved(&["--config", &path]).unwrap_err();
        assert!(
            matches!(&err, CommandError::Usage(m) if m.contains("several targets")),
            "{err}"
        );
        let err = resolved(&["--config", &path, "--target", "c"]).unwrap_err();
        assert!(
            matches!(&err, CommandError::Usage(m) if m.contains("a, b")),
            "{err}"
        );
        let (target, _) = resolved(&["--config", &path, "--target", "b"]).unwrap();
        assert_eq!(target.name.as_deref(), Some("b"));
    }
}
