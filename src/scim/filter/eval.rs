//! Evaluation of a filter against a resource (RFC 7644 §3.4.2.2 rules).
//!
//! - Attribute names are case-insensitive; string comparisons honour the attribute's
//!   `caseExact`; dateTime values compare chronologically; numbers numerically.
//! - A multi-valued attribute matches when any of its values matches; a complex multi-valued
//!   attribute without a sub-attribute is compared through its `value` sub-attribute.
//! - `ne` is the negation of `eq` (an unassigned attribute is "not equal"); `eq null` matches an
//!   unassigned attribute; `pr` needs a non-empty value.
//! - Attributes the schema does not define are still looked up (case-insensitively) and
//!   compared as case-insensitive strings, numbers or booleans, so the runner can check the
//!   answers of servers with custom attributes.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use super::{CompValue, CompareOp, Filter};
use crate::scim::attr_path::AttrPath;
use crate::scim::pointer::get_key;
use crate::scim::schema::{AttrType, AttributeDef, Container, ResourceSchema};

/// What the names in a filter are relative to.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Resource(&'a ResourceSchema),
    /// One value of a complex attribute (inside a value path); `None` if undefined.
    Element(Option<&'a AttributeDef>),
}

/// A value taken from the resource, with its definition if the schema has one.
type Candidate<'v, 'a> = (&'v Value, Option<&'a AttributeDef>);

impl Filter {
    /// True when `resource` satisfies the filter.
    pub fn matches(&self, resource: &Value, schema: &ResourceSchema) -> bool {
        self.eval(resource, Scope::Resource(schema))
    }

    /// True when one value of a complex multi-valued attribute satisfies this `valFilter`
    /// (the filter of a value path such as `emails[type eq "work"]`).
    pub fn matches_element(&self, element: &Value, attr: Option<&AttributeDef>) -> bool {
        self.eval(element, Scope::Element(attr))
    }

    fn eval(&self, node: &Value, scope: Scope<'_>) -> bool {
        match self {
            Self::And(a, b) => a.eval(node, scope) && b.eval(node, scope),
            Self::Or(a, b) => a.eval(node, scope) || b.eval(node, scope),
            Self::Not(f) => !f.eval(node, scope),
            Self::Present(path) => candidates(node, path, scope, false)
                .iter()
                .any(|(v, _)| is_present(v)),
            Self::Compare { path, op, value } => {
                let values = candidates(node, path, scope, true);
                match op {
                    CompareOp::Ne => !values.iter().any(|c| compare(CompareOp::Eq, *c, value)),
                    _ if *value == CompValue::Null && *op == CompareOp::Eq => {
                        !values.iter().any(|(v, _)| is_present(v))
                    }
                    _ => values.iter().any(|c| compare(*op, *c, value)),
                }
            }
            Self::ValuePath { attr, filter } => {
                let (container, def) = locate(node, attr, scope);
                let Some(found) =
                    container.and_then(|c| get_key(c, def.map_or(&attr.name, |d| &d.name)))
                else {
                    return false;
                };
                match found {
                    Value::Array(items) => {
                        items.iter().any(|e| filter.eval(e, Scope::Element(def)))
                    }
                    other => filter.eval(other, Scope::Element(def)),
                }
            }
        }
    }
}

/// Finds the object holding the attribute, and the attribute's definition.
fn locate<'v, 'a>(
    node: &'v Value,
    path: &AttrPath,
    scope: Scope<'a>,
) -> (Option<&'v Map<String, Value>>, Option<&'a AttributeDef>) {
    let obj = node.as_object();
    match scope {
        Scope::Resource(schema) => match schema.resolve(&AttrPath {
            sub_attr: None,
            ..path.clone()
        }) {
            Some(r) => match r.container {
                Container::Core => (obj, Some(r.attr)),
                Container::Extension(urn) => (
                    obj.and_then(|o| get_key(o, urn)).and_then(Value::as_object),
                    Some(r.attr),
                ),
            },
            None => match &path.urn {
                Some(urn) if !schema.core.id.eq_ignore_ascii_case(urn) => (
                    obj.and_then(|o| get_key(o, urn)).and_then(Value::as_object),
                    None,
                ),
                _ => (obj, None),
            },
        },
        Scope::Element(parent) => (obj, parent.and_then(|p| p.sub_attribute(&path.name))),
    }
}

/// The values a path designates, flattened over multi-valued attributes. With `compare`, a
/// complex value without a sub-attribute is replaced by its `value` sub-attribute.
fn candidates<'v, 'a>(
    node: &'v Value,
    path: &AttrPath,
    scope: Scope<'a>,
    compare: bool,
) -> Vec<Candidate<'v, 'a>> {
    let (container, def) = locate(node, path, scope);
    let Some(top) = container.and_then(|c| get_key(c, def.map_or(&path.name, |d| &d.name))) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let sub_name = path.sub_attr.clone().or_else(|| {
        let complex = def.map_or_else(|| is_complex_value(top), AttributeDef::is_complex);
        (compare && complex).then(|| "value".to_string())
    });
    let sub_def = sub_name
        .as_deref()
        .and_then(|s| def.and_then(|d| d.sub_attribute(s)));
    let mut push = |v: &'v Value| match &sub_name {
        Some(s) => {
            if let Some(inner) = v.as_object().and_then(|o| get_key(o, s)) {
                out.push((inner, sub_def));
            }
        }
        None => out.push((v, def)),
    };
    match top {
        Value::Array(items) => items.iter().for_each(&mut push),
        other => push(other),
    }
    out
}

fn is_complex_value(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(items) => items.first().is_some_and(Value::is_object),
        _ => false,
    }
}

/// RFC 7644 `pr`: a non-empty value, or a complex value with a non-empty member.
pub fn is_present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(is_present),
        Value::Object(o) => o.values().any(is_present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

fn compare(op: CompareOp, (actual, def): Candidate<'_, '_>, literal: &CompValue) -> bool {
    let attr_type = def.map(|d| d.attr_type);
    match (actual, literal) {
        (_, CompValue::Null) => false,
        (Value::Bool(a), CompValue::Bool(b)) => op == CompareOp::Eq && a == b,
        (Value::Number(a), CompValue::Number(b)) => {
            let ord = match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => a
                    .as_f64()
                    .zip(b.as_f64())
                    .and_then(|(x, y)| x.partial_cmp(&y)),
            };
            ord.is_some_and(|o| ordering_matches(op, o))
        }
        (Value::String(a), CompValue::String(b)) => {
            if attr_type == Some(AttrType::DateTime) && !op.is_substring() {
                if let (Some(x), Some(y)) = (parse_datetime(a), parse_datetime(b)) {
                    return ordering_matches(op, x.cmp(&y));
                }
            }
            let case_exact = def.is_some_and(|d| d.case_exact);
            compare_strings(op, a, b, case_exact)
        }
        // Entra sends booleans as "True"/"False"; tolerate a string literal against a boolean.
        (Value::Bool(a), CompValue::String(b)) => {
            op == CompareOp::Eq && b.parse::<bool>().ok().or_else(|| parse_bool_ci(b)) == Some(*a)
        }
        _ => false,
    }
}

fn parse_bool_ci(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Compares two strings with the operator, folding case unless `case_exact`.
pub fn compare_strings(op: CompareOp, actual: &str, literal: &str, case_exact: bool) -> bool {
    if case_exact {
        string_op(op, actual, literal)
    } else {
        string_op(op, &actual.to_lowercase(), &literal.to_lowercase())
    }
}

fn string_op(op: CompareOp, a: &str, b: &str) -> bool {
    match op {
        CompareOp::Eq => a == b,
        CompareOp::Ne => a != b,
        CompareOp::Co => a.contains(b),
        CompareOp::Sw => a.starts_with(b),
        CompareOp::Ew => a.ends_with(b),
        _ => ordering_matches(op, a.cmp(b)),
    }
}

fn ordering_matches(op: CompareOp, ord: Ordering) -> bool {
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// Parses an xsd:dateTime (RFC 7643 §2.3.5) as used by SCIM.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::scim::embedded;
    use crate::scim::filter::parse;

    fn user() -> serde_json::Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": "2819c223",
            "externalId": "ABC",
            "userName": "BJensen",
            "name": {"familyName": "Jensen", "givenName": "Barbara"},
            "title": "",
            "active": true,
            "emails": [
                {"value": "bjensen@example.com", "type": "work", "primary": true},
                {"value": "babs@jensen.org", "type": "home"}
            ],
            "meta": {"lastModified": "2011-05-13T04:42:34Z", "resourceType": "User"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "701984", "manager": {"value": "26118915"}
            },
            "x-custom": 5
        })
    }

    fn check(filter: &str) -> bool {
        parse(filter)
            .map(|f| f.matches(&user(), embedded::user()))
            .unwrap_or_else(|e| panic!("{filter}: {e}"))
    }

    #[test]
    fn string_operators_honour_case_exactness() {
        assert!(check(r#"userName eq "bjensen""#));
        assert!(check(r#"USERNAME sw "bj""#));
        assert!(check(r#"userName ew "SEN""#));
        assert!(check(r#"userName co "jen""#));
        assert!(!check(r#"externalId eq "abc""#));
        assert!(check(r#"externalId eq "ABC""#));
        assert!(check(r#"id eq "2819c223""#));
        assert!(check(r#"userName gt "a" and userName lt "c""#));
    }

    #[test]
    fn logical_operators_and_precedence() {
        assert!(check(
            r#"userName eq "x" or userName eq "bjensen" and active eq true"#
        ));
        assert!(!check(
            r#"(userName eq "x" or userName eq "bjensen") and active eq false"#
        ));
        assert!(check(r#"not (userName eq "x")"#));
        assert!(!check(r#"not (userName eq "bjensen")"#));
    }

    #[test]
    fn presence_and_null() {
        assert!(check("name pr"));
        assert!(!check("title pr"));
        assert!(!check("nickName pr"));
        assert!(check("nickName eq null"));
        assert!(check("userName ne null"));
        assert!(check(r#"nickName ne "x""#));
        assert!(check("emails pr"));
    }

    #[test]
    fn multi_valued_and_value_paths() {
        assert!(check(r#"emails co "jensen.org""#));
        assert!(check(r#"emails.type eq "home""#));
        assert!(check(
            r#"emails[type eq "work" and value co "@example.com"]"#
        ));
        assert!(!check(
            r#"emails[type eq "home" and value co "@example.com"]"#
        ));
        assert!(check(
            r#"emails[type eq "work"].value eq "BJENSEN@example.com""#
        ));
        assert!(check(r#"emails[primary eq true].type eq "work""#));
    }

    #[test]
    fn dates_compare_chronologically() {
        assert!(check(r#"meta.lastModified gt "2011-05-13T03:42:34+02:00""#));
        assert!(check(r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#));
        assert!(!check(r#"meta.lastModified lt "2011-05-13T04:42:34.000Z""#));
    }

    #[test]
    fn urn_qualified_and_extension_attributes() {
        assert!(check(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen""#
        ));
        assert!(check(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#
        ));
        assert!(check(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#
        ));
        assert!(check(
            r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#
        ));
    }

    #[test]
    fn undefined_attributes_are_compared_generically() {
        assert!(check("x-custom gt 4"));
        assert!(!check("x-custom lt 4"));
        assert!(check(r#"active eq "True""#));
    }
}
