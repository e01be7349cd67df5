//! JSON Schemas of SCIM resources and messages (`schemas/resources/`), compiled once.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_resource_schemas.rs"));
}

type Compiled = HashMap<&'static str, Result<(Value, jsonschema::Validator), String>>;

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        embedded::FILES
            .iter()
            .map(|(name, text)| {
                let validator = serde_json::from_str::<Value>(text)
                    .map_err(|e| e.to_string())
                    .and_then(|schema| {
                        let v = jsonschema::validator_for(&schema).map_err(|e| e.to_string())?;
                        Ok((schema, v))
                    });
                (*name, validator)
            })
            .collect()
    })
}

/// The names of the resource schemas available to `expect.schema`.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<_> = compiled().keys().copied().collect();
    names.sort();
    names
}

/// Validates `body` against the named schema; returns the violations (at most five).
pub fn validate(name: &str, body: Option<&Value>) -> Vec<String> {
    let Some(validator) = compiled().get(name) else {
        return vec![format!("no resource schema named {name}")];
    };
    let (schema, validator) = match validator {
        Ok((s, v)) => (s, v),
        Err(e) => return vec![format!("resource schema {name} does not compile: {e}")],
    };
    let Some(body) = body else {
        return vec![format!(
            "body: expected a JSON document valid against {name}, got none"
        )];
    };
    validator
        .iter_errors(body)
        .take(5)
        .map(|e| {
            let at = e.instance_path().as_str().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            let why = comment_along(schema, e.schema_path().as_str())
                .map_or_else(|| e.masked().to_string(), |c| format!("expected {c}"));
            format!("body{at}: not valid against schema {name}: {why}")
        })
        .collect()
}

/// The innermost `$comment` on the way down a schema path: the schemas say in words what
/// each check means, which reads better than the raw keyword that failed.
fn comment_along(schema: &Value, path: &str) -> Option<String> {
    let mut node = schema;
    let mut found = None;
    for segment in path.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(map) => map.get(&segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return found.map(str::to_string),
        };
        if let Some(c) = node.get("$comment").and_then(Value::as_str) {
            found = Some(c);
        }
    }
    found.map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles() {
        for (name, v) in compiled() {
            assert!(v.is_ok(), "{name}: {:?}", v.as_ref().err());
        }
    }
}
