//! Checks a JSON Schema cannot express: unique ids across files, templates that refer to
//! known variables, names that do not shadow built-in variables, header names that are
//! RFC 7230 tokens, and regexes and SCIM filters that compile. Each problem carries the JSON
//! pointer of the offending value in its file, so the loader can give its line and column.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::error::CaseFileError;
use super::locate::Part;
use super::model::{Capture, Case, Expect, Matcher, Method, Request, Step};
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
    // Values that belong to this case alone: the per-case and per-run built-ins, the case's
    // variables built from them, and whatever it captures.
    let mut unique: BTreeSet<String> = UNIQUE_BUILTINS.iter().map(|s| s.to_string()).collect();
    for (name, value) in &case.vars {
        if names_unique(value, &unique) {
            unique.insert(name.clone());
        }
    }

    let steps = format!("{at}/steps");
    // What the steps of a parallel group may use: what was known before the group, since
    // their captures are taken only after all of them have answered.
    let mut before_group = known.clone();
    for (index, step) in case.steps.iter().enumerate() {
        let label = step.label(index, &case.steps);
        let p = format!("{steps}/{}", step.written_at(index, &case.steps));
        if step.concurrent.is_none_or(|c| c.member == 0) {
            before_group = known.clone();
        }
        let mut step_known = if step.concurrent.is_some() {
            before_group.clone()
        } else {
            known.clone()
        };
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
        if step.setup {
            for (pointer, part, why) in optional_in_setup(step) {
                c.push(
                    child(&p, &pointer),
                    part,
                    format!(
                        "{label} is a setup step but {why}: a broken precondition is an error, \
                         so make it an `assume` step (skipped when the feature is missing) or a \
                         tested step"
                    ),
                );
            }
        }
        if !case.tags.iter().any(|t| t == GLOBAL_TAG) {
            if let Some(filter) = unscoped_list_filter(step, &unique) {
                c.push(
                    child(&p, "request"),
                    Part::Value,
                    format!(
                        "{label} lists resources with filter '{filter}', which names no value of \
                         this case ({{{{uid}}}}, {{{{run}}}}, {{{{guid}}}} or a captured id): other \
                         data on the target, another case's included, can change its answer; \
                         scope it, or tag the case '{GLOBAL_TAG}'"
                    ),
                );
            }
        }
        unique.extend(step.capture.keys().cloned());
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

/// The tag of a case that reads the whole target on purpose (a list query not scoped to its
/// own data).
pub const GLOBAL_TAG: &str = "global";

/// Built-in variables whose values are unique to a case (`uid`) or a run (`run`) or fresh on
/// each use (`guid`).
const UNIQUE_BUILTINS: &[&str] = &["uid", "run", "guid"];

/// Whether `value` mentions one of the `unique` variables.
fn names_unique(value: &Value, unique: &BTreeSet<String>) -> bool {
    match value {
        Value::String(s) => template::variables(s)
            .map(|names| names.iter().any(|n| unique.contains(*n)))
            .unwrap_or(false),
        Value::Array(items) => items.iter().any(|v| names_unique(v, unique)),
        Value::Object(map) => map.values().any(|v| names_unique(v, unique)),
        _ => false,
    }
}

/// What a setup step uses that the RFC leaves optional, each with the pointer (relative to
/// the step) of the offending value: sorting (RFC 7644 §3.4.2.3, `sort.supported`), a value
/// filter `[…]` in a filter or PATCH path (§3.4.2.2, §3.5.2 — servers that filter may still
/// refuse complex attribute filters), `.search` (§3.4.3), bulk (§3.7), ETags (§3.14), and
/// the server-assigned `meta` values a case compares (RFC 7643 §3.1), which a tested step
/// must read and expect so that a missing one fails rather than errors.
fn optional_in_setup(step: &Step) -> Vec<(String, Part, String)> {
    let mut out = Vec::new();
    let request = &step.request;
    for key in ["sortBy", "sortOrder"] {
        if request.query.contains_key(key) {
            out.push((
                format!("request/query/{key}"),
                Part::Key,
                format!("sorts ({key}; RFC 7644 §3.4.2.3, optional)"),
            ));
        }
    }
    if let Some(filter) = request.query.get("filter").and_then(Value::as_str) {
        if filter.contains('[') {
            out.push((
                "request/query/filter".into(),
                Part::Value,
                "filters with a value path '[…]' (RFC 7644 §3.4.2.2, complex attribute filters \
                 are optional)"
                    .into(),
            ));
        }
    }
    let path = request.path.trim_end_matches('/');
    if path.ends_with("/.search") || path == ".search" {
        out.push((
            "request/path".into(),
            Part::Value,
            "searches with POST .search (RFC 7644 §3.4.3, optional)".into(),
        ));
    }
    if path.eq_ignore_ascii_case("/Bulk") {
        out.push((
            "request/path".into(),
            Part::Value,
            "uses bulk (RFC 7644 §3.7, optional)".into(),
        ));
    }
    for name in request.headers.keys() {
        if name.eq_ignore_ascii_case("If-Match") || name.eq_ignore_ascii_case("If-None-Match") {
            out.push((
                format!("request/headers/{name}"),
                Part::Key,
                format!("sends {name} (RFC 7644 §3.14, ETags are optional)"),
            ));
        }
    }
    if request.method == Method::Patch {
        let operations = request
            .body
            .as_ref()
            .and_then(|b| b.get("Operations"))
            .and_then(Value::as_array);
        for (i, op) in operations.into_iter().flatten().enumerate() {
            let has_value_path = op
                .get("path")
                .and_then(Value::as_str)
                .is_some_and(|p| p.contains('['));
            if has_value_path {
                out.push((
                    format!("request/body/Operations/{i}/path"),
                    Part::Value,
                    "PATCHes a value filter path '[…]' (RFC 7644 §3.5.2, optional filtering)"
                        .into(),
                ));
            }
        }
    }
    for (name, capture) in &step.capture {
        let (header, body) = match capture {
            Capture::Pointer(p) => (None, Some(p.as_str())),
            Capture::Source(s) => (s.header.as_deref(), s.body.as_deref()),
        };
        if header.is_some_and(|h| h.eq_ignore_ascii_case("ETag")) {
            out.push((
                format!("capture/{name}"),
                Part::Value,
                "captures the ETag header (RFC 7644 §3.14, optional)".into(),
            ));
        }
        if body.is_some_and(|p| p.to_ascii_lowercase().starts_with("/meta/")) {
            out.push((
                format!("capture/{name}"),
                Part::Value,
                "captures a meta value the case compares (read it in a tested step that \
                 expects it present, so that a missing one fails the case)"
                    .into(),
            ));
        }
    }
    out
}

/// The filter of a list query of Users or Groups (GET `/Users`, `/Groups`, the root, or POST
/// `.search`) expected to succeed, when it names none of the case's `unique` values.
fn unscoped_list_filter(step: &Step, unique: &BTreeSet<String>) -> Option<String> {
    let request = &step.request;
    let path = request.path.trim_end_matches('/');
    let (listing, filter) = match request.method {
        Method::Get => (
            ["", "/Users", "/Groups"]
                .iter()
                .any(|p| path.eq_ignore_ascii_case(p)),
            request.query.get("filter"),
        ),
        Method::Post => (
            path.ends_with(".search"),
            request.body.as_ref().and_then(|b| b.get("filter")),
        ),
        _ => (false, None),
    };
    let filter = filter.filter(|_| listing)?;
    // A request refused whatever is stored (a syntax error) depends on no data.
    let expects_refusal = step
        .expect
        .status
        .as_ref()
        .is_some_and(|s| !s.accepts(200) && !s.accepts(201));
    if expects_refusal || names_unique(filter, unique) {
        return None;
    }
    Some(
        filter
            .as_str()
            .map_or_else(|| filter.to_string(), str::to_string),
    )
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

    /// The problems loading one case whose steps are `steps` (YAML, indented for `steps:`).
    fn problems_of(steps: &str, tags: &str) -> Vec<String> {
        let text = format!(
            "spec: RFC7644 §3.3\ncases:\n  - id: c\n    title: t\n    level: MUST\n    tags: [{tags}]\n    steps:\n{steps}"
        );
        match crate::load::load_sources([("suites/x.yaml".to_string(), text)]) {
            Ok(_) => Vec::new(),
            Err(crate::load::LoadError::Invalid(errors)) => {
                errors.into_iter().map(|e| e.problem).collect()
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_setup_step_may_not_use_an_optional_feature() {
        for (request, what) in [
            (
                r#"{ method: GET, path: /Users, query: { filter: 'userName eq "{{uid}}"', sortBy: userName } }"#,
                "sortBy",
            ),
            (
                r#"{ method: GET, path: /Users, query: { filter: 'emails[type eq "work"].value eq "{{uid}}"' } }"#,
                "value path",
            ),
            (
                r#"{ method: POST, path: /Users/.search, body: { filter: 'userName eq "{{uid}}"' } }"#,
                ".search",
            ),
            (
                r#"{ method: POST, path: /Bulk, body: { Operations: [] } }"#,
                "bulk",
            ),
            (
                r#"{ method: PUT, path: /Users/1, headers: { If-Match: '*' }, body: {} }"#,
                "If-Match",
            ),
            (
                r#"{ method: PATCH, path: /Users/1, body: { Operations: [{ op: remove, path: 'emails[type eq "work"]' }] } }"#,
                "PATCH",
            ),
        ] {
            let steps = format!("      - setup: true\n        request: {request}\n");
            let problems = problems_of(&steps, "");
            assert_eq!(problems.len(), 1, "{what}: {problems:?}");
            assert!(problems[0].contains("is a setup step but"), "{problems:?}");
            assert!(problems[0].contains(what), "{what}: {problems:?}");
            // The same request as an assume step is what the rule asks for.
            let assumed = steps.replace("setup: true", "assume: true");
            assert_eq!(problems_of(&assumed, ""), Vec::<String>::new(), "{what}");
        }
    }

    #[test]
    fn a_setup_step_may_not_capture_an_etag_or_a_meta_value() {
        for capture in ["{ etag: { header: ETag } }", "{ created: /meta/created }"] {
            let steps = format!(
                "      - setup: true\n        request: {{ method: GET, path: /Users/1 }}\n        capture: {capture}\n"
            );
            let problems = problems_of(&steps, "");
            assert_eq!(problems.len(), 1, "{capture}: {problems:?}");
        }
        let ids = "      - setup: true\n        request: { method: POST, path: /Users, body: {} }\n        capture: { id: /id }\n";
        assert_eq!(problems_of(ids, ""), Vec::<String>::new());
    }

    #[test]
    fn a_list_filter_names_a_value_of_the_case() {
        let list = |filter: &str, status: &str| {
            format!(
                "      - request: {{ method: GET, path: /Users, query: {{ filter: '{filter}' }} }}\n        expect: {{ status: {status} }}\n"
            )
        };
        let problems = problems_of(&list(r#"userName eq """#, "200"), "");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("names no value of this case"),
            "{problems:?}"
        );
        // Tagged global, or refused whatever is stored, or scoped: fine.
        assert!(problems_of(&list(r#"userName eq """#, "200"), "global").is_empty());
        assert!(problems_of(&list("userName eq", "400"), "").is_empty());
        assert!(problems_of(&list(r#"userName eq "{{uid}}""#, "200"), "").is_empty());
        assert!(problems_of(&list(r#"externalId eq "{{run}}-x""#, "200"), "").is_empty());
        // A captured id scopes it too; a constant variable does not.
        let captured = format!(
            "      - setup: true\n        request: {{ method: POST, path: /Users, body: {{}} }}\n        capture: {{ a: /id }}\n{}",
            list(r#"id eq "{{a}}""#, "200")
        );
        assert!(problems_of(&captured, "").is_empty());
    }
}
