//! Cases that read back a User attribute the target does not keep as sent: the RFC lets a
//! service provider alter or ignore what a client POSTs (RFC 7644 §3.3 L607-608), so such a
//! case is skipped with the calibration's evidence instead of failing the target.

use super::Capabilities;
use crate::load::Case;

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

/// Why `case` cannot be judged on this target, if it reads back an altered User attribute.
pub fn skip_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
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
}
