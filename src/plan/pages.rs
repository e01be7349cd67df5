//! Cases that expect more resources on one page than the target says it answers: the RFC lets
//! a service provider return fewer results than `count` asks (RFC 7644 §3.4.2.4 L1361-1370:
//! "MAY return fewer results"; without `count` "the maximum number of results is set by the
//! service provider"), and `filter.maxResults` says how many at most (RFC 7643 §5 L1532-1533).
//! Such a case is skipped with the advertised limit, instead of failing the target.

use serde_json::Value;

use super::Capabilities;
use crate::load::{Case, Matcher};

/// How many resources one expectation needs on a page: `/Resources` with `length` or
/// `min_length`, `/Resources/N/…` (N + 1), `/itemsPerPage` equal to a number.
fn page_needs(pointer: &str, matcher: &Matcher) -> usize {
    let mut parts = pointer.trim_start_matches('/').split('/');
    let first = parts.next().unwrap_or_default();
    if first.eq_ignore_ascii_case("itemsPerPage") {
        return matcher
            .equals
            .as_ref()
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
    }
    if !first.eq_ignore_ascii_case("Resources") {
        return 0;
    }
    match parts.next() {
        None => matcher.length.max(matcher.min_length).unwrap_or(0),
        Some(index) => index.parse::<usize>().map_or(0, |i| i + 1),
    }
}

/// Why `case` cannot be judged on this target, if one of its steps expects a page larger than
/// the target's `filter.maxResults`.
pub fn skip_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
    let (max, evidence) = capabilities.max_results()?;
    let needed = case
        .steps
        .iter()
        .flat_map(|s| s.expect.body.iter())
        .map(|(pointer, matcher)| page_needs(pointer, matcher))
        .max()?;
    (needed > max).then(|| {
        format!(
            "expects {needed} resources on one page, more than the target answers ({evidence}); \
             RFC 7644 §3.4.2.4 lets a server return fewer results than count asks"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case_expecting(expect: &str) -> Case {
        let text = format!(
            "cases:\n  - id: c\n    title: t\n    spec: RFC7644 §3.4.2.4\n    level: MUST\n    steps:\n      - request: {{ method: GET, path: /Users }}\n        expect: {{ body: {{ {expect} }} }}\n"
        );
        let suite = crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"));
        suite.cases[0].clone()
    }

    #[test]
    fn a_case_expecting_a_larger_page_than_max_results_is_skipped() {
        let mut caps = Capabilities::default();
        let three = case_expecting("/Resources: { length: 3 }");
        assert_eq!(skip_reason(&three, &caps), None, "no limit advertised");
        caps.set_max_results(2, "ServiceProviderConfig says filter.maxResults=2");
        let reason = skip_reason(&three, &caps).unwrap_or_default();
        assert!(
            reason.contains("expects 3") && reason.contains("maxResults=2"),
            "{reason}"
        );
        for needs_three in [
            "/Resources: { min_length: 3 }",
            "/Resources/2/id: { present: true }",
            "/itemsPerPage: { equals: 3 }",
        ] {
            assert!(
                skip_reason(&case_expecting(needs_three), &caps).is_some(),
                "{needs_three}"
            );
        }
        for fits in [
            "/Resources: { length: 2 }",
            "/Resources/1/id: { present: true }",
            "/itemsPerPage: { equals: 2 }",
            "/totalResults: { equals: 3 }",
            "/Resources: { max_length: 5 }",
        ] {
            assert_eq!(skip_reason(&case_expecting(fits), &caps), None, "{fits}");
        }
    }
}
