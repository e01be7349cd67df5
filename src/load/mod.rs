//! Stage 1: case files → a validated [`Suite`].
//!
//! Each YAML file is parsed, validated against `schemas/case.schema.json` with `jsonschema`,
//! turned into the typed model, and checked for what a schema cannot say (unique ids,
//! templates that refer to known variables, regexes and SCIM filters that compile).
//! Every problem names the file, the line where known, the case id and what is wrong.

mod check;
mod error;
pub mod model;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

pub use error::{CaseFileError, LoadError};
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
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in sources {
        match parse_file(validator, &name, &text) {
            Ok(mut file_cases) => cases.append(&mut file_cases),
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    errors.extend(check::check_suite(&cases));
    if errors.is_empty() {
        Ok(Suite { cases })
    } else {
        Err(LoadError::Invalid(errors))
    }
}

fn parse_file(
    validator: &jsonschema::Validator,
    name: &str,
    text: &str,
) -> Result<Vec<Case>, Vec<CaseFileError>> {
    let error = |line: Option<usize>, case: Option<String>, problem: String| CaseFileError {
        file: name.to_string(),
        line,
        case,
        problem,
    };
    let value: Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        vec![error(line, None, format!("not valid YAML: {e}"))]
    })?;

    let schema_errors: Vec<CaseFileError> = validator
        .iter_errors(&value)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_string();
            let (case, rest) = case_of_pointer(&value, &pointer);
            let line = case.as_deref().and_then(|id| line_of_case(text, id));
            let at = if rest.is_empty() {
                String::new()
            } else {
                format!("at {rest}: ")
            };
            error(line, case, format!("{at}{}", e.masked()))
        })
        .collect();
    if !schema_errors.is_empty() {
        return Err(schema_errors);
    }

    let file: CaseFile = serde_json::from_value(value).map_err(|e| {
        vec![error(
            None,
            None,
            format!("does not fit the case model: {e}"),
        )]
    })?;
    let cases = file
        .cases
        .into_iter()
        .map(|raw| {
            let mut tags = file.tags.clone();
            tags.extend(raw.tags.iter().cloned());
            tags.dedup();
            let mut requires = file.requires.clone();
            requires.extend(raw.requires.iter().copied());
            requires.sort();
            requires.dedup();
            let spec = raw.spec.clone().or_else(|| file.spec.clone());
            let line = line_of_case(text, &raw.id);
            Ok(Case {
                spec: spec.ok_or_else(|| {
                    error(
                        line,
                        Some(raw.id.clone()),
                        "no spec reference: give `spec` on the case or the file".into(),
                    )
                })?,
                id: raw.id,
                also: raw.also,
                title: raw.title,
                requirement: raw.requirement,
                consequence: raw.consequence,
                level: raw.level,
                tags,
                requires,
                vars: raw.vars,
                steps: raw.steps,
                cleanup: raw.cleanup,
                origin: Origin {
                    file: name.to_string(),
                    line,
                },
            })
        })
        .collect::<Vec<Result<Case, CaseFileError>>>();
    let (ok, bad): (Vec<_>, Vec<_>) = cases.into_iter().partition(Result::is_ok);
    if bad.is_empty() {
        Ok(ok.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(bad.into_iter().filter_map(Result::err).collect())
    }
}

/// For a JSON pointer into a case file, the id of the case it is in (if any) and the rest of
/// the pointer inside that case.
fn case_of_pointer(file: &Value, pointer: &str) -> (Option<String>, String) {
    let mut parts = pointer.split('/').skip(1);
    if parts.next() != Some("cases") {
        return (None, pointer.to_string());
    }
    let Some(index) = parts.next().and_then(|i| i.parse::<usize>().ok()) else {
        return (None, pointer.to_string());
    };
    let id = file
        .pointer(&format!("/cases/{index}/id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{} (no id)", index + 1));
    let rest: Vec<&str> = parts.collect();
    let rest = if rest.is_empty() {
        String::new()
    } else {
        format!("/{}", rest.join("/"))
    };
    (Some(id), rest)
}

/// The 1-based line of `id: <id>` in the file text.
fn line_of_case(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches('-').trim_start();
            line.strip_prefix("id:")
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
                == Some(id)
        })
        .map(|i| i + 1)
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
            err.contains("suites/x.yaml:4: case 'create-201': at /steps/0/expect/status"),
            "{err}"
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

    #[test]
    fn embedded_suites_load() {
        if let Err(e) = load_embedded() {
            panic!("{e}");
        }
    }
}
