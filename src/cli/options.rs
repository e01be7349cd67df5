//! Flags, `SCIMSPEC_*` variables and the config file, merged into plain option structs. The
//! flags form one layer of [`TargetConfig`], laid over the chosen target of the file, laid over
//! its `[defaults]`; the defaults below are applied once, at the end, so an explicit flag
//! always wins (`--timeout 30` beats `timeout = 12`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args::{SelectArgs, TargetArgs};
use super::output;
use super::CommandError;
use crate::config::{BasicConfig, Config, HeaderEntry, OAuthConfig, TargetConfig};
use crate::http::{Redactor, DEFAULT_MAX_BODY};
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
    /// `sends_load = true`: `scimspec load` may load this target though it is remote.
    pub sends_load: bool,
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

/// Decodes `%XX` escapes (RFC 3986 §2.1); anything else is kept as it is.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Credentials written into a URL (`https://user:password@host/…`, RFC 3986 §3.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlUserinfo {
    /// The URL without them.
    pub url: String,
    pub user: String,
    pub password: String,
}

/// Splits the userinfo off an http(s) URL; `None` when it has none.
pub fn split_userinfo(url: &str) -> Option<UrlUserinfo> {
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (userinfo, host) = authority.rsplit_once('@')?;
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    Some(UrlUserinfo {
        url: format!("{scheme}://{host}{path}"),
        user: percent_decoded(user),
        password: percent_decoded(password),
    })
}

/// A value given as `--target` that is no URL, as an error may show it: anything before an
/// `@` may be credentials and is not repeated.
fn shown_target(t: &str) -> String {
    match t.rsplit_once('@') {
        Some((_, host)) => format!("[REDACTED]@{host}"),
        None => t.to_string(),
    }
}

/// Moves credentials written into the URL into Basic credentials (refused when the settings
/// give credentials of their own); the URL keeps no userinfo.
fn userinfo_to_basic(merged: &mut TargetConfig) -> Result<(), CommandError> {
    let Some(found) = merged.url.as_deref().and_then(split_userinfo) else {
        return Ok(());
    };
    if merged.has_credentials() {
        return Err(CommandError::Usage(format!(
            "the target URL {} carries credentials (user:password@) and other credentials are \
             given too (token, basic or oauth): give only one",
            found.url
        )));
    }
    merged.url = Some(found.url);
    merged.basic = Some(BasicConfig {
        user: found.user,
        password: found.password,
        domain: None,
    });
    Ok(())
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
        no_preflight: t.no_preflight.then_some(true),
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
                "--target '{}' is neither a URL nor a target of {} (it has: {})",
                shown_target(t),
                config.path,
                config.names().join(", ")
            )))
        }
        None => match config.names().as_slice() {
            [] => {
                // Without a target the file would silently mean the embedded server.
                let defaults = config.defaults()?;
                if defaults.url.is_none() {
                    return Err(CommandError::Usage(format!(
                        "{} defines no target: add [targets.NAME] (no url: the embedded server) \
                         or a url under [defaults], or give --target URL",
                        config.path
                    )));
                }
                (None, defaults)
            }
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

/// The merged settings of one target, defaults applied; credentials in the URL become Basic
/// credentials. Every secret of the result is masked in what the command prints from now on.
pub fn finish(
    name: Option<String>,
    mut merged: TargetConfig,
) -> Result<(TargetOptions, RunSettings), CommandError> {
    userinfo_to_basic(&mut merged)?;
    let credentials = merged.credentials();
    let secrets = Redactor::new();
    for secret in credentials.secrets() {
        secrets.learn(secret);
    }
    for header in &merged.headers {
        secrets.learn(header.1.clone());
    }
    output::protect(&secrets);
    let url = merged.url_with_domain()?;
    let target = TargetOptions {
        name,
        url,
        credentials,
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
        no_preflight: merged.no_preflight.unwrap_or(false),
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
        sends_load: merged.sends_load.unwrap_or(false),
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
                if t.contains('@') {
                    return Err(CommandError::Usage(format!(
                        "--target must be an http:// or https:// URL, got '{}'",
                        shown_target(t)
                    )));
                }
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
    use crate::http::Credentials;

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
    fn a_config_file_without_a_target_is_a_usage_error() {
        for text in ["", "# nothing\n", "[defaults]\ntimeout = 5\n"] {
            let (_dir, path) = config_file(text);
            let err = resolved(&["--config", &path]).unwrap_err();
            assert!(
                matches!(&err, CommandError::Usage(m) if m.contains("defines no target")),
                "{text:?}: {err}"
            );
            let (target, _) =
                resolved(&["--config", &path, "--target", "https://a.example/scim"]).unwrap();
            assert_eq!(target.url.as_deref(), Some("https://a.example/scim"));
        }
        let (_dir, path) = config_file("[defaults]\nurl = \"https://d.example/scim\"\n");
        let (target, _) = resolved(&["--config", &path]).unwrap();
        assert_eq!(target.url.as_deref(), Some("https://d.example/scim"));
        let (_dir, path) = config_file("[targets.embedded]\n");
        let (target, _) = resolved(&["--config", &path]).unwrap();
        assert!(
            target.url.is_none(),
            "an explicit target without url: the embedded server"
        );
    }

    #[test]
    fn credentials_in_the_url_become_basic_credentials() {
        let (target, _) = resolved(&[
            "--target",
            "https://ad%40min:p%2Fw%20d@h.example:8443/scim?x=1",
        ])
        .unwrap();
        assert_eq!(
            target.url.as_deref(),
            Some("https://h.example:8443/scim?x=1")
        );
        assert!(
            matches!(&target.credentials, Credentials::Basic { user, password } if user == "ad@min" && password == "p/w d"),
            "{:?}",
            target.credentials
        );
        let err = resolved(&[
            "--target",
            "https://u:pw-S3cret@h.example/scim",
            "--token",
            "t",
        ])
        .unwrap_err();
        assert!(
            matches!(&err, CommandError::Usage(m) if m.contains("carries credentials") && !m.contains("S3cret")),
            "{err}"
        );
        let err = resolved(&["--target", "u:pw-S3cret@h.example/scim"]).unwrap_err();
        assert!(
            matches!(&err, CommandError::Usage(m) if m.contains("http://") && !m.contains("S3cret")),
            "{err}"
        );
        assert_eq!(
            split_userinfo("http://h.example/a@b"),
            None,
            "an @ in the path is no userinfo"
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
