//! Query parameters of list and search requests (RFC 7644 §3.4.2, §3.4.3, §3.9), from the URL
//! or from a SearchRequest body.

use serde_json::Value;

use super::error::ScimError;
use super::message::require_schema;
use crate::scim::pointer::get_key;
use crate::scim::urn;

/// A list/search request's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub filter: Option<String>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub start_index: Option<i64>,
    pub count: Option<i64>,
    pub attributes: Option<String>,
    pub excluded_attributes: Option<String>,
}

/// The value of a query parameter (names compared case-insensitively).
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl ListQuery {
    /// From URL query parameters.
    pub fn from_params(params: &[(String, String)]) -> Result<Self, ScimError> {
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            match param(params, name) {
                None => Ok(None),
                Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                    ScimError::invalid_value(format!("\"{name}\" must be an integer, not \"{v}\""))
                }),
            }
        };
        let text = |name: &str| param(params, name).map(str::to_string);
        Ok(Self {
            filter: text("filter"),
            sort_by: text("sortBy"),
            sort_order: text("sortOrder"),
            start_index: number("startIndex")?,
            count: number("count")?,
            attributes: text("attributes"),
            excluded_attributes: text("excludedAttributes"),
        })
    }

    /// From a SearchRequest body (RFC 7644 §3.4.3).
    pub fn from_search_request(body: &Value) -> Result<Self, ScimError> {
        let obj = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("the SearchRequest must be a JSON object"))?;
        require_schema(obj, urn::SEARCH_REQUEST, "SearchRequest")?;
        let text = |name: &str| -> Result<Option<String>, ScimError> {
            match get_key(obj, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ScimError::invalid_syntax(format!(
                    "\"{name}\" must be a string"
                ))),
            }
        };
        let list = |name: &str| -> Result<Option<String>, ScimError> {
            match get_key(obj, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Array(items)) => {
                    let names: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                    names.map(|n| Some(n.join(","))).ok_or_else(|| {
                        ScimError::invalid_syntax(format!(
                            "\"{name}\" must be an array of attribute names"
                        ))
                    })
                }
                Some(_) => Err(ScimError::invalid_syntax(format!(
                    "\"{name}\" must be an array of attribute names"
                ))),
            }
        };
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            match get_key(obj, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                    ScimError::invalid_value(format!("\"{name}\" must be an integer"))
                }),
                Some(_) => Err(ScimError::invalid_syntax(format!(
                    "\"{name}\" must be an integer"
                ))),
            }
        };
        Ok(Self {
            filter: text("filter")?,
            sort_by: text("sortBy")?,
            sort_order: text("sortOrder")?,
            start_index: number("startIndex")?,
            count: number("count")?,
            attributes: list("attributes")?,
            excluded_attributes: list("excludedAttributes")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::error::ScimType;

    #[test]
    fn reads_url_parameters_case_insensitively() {
        let params = vec![
            ("FILTER".to_string(), "a pr".to_string()),
            ("count".into(), "5".into()),
        ];
        let q = ListQuery::from_params(&params).unwrap();
        assert_eq!(q.filter.as_deref(), Some("a pr"));
        assert_eq!(q.count, Some(5));
        let bad = vec![("startIndex".to_string(), "x".to_string())];
        let err = ListQuery::from_params(&bad).expect_err("startIndex x");
        assert_eq!(
            err,
            ScimError::invalid_value("\"startIndex\" must be an integer, not \"x\"")
        );
    }

    #[test]
    fn reads_search_requests() {
        let body = json!({"schemas": [urn::SEARCH_REQUEST], "attributes": ["userName", "name"], "count": 2});
        let q = ListQuery::from_search_request(&body).unwrap();
        assert_eq!(q.attributes.as_deref(), Some("userName,name"));
        let err = ListQuery::from_search_request(&json!({"filter": "a pr"}))
            .expect_err("no SearchRequest schema");
        assert_eq!(err.scim_type, Some(ScimType::InvalidSyntax), "{err:?}");
        assert!(
            err.detail.contains(crate::scim::urn::SEARCH_REQUEST),
            "{err:?}"
        );
    }
}
