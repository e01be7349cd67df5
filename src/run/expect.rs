//! Checks a response against a step's expectations: status, headers, body pointers,
//! JSON Schema. Returns every broken expectation as one sentence.

use serde_json::Value;

use super::matchers::check;
use super::schemas;
use crate::http::RecordedResponse;
use crate::load::Expect;
use crate::scim::{pointer, text};
use crate::template::{TemplateError, Vars};

fn body_excerpt(body: &str) -> String {
    text::truncate(&text::single_line(body), 300)
}

pub fn evaluate(
    expect: &Expect,
    response: &RecordedResponse,
    vars: &Vars,
) -> Result<Vec<String>, TemplateError> {
    let mut out = Vec::new();
    if let Some(status) = &expect.status {
        if !status.accepts(response.status) {
            let body = if response.body.is_empty() {
                String::new()
            } else {
                format!(" with body {}", body_excerpt(&response.body))
            };
            out.push(format!(
                "expected status {status}, got {}{body}",
                response.status
            ));
            // Nothing else about the response is meaningful once the status is wrong.
            return Ok(out);
        }
    }
    for (name, matcher) in &expect.headers {
        let value = response.header(name).map(|v| Value::String(v.to_string()));
        out.extend(check(
            matcher,
            value.as_ref(),
            &format!("header {name}"),
            vars,
        )?);
    }
    let needs_json =
        expect.json == Some(true) || !expect.body.is_empty() || expect.schema.is_some();
    if needs_json && response.json.is_none() {
        out.push(format!(
            "expected a JSON body, got {}",
            if response.body.trim().is_empty() {
                "an empty body".to_string()
            } else {
                format!("\"{}\"", body_excerpt(&response.body))
            }
        ));
        return Ok(out);
    }
    if let Some(body) = &response.json {
        for (ptr, matcher) in &expect.body {
            for (at, value) in pointer::resolve(body, ptr) {
                let at = if at.is_empty() {
                    "body".to_string()
                } else {
                    at
                };
                out.extend(check(matcher, value, &at, vars)?);
            }
        }
        if let Some(name) = &expect.schema {
            out.extend(schemas::validate(name, Some(body)));
        }
    }
    Ok(out)
}
