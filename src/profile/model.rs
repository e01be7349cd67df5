//! A target profile as written in `profiles/NAME.toml`: plain data, no behaviour.

use serde::Deserialize;

/// What happens to an attribute the target does not support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unsupported {
    /// The target answers 400: sending the attribute is an error there.
    Reject,
    /// The target drops the attribute silently.
    #[default]
    Ignore,
}

/// How the target authenticates its SCIM client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// `Authorization: Bearer <long-lived token>`.
    Bearer,
    /// HTTP Basic user and password (optionally with an account domain).
    Basic,
    /// OAuth 2 client credentials: a token fetched from a token endpoint.
    Oauth2,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Bearer => "bearer",
            AuthMethod::Basic => "basic",
            AuthMethod::Oauth2 => "oauth2",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// Accepted methods; the first is the one the embedded server uses for this profile.
    pub methods: Vec<AuthMethod>,
    /// Basic credentials carry an account domain (xMatters' gallery connector).
    #[serde(default)]
    pub domain: bool,
}

impl Default for AuthSpec {
    fn default() -> Self {
        Self {
            methods: vec![AuthMethod::Bearer],
            domain: false,
        }
    }
}

/// The format of an attribute's values: what test data is generated and what the target checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Any string.
    String,
    /// `local@domain`.
    Email,
    /// ITU-T E.164: `+` and up to 15 digits, e.g. `+16175551212`.
    E164,
    /// An IANA time zone name, e.g. `Europe/Berlin`.
    Timezone,
    /// A two-letter ISO 639-1 language code, e.g. `de`.
    Language,
    /// A language tag as in HTTP `Accept-Language` (RFC 7231), e.g. `de-DE`.
    LanguageTag,
    /// `true` or `false`.
    Boolean,
    /// The `id` of another resource (e.g. a manager).
    Reference,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::String => "string",
            Format::Email => "email",
            Format::E164 => "e164",
            Format::Timezone => "timezone",
            Format::Language => "language",
            Format::LanguageTag => "language-tag",
            Format::Boolean => "boolean",
            Format::Reference => "reference",
        }
    }
}

/// One supported User attribute, written as in an Entra ID attribute mapping:
/// `userName`, `name.givenName`, `emails[type eq "work"].value`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeSpec {
    pub path: String,
    /// The target refuses a User without it.
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub format: Option<Format>,
    /// The only values the target accepts (e.g. role names); test data uses the first.
    #[serde(default)]
    pub values: Vec<String>,
    /// What the vendor documents about it.
    #[serde(default)]
    pub note: Option<String>,
}

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    /// Short name used on the command line (`--profile NAME`).
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Where the facts come from (vendor documentation).
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub auth: AuthSpec,
    /// The attribute the client matches existing users on.
    #[serde(default = "default_matching")]
    pub matching: String,
    /// Whether groups are provisioned to the target.
    #[serde(default = "yes")]
    pub groups: bool,
    #[serde(default)]
    pub unsupported: Unsupported,
    /// Attributes the target can filter on (`None`: every supported attribute).
    #[serde(default)]
    pub filter_attributes: Option<Vec<String>>,
    /// Whether the client deletes users (`false`: it deactivates them with `active: false`).
    #[serde(default = "yes")]
    pub deletes_users: bool,
    #[serde(rename = "attribute", default)]
    pub attributes: Vec<AttributeSpec>,
}

fn default_matching() -> String {
    "userName".into()
}

fn yes() -> bool {
    true
}
