//! One target's settings, as a config file (`[defaults]` or `[targets.NAME]`) or the command
//! line gives them: every field optional. [`TargetConfig::over`] lays one set over another
//! (flags over the target over `[defaults]`); the command layer applies the defaults once, at
//! the end, so a flag given at its default value still overrides the file.

use std::fmt;
use std::path::PathBuf;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::ConfigError;
use crate::http::{Credentials, OAuth2};

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

/// `headers = { "X-Tenant" = "acme" }`, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderEntry(pub String, pub String);

/// One target's settings; `None` (or empty) means "not given here".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// SCIM base URL; absent everywhere: the embedded reference server (in the target's profile).
    pub url: Option<String>,
    /// A shipped profile name or a path to a `.toml` profile.
    pub profile: Option<String>,
    pub token: Option<String>,
    pub basic: Option<BasicConfig>,
    pub oauth: Option<OAuthConfig>,
    /// Extra headers sent with every request (values are masked in reports).
    #[serde(default, deserialize_with = "ordered_headers")]
    pub headers: Vec<HeaderEntry>,
    pub timeout: Option<u64>,
    /// The largest response body read, in bytes.
    pub max_body: Option<u64>,
    /// The run's overall deadline, in seconds (0: none).
    pub deadline: Option<u64>,
    pub jobs: Option<usize>,
    pub insecure: Option<bool>,
    pub ca_cert: Option<PathBuf>,
    /// Skip the preflight check of credentials and base URL.
    pub no_preflight: Option<bool>,
    /// `scimspec load` may send load to this target though it is not on this machine.
    pub sends_load: Option<bool>,
    pub baseline: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub suites: Option<Vec<PathBuf>>,
    pub tags: Option<Vec<String>>,
    pub sections: Option<Vec<String>>,
    pub skip: Option<Vec<String>>,
}

impl TargetConfig {
    /// True when this layer gives credentials of any kind.
    pub fn has_credentials(&self) -> bool {
        self.token.is_some() || self.basic.is_some() || self.oauth.is_some()
    }

    /// These settings laid over `base`: every field given here wins; credentials are one unit
    /// (a token here replaces Basic credentials there); headers merge by name.
    pub fn over(self, base: TargetConfig) -> TargetConfig {
        let own_auth = self.has_credentials();
        let mut headers: Vec<HeaderEntry> = base
            .headers
            .into_iter()
            .filter(|h| !self.headers.iter().any(|o| o.0.eq_ignore_ascii_case(&h.0)))
            .collect();
        headers.extend(self.headers);
        let (token, basic, oauth) = if own_auth {
            (self.token, self.basic, self.oauth)
        } else {
            (base.token, base.basic, base.oauth)
        };
        TargetConfig {
            url: self.url.or(base.url),
            profile: self.profile.or(base.profile),
            token,
            basic,
            oauth,
            headers,
            timeout: self.timeout.or(base.timeout),
            max_body: self.max_body.or(base.max_body),
            deadline: self.deadline.or(base.deadline),
            jobs: self.jobs.or(base.jobs),
            insecure: self.insecure.or(base.insecure),
            ca_cert: self.ca_cert.or(base.ca_cert),
            no_preflight: self.no_preflight.or(base.no_preflight),
            sends_load: self.sends_load.or(base.sends_load),
            baseline: self.baseline.or(base.baseline),
            junit: self.junit.or(base.junit),
            suites: self.suites.or(base.suites),
            tags: self.tags.or(base.tags),
            sections: self.sections.or(base.sections),
            skip: self.skip.or(base.skip),
        }
    }

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

struct OrderedHeaders;

impl<'de> Visitor<'de> for OrderedHeaders {
    type Value = Vec<HeaderEntry>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of header names and string values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, String>()? {
            out.push(HeaderEntry(k, v));
        }
        Ok(out)
    }
}

/// Reads `headers` as a table of strings, keeping the file's order.
fn ordered_headers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<HeaderEntry>, D::Error> {
    d.deserialize_map(OrderedHeaders)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str) -> BasicConfig {
        BasicConfig {
            user: user.into(),
            password: "pw".into(),
            domain: None,
        }
    }

    #[test]
    fn the_upper_layer_wins_field_by_field() {
        let file = TargetConfig {
            url: Some("https://file.example/scim".into()),
            timeout: Some(12),
            jobs: Some(3),
            basic: Some(basic("file")),
            headers: vec![
                HeaderEntry("X-Tenant".into(), "acme".into()),
                HeaderEntry("X-Keep".into(), "1".into()),
            ],
            ..TargetConfig::default()
        };
        let flags = TargetConfig {
            timeout: Some(30),
            token: Some("t".into()),
            headers: vec![HeaderEntry("x-tenant".into(), "other".into())],
            ..TargetConfig::default()
        };
        let merged = flags.over(file);
        assert_eq!(
            merged.timeout,
            Some(30),
            "a flag at the default value still wins"
        );
        assert_eq!(merged.jobs, Some(3));
        assert_eq!(merged.url.as_deref(), Some("https://file.example/scim"));
        assert!(merged.basic.is_none(), "credentials are replaced as a unit");
        assert!(matches!(merged.credentials(), Credentials::Bearer(t) if t == "t"));
        assert_eq!(
            merged.headers,
            vec![
                HeaderEntry("X-Keep".into(), "1".into()),
                HeaderEntry("x-tenant".into(), "other".into())
            ]
        );
    }

    #[test]
    fn domains_go_into_the_url() {
        let url = with_domain(Some("https://{domain}.example/scim"), Some("acme")).unwrap();
        assert_eq!(url.as_deref(), Some("https://acme.example/scim"));
        let err = with_domain(Some("https://x.example/scim"), Some("acme")).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Usage(m) if m.contains("no {domain}")),
            "{err}"
        );
        let err = with_domain(Some("https://{domain}.example/scim"), None).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Usage(m) if m.contains("needs an account domain")),
            "{err}"
        );
        assert_eq!(with_domain(None, Some("acme")).unwrap(), None);
    }
}
