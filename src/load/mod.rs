//! Stage 1: case files → a validated [`Suite`].
//!
//! Each YAML file is parsed, validated against `schemas/case.schema.json` with `jsonschema`,
//! turned into the typed model, and checked for what a schema cannot say (unique ids,
//! templates that refer to known variables, regexes and SCIM filters that compile).
//! Every problem names the file, the line where known, the case id and what is wrong.

mod check;
mod citations;
mod error;
mod fixture;
mod locate;
pub mod model;
mod yaml;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

pub use citations::{catalogue_entry, CatalogueEntry};
pub use error::{CaseFileError, LoadError};
pub use yaml::Position;

pub(crate) use check::with_sample_values;
use locate::Part;
pub use model::*;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_suites.rs"));
}

const CASE_SCHEMA: &str = include_str!("../../schemas/case.schema.json");

fn case_validator() -> Result<&'static jsonschema::Validator, LoadError> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(CASE_SCHEMA).map_err(|e| e.to_string())?;
            jsonschema::validator_for(&schema).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|detail| LoadError::Schema {
            name: "case.schema.json".into(),
            detail: detail.clone(),
        })
}

/// The case files compiled into the binary (from the repository's `suites/`).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::FILES
}

/// Loads the embedded suite.
pub fn load_embedded() -> Result<Suite, LoadError> {
    load_sources(
        embedded::FILES
            .iter()
            .map(|(name, text)| (format!("suites/{name}"), (*text).to_string())),
    )
}

/// Loads every `*.yaml` / `*.yml` file under each path (a file or a directory).
pub fn load_paths(paths: &[PathBuf]) -> Result<Suite, LoadError> {
    let mut sources = Vec::new();
    for path in paths {
        let mut files = Vec::new();
        collect(path, &mut files)?;
        if files.is_empty() {
            return Err(LoadError::Empty(path.clone()));
        }
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|source| LoadError::Io {
                path: file.clone(),
                source,
            })?;
            sources.push((file.to_string_lossy().into_owned(), text));
        }
    }
    load_sources(sources)
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(entry);
        }
    }
    Ok(())
}

/// Loads case files given as (name, text) pairs. All problems of all files are reported at once.
pub fn load_sources(
    sources: impl IntoIterator<Item = (String, String)>,
) -> Result<Suite, LoadError> {
    let validator = case_validator()?;
    let sources: Vec<(String, String)> = sources.into_iter().collect();
    let mut cases = Vec::new();
    let (shared, mut errors) = match fixture::shared(&sources) {
        Ok(shared) => (shared, Vec::new()),
        Err(errors) => (fixture::Fixtures::new(), errors),
    };
    for (name, text) in sources {
        if fixture::is_shared_file(&name) {
            continue;
        }
        match parse_file(validator, &name, &text, &shared) {
            Ok(mut file_cases) => cases.append(&mut file_cases),
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    errors.extend(check::duplicate_ids(&cases));
    if errors.is_empty() {
        Ok(Suite { cases })
    } else {
        Err(LoadError::Invalid(errors))
    }
}

/// At most this many problems of one file are located exactly (each costs a parse of the
/// file); the rest point at their case.
const LOCATED_PER_FILE: usize = 20;

/// Builds the errors of one file, locating each problem's pointer in its text.
struct FileErrors<'a> {
    name: &'a str,
    text: &'a str,
    located: usize,
    errors: Vec<CaseFileError>,
}

impl FileErrors<'_> {
    fn push(&mut self, at: Option<Position>, case: Option<String>, problem: String) {
        self.errors.push(CaseFileError {
            file: self.name.to_string(),
            line: at.map(|p| p.line),
            column: at.map(|p| p.column),
            case,
            problem,
        });
    }

    /// A problem known only by its case's line.
    fn at_line(&mut self, line: Option<usize>, case: Option<String>, problem: String) {
        self.errors.push(CaseFileError {
            file: self.name.to_string(),
            line,
            column: None,
            case,
            problem,
        });
    }

    /// A problem at `pointer`; where it cannot be located, at `fallback` (its case's line).
    fn at_pointer(
        &mut self,
        pointer: &str,
        part: Part,
        fallback: Option<usize>,
        case: Option<String>,
        problem: String,
    ) {
        let at = if self.located < LOCATED_PER_FILE {
            self.located += 1;
            locate::locate(self.text, pointer, part)
        } else {
            None
        };
        match at {
            Some(at) => self.push(Some(at), case, problem),
            None => self.at_line(fallback, case, problem),
        }
    }
}

/// At most this many characters of a value are shown in a problem.
const SHOWN_VALUE: usize = 60;

/// A value as compact JSON, cut at [`SHOWN_VALUE`] characters.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= SHOWN_VALUE {
        text
    } else {
        let cut: String = text.chars().take(SHOWN_VALUE).collect();
        format!("{cut}…")
    }
}

fn parse_file(
    validator: &jsonschema::Validator,
    name: &str,
    text: &str,
    shared: &fixture::Fixtures,
) -> Result<Vec<Case>, Vec<CaseFileError>> {
    let mut out = FileErrors {
        name,
        text,
        located: 0,
        errors: Vec::new(),
    };
    let value = match yaml::parse(text) {
        Ok(value) => value,
        Err(e) => {
            out.push(e.at, None, format!("not valid YAML: {}", e.message));
            return Err(out.errors);
        }
    };
    let case_lines = case_lines(text);

    for e in validator.iter_errors(&value) {
        let pointer = e.instance_path().as_str().to_string();
        let (case, index, rest) = case_of_pointer(&value, &pointer);
        let fallback = index.and_then(|i| case_lines.get(i).copied().flatten());
        // An unexpected key is pointed at itself, not at the mapping holding it.
        let (target, part, got) = match e.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected }
                if !unexpected.is_empty() =>
            {
                (
                    format!(
                        "{pointer}/{}",
                        unexpected[0].replace('~', "~0").replace('/', "~1")
                    ),
                    Part::Key,
                    String::new(),
                )
            }
            _ => (
                pointer.clone(),
                Part::Value,
                format!(" (got {})", shown(e.instance())),
            ),
        };
        let at = if rest.is_empty() {
            String::new()
        } else {
            format!("at {rest}: ")
        };
        out.at_pointer(
            &target,
            part,
            fallback,
            case,
            format!("{at}{}{got}", e.masked()),
        );
    }
    if !out.errors.is_empty() {
        return Err(out.errors);
    }

    let file: CaseFile = match serde_json::from_value(value) {
        Ok(file) => file,
        Err(e) => {
            // The schema let it through; the typed model did not. Parse the text into the
            // model directly to learn where.
            let at = serde_yaml_ng::from_str::<CaseFile>(text)
                .err()
                .and_then(|e| Position::of(&e));
            out.push(at, None, format!("does not fit the case model: {e}"));
            return Err(out.errors);
        }
    };
    let mut cases = Vec::with_capacity(file.cases.len());
    for (index, raw) in file.cases.into_iter().enumerate() {
        let mut tags = file.tags.clone();
        tags.extend(raw.tags.iter().cloned());
        tags.dedup();
        let mut requires = file.requires.clone();
        requires.extend(raw.requires.iter().copied());
        requires.sort();
        requires.dedup();
        let line = case_lines.get(index).copied().flatten();
        let raw_steps = raw.steps.len();
        let Some(spec) = raw.spec.clone().or_else(|| file.spec.clone()) else {
            out.at_line(
                line,
                Some(raw.id.clone()),
                "no spec reference: give `spec` on the case or the file".into(),
            );
            continue;
        };
        let mut steps = Vec::with_capacity(raw.steps.len());
        let mut expanded = 0;
        for (j, step) in raw.steps.into_iter().enumerate() {
            match step {
                RawStep::Step(step) => steps.push(*step),
                RawStep::Parallel(group) => {
                    expanded += group.parallel.len() - 1;
                    steps.extend(parallel_steps(group, j));
                }
                RawStep::Fixture(using) => {
                    let at = format!("/cases/{index}/steps/{j}");
                    match fixture::expand(&file.fixtures, shared, &using, &at) {
                        Ok(step) => steps.push(step),
                        Err(problem) => out.at_pointer(
                            &problem.pointer,
                            problem.part,
                            line,
                            Some(raw.id.clone()),
                            problem.message,
                        ),
                    }
                }
            }
        }
        if steps.len() != raw_steps + expanded {
            continue;
        }
        // Where each citation is written: the case's own `spec`, or the file's.
        let mut citations = vec![(
            if raw.spec.is_some() {
                format!("/cases/{index}/spec")
            } else {
                "/spec".to_string()
            },
            spec.clone(),
        )];
        citations.extend(
            raw.also
                .iter()
                .enumerate()
                .map(|(j, a)| (format!("/cases/{index}/also/{j}"), a.clone())),
        );
        for (pointer, citation) in &citations {
            if let Some(problem) = citations::unresolved(citation) {
                out.at_pointer(pointer, Part::Value, line, Some(raw.id.clone()), problem);
            }
        }
        let case = Case {
            spec,
            id: raw.id,
            also: raw.also,
            title: raw.title,
            requirement: raw.requirement,
            consequence: raw.consequence,
            level: raw.level,
            tags,
            requires,
            vars: raw.vars,
            steps,
            cleanup: raw.cleanup,
            origin: Origin {
                file: name.to_string(),
                line,
            },
        };
        for problem in check::check_case(&case, &format!("/cases/{index}")) {
            out.at_pointer(
                &problem.pointer,
                problem.part,
                line,
                Some(case.id.clone()),
                problem.message,
            );
        }
        cases.push(case);
    }
    if out.errors.is_empty() {
        Ok(cases)
    } else {
        Err(out.errors)
    }
}

/// The steps of the parallel group written as step `at` of its case, each marked as sent
/// with the others; a step without a name takes the group's.
fn parallel_steps(group: ParallelSteps, at: usize) -> impl Iterator<Item = Step> {
    let name = group.name;
    group
        .parallel
        .into_iter()
        .enumerate()
        .map(move |(member, mut step)| {
            step.concurrent = Some(Concurrent { group: at, member });
            if step.name.is_none() {
                step.name.clone_from(&name);
            }
            step
        })
}

/// For a JSON pointer into a case file, the id of the case it is in (if any), the case's
/// index, and the rest of the pointer inside that case.
fn case_of_pointer(file: &Value, pointer: &str) -> (Option<String>, Option<usize>, String) {
    let mut parts = pointer.split('/').skip(1);
    if parts.next() != Some("cases") {
        return (None, None, pointer.to_string());
    }
    let Some(index) = parts.next().and_then(|i| i.parse::<usize>().ok()) else {
        return (None, None, pointer.to_string());
    };
    let id = file
        .get("cases")
        .and_then(|c| c.get(index))
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{} (no id)", index + 1));
    let rest: Vec<&str> = parts.collect();
    let rest = if rest.is_empty() {
        String::new()
    } else {
        format!("/{}", rest.join("/"))
    };
    (Some(id), Some(index), rest)
}

/// The 1-based line of each case's `id:` key, in file order, found in one pass over the
/// text: the items of the top-level `cases:` list are the lines starting with `- ` at the
/// list's indentation, and a case's line is that of the first `id:` key at the item's key
/// indentation (on the dash line or below it).
fn case_lines(text: &str) -> Vec<Option<usize>> {
    let mut lines = Vec::new();
    let mut in_cases = false;
    let mut dash_indent: Option<usize> = None;
    let mut key_indent = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            in_cases = trimmed.starts_with("cases:");
            dash_indent = None;
            continue;
        }
        if !in_cases {
            continue;
        }
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        if is_item && dash_indent.is_none_or(|d| d == indent) {
            dash_indent = Some(indent);
            let item = trimmed[1..].trim_start();
            key_indent = if item.is_empty() {
                usize::MAX // the keys start on the next line
            } else {
                indent + (trimmed.len() - item.len())
            };
            // A flow mapping (`- { id: … }`) is on this line.
            let here = item.starts_with("id:") || item.starts_with('{');
            lines.push(here.then_some(i + 1));
            continue;
        }
        if key_indent == usize::MAX {
            key_indent = indent;
        }
        if let Some(last) = lines.last_mut() {
            if last.is_none() && indent == key_indent && trimmed.starts_with("id:") {
                *last = Some(i + 1);
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_one(text: &str) -> Result<Suite, LoadError> {
        load_sources([("suites/x.yaml".to_string(), text.to_string())])
    }

    const GOOD: &str = r#"
spec: RFC7644 §3.3
cases:
  - id: create-201
    title: Create a user
    level: MUST
    steps:
      - request: { method: POST, path: /Users, body: { userName: "{{uid}}" } }
        expect: { status: 201, body: { /id: { type: string } } }
        capture: { id: /id }
    cleanup:
      - { method: DELETE, path: "/Users/{{id}}" }
"#;

    #[test]
    fn loads_a_good_file() {
        let suite = load_one(GOOD).unwrap();
        assert_eq!(suite.cases.len(), 1);
        let case = &suite.cases[0];
        assert_eq!(case.spec, "RFC7644 §3.3");
        assert_eq!(case.origin.line, Some(4));
    }

    #[test]
    fn names_file_line_case_and_problem() {
        let text = GOOD.replace("status: 201", "status: 9001");
        let err = load_one(&text).unwrap_err().to_string();
        assert!(
            err.contains("suites/x.yaml:9:27: case 'create-201': at /steps/0/expect/status"),
            "{err}"
        );
        assert!(err.contains("(got 9001)"), "{err}");
    }

    /// The one error of loading `text`.
    fn only_error(text: &str) -> CaseFileError {
        match load_one(text) {
            Err(LoadError::Invalid(errors)) if errors.len() == 1 => errors[0].clone(),
            other => panic!("expected one error, got {other:?}"),
        }
    }

    #[test]
    fn a_client_citation_missing_from_its_catalogue_is_refused_at_its_line() {
        let text = GOOD.replace(
            "    level: MUST\n",
            "    level: MUST\n    spec: Okta O-NOPE\n",
        );
        let e = only_error(&text);
        assert_eq!(
            (e.file.as_str(), e.line, e.column),
            ("suites/x.yaml", Some(7), Some(11)),
            "{e}"
        );
        assert!(
            e.problem
                .contains("'Okta O-NOPE' cites O-NOPE, which spec/okta-catalog.yaml does not list"),
            "{e}"
        );
        let file_level = GOOD.replace("spec: RFC7644 §3.3\n", "spec: Entra E-NOPE\n");
        let e = only_error(&file_level);
        assert_eq!(e.line, Some(2), "{e}");
        let listed = GOOD.replace("spec: RFC7644 §3.3\n", "spec: Entra E-TESTCONN-PROBE\n");
        assert!(load_one(&listed).is_ok());
    }

    #[test]
    fn a_duplicate_key_is_refused_at_the_duplicate() {
        let text = GOOD.replace("    level: MUST\n", "    level: MUST\n    level: SHOULD\n");
        let e = only_error(&text);
        assert_eq!((e.line, e.column), (Some(7), Some(5)), "{e}");
        assert!(e.problem.contains("duplicate key 'level'"), "{e}");
    }

    #[test]
    fn an_unknown_key_is_pointed_at_itself() {
        let text = GOOD.replace("    level: MUST\n", "    level: MUST\n    levle: MUST\n");
        let e = only_error(&text);
        assert_eq!((e.line, e.column), (Some(7), Some(5)), "{e}");
        assert!(e.problem.contains("levle"), "{e}");
    }

    #[test]
    fn long_values_are_shown_cut() {
        let long = "x".repeat(200);
        let text = GOOD.replace("status: 201", &format!("status: \"{long}\""));
        let e = only_error(&text);
        assert!(e.problem.contains("(got \"xxxx"), "{e}");
        assert!(e.problem.contains('…') && e.problem.len() < 300, "{e}");
    }

    #[test]
    fn an_invalid_filter_is_refused_at_load_at_its_line() {
        let text = GOOD.replace(
            "/id: { type: string }",
            "/Resources: { each_matches_filter: 'userName eq' }",
        );
        let e = only_error(&text);
        assert_eq!((e.line, e.column), (Some(9), Some(75)), "{e}");
        assert!(e.problem.contains("not a SCIM filter"), "{e}");
        assert!(e.problem.contains("'userName eq'"), "{e}");
        let text = GOOD.replace(
            "/id: { type: string }",
            "/Resources: { each_matches_filter: 'userName eq \"{{uid}}\"' }",
        );
        assert!(load_one(&text).is_ok());
    }

    #[test]
    fn header_names_must_be_tokens() {
        let text = GOOD.replace(
            "request: { method: POST,",
            "request: { headers: { \"Bad Name\": v }, method: POST,",
        );
        let e = only_error(&text);
        assert_eq!((e.line, e.column), (Some(8), Some(31)), "{e}");
        assert!(
            e.problem.contains("'Bad Name' is not an RFC 7230 token"),
            "{e}"
        );
        let text = GOOD.replace(
            "status: 201,",
            "status: 201, headers: { \"a:b\": { present: true } },",
        );
        assert!(only_error(&text).problem.contains("'a:b'"));
        let text = GOOD.replace(
            "capture: { id: /id }",
            "capture: { id: { header: \"E Tag\" } }",
        );
        assert!(only_error(&text).problem.contains("'E Tag'"));
    }

    #[test]
    fn captures_and_vars_may_not_shadow_builtins() {
        for name in ["uid", "run", "guid", "base", "i"] {
            let text = GOOD
                .replace(
                    "capture: { id: /id }",
                    &format!("capture: {{ {name}: /id }}"),
                )
                .replace("{{id}}", &format!("{{{{{name}}}}}"));
            let e = only_error(&text);
            assert!(
                e.problem.contains("shadows a built-in variable"),
                "{name}: {e}"
            );
            assert_eq!((e.line, e.column), (Some(10), Some(20)), "{name}: {e}");
        }
        let text = GOOD.replace("    level: MUST\n", "    level: MUST\n    vars: { i: 1 }\n");
        assert!(only_error(&text).problem.contains("vars.i shadows"));
    }

    #[test]
    fn unknown_variables_are_pointed_at_their_string() {
        let text = GOOD.replace("\"/Users/{{id}}\"", "\"/Users/{{idd}}\"");
        let e = only_error(&text);
        assert_eq!((e.line, e.column), (Some(12), Some(33)), "{e}");
    }

    #[test]
    fn every_embedded_case_knows_its_line() {
        let suite = load_embedded().unwrap();
        let files: std::collections::HashMap<String, &str> = embedded_files()
            .iter()
            .map(|(n, t)| (format!("suites/{n}"), *t))
            .collect();
        for case in &suite.cases {
            let line = case.origin.line.unwrap_or_else(|| panic!("{}", case.id));
            let text = files[&case.origin.file].lines().nth(line - 1).unwrap_or("");
            assert!(
                text.contains(&format!("id: {}", case.id)),
                "{}: {text}",
                case.id
            );
        }
    }

    /// `n` cases in one file.
    fn many_cases(n: usize) -> String {
        let mut text = String::from("spec: RFC7644 §3.3\ncases:\n");
        let case = GOOD.split("cases:\n").nth(1).unwrap_or_default();
        for i in 0..n {
            text.push_str(&case.replace("create-201", &format!("create-201-{i}")));
        }
        text
    }

    #[test]
    fn loading_is_linear_in_the_file_size() {
        // 4,000 cases took seconds when each case's line was found by scanning from the top.
        let text = many_cases(4000);
        let started = std::time::Instant::now();
        let suite = load_one(&text).unwrap();
        let elapsed = started.elapsed();
        assert_eq!(suite.cases.len(), 4000);
        assert_eq!(suite.cases[3999].origin.line, Some(2 + 3999 * 9 + 1));
        assert!(
            elapsed < std::time::Duration::from_secs(3),
            "4,000 cases loaded in {elapsed:?}"
        );
    }

    #[test]
    fn reports_yaml_syntax_with_line() {
        let err = load_one("cases:\n  - id: a\n    title: [unclosed\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("suites/x.yaml:"), "{err}");
        assert!(err.contains("not valid YAML"), "{err}");
    }

    #[test]
    fn reports_unknown_variables() {
        let text = GOOD.replace("{{uid}}", "{{nobody}}");
        let err = load_one(&text).unwrap_err().to_string();
        assert!(err.contains("case 'create-201'"), "{err}");
        assert!(err.contains("nobody"), "{err}");
    }

    const WITH_FIXTURES: &str = r#"
spec: RFC7644 §3.3
fixtures:
  user:
    name: "create user{{suffix}}"
    vars: { suffix: "" }
    request: { method: POST, path: /Users, body: { userName: "{{uid}}{{suffix}}" } }
    expect: { status: 201 }
    capture: { id: /id }
cases:
  - id: two-users
    title: Two users
    level: MUST
    steps:
      - { fixture: user, as: u1, vars: { suffix: "-m1" } }
      - fixture: user
      - request: { method: GET, path: "/Users/{{u1}}" }
        expect: { status: 200 }
    cleanup:
      - { method: DELETE, path: "/Users/{{u1}}" }
      - { method: DELETE, path: "/Users/{{id}}" }
"#;

    #[test]
    fn a_fixture_step_is_expanded_into_a_setup_step() {
        let suite = load_one(WITH_FIXTURES).unwrap();
        let steps = &suite.cases[0].steps;
        assert_eq!(steps.len(), 3);
        assert!(steps[0].setup && steps[1].setup && !steps[2].setup);
        assert_eq!(steps[0].name.as_deref(), Some("create user-m1"));
        assert_eq!(
            steps[0].request.body,
            Some(serde_json::json!({ "userName": "{{uid}}-m1" }))
        );
        assert_eq!(steps[0].capture.keys().collect::<Vec<_>>(), ["u1"]);
        assert_eq!(steps[1].name.as_deref(), Some("create user"));
        assert_eq!(steps[1].capture.keys().collect::<Vec<_>>(), ["id"]);
    }

    #[test]
    fn an_unknown_fixture_is_refused_at_its_line() {
        let e = only_error(&WITH_FIXTURES.replace("fixture: user\n", "fixture: usr\n"));
        assert_eq!((e.line, e.column), (Some(16), Some(18)), "{e}");
        assert_eq!(e.case.as_deref(), Some("two-users"), "{e}");
        assert!(e.problem.contains("unknown fixture 'usr'"), "{e}");
    }

    #[test]
    fn fixture_uses_and_templates_are_checked_by_the_schema() {
        let e = only_error(&WITH_FIXTURES.replace("as: u1", "as_: u1"));
        assert_eq!(e.line, Some(15), "{e}");
        assert!(e.problem.contains("as_"), "{e}");
        let e = only_error(&WITH_FIXTURES.replace("status: 201", "status: 9001"));
        assert_eq!(e.line, Some(8), "{e}");
        // An expanded step is checked like a written one: its captures name later templates.
        let err = load_one(&WITH_FIXTURES.replace("as: u1, ", ""))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("step 3 path: unknown variable '{{u1}}'"),
            "{err}"
        );
    }

    const WITH_PARALLEL: &str = r#"
spec: RFC7644 §3.5.2
cases:
  - id: two-at-once
    title: Two patches at once
    level: MUST
    steps:
      - request: { method: POST, path: /Users, body: { userName: "{{uid}}" } }
        expect: { status: 201 }
        capture: { id: /id }
      - name: patch twice
        parallel:
          - request: { method: PATCH, path: "/Users/{{id}}", body: { a: 1 } }
            expect: { status: 200 }
            capture: { first: /id }
          - name: the second
            request: { method: PATCH, path: "/Users/{{id}}", body: { b: 2 } }
            expect: { status: 200 }
      - request: { method: GET, path: "/Users/{{first}}" }
        expect: { status: 200 }
"#;

    #[test]
    fn a_parallel_step_is_flattened_into_marked_steps() {
        let suite = load_one(WITH_PARALLEL).unwrap();
        let steps = &suite.cases[0].steps;
        assert_eq!(steps.len(), 4);
        let marks: Vec<_> = steps.iter().map(|s| s.concurrent).collect();
        assert_eq!(
            marks,
            [
                None,
                Some(Concurrent {
                    group: 1,
                    member: 0
                }),
                Some(Concurrent {
                    group: 1,
                    member: 1
                }),
                None
            ]
        );
        let labels: Vec<_> = (0..4).map(|i| steps[i].label(i, steps)).collect();
        assert_eq!(
            labels,
            [
                "step 1",
                "step 2.1 'patch twice'",
                "step 2.2 'the second'",
                "step 3"
            ]
        );
        let at: Vec<_> = (0..4).map(|i| steps[i].written_at(i, steps)).collect();
        assert_eq!(at, ["0", "1/parallel/0", "1/parallel/1", "2"]);
    }

    #[test]
    fn a_parallel_step_is_bounded_and_holds_no_repeat() {
        let one =
            "          - request: { method: PATCH, path: \"/Users/{{id}}\", body: { b: 2 } }\n";
        let many = WITH_PARALLEL.replace(
            "          - name: the second\n",
            &format!("{}          - name: the second\n", one.repeat(31)),
        );
        let e = only_error(&many);
        assert_eq!(e.line, Some(13), "{e}");
        assert!(e.problem.contains("parallel"), "{e}");
        let e = only_error(&WITH_PARALLEL.replace("name: the second", "repeat: 3"));
        assert_eq!((e.line, e.column), (Some(16), Some(21)), "{e}");
        assert!(e.problem.contains("/steps/1/parallel/1/repeat"), "{e}");
    }

    #[test]
    fn a_parallel_step_may_not_use_a_sibling_capture() {
        let text = WITH_PARALLEL.replace("body: { b: 2 }", "body: { b: \"{{first}}\" }");
        let e = only_error(&text);
        assert_eq!(e.line, Some(17), "{e}");
        assert!(
            e.problem
                .contains("step 2.2 'the second' body: unknown variable '{{first}}'"),
            "{e}"
        );
    }

    #[test]
    fn embedded_suites_load() {
        if let Err(e) = load_embedded() {
            panic!("{e}");
        }
    }
}
