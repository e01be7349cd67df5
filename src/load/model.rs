//! The validated model of a case file. Everything here is plain data: the loader builds it,
//! the planner selects from it, the runner executes it and the reporters describe it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// A requirement level, taken from the RFC's own words (RFC 2119).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "MAY")]
    May,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A feature a case needs from the target; discovered from `/ServiceProviderConfig`,
/// `/ResourceTypes` and `/Schemas`, or from the run's own configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    Users,
    Groups,
    EnterpriseUser,
    Patch,
    Bulk,
    Filter,
    Sort,
    Etag,
    ChangePassword,
    Me,
    /// The run was given credentials, so the target is expected to refuse requests without them.
    Credentials,
    Search,
}

impl Capability {
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Users => "users",
            Capability::Groups => "groups",
            Capability::EnterpriseUser => "enterprise-user",
            Capability::Patch => "patch",
            Capability::Bulk => "bulk",
            Capability::Filter => "filter",
            Capability::Sort => "sort",
            Capability::Etag => "etag",
            Capability::ChangePassword => "change-password",
            Capability::Me => "me",
            Capability::Credentials => "credentials",
            Capability::Search => "search",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One case file as written (before the file-level defaults are folded into each case).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    #[serde(default)]
    pub spec: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub requires: Vec<Capability>,
    /// Named setup steps the cases use with `{ fixture: NAME }`; each a step template as
    /// written (`name`, `request`, `expect`, `capture`, default `vars`), expanded by the loader.
    #[serde(default)]
    pub fixtures: BTreeMap<String, Value>,
    pub cases: Vec<RawCase>,
}

/// A case as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub requirement: Option<String>,
    #[serde(default)]
    pub consequence: Option<String>,
    #[serde(default)]
    pub spec: Option<String>,
    #[serde(default)]
    pub also: Vec<String>,
    pub level: Level,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub requires: Vec<Capability>,
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    pub steps: Vec<RawStep>,
    #[serde(default)]
    pub cleanup: Vec<Request>,
}

/// A step as written: an ordinary step, the use of a named fixture of the file, or a group
/// of steps sent at once.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawStep {
    Fixture(FixtureUse),
    Parallel(ParallelSteps),
    Step(Box<Step>),
}

/// `{ name: …, parallel: [ step, step, … ] }`: 2 to 32 steps whose requests are sent
/// concurrently. The loader flattens them into the case's steps, each marked [`Concurrent`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParallelSteps {
    #[serde(default)]
    pub name: Option<String>,
    pub parallel: Vec<Step>,
}

/// Marks a step sent at once with the other steps of its group: the group is the case's
/// step `group` as written (0-based), the step its `member`-th request (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrent {
    pub group: usize,
    pub member: usize,
}

/// `{ fixture: user, as: u1, vars: { suffix: "-m1" } }`: the fixture `user` as a setup step,
/// its one capture named `u1`, its `{{suffix}}` placeholders filled with `-m1` (and `name:`
/// names the step here instead of the fixture's name).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureUse {
    pub fixture: String,
    #[serde(default, rename = "as")]
    pub capture_as: Option<String>,
    /// The step's name here, instead of the fixture's.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
}

/// A loaded case: the file's defaults applied, its origin recorded.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub requirement: Option<String>,
    /// What breaks in the client when the requirement does not hold (Entra cases).
    pub consequence: Option<String>,
    /// e.g. `RFC7644 §3.3` or `RFC7644 §3.3 L1302`.
    pub spec: String,
    /// Further sections the case exercises.
    pub also: Vec<String>,
    pub level: Level,
    pub tags: Vec<String>,
    pub requires: Vec<Capability>,
    pub vars: BTreeMap<String, Value>,
    pub steps: Vec<Step>,
    pub cleanup: Vec<Request>,
    /// The file the case came from (relative to its suite root) and the line of its `id`.
    pub origin: Origin,
}

impl Case {
    /// The section part of the spec reference, without a line suffix: `RFC7644 §3.3`.
    pub fn section(&self) -> &str {
        section_of(&self.spec)
    }

    /// What the case says about itself, without what it does: the part reporters read.
    pub fn info(&self) -> CaseInfo {
        CaseInfo {
            id: self.id.clone(),
            title: self.title.clone(),
            requirement: self.requirement.clone(),
            consequence: self.consequence.clone(),
            spec: self.spec.clone(),
            also: self.also.clone(),
            level: self.level,
            tags: self.tags.clone(),
            origin: self.origin.clone(),
        }
    }
}

/// The descriptive part of a test — its id, title, rule, level, tags and origin — without
/// steps. Reporters read this; a suite case gives one ([`Case::info`]), and so can anything
/// else that produces results (a step of the provisioning replay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseInfo {
    pub id: String,
    pub title: String,
    pub requirement: Option<String>,
    /// What breaks in the client when the requirement does not hold (Entra cases).
    pub consequence: Option<String>,
    /// e.g. `RFC7644 §3.3` or `RFC7644 §3.3 L1302`.
    pub spec: String,
    /// Further sections the test exercises.
    pub also: Vec<String>,
    pub level: Level,
    pub tags: Vec<String>,
    /// Where the test is written: a case file and line, or the input of a replay.
    pub origin: Origin,
}

impl CaseInfo {
    /// The section part of the spec reference, without a line suffix: `RFC7644 §3.3`.
    pub fn section(&self) -> &str {
        section_of(&self.spec)
    }
}

/// The section part of a spec reference: `RFC7644 §3.3 L1302` → `RFC7644 §3.3`.
fn section_of(spec: &str) -> &str {
    match spec.find(" L") {
        Some(i) if spec.starts_with("RFC") => &spec[..i],
        _ => spec,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.file, line),
            None => f.write_str(&self.file),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub setup: bool,
    /// When its expectations fail, the case does not apply to the target: it is skipped.
    #[serde(default)]
    pub assume: bool,
    #[serde(default)]
    pub repeat: Option<u32>,
    pub request: Request,
    #[serde(default)]
    pub expect: Expect,
    #[serde(default)]
    pub capture: BTreeMap<String, Capture>,
    /// Set by the loader on the steps of a `parallel:` group; never written in a file.
    #[serde(skip)]
    pub concurrent: Option<Concurrent>,
}

impl Step {
    /// Where the step is written in its case, as a pointer suffix under `steps`: `3`, or
    /// `3/parallel/1` for the second request of a parallel group written as step 4.
    pub fn written_at(&self, flat_index: usize, steps: &[Step]) -> String {
        let (step, member) = written_position(steps, flat_index);
        match member {
            Some(m) => format!("{step}/parallel/{m}"),
            None => step.to_string(),
        }
    }

    /// The step's label in messages and transcripts: `step 4 'name'`, or `step 4.2 'name'`
    /// for the second request of a parallel group written as step 4.
    pub fn label(&self, flat_index: usize, steps: &[Step]) -> String {
        let (step, member) = written_position(steps, flat_index);
        let number = match member {
            Some(m) => format!("{}.{}", step + 1, m + 1),
            None => (step + 1).to_string(),
        };
        match &self.name {
            Some(name) => format!("step {number} '{name}'"),
            None => format!("step {number}"),
        }
    }
}

/// The written position of the flat step `index`: the step of the case as written (0-based)
/// and, for a step of a parallel group, its place in the group.
fn written_position(steps: &[Step], index: usize) -> (usize, Option<usize>) {
    let mut written = 0;
    for (i, step) in steps.iter().enumerate().take(index + 1) {
        let continues_group = step.concurrent.is_some_and(|c| c.member > 0);
        if i > 0 && !continues_group {
            written += 1;
        }
    }
    (
        written,
        steps
            .get(index)
            .and_then(|s| s.concurrent)
            .map(|c| c.member),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// The credentials the run was configured with.
    #[default]
    Default,
    /// No `Authorization` header at all.
    None,
    /// A bearer token the target cannot know.
    Invalid,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub method: Method,
    pub path: String,
    #[serde(default)]
    pub query: BTreeMap<String, Value>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub auth: AuthMode,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub raw: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub status: Option<StatusSpec>,
    #[serde(default)]
    pub headers: BTreeMap<String, Matcher>,
    #[serde(default)]
    pub body: BTreeMap<String, Matcher>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub json: Option<bool>,
}

/// An accepted status: one code, a class (`2xx`), or a set of either.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum StatusSpec {
    One(StatusItem),
    Any(Vec<StatusItem>),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum StatusItem {
    Code(u16),
    Class(String),
}

impl StatusItem {
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            StatusItem::Code(code) => *code == status,
            StatusItem::Class(class) => class
                .chars()
                .next()
                .and_then(|c| c.to_digit(10))
                .is_some_and(|d| u32::from(status / 100) == d),
        }
    }
}

impl fmt::Display for StatusItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusItem::Code(code) => write!(f, "{code}"),
            StatusItem::Class(class) => f.write_str(class),
        }
    }
}

impl StatusSpec {
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            StatusSpec::One(item) => item.accepts(status),
            StatusSpec::Any(items) => items.iter().any(|i| i.accepts(status)),
        }
    }
}

impl fmt::Display for StatusSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusSpec::One(item) => write!(f, "{item}"),
            StatusSpec::Any(items) => {
                let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
                write!(f, "one of {}", parts.join(", "))
            }
        }
    }
}

/// Where a captured value comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Capture {
    /// A JSON pointer into the response body.
    Pointer(String),
    Source(CaptureSource),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureSource {
    #[serde(default)]
    pub header: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// Checks on one value (a header or a JSON pointer target). Every given check must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(default)]
    pub equals_ci: Option<String>,
    #[serde(default)]
    pub not_equals: Option<Value>,
    #[serde(default)]
    pub one_of: Option<Vec<Value>>,
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default)]
    pub absent: Option<bool>,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub contains: Option<Value>,
    #[serde(default)]
    pub not_contains: Option<Value>,
    #[serde(default)]
    pub length: Option<usize>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default, rename = "type")]
    pub kind: Option<JsonType>,
    #[serde(default)]
    pub gte: Option<Value>,
    #[serde(default)]
    pub lte: Option<Value>,
    #[serde(default)]
    pub each_matches_filter: Option<String>,
    #[serde(default)]
    pub sorted: Option<SortCheck>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    Null,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Null => "null",
        }
    }

    pub fn of(value: &Value) -> JsonType {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    pub fn accepts(self, value: &Value) -> bool {
        match (self, JsonType::of(value)) {
            (JsonType::Number, JsonType::Integer) => true,
            (want, got) => want == got,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortCheck {
    pub by: String,
    #[serde(default)]
    pub order: Option<SortOrder>,
    #[serde(default)]
    pub case_exact: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

/// A loaded set of cases, in file order.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    pub cases: Vec<Case>,
}
