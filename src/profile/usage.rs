//! Which User attributes a case uses, read from its requests, and why a case does not fit a
//! profile: an attribute, value type or filter the target does not support, the removal of an
//! attribute it requires, or test data the profile cannot provide.

use serde_json::Value;

use super::{data, Profile};
use crate::load::{Case, Method, Request};
use crate::scim::urn::USER as CORE_USER;
use crate::scim::{AttrPath, PatchPath};
use crate::template;

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

    fn from_path(path: &AttrPath, kind: UseKind) -> Self {
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

/// Every attribute a User resource body uses (keys, sub-attributes, value types).
pub fn resource_uses(resource: &Value, kind: UseKind, out: &mut Vec<AttrUse>) {
    let Some(obj) = resource.as_object() else {
        return;
    };
    for (key, value) in obj {
        if NOT_ATTRIBUTES.iter().any(|n| n.eq_ignore_ascii_case(key)) {
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
fn patch_uses(op: &Value, out: &mut Vec<AttrUse>) {
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
            if NOT_ATTRIBUTES
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&p.attr.name))
            {
                return;
            }
            let filter_type = p.filter.as_ref().and_then(super::type_of_filter);
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

fn query_uses(key: &str, value: &str, out: &mut Vec<AttrUse>) {
    match key {
        "filter" => {
            if let Ok(filter) = crate::scim::filter::parse(value) {
                for p in filter.attribute_paths() {
                    out.push(AttrUse::from_path(&p, UseKind::Filter));
                }
            }
        }
        "sortBy" => {
            if let Ok(p) = AttrPath::parse(value.trim()) {
                out.push(AttrUse::from_path(&p, UseKind::Filter));
            }
        }
        "attributes" | "excludedAttributes" => {
            for part in value.split(',') {
                if let Ok(p) = AttrPath::parse(part.trim()) {
                    if !NOT_ATTRIBUTES
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(&p.name))
                    {
                        out.push(AttrUse::from_path(&p, UseKind::Read));
                    }
                }
            }
        }
        _ => {}
    }
}

fn is_user_path(path: &str) -> bool {
    let p = path.split('?').next().unwrap_or(path);
    p.starts_with("/Users") || p == "/Me" || p.starts_with("/Me/")
}

/// Replaces the profile's static variables (`{{profile.…}}`) in every string; other
/// placeholders stay as they are.
fn with_profile_vars(value: &Value, vars: &[(String, Option<String>)]) -> Value {
    match value {
        Value::String(s) => {
            let mut s = s.clone();
            for (name, v) in vars {
                if let Some(v) = v {
                    s = s.replace(&format!("{{{{{name}}}}}"), v);
                }
            }
            Value::String(s)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| with_profile_vars(i, vars)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), with_profile_vars(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The JSON body of a request: `body`, or a `raw` body that parses as JSON (a raw body that
/// does not is a malformed-JSON case and uses no attribute).
fn body_of(request: &Request, vars: &[(String, Option<String>)]) -> Option<Value> {
    match (&request.body, &request.raw) {
        (Some(b), _) => Some(with_profile_vars(b, vars)),
        (None, Some(raw)) => serde_json::from_str::<Value>(raw)
            .ok()
            .map(|b| with_profile_vars(&b, vars)),
        (None, None) => None,
    }
}

/// Every attribute use of one request, given the profile's static variables.
pub fn request_uses(request: &Request, vars: &[(String, Option<String>)], out: &mut Vec<AttrUse>) {
    let path = request.path.as_str();
    let body = body_of(request, vars);
    let user = is_user_path(path);
    if user || path.ends_with("/.search") {
        for (k, v) in &request.query {
            if let Value::String(s) = with_profile_vars(v, vars) {
                query_uses(k, &s, out);
            }
        }
    }
    let Some(body) = body else {
        return;
    };
    if path.ends_with("/.search") && (user || path == "/.search") {
        for key in ["filter", "sortBy", "attributes", "excludedAttributes"] {
            match body.get(key) {
                Some(Value::String(s)) => query_uses(key, s, out),
                Some(Value::Array(items)) => {
                    let joined: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    query_uses(key, &joined.join(","), out);
                }
                _ => {}
            }
        }
        return;
    }
    match (request.method, user, path) {
        (Method::Post | Method::Put, true, _) => resource_uses(&body, UseKind::Write, out),
        (Method::Patch, true, _) => {
            for op in body
                .get("Operations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                patch_uses(op, out);
            }
        }
        (Method::Post, false, "/Bulk") => {
            for op in body
                .get("Operations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let op_path = op.get("path").and_then(Value::as_str).unwrap_or("");
                if !is_user_path(op_path) {
                    continue;
                }
                let method = op.get("method").and_then(Value::as_str).unwrap_or("");
                let data = op.get("data").unwrap_or(&Value::Null);
                if method.eq_ignore_ascii_case("PATCH") {
                    for o in data
                        .get("Operations")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        patch_uses(o, out);
                    }
                } else {
                    resource_uses(data, UseKind::Write, out);
                }
            }
        }
        _ => {}
    }
}

/// True when an expectation of the case mentions `text` in a value (e.g. an extension URN
/// expected in `schemas`).
fn expects_text(case: &Case, text: &str) -> bool {
    case.steps.iter().any(|s| {
        s.expect.body.values().any(|m| {
            [&m.equals, &m.contains, &m.not_contains]
                .into_iter()
                .flatten()
                .any(|v| v.to_string().contains(text))
        })
    })
}

/// Why `case` cannot run against a target of this profile, if it cannot.
pub fn skip_reason(profile: &Profile, case: &Case) -> Option<String> {
    let vars = data::static_vars(Some(profile));
    let prefix = format!("profile {}", profile.name());

    // Test data the profile cannot provide.
    let mut referenced = Vec::new();
    for request in case.steps.iter().map(|s| &s.request) {
        if let Ok(names) = template::variables(&request.path) {
            referenced.extend(names.into_iter().map(str::to_string));
        }
        if let Some(body) = &request.body {
            let _ = template::variables_in_value(body, &mut referenced);
        }
        for v in request.query.values() {
            let _ = template::variables_in_value(v, &mut referenced);
        }
    }
    for value in case.vars.values() {
        let _ = template::variables_in_value(value, &mut referenced);
    }
    for name in &referenced {
        if let Some((_, None)) = vars.iter().find(|(n, _)| n == name) {
            return Some(format!(
                "{prefix} has no {} ({{{{{name}}}}})",
                data::describe(name)
            ));
        }
    }

    let mut uses = Vec::new();
    for step in &case.steps {
        request_uses(&step.request, &vars, &mut uses);
    }
    // Whether the case looks at an attribute (or one sub-attribute of it): filters or sorts
    // on it, asks for it, or checks it in a response.
    let looks_at = |urn: Option<&str>, name: &str, sub: Option<&str>| {
        let same_sub = |other: Option<&str>| match (sub, other) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => true,
        };
        uses.iter().any(|u| {
            matches!(u.kind, UseKind::Filter | UseKind::Read)
                && u.name.eq_ignore_ascii_case(name)
                && same_sub(u.sub.as_deref())
                && u.urn
                    .as_deref()
                    .unwrap_or(CORE_USER)
                    .eq_ignore_ascii_case(urn.unwrap_or(CORE_USER))
        }) || urn.is_some_and(|u| !u.eq_ignore_ascii_case(CORE_USER) && expects_text(case, u))
            || case.steps.iter().any(|s| {
                s.expect.body.keys().any(|p| {
                    let segs: Vec<&str> = p.split('/').collect();
                    segs.iter().enumerate().any(|(i, seg)| {
                        (seg.eq_ignore_ascii_case(name) && same_sub(segs.get(i + 1).copied()))
                            || urn.is_some_and(|u| seg.eq_ignore_ascii_case(u))
                                && segs
                                    .get(i + 1)
                                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                })
            })
    };
    let mut reasons: Vec<String> = Vec::new();
    // A target without groups has no /Groups endpoint.
    if !profile.file.groups
        && case
            .steps
            .iter()
            .any(|s| s.request.path.starts_with("/Groups"))
    {
        reasons.push("groups are not provisioned".into());
    }
    // What the case modifies with PUT or PATCH: on a target that ignores an attribute, such a
    // modification changes nothing (no new version, no lastModified, no schema added).
    let mut modified = Vec::new();
    for step in &case.steps {
        if matches!(step.request.method, Method::Put | Method::Patch) {
            request_uses(&step.request, &vars, &mut modified);
        }
    }
    for u in &uses {
        if let Err(why) = profile.check_use(u) {
            // A target that ignores what it does not support only defeats a case that looks
            // at what it dropped, or that modifies it.
            let ignored = profile.file.unsupported == super::Unsupported::Ignore
                && matches!(u.kind, UseKind::Write | UseKind::Remove)
                && !modified.contains(u);
            if !ignored || looks_at(u.urn.as_deref(), &u.name, None) {
                reasons.push(why);
            }
        }
        if u.kind == UseKind::Remove {
            let required = profile.required().find(|a| {
                a.matches(u.urn.as_deref(), &u.name)
                    && (u.sub.is_none()
                        || a.sub.is_none()
                        || a.sub.as_deref().map(str::to_ascii_lowercase)
                            == u.sub.as_deref().map(str::to_ascii_lowercase)
                        || a.multi)
                    && match (&u.type_value, &a.type_value) {
                        (TypeInfo::Typed(t), Some(at)) => t.eq_ignore_ascii_case(at),
                        _ => true,
                    }
            });
            if let Some(a) = required {
                reasons.push(format!("the case clears {}, which is required", a.path()));
            }
        }
    }
    // A User created without a required attribute gets one from the runner; a case that
    // looks at that attribute (filters on it, asks for it, checks it) would see the addition.
    let mut bodies: Vec<Value> = Vec::new();
    for step in &case.steps {
        let r = &step.request;
        let Some(body) = body_of(r, &vars) else {
            continue;
        };
        // The runner sends a raw body as written: it cannot add required attributes to it.
        if r.body.is_none()
            && matches!(r.method, Method::Post | Method::Put)
            && is_user_path(&r.path)
        {
            for attr in profile.required() {
                if data::would_add(&body, attr) {
                    reasons.push(format!(
                        "the case sends a User as raw text without {}, which is required",
                        attr.path()
                    ));
                }
            }
        }
        match r.method {
            Method::Post | Method::Put
                if is_user_path(&r.path) && !r.path.ends_with("/.search") =>
            {
                bodies.push(body)
            }
            Method::Post if r.path == "/Bulk" => {
                for op in body
                    .get("Operations")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let m = op.get("method").and_then(Value::as_str).unwrap_or("");
                    let p = op.get("path").and_then(Value::as_str).unwrap_or("");
                    if (m.eq_ignore_ascii_case("POST") || m.eq_ignore_ascii_case("PUT"))
                        && is_user_path(p)
                    {
                        bodies.push(op.get("data").cloned().unwrap_or_default());
                    }
                }
            }
            _ => {}
        }
    }
    // Values a case sends that do not fit the profile's formats (a phone number that is not
    // E.164): the target refuses them, so the case cannot run there.
    for body in &bodies {
        for problem in data::format_problems(profile, body) {
            reasons.push(format!(
                "the case sends a value that does not fit: {problem}"
            ));
        }
    }
    for attr in profile.required() {
        // A case sending some values of a multi-valued attribute, but not the required one:
        // the runner leaves values a case sends alone, so the target refuses the User.
        if attr.multi
            && bodies.iter().any(|b| {
                !data::would_add(b, attr) && data::is_user_resource(b) && !data::has_value(b, attr)
            })
        {
            reasons.push(format!(
                "the case sends {} without {}, which is required",
                attr.name,
                attr.path()
            ));
        }
        if !bodies.iter().any(|b| data::would_add(b, attr)) {
            continue;
        }
        let sub = if attr.multi {
            None
        } else {
            attr.sub.as_deref()
        };
        if looks_at(Some(&attr.urn), &attr.name, sub) {
            reasons.push(format!(
                "the case creates a User without {}, which is required (scimspec adds one), and looks at {}",
                attr.path(),
                attr.name
            ));
        }
    }
    reasons.dedup();
    if reasons.is_empty() {
        None
    } else {
        let mut unique: Vec<String> = Vec::new();
        for r in reasons {
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        Some(format!("{prefix}: {}", unique.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::load;

    fn case(steps: &str) -> Case {
        let text = format!(
            "spec: RFC7644 §3.3\ncases:\n  - id: c\n    title: t\n    level: MUST\n    steps:\n{steps}"
        );
        crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"))
            .cases
            .remove(0)
    }

    const POST_WORK_EMAIL: &str = "      - request:\n          method: POST\n          path: /Users\n          body: { schemas: [urn:ietf:params:scim:schemas:core:2.0:User], userName: \"{{uid}}\", emails: [{ type: work, value: \"a@b.io\" }] }\n";

    #[test]
    fn unsupported_types_skip_on_a_rejecting_target() {
        let reason = skip_reason(&load("xmatters").unwrap(), &case(POST_WORK_EMAIL));
        assert_eq!(
            reason.as_deref(),
            Some("profile xmatters: emails of type \"work\" is not supported (types: \"Work Email\", \"Home Email\")")
        );
    }

    #[test]
    fn profile_types_fit() {
        let steps = POST_WORK_EMAIL.replace("type: work", "type: \"{{profile.work_email_type}}\"");
        assert_eq!(skip_reason(&load("xmatters").unwrap(), &case(&steps)), None);
    }

    #[test]
    fn ignoring_targets_skip_only_what_the_case_looks_at() {
        let alexis = load("alexishr").unwrap();
        let sends = POST_WORK_EMAIL.replace(
            "userName: \"{{uid}}\"",
            "userName: \"{{uid}}\", nickName: n",
        );
        // The nickName is dropped, nothing looks at it; the work email is required and sent.
        assert_eq!(skip_reason(&alexis, &case(&sends)), None);
        let looks =
            format!("{sends}        expect: {{ body: {{ /nickName: {{ equals: n }} }} }}\n");
        let reason = skip_reason(&alexis, &case(&looks)).unwrap_or_default();
        assert!(
            reason.contains("attribute nickName is not supported"),
            "{reason}"
        );
    }

    #[test]
    fn filters_removals_and_missing_test_data() {
        let alexis = load("alexishr").unwrap();
        let filter =
            "      - request: { method: GET, path: /Users, query: { filter: 'title eq \"x\"' } }\n";
        let reason = skip_reason(&alexis, &case(filter)).unwrap_or_default();
        assert!(
            reason.contains("filtering on title is not supported (only userName)"),
            "{reason}"
        );
        let remove = "      - request: { method: PATCH, path: /Users/1, body: { schemas: [urn:ietf:params:scim:api:messages:2.0:PatchOp], Operations: [{ op: remove, path: active }] } }\n";
        let reason = skip_reason(&alexis, &case(remove)).unwrap_or_default();
        assert!(
            reason.contains("clears active, which is required"),
            "{reason}"
        );
        let home = POST_WORK_EMAIL.replace("type: work", "type: \"{{profile.home_email_type}}\"");
        let reason = skip_reason(&alexis, &case(&home)).unwrap_or_default();
        assert_eq!(
            reason,
            "profile alexishr has no home email type ({{profile.home_email_type}})"
        );
        let phone = POST_WORK_EMAIL.replace(
            "emails: [{ type: work, value: \"a@b.io\" }]",
            "emails: [{ type: work, value: \"a@b.io\" }], phoneNumbers: [{ type: work, value: \"555-0100\" }]",
        );
        let reason = skip_reason(&alexis, &case(&phone)).unwrap_or_default();
        assert!(reason.contains("must be in e164 format"), "{reason}");
    }
}
