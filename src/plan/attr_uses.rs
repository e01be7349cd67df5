//! Which User attributes a case's requests use: the bodies of POST, PUT and PATCH on
//! `/Users`, the operations of a `/Bulk` request, and the `filter`, `sortBy`, `attributes` and
//! `excludedAttributes` of a query or a `/.search`.

use serde_json::Value;

use crate::load::{Method, Request};
use crate::profile::attr_use::{
    is_common_attribute, patch_operation_uses, resource_uses, AttrUse, UseKind,
};
use crate::scim::AttrPath;

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
                    if !is_common_attribute(&p.name) {
                        out.push(AttrUse::from_path(&p, UseKind::Read));
                    }
                }
            }
        }
        _ => {}
    }
}

pub(super) fn is_user_path(path: &str) -> bool {
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
pub(super) fn body_of(request: &Request, vars: &[(String, Option<String>)]) -> Option<Value> {
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
                patch_operation_uses(op, out);
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
                        patch_operation_uses(o, out);
                    }
                } else {
                    resource_uses(data, UseKind::Write, out);
                }
            }
        }
        _ => {}
    }
}
