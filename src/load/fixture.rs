//! Named fixtures: a step `{ fixture: NAME, as: CAPTURE, vars: {…} }` in a case is expanded
//! into the file's `fixtures: { NAME: … }` template as an ordinary setup step, its `{{var}}`
//! placeholders filled from `vars` (over the fixture's own defaults) and its one capture
//! renamed by `as`. Nothing after the loader sees a fixture.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::check::Problem;
use super::locate::Part;
use super::model::{FixtureUse, Step};
use crate::template;

/// `base` with one more pointer segment (RFC 6901 escaping).
fn child(base: &str, segment: &str) -> String {
    format!("{base}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// The setup step `using` stands for; `at` is the pointer of the fixture step in its file.
pub(super) fn expand(
    fixtures: &BTreeMap<String, Value>,
    using: &FixtureUse,
    at: &str,
) -> Result<Step, Problem> {
    let problem = |pointer: String, part: Part, message: String| Problem {
        pointer,
        part,
        message,
    };
    let Some(Value::Object(template)) = fixtures.get(&using.fixture) else {
        let known: Vec<&str> = fixtures.keys().map(String::as_str).collect();
        return Err(problem(
            child(at, "fixture"),
            Part::Value,
            format!(
                "unknown fixture '{}' (the file's fixtures: {})",
                using.fixture,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
        ));
    };
    let mut template = template.clone();
    let mut vars: Map<String, Value> = match template.remove("vars") {
        Some(Value::Object(defaults)) => defaults,
        _ => Map::new(),
    };
    let mut placeholders = Vec::new();
    // The template was checked against the schema; an unclosed `{{` is reported on the case.
    let _ = template::variables_in_value(&Value::Object(template.clone()), &mut placeholders);
    for (name, value) in &using.vars {
        if !placeholders.contains(name) {
            return Err(problem(
                child(&child(at, "vars"), name),
                Part::Key,
                format!(
                    "fixture '{}' has no placeholder '{{{{{name}}}}}'",
                    using.fixture
                ),
            ));
        }
        vars.insert(name.clone(), value.clone());
    }
    let mut expanded = Value::Object(template);
    fill(&mut expanded, &vars);
    if let Value::Object(map) = &mut expanded {
        map.insert("setup".into(), Value::Bool(true));
    }
    let mut step: Step = serde_json::from_value(expanded).map_err(|e| {
        problem(
            child("/fixtures", &using.fixture),
            Part::Value,
            format!(
                "fixture '{}' does not fit the step model: {e}",
                using.fixture
            ),
        )
    })?;
    if let Some(name) = &using.capture_as {
        if step.capture.len() != 1 {
            return Err(problem(
                child(at, "as"),
                Part::Value,
                format!(
                    "`as` renames the one capture of a fixture; '{}' captures {}",
                    using.fixture,
                    step.capture.len()
                ),
            ));
        }
        let capture = std::mem::take(&mut step.capture);
        step.capture = capture.into_values().map(|c| (name.clone(), c)).collect();
    }
    Ok(step)
}

/// Fills the `{{name}}` placeholders of `vars` in every string and key of `value`. A string
/// that is one placeholder takes the variable's value as it is (a number stays a number).
fn fill(value: &mut Value, vars: &Map<String, Value>) {
    match value {
        Value::String(s) => {
            if let Some(whole) = whole_placeholder(s).and_then(|name| vars.get(name)) {
                *value = whole.clone();
            } else {
                *s = fill_str(s, vars);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fill(item, vars)),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                fill(&mut item, vars);
                map.insert(fill_str(&key, vars), item);
            }
        }
        _ => {}
    }
}

/// The variable name when `s` is exactly one `{{name}}`.
fn whole_placeholder(s: &str) -> Option<&str> {
    let inner = s.strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then(|| inner.trim())
}

/// `s` with each `{{name}}` of `vars` replaced by the variable's text; other placeholders kept.
fn fill_str(s: &str, vars: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}").map(|e| start + e) else {
            break;
        };
        out.push_str(&rest[..start]);
        let placeholder = &rest[start..end + 2];
        match vars.get(rest[start + 2..end].trim()) {
            Some(Value::String(text)) => out.push_str(text),
            Some(other) => out.push_str(&other.to_string()),
            None => out.push_str(placeholder),
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixtures() -> BTreeMap<String, Value> {
        serde_json::from_value(json!({
            "user": {
                "name": "create user{{suffix}}",
                "vars": { "suffix": "" },
                "request": { "method": "POST", "path": "/Users",
                             "body": { "userName": "{{uid}}{{ suffix }}", "n": "{{n}}" } },
                "expect": { "status": 201 },
                "capture": { "id": "/id" }
            },
            "two": {
                "request": { "method": "GET", "path": "/Users" },
                "capture": { "a": "/a", "b": "/b" }
            }
        }))
        .unwrap()
    }

    fn using(value: Value) -> FixtureUse {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn expands_into_a_setup_step_with_vars_and_the_capture_renamed() {
        let step = expand(
            &fixtures(),
            &using(json!({ "fixture": "user", "as": "u1", "vars": { "suffix": "-m1", "n": 3 } })),
            "/cases/0/steps/0",
        )
        .unwrap();
        assert!(step.setup);
        assert_eq!(step.name.as_deref(), Some("create user-m1"));
        assert_eq!(
            step.request.body,
            Some(json!({ "userName": "{{uid}}-m1", "n": 3 }))
        );
        assert_eq!(step.capture.keys().collect::<Vec<_>>(), ["u1"]);
        assert!(step.expect.status.is_some_and(|s| s.accepts(201)));
    }

    #[test]
    fn defaults_fill_what_the_use_leaves_out() {
        let step = expand(
            &fixtures(),
            &using(json!({ "fixture": "user" })),
            "/cases/0/steps/0",
        )
        .unwrap();
        assert_eq!(step.name.as_deref(), Some("create user"));
        assert_eq!(
            step.request.body,
            Some(json!({ "userName": "{{uid}}", "n": "{{n}}" }))
        );
        assert_eq!(step.capture.keys().collect::<Vec<_>>(), ["id"]);
    }

    #[test]
    fn refuses_an_unknown_fixture_an_unknown_var_and_an_ambiguous_as() {
        let e = expand(
            &fixtures(),
            &using(json!({ "fixture": "usr" })),
            "/cases/1/steps/2",
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/cases/1/steps/2/fixture");
        assert!(e.message.contains("unknown fixture 'usr'"), "{e:?}");
        assert!(e.message.contains("two, user"), "{e:?}");

        let e = expand(
            &fixtures(),
            &using(json!({ "fixture": "user", "vars": { "sufix": "x" } })),
            "/cases/0/steps/0",
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/cases/0/steps/0/vars/sufix");
        assert_eq!(e.part, Part::Key);

        let e = expand(
            &fixtures(),
            &using(json!({ "fixture": "two", "as": "x" })),
            "/cases/0/steps/0",
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/cases/0/steps/0/as");
        assert!(e.message.contains("captures 2"), "{e:?}");
    }

    #[test]
    fn fills_only_the_given_placeholders() {
        let vars: Map<String, Value> = serde_json::from_value(json!({ "a": "x" })).unwrap();
        assert_eq!(fill_str("{{a}}-{{b}}-{{ a }}", &vars), "x-{{b}}-x");
        assert_eq!(fill_str("{{a", &vars), "{{a");
        assert_eq!(whole_placeholder("{{ a }}"), Some("a"));
        assert_eq!(whole_placeholder("{{a}}-{{b}}"), None);
    }
}
