//! Cases that read back a User attribute the target does not keep as sent: the RFC lets a
//! service provider alter or ignore what a client POSTs (RFC 7644 §3.3 L607-608), so such a
//! case is skipped with the calibration's evidence instead of failing the target. Likewise a
//! case that reads back, filters or sorts on, or patches a core User attribute the target's
//! `/Schemas` does not list: a service provider "may only support a subset of the schema"
//! (RFC 7644 §3.1 L429-431).

use super::attr_uses::{is_user_path, request_uses};
use super::Capabilities;
use crate::load::{Case, Method, Step};
use crate::profile::attr_use::UseKind;

/// The first attribute a body pointer reads: `/displayName`, `/Resources/0/displayName`,
/// `/Resources/*/displayName` → `displayName`.
fn attribute_of(pointer: &str) -> Option<&str> {
    let mut parts = pointer.trim_start_matches('/').split('/');
    let first = parts.next()?;
    if first.eq_ignore_ascii_case("Resources") {
        parts.next()?;
        return parts.next();
    }
    Some(first)
}

/// Why `case` cannot be judged on this target, if it reads back an altered User attribute or
/// uses one the target does not support.
pub fn skip_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
    altered_reason(case, capabilities).or_else(|| unsupported_reason(case, capabilities))
}

/// The core User attributes a step needs the target to keep: those its expectations read back
/// from a `/Users` answer (an expectation of absence needs nothing), those its query (or
/// `.search` body) filters or sorts on, and those a PATCH operation selects with a value filter
/// (`addresses[type eq "work"]`). What a request merely sends, removes or asks for is not
/// needed: the target may ignore it.
fn needed_user_attributes(step: &Step) -> Vec<String> {
    let mut names = Vec::new();
    let path = step.request.path.as_str();
    if is_user_path(path) {
        names.extend(
            step.expect
                .body
                .iter()
                .filter(|(_, m)| m.absent != Some(true) && m.present != Some(false))
                .filter_map(|(p, _)| attribute_of(p))
                .map(str::to_string),
        );
    }
    let mut uses = Vec::new();
    request_uses(&step.request, &[], &mut uses);
    names.extend(
        uses.into_iter()
            .filter(|u| u.urn.is_none() && u.kind == UseKind::Filter)
            .map(|u| u.name),
    );
    if step.request.method == Method::Patch && is_user_path(path) {
        let operations = step
            .request
            .body
            .as_ref()
            .and_then(|b| b.get("Operations"))
            .and_then(serde_json::Value::as_array);
        for op in operations.into_iter().flatten() {
            let Some((selected, _)) = op
                .get("path")
                .and_then(serde_json::Value::as_str)
                .and_then(|p| p.split_once('['))
            else {
                continue;
            };
            let name = selected.rsplit(':').next().unwrap_or(selected).trim();
            names.push(name.to_string());
        }
    }
    names
}

fn unsupported_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
    case.steps
        .iter()
        .flat_map(needed_user_attributes)
        .find_map(|name| {
            capabilities
                .unsupported_user_attribute(&name)
                .map(|evidence| {
                    format!(
                        "uses the User attribute {name}, which the target does not support \
                     ({evidence}); RFC 7644 §3.1 lets a server support a subset of the schema"
                    )
                })
        })
}

fn altered_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
    for step in &case.steps {
        let path = step.request.path.trim_start_matches('/');
        let on_users = path.len() >= 5 && path[..5].eq_ignore_ascii_case("users");
        if !on_users {
            continue;
        }
        for pointer in step.expect.body.keys() {
            let Some(name) = attribute_of(pointer) else {
                continue;
            };
            if let Some(evidence) = capabilities.altered_user_attribute(name) {
                return Some(format!(
                    "reads back {name}, which the target does not keep as sent ({evidence}); \
                     RFC 7644 §3.3 lets a server alter POSTed content"
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_name_their_attribute() {
        assert_eq!(attribute_of("/displayName"), Some("displayName"));
        assert_eq!(
            attribute_of("/Resources/0/displayName"),
            Some("displayName")
        );
        assert_eq!(attribute_of("/Resources/*/name/givenName"), Some("name"));
        assert_eq!(attribute_of("/Resources"), None);
    }

    #[test]
    fn a_case_reading_an_altered_attribute_is_skipped() {
        let suite = crate::load::load_sources([(
            "x.yaml".to_string(),
            "cases:\n  - id: reads-display-name\n    title: t\n    spec: RFC7644 §3.3\n    level: MUST\n    steps:\n      - request: { method: GET, path: /Users/1 }\n        expect: { body: { /displayName: { equals: a } } }\n      - request: { method: GET, path: /Groups/1 }\n        expect: { body: { /members: { present: true } } }\n"
                .to_string(),
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        let case = &suite.cases[0];
        let mut caps = Capabilities::default();
        assert_eq!(skip_reason(case, &caps), None);
        caps.record_altered_user_attribute("members", "sent [], read back none");
        assert_eq!(skip_reason(case, &caps), None, "only User reads count");
        caps.record_altered_user_attribute("displayName", "sent \"a\", read back \"b\"");
        let reason = skip_reason(case, &caps).unwrap_or_default();
        assert!(
            reason.contains("displayName") && reason.contains("read back \"b\""),
            "{reason}"
        );
    }

    fn one_case(steps: &str) -> Case {
        let text = format!(
            "tags: [global]\ncases:\n  - id: c\n    title: t\n    spec: RFC7644 §3.3\n    level: MUST\n    steps:\n{steps}"
        );
        let suite = crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"));
        suite.cases[0].clone()
    }

    #[test]
    fn a_case_needing_an_unsupported_attribute_is_skipped() {
        let mut caps = Capabilities::default();
        caps.record_unsupported_user_attribute(
            "title",
            "/Schemas: the User schema does not list title",
        );
        let sends_only = one_case("      - request: { method: POST, path: /Users, body: { userName: a, title: t } }\n        expect: { body: { /userName: { equals: a } } }\n");
        assert_eq!(
            skip_reason(&sends_only, &caps),
            None,
            "sending is not needing"
        );
        for steps in [
            "      - request: { method: GET, path: /Users/1 }\n        expect: { body: { /title: { equals: t } } }\n",
            "      - request: { method: GET, path: /Users, query: { filter: 'title eq \"t\"' } }\n",
            "      - request: { method: POST, path: /Users/.search, body: { sortBy: title } }\n",
            "      - request: { method: PATCH, path: /Users/1, body: { Operations: [{ op: replace, path: 'title[value eq \"t\"]', value: t }] } }\n",
        ] {
            let reason = skip_reason(&one_case(steps), &caps).unwrap_or_default();
            assert!(reason.contains("title") && reason.contains("does not list"), "{steps}: {reason}");
        }
    }
}
