//! Checks a JSON Schema cannot express: unique ids across files, templates that refer to
//! known variables, and regexes that compile.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::error::CaseFileError;
use super::model::{Case, Expect, Matcher, Request};
use crate::template::{self, BUILTINS, REPEAT_INDEX};

pub(super) fn check_suite(cases: &[Case]) -> Vec<CaseFileError> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &Case> = HashMap::new();
    for case in cases {
        if let Some(first) = seen.insert(case.id.as_str(), case) {
            errors.push(problem(
                case,
                format!("duplicate case id; first defined at {}", first.origin),
            ));
        }
        for p in check_case(case) {
            errors.push(problem(case, p));
        }
    }
    errors
}

fn problem(case: &Case, problem: String) -> CaseFileError {
    CaseFileError {
        file: case.origin.file.clone(),
        line: case.origin.line,
        case: Some(case.id.clone()),
        problem,
    }
}

fn check_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let mut known: BTreeSet<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
    for (name, value) in &case.vars {
        if BUILTINS.contains(&name.as_str()) {
            problems.push(format!("vars.{name} shadows a built-in variable"));
        }
        unknown_in_value(value, &known, &format!("vars.{name}"), &mut problems);
    }
    known.extend(case.vars.keys().cloned());

    for (index, step) in case.steps.iter().enumerate() {
        let at = match &step.name {
            Some(name) => format!("step {} ('{name}')", index + 1),
            None => format!("step {}", index + 1),
        };
        let mut step_known = known.clone();
        if step.repeat.is_some() {
            step_known.insert(REPEAT_INDEX.to_string());
        }
        check_request(&step.request, &step_known, &at, &mut problems);
        check_expect(&step.expect, &step_known, &at, &mut problems);
        known.extend(step.capture.keys().cloned());
    }
    for (index, request) in case.cleanup.iter().enumerate() {
        check_request(
            request,
            &known,
            &format!("cleanup {}", index + 1),
            &mut problems,
        );
    }
    problems
}

fn check_request(request: &Request, known: &BTreeSet<String>, at: &str, out: &mut Vec<String>) {
    unknown_in_str(&request.path, known, &format!("{at} path"), out);
    for (k, v) in &request.query {
        unknown_in_value(v, known, &format!("{at} query.{k}"), out);
    }
    for (k, v) in &request.headers {
        unknown_in_str(v, known, &format!("{at} header {k}"), out);
    }
    if let Some(body) = &request.body {
        unknown_in_value(body, known, &format!("{at} body"), out);
    }
    if let Some(raw) = &request.raw {
        unknown_in_str(raw, known, &format!("{at} raw body"), out);
    }
}

fn check_expect(expect: &Expect, known: &BTreeSet<String>, at: &str, out: &mut Vec<String>) {
    for (name, m) in &expect.headers {
        check_matcher(m, known, &format!("{at} expect header {name}"), out);
    }
    for (pointer, m) in &expect.body {
        check_matcher(m, known, &format!("{at} expect body {pointer}"), out);
    }
}

fn check_matcher(m: &Matcher, known: &BTreeSet<String>, at: &str, out: &mut Vec<String>) {
    for value in [
        &m.equals,
        &m.not_equals,
        &m.contains,
        &m.not_contains,
        &m.gte,
        &m.lte,
    ]
    .into_iter()
    .flatten()
    {
        unknown_in_value(value, known, at, out);
    }
    if let Some(values) = &m.one_of {
        for v in values {
            unknown_in_value(v, known, at, out);
        }
    }
    if let Some(s) = &m.equals_ci {
        unknown_in_str(s, known, at, out);
    }
    if let Some(filter) = &m.each_matches_filter {
        unknown_in_str(filter, known, at, out);
    }
    if let Some(re) = &m.regex {
        if let Err(e) = regex::Regex::new(re) {
            out.push(format!("{at}: regex does not compile: {e}"));
        }
    }
}

fn unknown_in_str(s: &str, known: &BTreeSet<String>, at: &str, out: &mut Vec<String>) {
    unknown_in_value(&Value::String(s.to_string()), known, at, out);
}

fn unknown_in_value(value: &Value, known: &BTreeSet<String>, at: &str, out: &mut Vec<String>) {
    let mut names = Vec::new();
    if let Err(e) = template::variables_in_value(value, &mut names) {
        out.push(format!("{at}: {e}"));
        return;
    }
    for name in names {
        if !known.contains(&name) {
            out.push(format!(
                "{at}: {}",
                template::TemplateError::Unknown(name.clone())
            ));
        }
    }
}
