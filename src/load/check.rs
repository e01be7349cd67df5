//! Checks a JSON Schema cannot express: unique ids across files, templates that refer to
//! known variables, names that do not shadow built-in variables, header names that are
//! RFC 7230 tokens, and regexes and SCIM filters that compile. Each problem carries the JSON
//! pointer of the offending value in its file, so the loader can give its line and column.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::error::CaseFileError;
use super::locate::Part;
use super::model::{Capture, Case, Expect, Matcher, Request};
use crate::scim::filter;
use crate::template::{self, BUILTINS, REPEAT_INDEX};

/// A problem in one case: where (a JSON pointer into the file, at the value or at its key)
/// and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub pointer: String,
    pub part: Part,
    pub message: String,
}

/// `base` with one more pointer segment (RFC 6901 escaping).
fn child(base: &str, segment: &str) -> String {
    format!("{base}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// Case ids used twice, across all files.
pub(super) fn duplicate_ids(cases: &[Case]) -> Vec<CaseFileError> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &Case> = HashMap::new();
    for case in cases {
        if let Some(first) = seen.insert(case.id.as_str(), case) {
            errors.push(CaseFileError {
                file: case.origin.file.clone(),
                line: case.origin.line,
                column: None,
                case: Some(case.id.clone()),
                problem: format!("duplicate case id; first defined at {}", first.origin),
            });
        }
    }
    errors
}

/// A name a case may not give a variable or capture: a built-in, the repeat index, or a
/// `profile.*` name.
fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name) || name == REPEAT_INDEX || name.starts_with("profile.")
}

/// An RFC 7230 §3.2.6 token: what a header field name must be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, pointer: String, part: Part, message: String) {
        self.problems.push(Problem {
            pointer,
            part,
            message,
        });
    }
}

/// The problems of the case at `at` (`/cases/N`) of its file.
pub(super) fn check_case(case: &Case, at: &str) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let mut known: BTreeSet<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
    let vars = child(at, "vars");
    for (name, value) in &case.vars {
        let p = child(&vars, name);
        if is_builtin(name) {
            c.push(
                p.clone(),
                Part::Key,
                format!("vars.{name} shadows a built-in variable"),
            );
        }
        c.unknown_in_value(value, &known, &p, &format!("vars.{name}"));
    }
    known.extend(case.vars.keys().cloned());

    let steps = child(at, "steps");
    for (index, step) in case.steps.iter().enumerate() {
        let label = match &step.name {
            Some(name) => format!("step {} ('{name}')", index + 1),
            None => format!("step {}", index + 1),
        };
        let p = child(&steps, &index.to_string());
        let mut step_known = known.clone();
        if step.repeat.is_some() {
            step_known.insert(REPEAT_INDEX.to_string());
        }
        c.request(&step.request, &step_known, &child(&p, "request"), &label);
        c.expect(&step.expect, &step_known, &child(&p, "expect"), &label);
        let captures = child(&p, "capture");
        for (name, capture) in &step.capture {
            let cp = child(&captures, name);
            if is_builtin(name) {
                c.push(
                    cp.clone(),
                    Part::Key,
                    format!("{label} capture '{name}' shadows a built-in variable"),
                );
            }
            if let Capture::Source(source) = capture {
                if let Some(header) = source.header.as_deref().filter(|h| !is_token(h)) {
                    c.push(
                        child(&cp, "header"),
                        Part::Value,
                        format!("{label} capture '{name}': header name '{header}' is not an RFC 7230 token"),
                    );
                }
            }
        }
        known.extend(step.capture.keys().cloned());
    }
    let cleanup = child(at, "cleanup");
    for (index, request) in case.cleanup.iter().enumerate() {
        c.request(
            request,
            &known,
            &child(&cleanup, &index.to_string()),
            &format!("cleanup {}", index + 1),
        );
    }
    c.problems
}

impl Checker {
    fn request(&mut self, request: &Request, known: &BTreeSet<String>, at: &str, label: &str) {
        self.unknown_in_str(
            &request.path,
            known,
            child(at, "path"),
            Part::Value,
            &format!("{label} path"),
        );
        let query = child(at, "query");
        for (k, v) in &request.query {
            self.unknown_in_value(v, known, &child(&query, k), &format!("{label} query.{k}"));
        }
        let headers = child(at, "headers");
        for (name, value) in &request.headers {
            let p = child(&headers, name);
            self.header_name(name, &p, label);
            self.unknown_in_str(
                value,
                known,
                p,
                Part::Value,
                &format!("{label} header {name}"),
            );
        }
        if let Some(body) = &request.body {
            self.unknown_in_value(body, known, &child(at, "body"), &format!("{label} body"));
        }
        if let Some(raw) = &request.raw {
            self.unknown_in_str(
                raw,
                known,
                child(at, "raw"),
                Part::Value,
                &format!("{label} raw body"),
            );
        }
    }

    fn header_name(&mut self, name: &str, pointer: &str, label: &str) {
        if !is_token(name) {
            self.push(
                pointer.to_string(),
                Part::Key,
                format!("{label}: header name '{name}' is not an RFC 7230 token"),
            );
        }
    }

    fn expect(&mut self, expect: &Expect, known: &BTreeSet<String>, at: &str, label: &str) {
        let headers = child(at, "headers");
        for (name, m) in &expect.headers {
            let p = child(&headers, name);
            self.header_name(name, &p, &format!("{label} expect"));
            self.matcher(m, known, &p, &format!("{label} expect header {name}"));
        }
        let body = child(at, "body");
        for (pointer, m) in &expect.body {
            self.matcher(
                m,
                known,
                &child(&body, pointer),
                &format!("{label} expect body {pointer}"),
            );
        }
    }

    fn matcher(&mut self, m: &Matcher, known: &BTreeSet<String>, at: &str, label: &str) {
        for (key, value) in [
            ("equals", &m.equals),
            ("not_equals", &m.not_equals),
            ("contains", &m.contains),
            ("not_contains", &m.not_contains),
            ("gte", &m.gte),
            ("lte", &m.lte),
        ] {
            if let Some(value) = value {
                self.unknown_in_value(value, known, &child(at, key), label);
            }
        }
        if let Some(values) = &m.one_of {
            self.unknown_in_value(
                &Value::Array(values.clone()),
                known,
                &child(at, "one_of"),
                label,
            );
        }
        if let Some(s) = &m.equals_ci {
            self.unknown_in_str(s, known, child(at, "equals_ci"), Part::Value, label);
        }
        if let Some(text) = &m.each_matches_filter {
            let p = child(at, "each_matches_filter");
            let before = self.problems.len();
            self.unknown_in_str(text, known, p.clone(), Part::Value, label);
            if self.problems.len() == before {
                if let Err(e) = filter::parse(&with_sample_values(text)) {
                    self.push(
                        p,
                        Part::Value,
                        format!("{label}: each_matches_filter '{text}' is not a SCIM filter: {e}"),
                    );
                }
            }
        }
        if let Some(re) = &m.regex {
            if let Err(e) = regex::Regex::new(re) {
                self.push(
                    child(at, "regex"),
                    Part::Value,
                    format!("{label}: regex does not compile: {e}"),
                );
            }
        }
    }

    fn unknown_in_str(
        &mut self,
        s: &str,
        known: &BTreeSet<String>,
        pointer: String,
        part: Part,
        label: &str,
    ) {
        match template::variables(s) {
            Err(e) => self.push(pointer, part, format!("{label}: {e}")),
            Ok(names) => {
                for name in names.into_iter().filter(|n| !known.contains(*n)) {
                    self.push(
                        pointer.clone(),
                        part,
                        format!(
                            "{label}: {}",
                            template::TemplateError::Unknown(name.to_string())
                        ),
                    );
                }
            }
        }
    }

    fn unknown_in_value(&mut self, value: &Value, known: &BTreeSet<String>, at: &str, label: &str) {
        match value {
            Value::String(s) => self.unknown_in_str(s, known, at.to_string(), Part::Value, label),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.unknown_in_value(item, known, &child(at, &i.to_string()), label);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let p = child(at, k);
                    self.unknown_in_str(k, known, p.clone(), Part::Key, label);
                    self.unknown_in_value(v, known, &p, label);
                }
            }
            _ => {}
        }
    }
}

/// A filter template with each `{{…}}` replaced by a sample, so its syntax can be checked
/// before any value is known: `x` inside a quoted string or where an attribute name stands,
/// `"x"` after a comparison operator.
pub(crate) fn with_sample_values(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let before = &rest[..start];
        out.push_str(before);
        let in_string = out.matches('"').count() % 2 == 1;
        let after_operator = out.split_whitespace().next_back().is_some_and(|w| {
            ["eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"]
                .contains(&w.to_ascii_lowercase().as_str())
        }) && out.ends_with(char::is_whitespace);
        out.push_str(if after_operator && !in_string {
            "\"x\""
        } else {
            "x"
        });
        rest = match rest[start..].find("}}") {
            Some(end) => &rest[start + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_keep_a_filter_template_parseable() {
        assert_eq!(
            with_sample_values(r#"userName eq "{{uid}}""#),
            r#"userName eq "x""#
        );
        assert_eq!(
            with_sample_values("meta.version eq {{v}}"),
            r#"meta.version eq "x""#
        );
        assert!(filter::parse(&with_sample_values(r#"userName eq "{{uid}}-a""#)).is_ok());
        assert!(filter::parse(&with_sample_values(r#"userName eq {{uid}}"#)).is_ok());
        assert!(filter::parse(&with_sample_values(r#"userName eq"#)).is_err());
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(is_token("X-Api-Key"));
        assert!(is_token("If-Match"));
        assert!(!is_token("Bad Name"));
        assert!(!is_token("X:Y"));
        assert!(!is_token(""));
        assert!(!is_token("{{h}}"));
    }

    #[test]
    fn builtins_include_the_repeat_index_and_profile_names() {
        for name in ["uid", "run", "guid", "base", "i", "profile.anything"] {
            assert!(is_builtin(name), "{name}");
        }
        assert!(!is_builtin("id"));
    }
}
