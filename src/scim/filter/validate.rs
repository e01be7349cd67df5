//! Checks a filter against a resource schema: every attribute must exist and support the
//! operator (RFC 7644 §3.4.2.2: "the specified attribute and filter comparison combination is
//! not supported" → `invalidFilter`).

use super::eval::parse_datetime;
use super::{CompValue, CompareOp, Filter, FilterError};
use crate::scim::attr_path::AttrPath;
use crate::scim::schema::{AttrType, AttributeDef, ResourceSchema};

impl Filter {
    /// Rejects unknown attributes and operator/type combinations the RFC does not allow.
    pub fn validate(&self, schema: &ResourceSchema) -> Result<(), FilterError> {
        self.check(schema, None)
    }

    /// Validates a `valFilter` whose names are sub-attributes of `attr` (a PATCH value path).
    pub fn validate_value_filter(
        &self,
        schema: &ResourceSchema,
        attr: &AttributeDef,
    ) -> Result<(), FilterError> {
        self.check(schema, Some(attr))
    }

    fn check(
        &self,
        schema: &ResourceSchema,
        parent: Option<&AttributeDef>,
    ) -> Result<(), FilterError> {
        match self {
            Self::And(a, b) | Self::Or(a, b) => {
                a.check(schema, parent)?;
                b.check(schema, parent)
            }
            Self::Not(f) => f.check(schema, parent),
            Self::Present(path) => resolve(schema, parent, path).map(|_| ()),
            Self::Compare { path, op, value } => {
                let def = resolve(schema, parent, path)?;
                let def = comparable(def).ok_or_else(|| {
                    unsupported(path, *op, "a complex attribute has no value to compare")
                })?;
                check_operand(path, *op, value, def)
            }
            Self::ValuePath { attr, filter } => {
                let def = resolve(schema, parent, attr)?;
                if !def.is_complex() {
                    return Err(FilterError::Unsupported {
                        path: attr.to_string(),
                        op: "[]".into(),
                        reason: "value filters apply to complex attributes".into(),
                    });
                }
                filter.check(schema, Some(def))
            }
        }
    }
}

fn resolve<'a>(
    schema: &'a ResourceSchema,
    parent: Option<&'a AttributeDef>,
    path: &AttrPath,
) -> Result<&'a AttributeDef, FilterError> {
    let unknown = || FilterError::UnknownAttribute(path.to_string());
    match parent {
        None => schema.resolve(path).map(|r| r.target()).ok_or_else(unknown),
        Some(p) => {
            if path.urn.is_some() || path.sub_attr.is_some() {
                return Err(unknown());
            }
            p.sub_attribute(&path.name).ok_or_else(unknown)
        }
    }
}

/// The definition a comparison applies to: the attribute, or the `value` sub-attribute of a
/// complex attribute.
fn comparable(def: &AttributeDef) -> Option<&AttributeDef> {
    if def.is_complex() {
        def.sub_attribute("value")
    } else {
        Some(def)
    }
}

fn unsupported(path: &AttrPath, op: CompareOp, reason: &str) -> FilterError {
    FilterError::Unsupported {
        path: path.to_string(),
        op: op.as_str().into(),
        reason: reason.into(),
    }
}

fn check_operand(
    path: &AttrPath,
    op: CompareOp,
    value: &CompValue,
    def: &AttributeDef,
) -> Result<(), FilterError> {
    let fail = |reason: &str| Err(unsupported(path, op, reason));
    if *value == CompValue::Null {
        return if matches!(op, CompareOp::Eq | CompareOp::Ne) {
            Ok(())
        } else {
            fail("null can only be compared with eq or ne")
        };
    }
    match def.attr_type {
        AttrType::Boolean => {
            if op != CompareOp::Eq && op != CompareOp::Ne {
                return fail("boolean attributes support only eq and ne");
            }
            // Microsoft's validator writes `primary eq "True"`: the strings "true" and
            // "false" (any case) stand for the booleans, as the evaluation reads them.
            let boolean_text = matches!(value, CompValue::String(s)
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"));
            if !matches!(value, CompValue::Bool(_)) && !boolean_text {
                return fail("a boolean attribute is compared with true or false");
            }
        }
        AttrType::Binary if op.is_ordering() => {
            return fail("binary attributes cannot be ordered");
        }
        AttrType::Decimal | AttrType::Integer => {
            if op.is_substring() {
                return fail("numbers do not support co, sw or ew");
            }
            if !matches!(value, CompValue::Number(_)) {
                return fail("a number attribute is compared with a number");
            }
        }
        AttrType::DateTime => {
            let CompValue::String(s) = value else {
                return fail("a dateTime attribute is compared with a quoted dateTime");
            };
            if !op.is_substring() && parse_datetime(s).is_none() {
                return fail("the value is not an xsd:dateTime");
            }
        }
        AttrType::String | AttrType::Reference | AttrType::Binary => {
            if !matches!(value, CompValue::String(_)) {
                return fail("a string attribute is compared with a quoted string");
            }
        }
        AttrType::Complex => return fail("a complex attribute has no value to compare"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::scim::embedded;
    use crate::scim::filter::{parse, FilterError};

    fn validate(text: &str) -> Result<(), FilterError> {
        parse(text).and_then(|f| f.validate(embedded::user()))
    }

    #[test]
    fn accepts_supported_combinations() {
        for ok in [
            r#"userName eq "a""#,
            r#"emails[type eq "work" and value co "@"]"#,
            r#"emails co "@x""#,
            r#"meta.created gt "2020-01-01T00:00:00Z""#,
            r#"active eq false and title pr"#,
            r#"emails[primary eq "True"] and active eq "false""#,
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#,
            r#"nickName eq null"#,
            r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_unknown_attributes_and_bad_operators() {
        let unknown = |path: &str| FilterError::UnknownAttribute(path.into());
        let unsupported = |path: &str, op: &str, reason: &str| FilterError::Unsupported {
            path: path.into(),
            op: op.into(),
            reason: reason.into(),
        };
        for (bad, error) in [
            (r#"nosuch eq "a""#, unknown("nosuch")),
            (r#"name.nosuch eq "a""#, unknown("name.nosuch")),
            (r#"emails[nosuch eq "a"]"#, unknown("nosuch")),
            (
                r#"active gt true"#,
                unsupported("active", "gt", "boolean attributes support only eq and ne"),
            ),
            (
                r#"active eq "yes""#,
                unsupported(
                    "active",
                    "eq",
                    "a boolean attribute is compared with true or false",
                ),
            ),
            (
                r#"meta.created gt "yesterday""#,
                unsupported("meta.created", "gt", "the value is not an xsd:dateTime"),
            ),
            (
                r#"name eq "x""#,
                unsupported("name", "eq", "a complex attribute has no value to compare"),
            ),
            (
                r#"userName[value eq "a"]"#,
                unsupported(
                    "userName",
                    "[]",
                    "value filters apply to complex attributes",
                ),
            ),
            (
                r#"userName gt null"#,
                unsupported("userName", "gt", "null can only be compared with eq or ne"),
            ),
            (
                r#"userName eq 5"#,
                unsupported(
                    "userName",
                    "eq",
                    "a string attribute is compared with a quoted string",
                ),
            ),
        ] {
            assert_eq!(validate(bad), Err(error), "{bad}");
        }
    }
}
