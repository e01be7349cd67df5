//! Target profiles: what a SCIM target supports, written as data (`profiles/NAME.toml`).
//!
//! A profile lists the User attributes a target supports or requires and their formats, how it
//! authenticates, its matching attribute and whether groups are provisioned. It feeds the
//! pipeline in one direction:
//! - the planner skips cases that need what the profile excludes ([`usage`]), with the reason;
//! - the runner gets test data that fits the profile ([`data`]): template variables such as
//!   `{{e164}}` or `{{profile.work_email_type}}`, and the profile's required attributes added
//!   to every User a case creates;
//! - the embedded server can behave like such a target (`scimspec serve --profile NAME`),
//!   checking resources with [`Profile::check_resource`].

pub mod data;
mod model;
pub mod usage;

use std::path::Path;

use thiserror::Error;

pub use model::{AttributeSpec, AuthMethod, AuthSpec, Format, ProfileFile, Unsupported};
pub use usage::{AttrUse, TypeInfo, UseKind};

use crate::load::Capability;
use crate::plan::Capabilities;
use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::PatchPath;

/// The core User schema URN (RFC 7643 §4.1).
pub const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The Enterprise User extension URN (RFC 7643 §4.3).
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// The profiles shipped with scimspec (`profiles/` in the repository).
pub const SHIPPED: &[(&str, &str)] = &[
    ("alexishr", include_str!("../../profiles/alexishr.toml")),
    ("okta", include_str!("../../profiles/okta.toml")),
    ("samanage", include_str!("../../profiles/samanage.toml")),
    ("xmatters", include_str!("../../profiles/xmatters.toml")),
];

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error(
        "unknown profile '{name}': use a shipped profile ({known}) or the path of a .toml file"
    )]
    Unknown { name: String, known: String },
    #[error("cannot read profile {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid profile {}", list(.0))]
    Invalid(Vec<ProfileProblem>),
}

fn list(problems: &[ProfileProblem]) -> String {
    if let [one] = problems {
        return one.to_string();
    }
    let lines: Vec<String> = problems.iter().map(|p| format!("\n  {p}")).collect();
    format!("({} problems):{}", problems.len(), lines.concat())
}

/// One problem in a profile file, with the file and the line where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub file: String,
    pub line: Option<usize>,
    pub problem: String,
}

impl std::fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

/// One supported attribute, parsed from its path.
#[derive(Debug, Clone)]
pub struct Attr {
    pub spec: AttributeSpec,
    /// The schema URN: the core User schema unless the path names another.
    pub urn: String,
    pub name: String,
    /// `X` of a `[type eq "X"]` value filter: the multi-valued attribute holds values of that type.
    pub type_value: Option<String>,
    /// True when the path has a value filter (a multi-valued attribute).
    pub multi: bool,
    pub sub: Option<String>,
}

impl Attr {
    fn matches(&self, urn: Option<&str>, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            && urn.unwrap_or(CORE_USER).eq_ignore_ascii_case(&self.urn)
    }

    /// The attribute written as in the profile, for messages.
    pub fn path(&self) -> &str {
        &self.spec.path
    }
}

/// A validated profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub file: ProfileFile,
    pub attrs: Vec<Attr>,
    /// Where it was loaded from: `profiles/xmatters.toml` or the user's path.
    pub origin: String,
}

/// Two profiles are the same when they come from the same file with the same name.
impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.origin == other.origin && self.file.name == other.file.name
    }
}

impl Eq for Profile {}

impl Profile {
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// Every supported attribute named `name` (in schema `urn`, default the core User schema).
    pub fn attrs_named(&self, urn: Option<&str>, name: &str) -> Vec<&Attr> {
        self.attrs.iter().filter(|a| a.matches(urn, name)).collect()
    }

    /// The attributes a User must carry on this target.
    pub fn required(&self) -> impl Iterator<Item = &Attr> {
        self.attrs.iter().filter(|a| a.spec.required)
    }

    /// True when the profile lists an Enterprise User attribute.
    pub fn has_enterprise_user(&self) -> bool {
        self.attrs
            .iter()
            .any(|a| a.urn.eq_ignore_ascii_case(ENTERPRISE_USER))
    }

    /// The value types declared for a multi-valued attribute (`emails` → `Work Email`, …).
    pub fn types_of(&self, name: &str) -> Vec<&str> {
        self.attrs_named(None, name)
            .into_iter()
            .filter_map(|a| a.type_value.as_deref())
            .collect()
    }

    /// How the embedded server authenticates as this target: Basic when that is the target's
    /// first method, a bearer token otherwise (an OAuth 2 token is a bearer token too).
    pub fn uses_basic(&self) -> bool {
        self.file.auth.methods.first() == Some(&AuthMethod::Basic)
    }

    /// A human-readable summary: what the target supports, requires and how it authenticates.
    pub fn describe(&self) -> String {
        let f = &self.file;
        let mut out = format!("{} — {} ({})\n", f.name, f.title, self.origin);
        if let Some(d) = &f.description {
            out.push_str(&format!("  {}\n", d.trim()));
        }
        let methods: Vec<&str> = f.auth.methods.iter().map(|m| m.as_str()).collect();
        out.push_str(&format!(
            "  auth: {}{}\n  matching: {}\n  groups: {}\n  enterprise user: {}\n  unsupported attributes: {}\n",
            methods.join(", "),
            if f.auth.domain { " (Basic with an account domain)" } else { "" },
            f.matching,
            if f.groups { "provisioned" } else { "not provisioned" },
            if self.has_enterprise_user() { "yes" } else { "no" },
            match f.unsupported {
                Unsupported::Reject => "rejected (400)",
                Unsupported::Ignore => "ignored",
            }
        ));
        if let Some(fa) = &f.filter_attributes {
            out.push_str(&format!("  filtering: only {}\n", fa.join(", ")));
        }
        out.push_str("  attributes:\n");
        for a in &self.attrs {
            let mut flags = Vec::new();
            if a.spec.required {
                flags.push("required".to_string());
            }
            if let Some(fmt) = a.spec.format {
                flags.push(fmt.as_str().to_string());
            }
            if !a.spec.values.is_empty() {
                flags.push(format!("one of {}", a.spec.values.join("|")));
            }
            out.push_str(&format!("    {:<72} {}\n", a.path(), flags.join(", ")));
        }
        out
    }

    /// Marks what the profile excludes as unsupported: groups when they are not provisioned,
    /// the Enterprise User extension when no attribute of it is listed.
    pub fn restrict(&self, capabilities: &mut Capabilities) {
        if !self.file.groups {
            capabilities.set(
                Capability::Groups,
                false,
                format!("profile {} does not provision groups", self.name()),
            );
        }
        if !self.has_enterprise_user() {
            capabilities.set(
                Capability::EnterpriseUser,
                false,
                format!(
                    "profile {} does not include the Enterprise User extension",
                    self.name()
                ),
            );
        }
    }

    /// Why a use of an attribute does not fit this target, if it does not.
    pub fn check_use(&self, u: &AttrUse) -> Result<(), String> {
        let shown = u.shown();
        // Common attributes (RFC 7643 §3.1) every resource has.
        if u.urn.is_none()
            && ["id", "meta", "schemas"]
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&u.name))
        {
            return Ok(());
        }
        let attrs = self.attrs_named(u.urn.as_deref(), &u.name);
        if attrs.is_empty() {
            return Err(format!("attribute {shown} is not supported"));
        }
        if u.kind == UseKind::Filter {
            if let Some(allowed) = &self.file.filter_attributes {
                let top = match &u.urn {
                    Some(urn) if !urn.eq_ignore_ascii_case(CORE_USER) => {
                        format!("{urn}:{}", u.name)
                    }
                    _ => u.name.clone(),
                };
                let ok = allowed.iter().any(|a| {
                    a.eq_ignore_ascii_case(&top)
                        || a.eq_ignore_ascii_case(&format!(
                            "{top}.{}",
                            u.sub.as_deref().unwrap_or("")
                        ))
                        || a.split(['.', '['])
                            .next()
                            .is_some_and(|t| t.eq_ignore_ascii_case(&top))
                });
                if !ok {
                    return Err(format!(
                        "filtering on {shown} is not supported (only {})",
                        allowed.join(", ")
                    ));
                }
            }
        }
        // The whole attribute is supported.
        if attrs.iter().any(|a| a.sub.is_none() && !a.multi) {
            return Ok(());
        }
        let multi = attrs.iter().any(|a| a.multi);
        if !multi {
            // A complex attribute with listed sub-attributes (name.givenName, …).
            return match &u.sub {
                None => Ok(()),
                Some(sub)
                    if attrs.iter().any(|a| {
                        a.sub
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case(sub))
                    }) =>
                {
                    Ok(())
                }
                Some(_) => Err(format!("attribute {shown} is not supported")),
            };
        }
        let types: Vec<&str> = attrs
            .iter()
            .filter_map(|a| a.type_value.as_deref())
            .collect();
        if types.is_empty() {
            return Ok(());
        }
        match &u.type_value {
            TypeInfo::NotAnElement => Ok(()),
            TypeInfo::Typed(t) if types.iter().any(|x| x.eq_ignore_ascii_case(t)) => Ok(()),
            TypeInfo::Typed(t) => Err(format!(
                "{} of type \"{t}\" is not supported (types: {})",
                u.name,
                quoted(&types)
            )),
            TypeInfo::Untyped => Err(format!(
                "{} without a type is not supported (types: {})",
                u.name,
                quoted(&types)
            )),
        }
    }

    /// Drops what the target does not support from a User's attributes, as a target that
    /// ignores unsupported attributes does: unknown attributes and extension attributes,
    /// unlisted sub-attributes, values of unlisted types. Extensions left empty go too.
    pub fn strip_unsupported(&self, attrs: &mut serde_json::Map<String, serde_json::Value>) {
        use serde_json::Value;
        let keys: Vec<String> = attrs.keys().cloned().collect();
        for key in keys {
            if ["schemas", "id", "meta", "groups"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&key))
            {
                continue;
            }
            let is_urn = key.len() > 4 && key[..4].eq_ignore_ascii_case("urn:");
            if is_urn {
                if let Some(Value::Object(ext)) = attrs.get_mut(&key) {
                    ext.retain(|name, _| !self.attrs_named(Some(&key), name).is_empty());
                    if ext.is_empty() {
                        attrs.remove(&key);
                    }
                }
                continue;
            }
            let supported = self.attrs_named(None, &key);
            if supported.is_empty() {
                attrs.remove(&key);
                continue;
            }
            if supported.iter().any(|a| a.sub.is_none() && !a.multi) {
                continue;
            }
            let Some(value) = attrs.get_mut(&key) else {
                continue;
            };
            let types: Vec<&str> = supported
                .iter()
                .filter_map(|a| a.type_value.as_deref())
                .collect();
            match value {
                Value::Array(items) if !types.is_empty() => items.retain(|item| {
                    item.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| types.iter().any(|x| x.eq_ignore_ascii_case(t)))
                }),
                Value::Object(subs) if !supported.iter().any(|a| a.multi) => {
                    subs.retain(|sub, _| {
                        supported.iter().any(|a| {
                            a.sub
                                .as_deref()
                                .is_some_and(|s| s.eq_ignore_ascii_case(sub))
                        })
                    })
                }
                _ => {}
            }
            let empty = match attrs.get(&key) {
                Some(Value::Array(a)) => a.is_empty(),
                Some(Value::Object(o)) => o.is_empty(),
                _ => false,
            };
            if empty {
                attrs.remove(&key);
            }
        }
    }

    /// The problems of a User resource on this target (for the embedded server in this
    /// profile): unsupported attributes (when the profile rejects them), value types and
    /// formats, missing required attributes.
    pub fn check_resource(&self, resource: &serde_json::Value) -> Vec<String> {
        let mut problems = Vec::new();
        let mut uses = Vec::new();
        usage::resource_uses(resource, UseKind::Write, &mut uses);
        if self.file.unsupported == Unsupported::Reject {
            for u in &uses {
                if let Err(p) = self.check_use(u) {
                    problems.push(p);
                }
            }
        }
        problems.extend(data::format_problems(self, resource));
        for attr in self.required() {
            if !data::has_value(resource, attr) {
                problems.push(format!("{} is required", attr.path()));
            }
        }
        problems.sort();
        problems.dedup();
        problems
    }
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the shipped profiles.
pub fn shipped_names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(n, _)| *n).collect()
}

/// Loads a shipped profile by name, or a profile file by path.
pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
    if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == name_or_path) {
        return parse(&format!("profiles/{name}.toml"), text);
    }
    let path = Path::new(name_or_path);
    let looks_like_path = name_or_path.ends_with(".toml") || name_or_path.contains(['/', '\\']);
    if !looks_like_path && !path.is_file() {
        return Err(ProfileError::Unknown {
            name: name_or_path.to_string(),
            known: shipped_names().join(", "),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
        path: name_or_path.to_string(),
        source,
    })?;
    parse(name_or_path, &text)
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line of the n-th (0-based) `[[attribute]]` table.
fn line_of_attribute(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[attribute]]"))
        .nth(index)
        .map(|(i, _)| i + 1)
}

fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Parses and checks a profile; every problem is reported at once.
pub fn parse(origin: &str, text: &str) -> Result<Profile, ProfileError> {
    let problem = |line: Option<usize>, problem: String| ProfileProblem {
        file: origin.to_string(),
        line,
        problem,
    };
    let file: ProfileFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(text, s.start));
        ProfileError::Invalid(vec![problem(line, e.message().trim().to_string())])
    })?;
    let mut problems = Vec::new();
    let name_ok = file
        .name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && file
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !name_ok {
        problems.push(problem(
            line_of_key(text, "name"),
            format!(
                "name '{}' must be lower-case letters, digits, '-' or '_'",
                file.name
            ),
        ));
    }
    if file.auth.methods.is_empty() {
        problems.push(problem(
            line_of_key(text, "methods"),
            "auth.methods must list at least one of bearer, basic, oauth2".into(),
        ));
    }
    let mut attrs = Vec::new();
    for (i, spec) in file.attributes.iter().enumerate() {
        let line = line_of_attribute(text, i);
        match parse_attr(spec) {
            Ok(attr) => {
                if attrs.iter().any(|a: &Attr| {
                    a.matches(Some(&attr.urn), &attr.name)
                        && a.sub == attr.sub
                        && a.type_value == attr.type_value
                }) {
                    problems.push(problem(line, format!("{} is listed twice", spec.path)));
                }
                if attr.multi && attr.type_value.is_none() && !spec.path.contains("primary") {
                    problems.push(problem(
                        line,
                        format!(
                            "{}: a value filter must be [type eq \"…\"] (or [primary eq true])",
                            spec.path
                        ),
                    ));
                }
                attrs.push(attr);
            }
            Err(e) => problems.push(problem(line, e)),
        }
    }
    let listed = |path: &str| {
        let top = path.split(['.', '[']).next().unwrap_or(path);
        attrs
            .iter()
            .any(|a| a.spec.path.eq_ignore_ascii_case(path) || a.name.eq_ignore_ascii_case(top))
    };
    if !listed(&file.matching) {
        problems.push(problem(
            line_of_key(text, "matching"),
            format!(
                "matching attribute {} is not among the attributes",
                file.matching
            ),
        ));
    }
    for f in file.filter_attributes.iter().flatten() {
        if !listed(f) {
            problems.push(problem(
                line_of_key(text, "filter_attributes"),
                format!("filter attribute {f} is not among the attributes"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ProfileError::Invalid(problems));
    }
    Ok(Profile {
        file,
        attrs,
        origin: origin.to_string(),
    })
}

fn parse_attr(spec: &AttributeSpec) -> Result<Attr, String> {
    let path = PatchPath::parse(&spec.path).map_err(|e| format!("attribute {e}"))?;
    let type_value = path.filter.as_ref().and_then(type_of_filter);
    Ok(Attr {
        spec: spec.clone(),
        urn: path
            .attr
            .urn
            .clone()
            .unwrap_or_else(|| CORE_USER.to_string()),
        name: path.attr.name.clone(),
        multi: path.filter.is_some(),
        type_value,
        sub: path.sub_attr.clone(),
    })
}

fn type_of_filter(filter: &Filter) -> Option<String> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::String(s),
        } if path.name.eq_ignore_ascii_case("type") => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_load() {
        for name in shipped_names() {
            let p = load(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.name(), name);
        }
    }

    #[test]
    fn xmatters_types_and_extension() {
        let p = load("xmatters").unwrap();
        assert_eq!(p.types_of("emails"), vec!["Work Email", "Home Email"]);
        assert_eq!(p.types_of("phoneNumbers"), vec!["Work Phone", "Home Phone"]);
        assert!(!p.has_enterprise_user());
        assert!(load("alexishr").unwrap().has_enterprise_user());
        assert!(!load("samanage").unwrap().file.groups);
    }

    #[test]
    fn problems_name_file_and_line() {
        let text = "name = \"x\"\ntitle = \"X\"\n\n[[attribute]]\npath = \"userName\"\n\n[[attribute]]\npath = \"emails[bogus\"\n";
        let err = parse("my.toml", text).unwrap_err().to_string();
        assert!(err.contains("my.toml:7:"), "{err}");
        let err = parse("my.toml", "name = \"x\"\ntitle = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("my.toml:2:"), "{err}");
        let err = parse("my.toml", "name = \"x\"\ntitle = \"t\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("my.toml:3:") && err.contains("bogus"), "{err}");
    }

    #[test]
    fn a_target_that_ignores_drops_what_it_does_not_support() {
        let p = load("alexishr").unwrap();
        let mut attrs = serde_json::json!({
            "userName": "u", "nickName": "n", "title": "t",
            "name": {"givenName": "g", "familyName": "f", "middleName": "m"},
            "emails": [{"type": "work", "value": "w@x.io"}, {"type": "home", "value": "h@x.io"}],
            "addresses": [{"type": "work", "locality": "x"}],
            ENTERPRISE_USER: {"department": "d", "employeeNumber": "1"},
            "urn:example:ext": {"a": 1}
        });
        let Some(map) = attrs.as_object_mut() else {
            panic!()
        };
        p.strip_unsupported(map);
        assert_eq!(
            attrs,
            serde_json::json!({
                "userName": "u", "title": "t",
                "name": {"givenName": "g", "familyName": "f"},
                "emails": [{"type": "work", "value": "w@x.io"}],
                ENTERPRISE_USER: {"department": "d"}
            })
        );
    }

    #[test]
    fn unknown_name_lists_the_shipped_ones() {
        let err = load("nope").unwrap_err().to_string();
        assert!(err.contains("xmatters") && err.contains("okta"), "{err}");
    }

    #[test]
    fn checks_uses_against_the_profile() {
        let p = load("xmatters").unwrap();
        let u = |name: &str, sub: Option<&str>, t: TypeInfo| AttrUse {
            urn: None,
            name: name.into(),
            sub: sub.map(str::to_string),
            type_value: t,
            kind: UseKind::Write,
        };
        assert!(p
            .check_use(&u("userName", None, TypeInfo::NotAnElement))
            .is_ok());
        assert!(p
            .check_use(&u("name", Some("givenName"), TypeInfo::NotAnElement))
            .is_ok());
        assert_eq!(
            p.check_use(&u("name", Some("middleName"), TypeInfo::NotAnElement)),
            Err("attribute name.middleName is not supported".to_string())
        );
        assert_eq!(
            p.check_use(&u("nickName", None, TypeInfo::NotAnElement)),
            Err("attribute nickName is not supported".to_string())
        );
        assert!(p
            .check_use(&u("emails", None, TypeInfo::Typed("work email".into())))
            .is_ok());
        let err = p
            .check_use(&u("emails", None, TypeInfo::Typed("work".into())))
            .unwrap_err();
        assert!(err.contains("\"Work Email\""), "{err}");
        let mut f = u("emails", Some("value"), TypeInfo::NotAnElement);
        f.kind = UseKind::Filter;
        assert!(p.check_use(&f).is_ok());
        let a = load("alexishr").unwrap();
        let err = a.check_use(&f).unwrap_err();
        assert!(err.contains("only userName"), "{err}");
    }
}
