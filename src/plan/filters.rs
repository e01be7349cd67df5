//! Cases whose list queries filter with an operator, or on an attribute, the target refuses: RFC 7644 §3.12 Table 9
//! lets a service provider answer 400 `invalidFilter` when "the specified attribute and filter
//! comparison combination is not supported", and §3.4.2.2 L926 makes filtering OPTIONAL, so
//! such a case is skipped with the evidence (calibration's refusal, or the
//! ServiceProviderConfig's `filter.supported=false`) instead of failing the target. The filters
//! a provisioning client cannot do without (`userName eq`, `externalId eq`,
//! `emails[type eq "work"].value eq`, Group `displayName eq`) stay in the Entra and Okta cases:
//! there a refusal is the client's consequence to report. PATCH value-filter paths are not
//! list filters and are left alone; so are discovery endpoints, which refuse filters anyway.

use serde_json::Value;

use super::Capabilities;
use crate::load::{with_sample_values, Capability, Case, Method, Request};
use crate::scim::filter::{self, CompValue, CompareOp, Filter};

/// Tags of the cases that replay a provisioning client's own requests.
const CLIENT_TAGS: [&str; 2] = ["entra", "okta"];

/// Endpoints whose `filter` parameter is not a list filter (RFC 7644 §4: refused with 403).
const DISCOVERY: [&str; 3] = ["schemas", "resourcetypes", "serviceproviderconfig"];

/// Why `case` cannot be judged on this target, if one of its list queries uses a filter
/// operator the target refuses.
pub fn skip_reason(case: &Case, capabilities: &Capabilities) -> Option<String> {
    let client_case = case.tags.iter().any(|t| CLIENT_TAGS.contains(&t.as_str()));
    for step in &case.steps {
        for (endpoint, text) in list_filters(&step.request) {
            let Ok(parsed) = filter::parse(&with_sample_values(&text)) else {
                continue;
            };
            if client_case && is_provisioning_filter(&parsed, &endpoint) {
                continue;
            }
            if !capabilities.supports(Capability::Filter) {
                let evidence = capabilities
                    .evidence(Capability::Filter)
                    .unwrap_or("not supported");
                return Some(format!(
                    "filters a list ({text}), and the target does not support filtering \
                     ({evidence}); RFC 7644 §3.4.2.2 makes filtering optional"
                ));
            }
            for operator in parsed.operators() {
                if let Some(evidence) = capabilities.refused_filter_operator(operator) {
                    return Some(format!(
                        "the target refuses filters with `{operator}` (calibration: {evidence}); \
                         RFC 7644 §3.12 allows it"
                    ));
                }
            }
            for attribute in filtered_attributes(&parsed) {
                if let Some(evidence) = capabilities.refused_filter_attribute(&attribute) {
                    return Some(format!(
                        "the target refuses filters on `{attribute}` (calibration: {evidence}); \
                         RFC 7644 §3.12 allows it"
                    ));
                }
            }
        }
    }
    None
}

/// True when a step of `case` filters or sorts a list of resources: the target evaluates
/// that over everything stored at the moment, other cases' data included.
pub fn filters_a_list(case: &Case) -> bool {
    case.steps.iter().any(|step| {
        let request = &step.request;
        !list_filters(request).is_empty()
            || request.query.contains_key("sortBy")
            || request.path.contains("sortBy=")
    })
}

/// The attribute paths a filter compares or tests, as written without a schema URN: `name`,
/// `name.familyName`, and `emails.type` for `emails[type eq "work"]`.
fn filtered_attributes(f: &Filter) -> Vec<String> {
    let named = |name: &str, sub: Option<&str>| match sub {
        Some(sub) => format!("{name}.{sub}"),
        None => name.to_string(),
    };
    match f {
        Filter::And(a, b) | Filter::Or(a, b) => {
            let mut out = filtered_attributes(a);
            out.extend(filtered_attributes(b));
            out
        }
        Filter::Not(inner) => filtered_attributes(inner),
        Filter::Compare { path, .. } | Filter::Present(path) => {
            vec![named(&path.name, path.sub_attr.as_deref())]
        }
        Filter::ValuePath { attr, filter } => filtered_attributes(filter)
            .into_iter()
            .map(|sub| named(&attr.name, Some(&sub)))
            .collect(),
    }
}

/// The list filters a request sends, with the endpoint they list (lower case, first path
/// segment, `""` for the root): the `filter` query parameter (in `query` or in the path's
/// query string) and the `filter` of a `.search` body.
fn list_filters(request: &Request) -> Vec<(String, String)> {
    let (path, query_string) = match request.path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (request.path.as_str(), None),
    };
    let endpoint = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if DISCOVERY.contains(&endpoint.as_str()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(text) = request.query.get("filter").and_then(Value::as_str) {
        out.push((endpoint.clone(), text.to_string()));
    }
    for pair in query_string.unwrap_or_default().split('&') {
        if let Some(value) = pair.strip_prefix("filter=") {
            out.push((endpoint.clone(), form_decoded(value)));
        }
    }
    if request.method == Method::Post && path.ends_with("/.search") {
        if let Some(text) = request
            .body
            .as_ref()
            .and_then(|b| b.get("filter"))
            .and_then(Value::as_str)
        {
            out.push((endpoint, text.to_string()));
        }
    }
    out
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn form_decoded(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A filter a provisioning client needs to match what it provisions: `userName eq`,
/// `externalId eq`, `emails[type eq "work"].value eq` on Users, `displayName eq` on Groups.
fn is_provisioning_filter(f: &Filter, endpoint: &str) -> bool {
    let is_eq_on = |f: &Filter, name: &str| {
        matches!(f, Filter::Compare { path, op: CompareOp::Eq, .. }
            if path.name.eq_ignore_ascii_case(name) && path.sub_attr.is_none())
    };
    match endpoint {
        "users" => {
            is_eq_on(f, "userName")
                || is_eq_on(f, "externalId")
                || matches!(f, Filter::ValuePath { attr, filter }
                    if attr.name.eq_ignore_ascii_case("emails") && is_work_email_match(filter))
        }
        "groups" => is_eq_on(f, "displayName"),
        _ => false,
    }
}

/// `type eq "work" and value eq …`: Entra's `emails[type eq "work"].value eq …` desugared.
fn is_work_email_match(f: &Filter) -> bool {
    let Filter::And(a, b) = f else {
        return false;
    };
    let work = matches!(a.as_ref(), Filter::Compare { path, op: CompareOp::Eq, value: CompValue::String(v) }
        if path.name.eq_ignore_ascii_case("type") && v.eq_ignore_ascii_case("work"));
    let value = matches!(b.as_ref(), Filter::Compare { path, op: CompareOp::Eq, .. }
        if path.name.eq_ignore_ascii_case("value"));
    work && value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(tags: &str, request: &str) -> Case {
        // `global`: these fixtures filter on constants, which the loader otherwise refuses.
        let tags = if tags.is_empty() {
            "global".to_string()
        } else {
            format!("global, {tags}")
        };
        let text = format!(
            "tags: [{tags}]\ncases:\n  - id: c\n    title: t\n    spec: RFC7644 §3.4.2.2\n    level: MUST\n    steps:\n      - request: {request}\n"
        );
        let suite = crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"));
        suite.cases[0].clone()
    }

    fn refusing(ops: &[&str]) -> Capabilities {
        let mut caps = Capabilities::default();
        for op in ops {
            caps.record_refused_filter_operator(op, "400 invalidFilter");
        }
        caps
    }

    #[test]
    fn a_refused_operator_skips_the_case_with_the_evidence() {
        let c = case(
            "users",
            r#"{ method: GET, path: /Users, query: { filter: 'userName sw "{{uid}}." and title pr' } }"#,
        );
        assert_eq!(skip_reason(&c, &refusing(&["co"])), None);
        assert_eq!(
            skip_reason(&c, &refusing(&["co", "sw"])).as_deref(),
            Some(
                "the target refuses filters with `sw` (calibration: 400 invalidFilter); \
                 RFC 7644 §3.12 allows it"
            )
        );
        let reason = skip_reason(&c, &refusing(&["pr"])).unwrap_or_default();
        assert!(reason.contains("`pr`"), "{reason}");
    }

    #[test]
    fn a_refused_attribute_skips_the_cases_filtering_on_it() {
        let mut caps = Capabilities::default();
        caps.record_refused_filter_attribute("name.familyName", "400 invalidFilter");
        let scoped = case(
            "users",
            r#"{ method: GET, path: /Users, query: { filter: 'NAME.FAMILYNAME eq "{{uid}}" and title eq "x"' } }"#,
        );
        assert_eq!(
            skip_reason(&scoped, &caps).as_deref(),
            Some(
                "the target refuses filters on `NAME.FAMILYNAME` (calibration: 400 invalidFilter); \
                 RFC 7644 §3.12 allows it"
            )
        );
        let other = case(
            "users",
            r#"{ method: GET, path: /Users, query: { filter: 'name.givenName eq "{{uid}}" and emails[type eq "work"]' } }"#,
        );
        assert_eq!(skip_reason(&other, &caps), None);
    }

    #[test]
    fn filtered_attributes_name_sub_attributes_and_value_paths() {
        let parsed = filter::parse(
            r#"name.familyName eq "a" and not (title pr) or emails[type eq "work" and value co "x"]"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            filtered_attributes(&parsed),
            ["name.familyName", "title", "emails.type", "emails.value"]
        );
    }

    #[test]
    fn search_bodies_and_encoded_paths_count_but_patch_paths_and_discovery_do_not() {
        let search = case(
            "search",
            r#"{ method: POST, path: /Users/.search, body: { schemas: [urn:ietf:params:scim:api:messages:2.0:SearchRequest], filter: 'userName co "a"' } }"#,
        );
        assert!(skip_reason(&search, &refusing(&["co"])).is_some());
        let encoded = case(
            "users",
            "{ method: GET, path: '/Users?filter=userName+ew+%22{{uid}}%22' }",
        );
        assert!(skip_reason(&encoded, &refusing(&["ew"])).is_some());
        let patch = case(
            "patch",
            r#"{ method: PATCH, path: /Users/1, body: { schemas: [urn:ietf:params:scim:api:messages:2.0:PatchOp], Operations: [{ op: remove, path: 'emails[value co "x"]' }] } }"#,
        );
        assert_eq!(skip_reason(&patch, &refusing(&["co"])), None);
        let discovery = case(
            "discovery",
            r#"{ method: GET, path: /Schemas, query: { filter: 'id sw "urn"' } }"#,
        );
        assert_eq!(skip_reason(&discovery, &refusing(&["sw"])), None);
    }

    #[test]
    fn provisioning_filters_keep_client_cases_running() {
        let mut no_filter = Capabilities::default();
        no_filter.set(
            Capability::Filter,
            false,
            "ServiceProviderConfig filter.supported=false",
        );
        let work_email = r#"{ method: GET, path: /Users, query: { filter: 'emails[type eq "work"].value eq "{{uid}}@x.example"' } }"#;
        let group =
            r#"{ method: GET, path: /Groups, query: { filter: 'displayName eq "{{uid}}"' } }"#;
        let user = r#"{ method: GET, path: /Users, query: { filter: 'userName eq "{{uid}}"' } }"#;
        for request in [work_email, group, user] {
            assert_eq!(
                skip_reason(&case("entra", request), &no_filter),
                None,
                "{request}"
            );
            assert_eq!(
                skip_reason(&case("okta", request), &refusing(&["and", "eq"])),
                None,
                "{request}"
            );
            let reason = skip_reason(&case("users", request), &no_filter).unwrap_or_default();
            assert!(reason.contains("filter.supported=false"), "{reason}");
        }
        let other = r#"{ method: GET, path: /Users, query: { filter: 'userName sw "{{uid}}"' } }"#;
        assert!(skip_reason(&case("entra", other), &refusing(&["sw"])).is_some());
        let displayname_on_users =
            r#"{ method: GET, path: /Users, query: { filter: 'displayName eq "x"' } }"#;
        assert!(skip_reason(&case("entra", displayname_on_users), &refusing(&["eq"])).is_some());
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decoded("a+eq+%22b%22"), "a eq \"b\"");
        assert_eq!(form_decoded("100%"), "100%");
        assert_eq!(form_decoded("%zz"), "%zz");
    }
}
