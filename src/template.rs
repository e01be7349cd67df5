//! `{{name}}` templates in case files: parsing (for the loader's checks) and rendering
//! (for the runner). A string that is exactly one placeholder takes the variable's JSON value
//! as is, so a captured number or object keeps its type.

use std::collections::BTreeMap;

use serde_json::Value;
use thiserror::Error;

/// Built-in variables every case may use: the run's identity, and test data that fits the
/// target's profile (`src/profile/data.rs`; RFC defaults when no profile is given). A case
/// using a `profile.*` variable the profile cannot provide is skipped by the planner.
pub const BUILTINS: &[&str] = &[
    "uid",
    "run",
    "guid",
    "base",
    "e164",
    "e164_2",
    "timezone",
    "language",
    "locale",
    "profile.user_name",
    "profile.work_email_type",
    "profile.home_email_type",
    "profile.work_phone_type",
    "profile.home_phone_type",
    "profile.role_type",
    "profile.role",
];
/// Available inside a step with `repeat`.
pub const REPEAT_INDEX: &str = "i";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateError {
    #[error(
        "unknown variable '{{{{{0}}}}}' (not a built-in, a case variable or an earlier capture)"
    )]
    Unknown(String),
    #[error("unclosed '{{{{' in \"{0}\"")]
    Unclosed(String),
}

/// One piece of a template string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn pieces(input: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| TemplateError::Unclosed(input.to_string()))?;
        out.push(Piece::Var(after[..end].trim()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// The variable names a string refers to.
pub fn variables(input: &str) -> Result<Vec<&str>, TemplateError> {
    Ok(pieces(input)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(v) => Some(v),
            Piece::Text(_) => None,
        })
        .collect())
}

/// Every variable referred to anywhere inside a JSON value (keys and strings).
pub fn variables_in_value(value: &Value, out: &mut Vec<String>) -> Result<(), TemplateError> {
    match value {
        Value::String(s) => {
            out.extend(variables(s)?.into_iter().map(str::to_string));
        }
        Value::Array(items) => {
            for item in items {
                variables_in_value(item, out)?;
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                out.extend(variables(k)?.into_iter().map(str::to_string));
                variables_in_value(v, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The values templates are rendered with.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: BTreeMap<String, Value>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.values.insert(name.into(), value);
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    fn text_of(&self, name: &str) -> Result<String, TemplateError> {
        match self.values.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Ok(other.to_string()),
            None => Err(TemplateError::Unknown(name.to_string())),
        }
    }

    /// Renders a string template to a string.
    pub fn render_str(&self, input: &str) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(input.len());
        for piece in pieces(input)? {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(v) => out.push_str(&self.text_of(v)?),
            }
        }
        Ok(out)
    }

    /// Renders every string (and key) inside a JSON value. A string that is exactly
    /// `{{name}}` becomes the variable's value with its JSON type.
    pub fn render_value(&self, value: &Value) -> Result<Value, TemplateError> {
        Ok(match value {
            Value::String(s) => {
                let parts = pieces(s)?;
                if let [Piece::Var(name)] = parts.as_slice() {
                    self.values
                        .get(*name)
                        .cloned()
                        .ok_or_else(|| TemplateError::Unknown((*name).to_string()))?
                } else {
                    Value::String(self.render_str(s)?)
                }
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.render_value(i))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = serde_json::Map::with_capacity(map.len());
                for (k, v) in map {
                    out.insert(self.render_str(k)?, self.render_value(v)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        let mut v = Vars::new();
        v.set("uid", json!("ss-1"));
        v.set("n", json!(3));
        v.set("obj", json!({"a": 1}));
        v
    }

    #[test]
    fn renders_text_and_keeps_types_for_whole_placeholders() {
        let v = vars();
        assert_eq!(v.render_str("user-{{uid}}@x").unwrap(), "user-ss-1@x");
        assert_eq!(v.render_str("{{ n }}").unwrap(), "3");
        assert_eq!(
            v.render_value(&json!({"k-{{uid}}": ["{{n}}", "{{obj}}", "a{{n}}"]}))
                .unwrap(),
            json!({"k-ss-1": [3, {"a": 1}, "a3"]})
        );
    }

    #[test]
    fn reports_unknown_and_unclosed() {
        let v = vars();
        assert_eq!(
            v.render_str("{{nope}}"),
            Err(TemplateError::Unknown("nope".into()))
        );
        assert!(matches!(
            v.render_str("a {{uid"),
            Err(TemplateError::Unclosed(_))
        ));
    }

    #[test]
    fn lists_variables() {
        let mut out = Vec::new();
        variables_in_value(
            &json!({"a": "{{x}}-{{y}}", "{{z}}": [1, "{{w}}"]}),
            &mut out,
        )
        .unwrap();
        out.sort();
        assert_eq!(out, vec!["w", "x", "y", "z"]);
    }
}
