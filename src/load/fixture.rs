//! Named fixtures: a step `{ fixture: NAME, as: CAPTURE, vars: {…} }` in a case is expanded
//! into the file's `fixtures: { NAME: … }` template as an ordinary setup step, its `{{var}}`
//! placeholders filled from `vars` (over the fixture's own defaults), its one capture
//! renamed by `as` and its name replaced by `name`. Nothing after the loader sees a fixture.
//! A fixture the file does not define is looked up among the shared ones: those of a
//! `fixtures.yaml` loaded with the case files (`suites/fixtures.yaml`), or the built-in ones
//! when none is.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::check::Problem;
use super::error::CaseFileError;
use super::locate::{self, Part};
use super::model::{FixtureUse, Step};
use super::yaml;
use crate::template;

/// Named step templates, by name.
pub(super) type Fixtures = BTreeMap<String, Value>;

/// The file name of a shared fixtures file: a mapping with the one key `fixtures`.
const SHARED_FILE: &str = "fixtures.yaml";

/// Whether the source `name` is a shared fixtures file rather than a case file.
pub(super) fn is_shared_file(name: &str) -> bool {
    Path::new(name)
        .file_name()
        .is_some_and(|file| file == SHARED_FILE)
}

/// The shared fixtures: those of the `fixtures.yaml` files among `sources`, or, when there is
/// none, those of the built-in `suites/fixtures.yaml`. A name defined twice is refused.
pub(super) fn shared(sources: &[(String, String)]) -> Result<Fixtures, Vec<CaseFileError>> {
    let mut files: Vec<(String, &str)> = sources
        .iter()
        .filter(|(name, _)| is_shared_file(name))
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    if files.is_empty() {
        files = super::embedded_files()
            .iter()
            .filter(|(name, _)| is_shared_file(name))
            .map(|(name, text)| (format!("suites/{name}"), *text))
            .collect();
    }
    let mut all = Fixtures::new();
    let mut errors = Vec::new();
    for (name, text) in files {
        match parse_shared(&name, text) {
            Ok(fixtures) => {
                for (fixture, template) in fixtures {
                    let pointer = child("/fixtures", &fixture);
                    match all.entry(fixture) {
                        Entry::Vacant(slot) => {
                            slot.insert(template);
                        }
                        Entry::Occupied(slot) => {
                            let at = locate::locate(text, &pointer, Part::Key);
                            errors.push(CaseFileError {
                                file: name.clone(),
                                line: at.map(|p| p.line),
                                column: at.map(|p| p.column),
                                case: None,
                                problem: format!(
                                    "shared fixture '{}' is defined twice",
                                    slot.key()
                                ),
                            });
                        }
                    }
                }
            }
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if errors.is_empty() {
        Ok(all)
    } else {
        Err(errors)
    }
}

/// The validator of a shared fixtures file: the case schema's `fixtures` as the only key.
fn shared_validator() -> Result<&'static jsonschema::Validator, String> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let mut schema: Value =
                serde_json::from_str(super::CASE_SCHEMA).map_err(|e| e.to_string())?;
            let fixtures = schema
                .pointer("/properties/fixtures")
                .cloned()
                .ok_or("the case schema has no `fixtures`")?;
            if let Value::Object(root) = &mut schema {
                root.insert("required".into(), Value::from(vec!["fixtures"]));
                root.insert(
                    "properties".into(),
                    Value::Object(Map::from_iter([("fixtures".to_string(), fixtures)])),
                );
            }
            jsonschema::validator_for(&schema).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The fixtures of one shared fixtures file, checked against the case schema.
fn parse_shared(name: &str, text: &str) -> Result<Fixtures, Vec<CaseFileError>> {
    let error = |at: Option<yaml::Position>, problem: String| CaseFileError {
        file: name.to_string(),
        line: at.map(|p| p.line),
        column: at.map(|p| p.column),
        case: None,
        problem,
    };
    let value = yaml::parse(text)
        .map_err(|e| vec![error(e.at, format!("not valid YAML: {}", e.message))])?;
    let validator = shared_validator().map_err(|detail| {
        vec![error(
            None,
            format!("internal schema case.schema.json is not valid: {detail}"),
        )]
    })?;
    let problems: Vec<CaseFileError> = validator
        .iter_errors(&value)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_string();
            let at = locate::locate(text, &pointer, Part::Value);
            let place = if pointer.is_empty() {
                String::new()
            } else {
                format!("at {pointer}: ")
            };
            error(at, format!("{place}{}", e.masked()))
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    match value.get("fixtures") {
        Some(Value::Object(fixtures)) => Ok(fixtures
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()),
        _ => Ok(Fixtures::new()),
    }
}

/// `base` with one more pointer segment (RFC 6901 escaping).
fn child(base: &str, segment: &str) -> String {
    format!("{base}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// The names of `fixtures`, or "none".
fn names(fixtures: &Fixtures) -> String {
    if fixtures.is_empty() {
        "none".to_string()
    } else {
        fixtures.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// The setup step `using` stands for, from the file's fixtures `own` or else the `shared`
/// ones; `at` is the pointer of the fixture step in its file.
pub(super) fn expand(
    own: &Fixtures,
    shared: &Fixtures,
    using: &FixtureUse,
    at: &str,
) -> Result<Step, Problem> {
    let problem = |pointer: String, part: Part, message: String| Problem {
        pointer,
        part,
        message,
    };
    let found = own.get(&using.fixture).map(|t| (t, true));
    let Some((Value::Object(template), is_own)) =
        found.or_else(|| shared.get(&using.fixture).map(|t| (t, false)))
    else {
        return Err(problem(
            child(at, "fixture"),
            Part::Value,
            format!(
                "unknown fixture '{}' (the file's fixtures: {}; shared: {})",
                using.fixture,
                names(own),
                names(shared)
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
        if let Some(name) = &using.name {
            map.insert("name".into(), Value::String(name.clone()));
        }
    }
    let mut step: Step = serde_json::from_value(expanded).map_err(|e| {
        problem(
            if is_own {
                child("/fixtures", &using.fixture)
            } else {
                child(at, "fixture")
            },
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
            &Fixtures::new(),
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
    fn a_use_may_name_its_step() {
        let step = expand(
            &fixtures(),
            &Fixtures::new(),
            &using(
                json!({ "fixture": "user", "name": "create in lower case", "vars": { "n": 1 } }),
            ),
            "/cases/0/steps/0",
        )
        .unwrap();
        assert_eq!(step.name.as_deref(), Some("create in lower case"));
        assert_eq!(
            step.request.body,
            Some(json!({ "userName": "{{uid}}", "n": 1 }))
        );
    }

    #[test]
    fn defaults_fill_what_the_use_leaves_out() {
        let step = expand(
            &fixtures(),
            &Fixtures::new(),
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
            &Fixtures::new(),
            &using(json!({ "fixture": "usr" })),
            "/cases/1/steps/2",
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/cases/1/steps/2/fixture");
        assert!(e.message.contains("unknown fixture 'usr'"), "{e:?}");
        assert!(
            e.message.contains("fixtures: two, user; shared: none"),
            "{e:?}"
        );

        let e = expand(
            &fixtures(),
            &Fixtures::new(),
            &using(json!({ "fixture": "user", "vars": { "sufix": "x" } })),
            "/cases/0/steps/0",
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/cases/0/steps/0/vars/sufix");
        assert_eq!(e.part, Part::Key);

        let e = expand(
            &fixtures(),
            &Fixtures::new(),
            &using(json!({ "fixture": "two", "as": "x" })),
            "/cases/0/steps/0",
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/cases/0/steps/0/as");
        assert!(e.message.contains("captures 2"), "{e:?}");
    }

    #[test]
    fn a_fixture_the_file_lacks_comes_from_the_shared_ones_and_the_file_s_own_wins() {
        let shared: Fixtures = serde_json::from_value(json!({
            "group": { "request": { "method": "POST", "path": "/Groups" }, "capture": { "g": "/id" } },
            "user": { "request": { "method": "POST", "path": "/Shared" } }
        }))
        .unwrap();
        let use_of = |name: &str| using(json!({ "fixture": name }));
        let step = expand(&fixtures(), &shared, &use_of("group"), "/cases/0/steps/0").unwrap();
        assert_eq!(step.request.path, "/Groups");
        assert!(step.setup);
        let step = expand(&fixtures(), &shared, &use_of("user"), "/cases/0/steps/0").unwrap();
        assert_eq!(step.request.path, "/Users");
        let e = expand(
            &Fixtures::new(),
            &shared,
            &use_of("nobody"),
            "/cases/0/steps/1",
        )
        .unwrap_err();
        assert!(
            e.message.contains("fixtures: none; shared: group, user"),
            "{e:?}"
        );
    }

    fn source(name: &str, text: &str) -> (String, String) {
        (name.to_string(), text.to_string())
    }

    const SHARED: &str = "fixtures:\n  user:\n    request: { method: POST, path: /Users }\n    expect: { status: 201 }\n    capture: { id: /id }\n";

    #[test]
    fn shared_fixtures_come_from_fixtures_yaml_files_and_are_checked() {
        let found = shared(&[source("d/fixtures.yaml", SHARED), source("d/a.yaml", "x")]).unwrap();
        assert_eq!(found.keys().collect::<Vec<_>>(), ["user"]);

        let e = shared(&[source("d/fixtures.yaml", &SHARED.replace("201", "9001"))]).unwrap_err();
        assert_eq!(
            (e[0].file.as_str(), e[0].line),
            ("d/fixtures.yaml", Some(4)),
            "{e:?}"
        );
        assert!(
            e[0].problem.contains("/fixtures/user/expect/status"),
            "{e:?}"
        );

        let e = shared(&[source("d/fixtures.yaml", &format!("{SHARED}cases: []\n"))]).unwrap_err();
        assert!(e[0].problem.contains("cases"), "{e:?}");

        let e = shared(&[
            source("a/fixtures.yaml", SHARED),
            source("b/fixtures.yaml", SHARED),
        ])
        .unwrap_err();
        assert_eq!(
            (e[0].file.as_str(), e[0].line),
            ("b/fixtures.yaml", Some(2)),
            "{e:?}"
        );
        assert!(e[0].problem.contains("'user' is defined twice"), "{e:?}");
    }

    #[test]
    fn without_a_fixtures_file_the_built_in_shared_fixtures_serve() {
        let built_in = shared(&[]).unwrap();
        assert!(!built_in.is_empty());
        assert!(is_shared_file("suites/fixtures.yaml") && !is_shared_file("suites/a.yaml"));
    }

    #[test]
    fn a_case_file_uses_the_shared_fixtures_loaded_with_it() {
        let case = "cases:\n  - id: c\n    title: t\n    spec: RFC7644 §3.3\n    level: MUST\n    steps:\n      - { fixture: user, as: u }\n      - request: { method: GET, path: \"/Users/{{u}}\" }\n";
        let suite = crate::load::load_sources([
            source("d/fixtures.yaml", SHARED),
            source("d/a.yaml", case),
        ])
        .unwrap();
        assert_eq!(suite.cases.len(), 1);
        assert!(suite.cases[0].steps[0].setup);
        assert_eq!(
            suite.cases[0].steps[0].capture.keys().collect::<Vec<_>>(),
            ["u"]
        );
        let other = SHARED.replace("user:", "person:");
        let err = crate::load::load_sources([
            source("d/fixtures.yaml", &other),
            source("d/a.yaml", case),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("d/a.yaml:7:"), "{err}");
        assert!(err.contains("unknown fixture 'user'"), "{err}");
    }

    #[test]
    fn fills_only_the_given_placeholders() {
        let vars: Map<String, Value> = serde_json::from_value(json!({ "a": "x" })).unwrap();
        assert_eq!(fill_str("{{a}}-{{b}}-{{ a }}", &vars), "x-{{b}}-x");
        assert_eq!(fill_str("{{a", &vars), "{{a");
        assert_eq!(whole_placeholder("{{ a }}"), Some("a"));
        assert_eq!(whole_placeholder("{{a}}-{{b}}"), None);
    }

    /// The names `fixture:` steps use anywhere in `value`.
    fn uses(value: &serde_yaml_ng::Value, into: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_yaml_ng::Value::Mapping(map) => {
                if let Some(name) = map.get("fixture").and_then(|v| v.as_str()) {
                    into.insert(name.to_string());
                }
                map.values().for_each(|v| uses(v, into));
            }
            serde_yaml_ng::Value::Sequence(items) => items.iter().for_each(|v| uses(v, into)),
            _ => {}
        }
    }

    /// The names a file's `fixtures:` mapping defines.
    fn defined(file: &serde_yaml_ng::Value) -> Vec<String> {
        file.get("fixtures")
            .and_then(|f| f.as_mapping())
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every fixture the embedded suite defines is used: a file's own by that file, a shared
    /// one by some file (an unused fixture is setup nobody runs, kept up to date for nothing).
    #[test]
    fn every_embedded_fixture_is_used() {
        let mut used_anywhere = std::collections::BTreeSet::new();
        let mut shared = Vec::new();
        let mut unused = Vec::new();
        for (name, text) in crate::load::embedded_files() {
            let Ok(file) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) else {
                continue;
            };
            if is_shared_file(name) {
                shared.extend(defined(&file));
                continue;
            }
            let mut used_here = std::collections::BTreeSet::new();
            uses(&file, &mut used_here);
            for own in defined(&file) {
                if !used_here.contains(&own) {
                    unused.push(format!("{name}: {own}"));
                }
            }
            used_anywhere.extend(used_here);
        }
        assert!(!shared.is_empty(), "suites/fixtures.yaml is embedded");
        for name in shared {
            if !used_anywhere.contains(&name) {
                unused.push(format!("fixtures.yaml: {name}"));
            }
        }
        assert!(unused.is_empty(), "fixtures nobody uses: {unused:#?}");
    }
}
