//! Uses of User attributes in SCIM JSON: which attributes (sub-attributes, value types) a
//! User resource body or a PATCH operation sends, clears, filters on or asks for. Whether a
//! profile supports a use is [`super::Profile::check_use`].

use serde_json::Value;

use super::CORE_USER;
use crate::scim::{AttrPath, PatchPath};

/// How a case uses an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseKind {
    /// Sends a value.
    Write,
    /// Clears it (PATCH remove, `null`, an empty array).
    Remove,
    /// Filters or sorts on it.
    Filter,
    /// Asks for it (`attributes`, `excludedAttributes`).
    Read,
}

/// For a value of a multi-valued attribute: its `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeInfo {
    /// The use is not one value of a multi-valued attribute.
    NotAnElement,
    Typed(String),
    Untyped,
}

/// One use of a User attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrUse {
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
    pub type_value: TypeInfo,
    pub kind: UseKind,
}

impl AttrUse {
    fn new(urn: Option<&str>, name: &str, sub: Option<&str>, kind: UseKind) -> Self {
        Self {
            urn: urn
                .filter(|u| !u.eq_ignore_ascii_case(CORE_USER))
                .map(str::to_string),
            name: name.to_string(),
            sub: sub.map(str::to_string),
            type_value: TypeInfo::NotAnElement,
            kind,
        }
    }

    /// The use of the attribute an attribute path names.
    pub fn from_path(path: &AttrPath, kind: UseKind) -> Self {
        Self::new(
            path.urn.as_deref(),
            &path.name,
            path.sub_attr.as_deref(),
            kind,
        )
    }

    /// `name`, `name.sub` or `urn:…:name` for messages.
    pub fn shown(&self) -> String {
        let mut s = match &self.urn {
            Some(u) => format!("{u}:{}", self.name),
            None => self.name.clone(),
        };
        if let Some(sub) = &self.sub {
            s.push('.');
            s.push_str(sub);
        }
        s
    }
}

const NOT_ATTRIBUTES: &[&str] = &["schemas", "id", "meta"];

/// True for `schemas`, `id` and `meta`: what every resource has (RFC 7643 §3.1), not a User
/// attribute a target may or may not support.
pub fn is_common_attribute(name: &str) -> bool {
    NOT_ATTRIBUTES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Every attribute a User resource body uses (keys, sub-attributes, value types).
pub fn resource_uses(resource: &Value, kind: UseKind, out: &mut Vec<AttrUse>) {
    let Some(obj) = resource.as_object() else {
        return;
    };
    for (key, value) in obj {
        if is_common_attribute(key) {
            continue;
        }
        let is_urn = key.len() > 4 && key[..4].eq_ignore_ascii_case("urn:");
        match value {
            // An extension object: `"urn:…:enterprise:2.0:User": { "department": … }`.
            Value::Object(ext) if is_urn && is_schema_urn(key) => {
                for (name, v) in ext {
                    attribute_uses(Some(key), name, None, v, kind, out);
                }
            }
            _ => match AttrPath::parse(key) {
                Ok(path) => attribute_uses(
                    path.urn.as_deref(),
                    &path.name,
                    path.sub_attr.as_deref(),
                    value,
                    kind,
                    out,
                ),
                Err(_) => out.push(AttrUse::new(None, key, None, kind)),
            },
        }
    }
}

/// `urn:…:enterprise:2.0:User` names a schema (its value holds the extension's attributes);
/// `urn:…:core:2.0:User:name` names an attribute. Schema names start with a capital letter.
fn is_schema_urn(key: &str) -> bool {
    key.rsplit(':')
        .next()
        .and_then(|last| last.chars().next())
        .is_some_and(|c| c.is_ascii_uppercase())
}

/// The uses of one attribute's value: sub-attributes of a complex value, the type of each
/// value of a multi-valued one; `null` or `[]` clear it.
fn attribute_uses(
    urn: Option<&str>,
    name: &str,
    sub: Option<&str>,
    value: &Value,
    kind: UseKind,
    out: &mut Vec<AttrUse>,
) {
    let cleared = |v: &Value| v.is_null() || v.as_array().is_some_and(Vec::is_empty);
    let kind_for = |v: &Value| if cleared(v) { UseKind::Remove } else { kind };
    if sub.is_some() {
        out.push(AttrUse::new(urn, name, sub, kind_for(value)));
        return;
    }
    match value {
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                let mut u = AttrUse::new(urn, name, None, kind);
                u.type_value = match item.get("type") {
                    Some(Value::String(t)) => TypeInfo::Typed(t.clone()),
                    _ if item.is_object() => TypeInfo::Untyped,
                    _ => TypeInfo::NotAnElement,
                };
                out.push(u);
            }
        }
        Value::Object(subs) if !subs.is_empty() && !name.eq_ignore_ascii_case("manager") => {
            for (s, v) in subs {
                out.push(AttrUse::new(urn, name, Some(s), kind_for(v)));
            }
        }
        other => out.push(AttrUse::new(urn, name, None, kind_for(other))),
    }
}

/// The uses of a PATCH operation on a User.
pub fn patch_operation_uses(op: &Value, out: &mut Vec<AttrUse>) {
    let value = op.get("value").unwrap_or(&Value::Null);
    let cleared = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
    let kind = match op.get("op").and_then(Value::as_str) {
        Some(o) if o.eq_ignore_ascii_case("remove") => UseKind::Remove,
        // `replace` with null or [] clears the attribute (RFC 7643 §2.5).
        Some(_) if cleared && op.get("path").is_some() => UseKind::Remove,
        _ => UseKind::Write,
    };
    match op.get("path").and_then(Value::as_str) {
        None => resource_uses(value, kind, out),
        Some(path) => {
            let Ok(p) = PatchPath::parse(path) else {
                return;
            };
            if is_common_attribute(&p.attr.name) {
                return;
            }
            let filter_type = p.filter.as_ref().and_then(super::parse::type_of_filter);
            if p.filter.is_some() || p.attr.sub_attr.is_some() || p.sub_attr.is_some() {
                let mut u = AttrUse::new(
                    p.attr.urn.as_deref(),
                    &p.attr.name,
                    p.sub_attr.as_deref().or(p.attr.sub_attr.as_deref()),
                    kind,
                );
                if p.filter.is_some() {
                    u.sub = None;
                    u.type_value = filter_type.map_or(TypeInfo::NotAnElement, TypeInfo::Typed);
                }
                out.push(u);
            } else if kind == UseKind::Remove {
                out.push(AttrUse::new(
                    p.attr.urn.as_deref(),
                    &p.attr.name,
                    None,
                    kind,
                ));
            } else {
                attribute_uses(p.attr.urn.as_deref(), &p.attr.name, None, value, kind, out);
            }
        }
    }
}
