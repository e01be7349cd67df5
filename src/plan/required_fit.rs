//! Cases whose premise a target's required attributes rule out (RFC 7643 §7: an attribute may
//! be "required"): a case that clears a required User attribute (sends it `null`, or a required
//! sub-attribute `null`), that sends a fixed raw body lacking one, or that tests which users
//! have one with `pr` cannot be judged where every User must have it. Such a case is skipped
//! with the attribute named.

use serde_json::Value;

use super::Capabilities;
use crate::load::{Case, Method};
use crate::scim::pointer::get_key;

fn on_users(path: &str) -> bool {
    let p = path.trim_start_matches('/');
    p.len() >= 5 && p[..5].eq_ignore_ascii_case("users") && !p.ends_with("/.search")
}

/// The first required attribute a User body sets to `null` (or whose value is an object with
/// a `null` member).
fn cleared<'a>(body: &Value, required: &[&'a str]) -> Option<&'a str> {
    let object = body.as_object()?;
    required
        .iter()
        .copied()
        .find(|name| match get_key(object, name) {
            Some(Value::Null) => true,
            Some(Value::Object(o)) => o.values().any(Value::is_null),
            _ => false,
        })
}

/// Why `case` cannot be judged on a target requiring these User attributes, if it cannot.
pub fn skip_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
    let required: Vec<&str> = capabilities.required_user_attributes().collect();
    if required.is_empty() {
        return None;
    }
    let reason = |name: &str, what: &str| {
        format!(
            "{what} {name}, which the target's /Schemas declares required on User (RFC 7643 §7): \
             the case's premise cannot hold there"
        )
    };
    for step in &case.steps {
        let request = &step.request;
        let writes = matches!(request.method, Method::Post | Method::Put | Method::Patch);
        if writes && on_users(&request.path) {
            if let Some(body) = &request.body {
                if let Some(name) = cleared(body, &required) {
                    return Some(reason(name, "clears"));
                }
            }
            if let Some(raw) = &request.raw {
                let lower = raw.to_ascii_lowercase();
                if let Some(name) = required
                    .iter()
                    .find(|n| !lower.contains(&format!("\"{n}\"")))
                {
                    return Some(reason(name, "sends a fixed body without"));
                }
            }
        }
        let filter = request
            .query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("filter"))
            .and_then(|(_, v)| v.as_str());
        if let (true, Some(filter)) = (on_users(&request.path), filter) {
            let lower = filter.to_ascii_lowercase();
            if let Some(name) = required.iter().find(|n| lower.contains(&format!("{n} pr"))) {
                return Some(reason(name, "tests with `pr` which users have"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(steps: &str) -> Case {
        let text = format!(
            "tags: [global]\ncases:\n  - id: c\n    title: t\n    spec: RFC7643 §2.5\n    level: MUST\n    steps:\n{steps}"
        );
        let suite = crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"));
        suite.cases[0].clone()
    }

    #[test]
    fn clearing_a_required_attribute_or_testing_its_presence_is_skipped() {
        let mut caps = Capabilities::default();
        let nulls = case("      - request: { method: POST, path: /Users, body: { userName: u, name: { givenName: A, familyName: null } } }\n");
        let pr = case("      - request: { method: GET, path: /Users, query: { filter: 'name pr and userName eq \"u\"' } }\n");
        let raw =
            case("      - request: { method: POST, path: /Users, raw: '{\"userName\": \"u\"}' }\n");
        assert_eq!(
            skip_reason(&nulls, &caps),
            None,
            "nothing required: nothing skipped"
        );
        caps.record_required_user_attribute("name");
        for c in [&nulls, &pr, &raw] {
            let reason = skip_reason(c, &caps).unwrap_or_default();
            assert!(
                reason.contains("name") && reason.contains("RFC 7643 §7"),
                "{reason}"
            );
        }
        let fine = case("      - request: { method: POST, path: /Users, body: { userName: u, name: { givenName: A } } }\n");
        assert_eq!(skip_reason(&fine, &caps), None);
    }
}
