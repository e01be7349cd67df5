//! The configuration file (TOML): one or more targets with their URL, authentication, profile
//! and options, so CI needs one flag (`--config scimspec.toml`). Command-line flags and
//! `SCIMSPEC_*` variables override it. `${NAME}` in a string is replaced by the environment
//! variable `NAME`, so secrets need not be written in the file.
//!
//! ```toml
//! [defaults]                     # applies to every target; a target's own keys win
//! timeout = 30
//!
//! [targets.staging]
//! url = "https://staging.example.com/scim/v2"
//! profile = "xmatters"           # a shipped profile or a path to a .toml profile
//! token = "${STAGING_TOKEN}"
//!
//! [targets.okta-app]
//! url = "https://app.example.com/scim/v2"
//! oauth = { token_url = "https://login.example.com/oauth2/token", client_id = "scimspec",
//!           client_secret = "${CLIENT_SECRET}", scope = "scim" }
//!
//! [targets.reference]            # no url: the embedded reference server, in the profile
//! profile = "samanage"
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use thiserror::Error;

use crate::cli::{RunArgs, TargetArgs};
use crate::http::{Credentials, OAuth2};

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}{}: {problem}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        path: String,
        line: Option<usize>,
        problem: String,
    },
    #[error("{0}")]
    Usage(String),
}

/// HTTP Basic credentials; `domain` is the account domain of xMatters-style targets, put in
/// place of `{domain}` in the target URL (`https://{domain}.example.com/scim/v2`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicConfig {
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthConfig {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    #[serde(default)]
    pub scope: Option<String>,
}

/// One target, or the `[defaults]` every target starts from.
#[derive(Debug, Clone, Default)]
pub struct TargetConfig {
    /// SCIM base URL; absent: the embedded reference server (in the target's profile).
    pub url: Option<String>,
    pub profile: Option<String>,
    pub token: Option<String>,
    pub basic: Option<BasicConfig>,
    pub oauth: Option<OAuthConfig>,
    /// Extra headers sent with every request (values are masked in reports).
    pub headers: Vec<HeaderEntry>,
    pub timeout: Option<u64>,
    pub jobs: Option<usize>,
    pub insecure: Option<bool>,
    pub ca_cert: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub suites: Option<Vec<PathBuf>>,
    pub tags: Option<Vec<String>>,
    pub sections: Option<Vec<String>>,
    pub skip: Option<Vec<String>>,
}

/// `headers = { "X-Tenant" = "acme" }` keeps the file's order.
#[derive(Debug, Clone)]
pub struct HeaderEntry(pub String, pub String);

/// Where `scimspec compare` writes its reports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareConfig {
    /// Directory for compare.md, compare.html and compare-junit.xml.
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    pub defaults: TargetConfig,
    pub targets: Targets,
    pub compare: CompareConfig,
}

/// The targets in the order of the file.
#[derive(Debug, Clone, Default)]
pub struct Targets(pub Vec<(String, TargetConfig)>);

struct OrderedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OrderedVisitor<T> {
    type Value = Vec<(String, T)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, T>()? {
            out.push((k, v));
        }
        Ok(out)
    }
}

/// Reads `headers` as an ordered table of strings.
fn headers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<HeaderEntry>, D::Error> {
    let pairs: Vec<(String, String)> =
        d.deserialize_map(OrderedVisitor(std::marker::PhantomData))?;
    Ok(pairs.into_iter().map(|(k, v)| HeaderEntry(k, v)).collect())
}

/// A loaded configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    pub file: ConfigFile,
    /// The file's directory: relative paths in the file are relative to it.
    pub dir: PathBuf,
    pub path: String,
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Config {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: shown.clone(),
            source,
        })?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::parse(&shown, &text, dir)
    }

    pub fn parse(path: &str, text: &str, dir: PathBuf) -> Result<Self, ConfigError> {
        let file = parse_file(text).map_err(|e| ConfigError::Invalid {
            path: path.to_string(),
            line: e.span().map(|s| line_of_offset(text, s.start)),
            problem: e.message().trim().to_string(),
        })?;
        for (name, target) in &file.targets.0 {
            let auths = [
                target.token.is_some(),
                target.basic.is_some(),
                target.oauth.is_some(),
            ];
            if auths.iter().filter(|a| **a).count() > 1 {
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    line: text
                        .lines()
                        .position(|l| l.trim_start().starts_with(&format!("[targets.{name}]")))
                        .map(|i| i + 1),
                    problem: format!(
                        "target '{name}' gives more than one of token, basic and oauth"
                    ),
                });
            }
        }
        Ok(Self {
            file,
            dir,
            path: path.to_string(),
        })
    }

    /// The target names, in the order of the file.
    pub fn names(&self) -> Vec<&str> {
        self.file
            .targets
            .0
            .iter()
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// The named target merged over `[defaults]`, with `${VAR}`s expanded and paths made
    /// relative to the file.
    pub fn target(&self, name: &str) -> Result<TargetConfig, ConfigError> {
        let Some((_, own)) = self.file.targets.0.iter().find(|(n, _)| n == name) else {
            return Err(ConfigError::Usage(format!(
                "{} has no target '{name}' (it has: {})",
                self.path,
                self.names().join(", ")
            )));
        };
        self.merged(own, &format!("target '{name}'"))
    }

    /// `[defaults]` alone (for a `--target URL` run with a config file).
    pub fn defaults(&self) -> Result<TargetConfig, ConfigError> {
        self.merged(&TargetConfig::default(), "[defaults]")
    }

    fn merged(&self, own: &TargetConfig, what: &str) -> Result<TargetConfig, ConfigError> {
        let d = &self.file.defaults;
        let has_auth = own.token.is_some() || own.basic.is_some() || own.oauth.is_some();
        let mut t = TargetConfig {
            url: own.url.clone().or(d.url.clone()),
            profile: own.profile.clone().or(d.profile.clone()),
            token: if has_auth {
                own.token.clone()
            } else {
                d.token.clone()
            },
            basic: if has_auth {
                own.basic.clone()
            } else {
                d.basic.clone()
            },
            oauth: if has_auth {
                own.oauth.clone()
            } else {
                d.oauth.clone()
            },
            headers: d
                .headers
                .iter()
                .filter(|h| !own.headers.iter().any(|o| o.0.eq_ignore_ascii_case(&h.0)))
                .chain(own.headers.iter())
                .cloned()
                .collect(),
            timeout: own.timeout.or(d.timeout),
            jobs: own.jobs.or(d.jobs),
            insecure: own.insecure.or(d.insecure),
            ca_cert: own.ca_cert.clone().or(d.ca_cert.clone()),
            baseline: own.baseline.clone().or(d.baseline.clone()),
            junit: own.junit.clone().or(d.junit.clone()),
            suites: own.suites.clone().or(d.suites.clone()),
            tags: own.tags.clone().or(d.tags.clone()),
            sections: own.sections.clone().or(d.sections.clone()),
            skip: own.skip.clone().or(d.skip.clone()),
        };
        let at = |field: &str| format!("{what} {field}");
        let env = |s: &Option<String>, field: &str| -> Result<Option<String>, ConfigError> {
            s.as_deref().map(|v| expand(v, &at(field))).transpose()
        };
        t.url = env(&t.url, "url")?;
        t.token = env(&t.token, "token")?;
        t.profile = env(&t.profile, "profile")?;
        if let Some(b) = &mut t.basic {
            b.user = expand(&b.user, &at("basic.user"))?;
            b.password = expand(&b.password, &at("basic.password"))?;
            b.domain = env(&b.domain, "basic.domain")?;
        }
        if let Some(o) = &mut t.oauth {
            o.token_url = expand(&o.token_url, &at("oauth.token_url"))?;
            o.client_id = expand(&o.client_id, &at("oauth.client_id"))?;
            o.client_secret = expand(&o.client_secret, &at("oauth.client_secret"))?;
            o.scope = env(&o.scope, "oauth.scope")?;
        }
        for h in &mut t.headers {
            h.1 = expand(&h.1, &at(&format!("header {}", h.0)))?;
        }
        // A profile that is not a shipped name is a path relative to the file.
        if let Some(p) = &t.profile {
            if !crate::profile::shipped_names().contains(&p.as_str()) {
                t.profile = Some(self.resolve(Path::new(p)).display().to_string());
            }
        }
        t.ca_cert = t.ca_cert.map(|p| self.resolve(&p));
        t.baseline = t.baseline.map(|p| self.resolve(&p));
        t.junit = t.junit.map(|p| self.resolve(&p));
        t.suites = t
            .suites
            .map(|s| s.iter().map(|p| self.resolve(p)).collect());
        Ok(t)
    }

    /// A path from the file, relative to the file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }
}

fn parse_file(text: &str) -> Result<ConfigFile, toml::de::Error> {
    // `headers` needs the ordered reader; serde's derive cannot name it per field on a
    // `Vec<HeaderEntry>` without it, so the two tables holding headers are read with it.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        #[serde(default)]
        defaults: RawTarget,
        #[serde(default)]
        targets: RawTargets,
        #[serde(default)]
        compare: CompareConfig,
    }
    #[derive(Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawTarget {
        url: Option<String>,
        profile: Option<String>,
        token: Option<String>,
        basic: Option<BasicConfig>,
        oauth: Option<OAuthConfig>,
        #[serde(default, deserialize_with = "headers")]
        headers: Vec<HeaderEntry>,
        timeout: Option<u64>,
        jobs: Option<usize>,
        insecure: Option<bool>,
        ca_cert: Option<PathBuf>,
        baseline: Option<PathBuf>,
        junit: Option<PathBuf>,
        suites: Option<Vec<PathBuf>>,
        tags: Option<Vec<String>>,
        sections: Option<Vec<String>>,
        skip: Option<Vec<String>>,
    }
    impl From<RawTarget> for TargetConfig {
        fn from(r: RawTarget) -> Self {
            TargetConfig {
                url: r.url,
                profile: r.profile,
                token: r.token,
                basic: r.basic,
                oauth: r.oauth,
                headers: r.headers,
                timeout: r.timeout,
                jobs: r.jobs,
                insecure: r.insecure,
                ca_cert: r.ca_cert,
                baseline: r.baseline,
                junit: r.junit,
                suites: r.suites,
                tags: r.tags,
                sections: r.sections,
                skip: r.skip,
            }
        }
    }
    #[derive(Default)]
    struct RawTargets(Vec<(String, RawTarget)>);
    impl<'de> Deserialize<'de> for RawTargets {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(OrderedVisitor(std::marker::PhantomData))
                .map(RawTargets)
        }
    }
    let raw: Raw = toml::from_str(text)?;
    Ok(ConfigFile {
        defaults: raw.defaults.into(),
        targets: Targets(
            raw.targets
                .0
                .into_iter()
                .map(|(n, t)| (n, t.into()))
                .collect(),
        ),
        compare: raw.compare,
    })
}

/// Replaces `${NAME}` with the environment variable `NAME` (`$$` is a literal `$`).
pub fn expand(text: &str, at: &str) -> Result<String, ConfigError> {
    expand_with(text, at, |name| std::env::var(name).ok())
}

fn expand_with(
    text: &str,
    at: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(r) = after.strip_prefix('{') {
            let end = r
                .find('}')
                .ok_or_else(|| ConfigError::Usage(format!("{at}: unclosed '${{' in the value")))?;
            let name = &r[..end];
            let value = lookup(name).ok_or_else(|| {
                ConfigError::Usage(format!("{at}: the environment variable {name} is not set"))
            })?;
            out.push_str(&value);
            rest = &r[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

impl TargetConfig {
    /// The credentials this target gives, if any.
    pub fn credentials(&self) -> Credentials {
        if let Some(token) = &self.token {
            Credentials::Bearer(token.clone())
        } else if let Some(b) = &self.basic {
            Credentials::Basic {
                user: b.user.clone(),
                password: b.password.clone(),
            }
        } else if let Some(o) = &self.oauth {
            Credentials::OAuth2(OAuth2 {
                token_url: o.token_url.clone(),
                client_id: o.client_id.clone(),
                client_secret: o.client_secret.clone(),
                scope: o.scope.clone(),
            })
        } else {
            Credentials::None
        }
    }

    /// The URL with `{domain}` replaced by the Basic account domain.
    pub fn url_with_domain(&self) -> Result<Option<String>, ConfigError> {
        let domain = self.basic.as_ref().and_then(|b| b.domain.as_deref());
        with_domain(self.url.as_deref(), domain)
    }
}

/// Puts an account domain in place of `{domain}` in a URL.
pub fn with_domain(url: Option<&str>, domain: Option<&str>) -> Result<Option<String>, ConfigError> {
    match (url, domain) {
        (Some(url), Some(d)) if url.contains("{domain}") => Ok(Some(url.replace("{domain}", d))),
        (Some(url), Some(_)) => Err(ConfigError::Usage(format!(
            "an account domain was given but the target URL {url} has no {{domain}} to put it in"
        ))),
        (Some(url), None) if url.contains("{domain}") => Err(ConfigError::Usage(format!(
            "the target URL {url} needs an account domain (--domain or basic.domain)"
        ))),
        (url, _) => Ok(url.map(str::to_string)),
    }
}

/// Where a run goes and how, after flags, environment variables and the config file are merged.
#[derive(Debug, Clone)]
pub struct ResolvedTarget {
    /// The config file's name for the target, if it came from one.
    pub name: Option<String>,
    /// `None`: the embedded reference server.
    pub url: Option<String>,
    pub credentials: Credentials,
    pub headers: Vec<(String, String)>,
    /// The profile as given (a shipped name or a path).
    pub profile: Option<String>,
    pub timeout: u64,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
}

/// The flag defaults: a flag still at its default leaves the config file's value in force.
pub const DEFAULT_TIMEOUT: u64 = 30;
pub const DEFAULT_JOBS: usize = 8;
pub const DEFAULT_JUNIT: &str = "reports/junit.xml";

/// Splits `Name: value`.
pub fn parse_header(text: &str) -> Result<(String, String), ConfigError> {
    match text.split_once(':') {
        Some((n, v)) if !n.trim().is_empty() => Ok((n.trim().to_string(), v.trim().to_string())),
        _ => Err(ConfigError::Usage(format!(
            "--header must be 'Name: value', got '{text}'"
        ))),
    }
}

/// Credentials given on the command line (or in `SCIMSPEC_*` variables), if any.
pub fn flag_credentials(t: &TargetArgs) -> Result<Option<Credentials>, ConfigError> {
    if let Some(token) = t.token.as_ref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credentials::Bearer(token.clone())));
    }
    if let Some(basic) = &t.basic {
        let (user, password) = basic.split_once(':').ok_or_else(|| {
            ConfigError::Usage("--basic must be USER:PASSWORD (no ':' found)".into())
        })?;
        return Ok(Some(Credentials::Basic {
            user: user.to_string(),
            password: password.to_string(),
        }));
    }
    if let Some(url) = &t.token_url {
        let (Some(id), Some(secret)) = (&t.client_id, &t.client_secret) else {
            return Err(ConfigError::Usage(
                "--token-url needs --client-id and --client-secret".into(),
            ));
        };
        return Ok(Some(Credentials::OAuth2(OAuth2 {
            token_url: url.clone(),
            client_id: id.clone(),
            client_secret: secret.clone(),
            scope: t.scope.clone(),
        })));
    }
    Ok(None)
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Merges `run`'s flags with the config file: returns the run's options with the config's
/// values where no flag was given, and the target.
pub fn resolve_run(args: &RunArgs) -> Result<(RunArgs, ResolvedTarget), ConfigError> {
    let config = args.config.as_deref().map(Config::load).transpose()?;
    let flag_target = args.target.target.clone();
    let (name, tc) = match &config {
        None => (None, TargetConfig::default()),
        Some(c) => match &flag_target {
            Some(t) if c.names().contains(&t.as_str()) => (Some(t.clone()), c.target(t)?),
            Some(t) if is_url(t) => (None, c.defaults()?),
            Some(t) => {
                return Err(ConfigError::Usage(format!(
                    "--target '{t}' is neither a URL nor a target of {} (it has: {})",
                    c.path,
                    c.names().join(", ")
                )))
            }
            None => match c.names().as_slice() {
                [] => (None, c.defaults()?),
                [one] => (Some(one.to_string()), c.target(one)?),
                many => {
                    return Err(ConfigError::Usage(format!(
                        "{} has several targets ({}): choose one with --target NAME, or use scimspec compare",
                        c.path,
                        many.join(", ")
                    )))
                }
            },
        },
    };
    let t = &args.target;
    let flag_url = flag_target.filter(|u| name.is_none() && is_url(u) || config.is_none());
    let credentials = match flag_credentials(t)? {
        Some(c) => c,
        None => tc.credentials(),
    };
    let domain = t
        .domain
        .clone()
        .or_else(|| tc.basic.as_ref().and_then(|b| b.domain.clone()));
    let url = with_domain(flag_url.as_deref().or(tc.url.as_deref()), domain.as_deref())?;
    let mut headers: Vec<(String, String)> = tc
        .headers
        .iter()
        .map(|h| (h.0.clone(), h.1.clone()))
        .collect();
    for h in &t.headers {
        let (n, v) = parse_header(h)?;
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&n));
        headers.push((n, v));
    }
    let target = ResolvedTarget {
        name,
        url,
        credentials,
        headers,
        profile: args.profile.clone().or(tc.profile.clone()),
        timeout: if t.timeout != DEFAULT_TIMEOUT {
            t.timeout
        } else {
            tc.timeout.unwrap_or(DEFAULT_TIMEOUT)
        },
        insecure: t.insecure || tc.insecure.unwrap_or(false),
        ca_cert: t.ca_cert.clone().or(tc.ca_cert.clone()),
    };
    let mut merged = args.clone();
    if merged.jobs == DEFAULT_JOBS {
        merged.jobs = tc.jobs.unwrap_or(DEFAULT_JOBS);
    }
    if merged.junit == Path::new(DEFAULT_JUNIT) {
        if let Some(j) = tc.junit {
            merged.junit = j;
        }
    }
    if merged.baseline.is_none() {
        merged.baseline = tc.baseline;
    }
    if merged.suites.is_empty() {
        merged.suites = tc.suites.unwrap_or_default();
    }
    if merged.select.tags.is_empty() {
        merged.select.tags = tc.tags.unwrap_or_default();
    }
    if merged.select.sections.is_empty() {
        merged.select.sections = tc.sections.unwrap_or_default();
    }
    if merged.select.skip.is_empty() {
        merged.select.skip = tc.skip.unwrap_or_default();
    }
    Ok((merged, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[defaults]
timeout = 12
headers = { "X-Tenant" = "acme" }

[targets.zeta]
url = "https://z.example.com/scim/v2"
token = "${SCIMSPEC_TEST_TOKEN_Z}"

[targets.alpha]
profile = "xmatters"
basic = { user = "admin", password = "pw", domain = "acme" }
url = "https://{domain}.xmatters.example/api/xm/1/scim/v2"
timeout = 5
headers = { "x-tenant" = "other", "X-Extra" = "1" }
"#;

    fn sample() -> Config {
        Config::parse("scimspec.toml", SAMPLE, PathBuf::from("conf")).unwrap()
    }

    #[test]
    fn keeps_file_order_and_merges_defaults() {
        let c = sample();
        assert_eq!(c.names(), vec!["zeta", "alpha"]);
        let a = c.target("alpha").unwrap();
        assert_eq!(a.timeout, Some(5));
        let names: Vec<&str> = a.headers.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(names, vec!["x-tenant", "X-Extra"]);
        assert_eq!(
            a.url_with_domain().unwrap().as_deref(),
            Some("https://acme.xmatters.example/api/xm/1/scim/v2")
        );
        assert!(matches!(a.credentials(), Credentials::Basic { .. }));
        let err = c.target("nope").unwrap_err().to_string();
        assert!(err.contains("zeta, alpha"), "{err}");
    }

    #[test]
    fn expands_environment_variables() {
        let look = |n: &str| (n == "A").then(|| "value".to_string());
        assert_eq!(
            expand_with("x-${A}-$$-$b", "t", look).unwrap(),
            "x-value-$-$b"
        );
        let err = expand_with("${MISSING}", "target 'z' token", look)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("MISSING") && err.contains("target 'z' token"),
            "{err}"
        );
        let err = sample().target("zeta").unwrap_err().to_string();
        assert!(err.contains("SCIMSPEC_TEST_TOKEN_Z"), "{err}");
    }

    #[test]
    fn errors_name_the_line() {
        let err = Config::parse("c.toml", "[targets.a]\nurl = 1\n", PathBuf::new())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml:2:"), "{err}");
        let err = Config::parse("c.toml", "[targets.a]\ntokn = \"x\"\n", PathBuf::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("tokn"), "{err}");
        let two = "[targets.a]\ntoken = \"x\"\nbasic = { user = \"u\", password = \"p\" }\n";
        let err = Config::parse("c.toml", two, PathBuf::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("c.toml:1:") && err.contains("more than one"),
            "{err}"
        );
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let c = Config::parse(
            "conf/s.toml",
            "[targets.a]\nprofile = \"mine.toml\"\nbaseline = \"b.yaml\"\n",
            PathBuf::from("conf"),
        )
        .unwrap();
        let a = c.target("a").unwrap();
        assert_eq!(a.profile.as_deref(), Some("conf/mine.toml"));
        assert_eq!(a.baseline, Some(PathBuf::from("conf/b.yaml")));
    }
}
