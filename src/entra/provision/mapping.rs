//! Entra's default attribute mapping for a non-gallery SCIM application (ENTRA-CATALOG §3):
//! where each value comes from in Entra, where it goes in the SCIM resource, and the values
//! a user exports. The request bodies built from them are in `bodies`.

use serde_json::Value;

use super::input::SourceUser;
use crate::scim::pointer;
use crate::scim::urn::ENTERPRISE_USER as ENTERPRISE;

/// Where a mapped value comes from in Entra.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A direct mapping of an Entra attribute.
    Attribute(&'static str),
    /// `Join(" ", [givenName], [surname])`.
    JoinNames,
    /// `Switch([IsSoftDeleted], , "False", "True", "True", "False")`.
    NotSoftDeleted,
}

impl Source {
    pub fn describe(self) -> String {
        match self {
            Source::Attribute(a) => a.to_string(),
            Source::JoinNames => "Join(\" \", [givenName], [surname])".into(),
            Source::NotSoftDeleted => {
                "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")".into()
            }
        }
    }
}

/// Where a mapped value goes in the SCIM resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A core attribute: `userName`, `title`.
    Attr(&'static str),
    /// A sub-attribute: `name.givenName`.
    Sub(&'static str, &'static str),
    /// A typed element of a multi-valued attribute: `emails[type eq "work"].value`.
    Typed {
        attr: &'static str,
        kind: &'static str,
        sub: &'static str,
    },
    /// An enterprise extension attribute.
    Ext(&'static str),
    /// The enterprise `manager` reference (set in a second pass).
    Manager,
    /// `active`, from `Switch([IsSoftDeleted], …)`: the strings "True"/"False" in the default
    /// dialect, booleans with the flag.
    Active,
}

impl Target {
    /// The attribute path as Entra writes it in PATCH requests and in its mapping editor.
    pub fn path(self) -> String {
        match self {
            Target::Attr(a) => a.to_string(),
            Target::Sub(a, s) => format!("{a}.{s}"),
            Target::Typed { attr, kind, sub } => format!("{attr}[type eq \"{kind}\"].{sub}"),
            Target::Ext(name) => format!("{ENTERPRISE}:{name}"),
            Target::Manager => format!("{ENTERPRISE}:manager"),
            Target::Active => ACTIVE_PATH.to_string(),
        }
    }

    /// Value-filter paths (and `active`) stay separate operations in the aadOptscim062020
    /// dialect.
    pub fn filtered(self) -> bool {
        matches!(self, Target::Typed { .. } | Target::Active)
    }

    /// Reads this attribute from a SCIM resource as returned by the target.
    pub fn read(self, resource: &Value) -> Option<Value> {
        let obj = resource.as_object()?;
        let found = match self {
            Target::Attr(a) => pointer::get_key(obj, a).cloned(),
            Target::Sub(a, s) => pointer::get_key(obj, a)
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, s))
                .cloned(),
            Target::Typed { attr, kind, sub } => pointer::get_key(obj, attr)
                .and_then(Value::as_array)
                .and_then(|items| {
                    items.iter().find(|i| {
                        i.as_object()
                            .and_then(|o| pointer::get_key(o, "type"))
                            .and_then(Value::as_str)
                            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
                    })
                })
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, sub))
                .cloned(),
            Target::Ext(name) => pointer::get_key(obj, ENTERPRISE)
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, name))
                .cloned(),
            Target::Manager => pointer::get_key(obj, ENTERPRISE)
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, "manager"))
                .and_then(|m| match m {
                    Value::Object(o) => pointer::get_key(o, "value").cloned(),
                    other => Some(other.clone()),
                }),
            Target::Active => pointer::get_key(obj, ACTIVE_PATH).map(|v| match v {
                Value::String(s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
                other => other.clone(),
            }),
        };
        found.filter(|v| !v.is_null() && v != &Value::String(String::new()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping {
    pub source: Source,
    pub target: Target,
}

/// The target of Entra's `active` row.
pub const ACTIVE_PATH: &str = "active";

const fn row(source: Source, target: Target) -> Mapping {
    Mapping { source, target }
}

/// A direct mapping of the Entra attribute `attribute`.
const fn direct(attribute: &'static str, target: Target) -> Mapping {
    row(Source::Attribute(attribute), target)
}

const fn typed(attr: &'static str, kind: &'static str, sub: &'static str) -> Target {
    Target::Typed { attr, kind, sub }
}

const fn work_address(sub: &'static str) -> Target {
    typed("addresses", "work", sub)
}

/// Entra's default user mapping for a non-gallery SCIM application (22 rows).
/// `userName` (from userPrincipalName) has matching precedence 1.
pub const DEFAULT_USER_MAPPING: &[Mapping] = &[
    direct("userPrincipalName", Target::Attr("userName")),
    row(Source::NotSoftDeleted, Target::Active),
    direct("displayName", Target::Attr("displayName")),
    direct("jobTitle", Target::Attr("title")),
    direct("mail", typed("emails", "work", "value")),
    direct("preferredLanguage", Target::Attr("preferredLanguage")),
    direct("givenName", Target::Sub("name", "givenName")),
    direct("surname", Target::Sub("name", "familyName")),
    row(Source::JoinNames, Target::Sub("name", "formatted")),
    direct("physicalDeliveryOfficeName", work_address("formatted")),
    direct("streetAddress", work_address("streetAddress")),
    direct("city", work_address("locality")),
    direct("state", work_address("region")),
    direct("postalCode", work_address("postalCode")),
    direct("country", work_address("country")),
    direct("telephoneNumber", typed("phoneNumbers", "work", "value")),
    direct("mobile", typed("phoneNumbers", "mobile", "value")),
    direct(
        "facsimileTelephoneNumber",
        typed("phoneNumbers", "fax", "value"),
    ),
    direct("mailNickname", Target::Attr("externalId")),
    direct("employeeId", Target::Ext("employeeNumber")),
    direct("department", Target::Ext("department")),
    direct("manager", Target::Manager),
];

/// The mapping in use: the default rows minus those the file removes (by target path,
/// case-insensitively). Removing `userName` or `active` is refused.
pub fn user_mapping(remove: &[String]) -> Result<Vec<Mapping>, String> {
    for r in remove {
        if r.eq_ignore_ascii_case("userName") || r.eq_ignore_ascii_case(ACTIVE_PATH) {
            return Err(format!("mapping.remove: '{r}' cannot be removed"));
        }
        if !DEFAULT_USER_MAPPING
            .iter()
            .any(|m| m.target.path().eq_ignore_ascii_case(r))
        {
            let known: Vec<String> = DEFAULT_USER_MAPPING
                .iter()
                .map(|m| m.target.path())
                .collect();
            return Err(format!(
                "mapping.remove: '{r}' is not a target of the default mapping ({})",
                known.join(", ")
            ));
        }
    }
    Ok(DEFAULT_USER_MAPPING
        .iter()
        .copied()
        .filter(|m| {
            !remove
                .iter()
                .any(|r| m.target.path().eq_ignore_ascii_case(r))
        })
        .collect())
}

/// The value a mapping row produces for a user (None: null in Entra, not provisioned).
pub fn source_value(user: &SourceUser, source: Source) -> Option<Value> {
    match source {
        Source::Attribute(a) => user.get(a).cloned(),
        Source::JoinNames => {
            let parts: Vec<&str> = ["givenName", "surname"]
                .iter()
                .filter_map(|a| user.text(a))
                .collect();
            (!parts.is_empty()).then(|| Value::String(parts.join(" ")))
        }
        Source::NotSoftDeleted => Some(Value::Bool(user.enabled())),
    }
}

/// Every exported (target, value) of a user, in mapping order. The manager's value is the
/// manager's userPrincipalName here; the replay resolves it to a SCIM id.
pub fn exported(user: &SourceUser, mapping: &[Mapping]) -> Vec<(Target, Value)> {
    mapping
        .iter()
        .filter_map(|m| source_value(user, m.source).map(|v| (m.target, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_default_mapping_has_entras_22_rows() {
        assert_eq!(DEFAULT_USER_MAPPING.len(), 22);
        let paths: Vec<String> = DEFAULT_USER_MAPPING
            .iter()
            .map(|m| m.target.path())
            .collect();
        assert!(paths.contains(&"emails[type eq \"work\"].value".to_string()));
        assert!(paths.contains(&format!("{ENTERPRISE}:employeeNumber")));
    }

    #[test]
    fn reads_targets_from_resources() {
        let r = json!({"EMAILS": [{"type": "Work", "value": "w"}],
                       ENTERPRISE: {"manager": {"value": "m1"}}, "name": {"givenName": "A"}});
        assert_eq!(typed("emails", "work", "value").read(&r), Some(json!("w")));
        assert_eq!(Target::Manager.read(&r), Some(json!("m1")));
        assert_eq!(Target::Sub("name", "familyName").read(&r), None);
    }
}
