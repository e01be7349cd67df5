//! Reading a configuration file: its `[defaults]`, its targets in the file's order and its
//! `[compare]` table; errors name the file and the line. [`Config::target`] gives one target
//! laid over `[defaults]`, with `${VAR}`s expanded and paths made relative to the file.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::{expand, ConfigError, TargetConfig};

/// The 1-based line and column of a byte offset in `text`.
fn at_offset(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Where `scimspec compare` writes its reports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareConfig {
    /// Directory for compare.md, compare.html and compare-junit.xml.
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    defaults: TargetConfig,
    #[serde(default)]
    targets: Targets,
    #[serde(default)]
    compare: CompareConfig,
}

/// The targets in the order of the file.
#[derive(Debug, Clone, Default)]
struct Targets(Vec<(String, TargetConfig)>);

impl<'de> Deserialize<'de> for Targets {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = Targets;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of targets")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Targets, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, TargetConfig>()? {
                    out.push(entry);
                }
                Ok(Targets(out))
            }
        }
        d.deserialize_map(Ordered)
    }
}

/// A parser's message with the values it quotes left out: a value of the wrong type may be a
/// secret (`basic = "admin:password"`, `token = 12345678`), so `invalid type: string "…",
/// expected struct BasicConfig` becomes `invalid type: string (value not shown), expected
/// struct BasicConfig`. Key names (`unknown field `tokn``) are kept.
fn without_values(message: &str) -> String {
    let quoting = ["invalid type: ", "invalid value: ", "unknown variant "];
    let Some(prefix) = quoting.iter().find(|p| message.starts_with(**p)) else {
        return message.to_string();
    };
    let Some((unexpected, expected)) = message[prefix.len()..].rsplit_once(", expected ") else {
        return format!("{}(value not shown)", prefix);
    };
    let kind = unexpected
        .split(['"', '`', '\''])
        .next()
        .unwrap_or_default()
        .trim();
    let shown = if kind.len() == unexpected.len() {
        kind.to_string()
    } else if kind.is_empty() {
        "(value not shown)".to_string()
    } else {
        format!("{kind} (value not shown)")
    };
    format!("{prefix}{shown}, expected {expected}")
}

/// A loaded configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    file: ConfigFile,
    /// The file's directory: relative paths in the file are relative to it.
    dir: PathBuf,
    /// The file as named on the command line, for messages.
    pub path: String,
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
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| at_offset(text, s.start));
            ConfigError::Invalid {
                path: path.to_string(),
                line: at.map(|a| a.0),
                column: at.map(|a| a.1),
                problem: without_values(e.message().trim()),
            }
        })?;
        for (name, target) in &file.targets.0 {
            let auths = [
                target.token.is_some(),
                target.basic.is_some(),
                target.oauth.is_some(),
            ];
            if auths.iter().filter(|a| **a).count() > 1 {
                let at = text
                    .lines()
                    .enumerate()
                    .find(|(_, l)| l.trim_start().starts_with(&format!("[targets.{name}]")))
                    .map(|(i, l)| (i + 1, l.len() - l.trim_start().len() + 1));
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    line: at.map(|a| a.0),
                    column: at.map(|a| a.1),
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

    /// The `[compare]` table.
    pub fn compare(&self) -> &CompareConfig {
        &self.file.compare
    }

    /// The named target laid over `[defaults]`, with `${VAR}`s expanded and paths made
    /// relative to the file.
    pub fn target(&self, name: &str) -> Result<TargetConfig, ConfigError> {
        let Some((_, own)) = self.file.targets.0.iter().find(|(n, _)| n == name) else {
            return Err(ConfigError::Usage(format!(
                "{} has no target '{name}' (it has: {})",
                self.path,
                self.names().join(", ")
            )));
        };
        self.finish(
            own.clone().over(self.file.defaults.clone()),
            &format!("target '{name}'"),
        )
    }

    /// `[defaults]` alone (for a `--target URL` run with a config file).
    pub fn defaults(&self) -> Result<TargetConfig, ConfigError> {
        self.finish(self.file.defaults.clone(), "[defaults]")
    }

    /// Expands `${VAR}`s and makes the file's paths relative to the file.
    fn finish(&self, mut t: TargetConfig, what: &str) -> Result<TargetConfig, ConfigError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Credentials;

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
        let err = c.target("nope").unwrap_err();
        assert!(
            matches!(&err, ConfigError::Usage(m) if m.contains("zeta, alpha")),
            "{err}"
        );
    }

    #[test]
    fn unset_variables_are_named() {
        let err = sample().target("zeta").unwrap_err();
        assert!(
            matches!(&err, ConfigError::Usage(m) if m.contains("SCIMSPEC_TEST_TOKEN_Z")),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_key_is_refused_at_its_line_and_column() {
        let text = "[targets.a]\nurl = \"http://a\"\nurl = \"http://b\"\n";
        let err = Config::parse("c.toml", text, PathBuf::new()).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { line: Some(3), column: Some(1), problem, .. }
                if problem.contains("duplicate")),
            "{err}"
        );
        let text = "[targets.a]\nurl = \"http://a\"\n[targets.a]\n";
        let err = Config::parse("c.toml", text, PathBuf::new()).unwrap_err();
        assert!(err.to_string().starts_with("c.toml:3:"), "{err}");
    }

    #[test]
    fn errors_name_the_line() {
        let err = Config::parse("c.toml", "[targets.a]\nurl = 1\n", PathBuf::new()).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { line: Some(2), .. }),
            "{err}"
        );
        assert!(err.to_string().starts_with("c.toml:2:7:"), "{err}");
        let err =
            Config::parse("c.toml", "[targets.a]\ntokn = \"x\"\n", PathBuf::new()).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { problem, .. } if problem.contains("tokn")),
            "{err}"
        );
        let two = "[targets.a]\ntoken = \"x\"\nbasic = { user = \"u\", password = \"p\" }\n";
        let err = Config::parse("c.toml", two, PathBuf::new()).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { line: Some(1), problem, .. } if problem.contains("more than one")),
            "{err}"
        );
    }

    #[test]
    fn errors_never_quote_values() {
        for (body, kind) in [
            (
                "basic = \"admin:pass-S3cret\"",
                "invalid type: string (value not shown), expected struct BasicConfig",
            ),
            (
                "token = 123456789",
                "invalid type: integer (value not shown), expected a string",
            ),
            (
                "oauth = \"o-S3cret, expected x\"",
                "invalid type: string (value not shown), expected struct OAuthConfig",
            ),
            (
                "basic = { user = \"u\", password = 9876543 }",
                "integer (value not shown)",
            ),
            (
                "headers = { \"X-Key\" = 55556666 }",
                "integer (value not shown)",
            ),
            ("token = 1.5e3", "floating point (value not shown)"),
            (
                "token = [\"arr-S3cret\"]",
                "invalid type: sequence, expected a string",
            ),
        ] {
            let text = format!("[targets.a]\n{body}\n");
            let err = Config::parse("c.toml", &text, PathBuf::new()).unwrap_err();
            let shown = err.to_string();
            for secret in ["S3cret", "123456789", "9876543", "55556666", "1500"] {
                assert!(!shown.contains(secret), "{shown}");
            }
            assert!(shown.contains(kind), "{shown}");
        }
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
