//! Checks a response against a step's expectations: status, headers, body pointers,
//! JSON Schema. Returns every broken expectation as one sentence.

use serde_json::Value;

use super::matchers::check;
use super::schemas;
use crate::http::RecordedResponse;
use crate::load::Expect;
use crate::scim::{pointer, text};
use crate::template::{TemplateError, Vars};

fn body_excerpt(body: &str) -> String {
    text::truncate(&text::single_line(body), 300)
}

/// What a response body says, for a wrong status: a SCIM error's `scimType` and `detail` in
/// words (` (scimType invalidFilter: "…")`), else the body on one line, cut.
fn status_body(body: &str) -> String {
    if body.trim().is_empty() {
        return String::new();
    }
    let error = serde_json::from_str::<Value>(body).ok().and_then(|json| {
        let field = |name: &str| {
            pointer::get(&json, &format!("/{name}"))
                .and_then(Value::as_str)
                .map(|v| text::truncate(&text::single_line(v), 200))
        };
        match (field("scimType"), field("detail")) {
            (None, None) => None,
            (Some(kind), None) => Some(format!(" (scimType {kind})")),
            (None, Some(detail)) => Some(format!(" (detail \"{detail}\")")),
            (Some(kind), Some(detail)) => Some(format!(" (scimType {kind}: \"{detail}\")")),
        }
    });
    error.unwrap_or_else(|| format!(" with body {}", body_excerpt(body)))
}

pub fn evaluate(
    expect: &Expect,
    response: &RecordedResponse,
    vars: &Vars,
) -> Result<Vec<String>, TemplateError> {
    let mut out = Vec::new();
    if let Some(status) = &expect.status {
        if !status.accepts(response.status) {
            let body = status_body(&response.body);
            out.push(format!(
                "expected status {status}, got {}{body}",
                response.status
            ));
            // Nothing else about the response is meaningful once the status is wrong.
            return Ok(out);
        }
    }
    for (name, matcher) in &expect.headers {
        let value = response.header(name).map(|v| Value::String(v.to_string()));
        out.extend(check(
            matcher,
            value.as_ref(),
            &format!("header {name}"),
            vars,
        )?);
    }
    let needs_json =
        expect.json == Some(true) || !expect.body.is_empty() || expect.schema.is_some();
    if needs_json && response.json.is_none() {
        out.push(format!(
            "expected a JSON body, got {}",
            if response.body.trim().is_empty() {
                "an empty body".to_string()
            } else {
                format!("\"{}\"", body_excerpt(&response.body))
            }
        ));
        return Ok(out);
    }
    if let Some(body) = &response.json {
        for (ptr, matcher) in &expect.body {
            for (at, value) in pointer::resolve(body, ptr) {
                let at = if at.is_empty() {
                    "body".to_string()
                } else {
                    at
                };
                out.extend(check(matcher, value, &at, vars)?);
            }
        }
        if let Some(name) = &expect.schema {
            out.extend(schemas::validate(name, Some(body)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn answer(json: Value) -> RecordedResponse {
        RecordedResponse {
            status: 200,
            headers: Vec::new(),
            body: json.to_string(),
            json: Some(json),
        }
    }

    fn problems(schema: &str, json: Value) -> Vec<String> {
        let expect = Expect {
            schema: Some(schema.to_string()),
            ..Expect::default()
        };
        evaluate(&expect, &answer(json), &Vars::new()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_wrong_status_says_what_a_scim_error_says() {
        let error = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": "400", "scimType": "invalidFilter", "detail": "no\nsuch"});
        assert_eq!(
            status_body(&error.to_string()),
            " (scimType invalidFilter: \"no such\")"
        );
        assert_eq!(
            status_body(r#"{"detail":"sorting"}"#),
            " (detail \"sorting\")"
        );
        assert_eq!(status_body("oops"), " with body oops");
        assert_eq!(status_body(""), "");
    }

    fn service_provider_config() -> Value {
        let feature = json!({"supported": false});
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": feature, "changePassword": feature, "sort": feature, "etag": feature,
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": false, "maxResults": 0},
            "authenticationSchemes": [],
        })
    }

    fn resource_type() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User", "name": "User", "endpoint": "/Users",
            "schema": "urn:ietf:params:scim:schemas:core:2.0:User",
        })
    }

    /// RFC 7643 §3.1 L849-852: the common attributes, meta included, are not required of the
    /// ServiceProviderConfig and ResourceType discovery resources: absent or null is fine.
    #[test]
    fn discovery_resources_may_have_no_meta_or_a_null_one() {
        for (schema, doc) in [
            ("ServiceProviderConfig", service_provider_config()),
            ("ResourceType", resource_type()),
        ] {
            for meta in [
                None,
                Some(Value::Null),
                Some(
                    json!({"resourceType": null, "created": null, "lastModified": null,
                            "location": null, "version": null}),
                ),
            ] {
                let mut doc = doc.clone();
                if let (Some(meta), Some(o)) = (&meta, doc.as_object_mut()) {
                    o.insert("meta".into(), meta.clone());
                }
                assert_eq!(
                    problems(schema, doc),
                    Vec::<String>::new(),
                    "{schema} {meta:?}"
                );
            }
            // What is there is still checked.
            let mut doc = doc.clone();
            doc["meta"] = json!({"created": "yesterday"});
            assert!(!problems(schema, doc).is_empty(), "{schema}");
        }
    }

    #[test]
    fn a_user_with_a_null_meta_is_refused() {
        let user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "1", "userName": "u", "meta": null,
        });
        assert!(!problems("User", user).is_empty());
    }
}
