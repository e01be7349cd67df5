//! Message bodies (SearchRequest, PatchOp, BulkRequest) must name their schema URI
//! (RFC 7644 §3.4.3, §3.5.2, §3.7); without it they are 400 `invalidSyntax`.

use serde_json::{Map, Value};

use super::error::ScimError;
use crate::scim::pointer::get_key;

/// 400 `invalidSyntax` unless `schemas` lists `urn` (compared case-insensitively);
/// `message` names the body in the error, e.g. "SearchRequest".
pub fn require_schema(obj: &Map<String, Value>, urn: &str, message: &str) -> Result<(), ScimError> {
    let listed = get_key(obj, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(urn)))
        });
    if listed {
        Ok(())
    } else {
        Err(ScimError::invalid_syntax(format!(
            "the {message} needs \"schemas\": [\"{urn}\"]"
        )))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::scim::urn;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn accepts_the_urn_in_any_case_and_names_it_when_missing() {
        let upper = urn::PATCH_OP.to_uppercase();
        assert!(require_schema(
            &obj(json!({"Schemas": [upper]})),
            urn::PATCH_OP,
            "PATCH body"
        )
        .is_ok());
        let err = require_schema(&obj(json!({"schemas": []})), urn::PATCH_OP, "PATCH body");
        let detail = err.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(detail.contains("the PATCH body needs"), "{detail}");
        assert!(detail.contains(urn::PATCH_OP), "{detail}");
    }
}
