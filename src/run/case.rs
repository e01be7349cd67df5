//! Runs one case: steps in order with captures and expectations, then cleanup that always
//! runs, keeping every exchange for the transcript.

use std::ops::Range;
use std::time::Instant;

use serde_json::Value;

use super::context::RunContext;
use super::created::{Created, Resource};
use super::expect::evaluate;
use super::grade::{grade, Graded};
use super::outcome::{CaseResult, Leftover, Outcome};
use super::parallel::join_all;
use super::transcript::Transcript;
use crate::http::{Exchange, HttpError, OutgoingRequest, RecordedResponse};
use crate::load::{AuthMode, Capture, Case, Request, Step};
use crate::scim::pointer;
use crate::template::{TemplateError, Vars, REPEAT_INDEX};

/// Why a case stopped before its end.
struct Stop {
    outcome: Outcome,
    message: String,
    problems: Vec<String>,
    unreachable: bool,
}

struct CaseRun<'a> {
    ctx: &'a RunContext,
    case: &'a Case,
    vars: Vars,
    transcript: Transcript,
    /// Resources this case created, to delete at the end.
    created: Created,
    /// Resources still on the target after the cleanup, and why.
    leftovers: Vec<Leftover>,
}

/// Runs `case`; `index` makes its unique data distinct from every other case of the run.
pub async fn run_case(ctx: &RunContext, case: &Case, index: usize) -> CaseResult {
    let started = Instant::now();
    let mut run = CaseRun {
        ctx,
        case,
        vars: ctx.case_vars(index),
        transcript: Transcript::new(),
        created: Created::new(ctx.client.base_url()),
        leftovers: Vec::new(),
    };
    // The run's deadline or an interrupt cuts the steps; the cleanup still runs, bounded.
    let stop = match ctx.stop.steps(run.steps()).await {
        Ok(steps) => steps.err(),
        Err(reason) => Some(run.error(reason.to_string())),
    };
    ctx.stop.cleanup(run.cleanup()).await;
    let (outcome, message, problems, unreachable) = match stop {
        None => (Outcome::Pass, None, Vec::new(), false),
        Some(s) => (s.outcome, Some(s.message), s.problems, s.unreachable),
    };
    CaseResult {
        id: case.id.clone(),
        outcome,
        message,
        problems,
        transcript: run.transcript.into_string(),
        duration: started.elapsed(),
        unreachable,
        leftovers: run.leftovers,
    }
}

impl CaseRun<'_> {
    fn error(&self, message: String) -> Stop {
        Stop {
            outcome: Outcome::Error,
            message,
            problems: Vec::new(),
            unreachable: false,
        }
    }

    async fn steps(&mut self) -> Result<(), Stop> {
        for (key, value) in &self.case.vars {
            let rendered = self
                .vars
                .render_value(value)
                .map_err(|e| self.error(format!("vars.{key}: {e}")))?;
            self.vars.set(key.clone(), rendered);
        }
        let case = self.case;
        let steps = &case.steps;
        let mut index = 0;
        while index < steps.len() {
            let step = &steps[index];
            if let Some(concurrent) = step.concurrent {
                let group = Some(concurrent.group);
                let end = steps[index..]
                    .iter()
                    .position(|s| s.concurrent.map(|c| c.group) != group)
                    .map_or(steps.len(), |n| index + n);
                self.parallel(index..end).await?;
                index = end;
                continue;
            }
            let label = step.label(index, steps);
            let times = step.repeat.unwrap_or(1);
            for i in 1..=times {
                if step.repeat.is_some() {
                    self.vars.set(REPEAT_INDEX, Value::from(i));
                }
                self.step(step, &label).await?;
            }
            index += 1;
        }
        Ok(())
    }

    async fn step(&mut self, step: &Step, label: &str) -> Result<(), Stop> {
        let outgoing = self
            .build(&step.request)
            .map_err(|e| self.error(format!("{label}: {e}")))?;
        let result = self.send(&outgoing, label).await;
        if let Ok(exchange) = &result {
            self.track(exchange);
        }
        self.conclude(step, label, result)
    }

    /// The steps `range` of a parallel group: their requests are built, sent at once and
    /// recorded in the group's order; everything they created is tracked before any answer
    /// is judged, and each answer is judged on its own, in the group's order, so the outcome
    /// does not depend on the order the answers came in.
    async fn parallel(&mut self, range: Range<usize>) -> Result<(), Stop> {
        let case = self.case;
        let steps = &case.steps[range.clone()];
        let labels: Vec<String> = range.map(|i| case.steps[i].label(i, &case.steps)).collect();
        let mut outgoing = Vec::with_capacity(steps.len());
        for (step, label) in steps.iter().zip(&labels) {
            let request = self
                .build(&step.request)
                .map_err(|e| self.error(format!("{label}: {e}")))?;
            outgoing.push(request);
        }
        let client = &self.ctx.client;
        let results = join_all(outgoing.iter().map(|o| client.send(o)).collect()).await;
        for ((request, result), label) in outgoing.iter().zip(&results).zip(&labels) {
            self.transcript
                .record_result(client, &self.ctx.redactor, request, result, label);
            if let Ok(exchange) = result {
                self.created.track(exchange);
            }
        }
        for ((step, result), label) in steps.iter().zip(results).zip(&labels) {
            self.conclude(step, label, result)?;
        }
        Ok(())
    }

    /// Judges the answer to a step: its captures are kept, or its broken expectations
    /// stop the case with their grade.
    fn conclude(
        &mut self,
        step: &Step,
        label: &str,
        result: Result<Exchange, HttpError>,
    ) -> Result<(), Stop> {
        let exchange = result.map_err(|e| Stop {
            outcome: Outcome::Error,
            message: format!("{label}: {e}"),
            problems: Vec::new(),
            unreachable: e.is_refused(),
        })?;

        let (problems, captured) = judge(step, &exchange.response, &self.vars)
            .map_err(|e| self.error(format!("{label}: {e}")))?;
        for (name, value) in captured {
            self.vars.set(name, value);
        }
        if problems.is_empty() {
            return Ok(());
        }
        let graded = Graded::new(&self.case.spec, self.case.level, step, label);
        let verdict = grade(graded, exchange.response.status, &problems);
        // A broken MAY stops the case as a pass carrying the note.
        Err(Stop {
            outcome: verdict.outcome,
            message: verdict.message,
            problems,
            unreachable: false,
        })
    }

    fn build(&self, request: &Request) -> Result<OutgoingRequest, TemplateError> {
        let vars = &self.vars;
        let path = vars.render_str(&request.path)?;
        let query = request
            .query
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => vars.render_str(s)?,
                    other => other.to_string(),
                };
                Ok((k.clone(), v))
            })
            .collect::<Result<Vec<_>, TemplateError>>()?;
        let mut headers = request
            .headers
            .iter()
            .map(|(k, v)| Ok((k.clone(), vars.render_str(v)?)))
            .collect::<Result<Vec<_>, TemplateError>>()?;
        let body = match (&request.body, &request.raw) {
            (Some(body), _) => {
                let mut body = vars.render_value(body)?;
                self.ctx
                    .required
                    .complete_request(request.method.as_str(), &path, &mut body);
                if let Some(profile) = &self.ctx.profile {
                    crate::profile::data::complete_request(
                        profile,
                        request.method.as_str(),
                        &path,
                        &mut body,
                        vars,
                    );
                }
                Some(body.to_string())
            }
            (None, Some(raw)) => Some(vars.render_str(raw)?),
            (None, None) => None,
        };
        if body.is_some()
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            let ct = request
                .content_type
                .clone()
                .unwrap_or_else(|| "application/scim+json".to_string());
            headers.push(("Content-Type".into(), ct));
        }
        Ok(OutgoingRequest {
            method: request.method.as_str().to_string(),
            path,
            query,
            headers,
            body,
            use_credentials: request.auth == AuthMode::Default,
            invalid_token: request.auth == AuthMode::Invalid,
        })
    }

    async fn send(
        &mut self,
        outgoing: &OutgoingRequest,
        label: &str,
    ) -> Result<Exchange, crate::http::HttpError> {
        self.transcript
            .send(&self.ctx.client, &self.ctx.redactor, outgoing, label)
            .await
    }

    /// Remembers resources created by the case and forgets those it deleted itself.
    fn track(&mut self, exchange: &Exchange) {
        self.created.track(exchange);
    }

    /// Explicit cleanup requests first, then a DELETE for every resource still tracked.
    /// Failures here never change the outcome; they are visible in the transcript, and a
    /// resource that is still on the target afterwards is a leftover.
    async fn cleanup(&mut self) {
        for request in &self.case.cleanup {
            // A cleanup whose variables were never captured has nothing to clean.
            let Ok(outgoing) = self.build(request) else {
                continue;
            };
            let url = self.ctx.client.url_for(&outgoing.path, &outgoing.query);
            // A tracked resource gets its own DELETE below, which decides whether it is left;
            // one the case has deleted already is not left whatever this DELETE answers.
            let decided = self.created.tracks(&url) || self.created.is_gone(&url);
            let result = self.send(&outgoing, "cleanup").await;
            if let Ok(exchange) = &result {
                self.track(exchange);
            }
            if outgoing.method.eq_ignore_ascii_case("DELETE") && !decided {
                if let Some(reason) = self.delete_failure(&result) {
                    self.leftovers.push(Leftover {
                        resource_type: endpoint_of(&outgoing.path),
                        resource: outgoing.path.rsplit('/').next().unwrap_or("").to_string(),
                        reason,
                    });
                }
            }
        }
        self.leftovers.extend(self.created.take_unaddressable());
        while let Some(resource) = self.created.pop() {
            self.delete(resource).await;
        }
    }

    /// Deletes a resource the case created; a leftover unless it answers 2xx or 404.
    async fn delete(&mut self, resource: Resource) {
        let mut outgoing = OutgoingRequest::get(resource.url.clone());
        outgoing.method = "DELETE".into();
        let result = self.send(&outgoing, "cleanup (created by the case)").await;
        if let Some(reason) = self.delete_failure(&result) {
            self.leftovers.push(resource.left(reason));
        }
    }

    /// Why a cleanup DELETE left its resource on the target; `None` when it is gone.
    fn delete_failure(&self, result: &Result<Exchange, HttpError>) -> Option<String> {
        match result {
            Ok(exchange) => {
                let status = exchange.response.status;
                if (200..300).contains(&status) || status == 404 {
                    None
                } else {
                    Some(format!("DELETE answered {status}"))
                }
            }
            Err(HttpError::ForeignOrigin { origin, .. }) => Some(format!(
                "its location is on another origin than the target's ({origin}); nothing, \
                 credentials included, was sent there"
            )),
            Err(e) => Some(format!(
                "DELETE not answered: {}",
                self.ctx.redactor.redact(&e.to_string())
            )),
        }
    }
}

/// `Users` for `/Users/1`; the whole path when it has no endpoint segment.
fn endpoint_of(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    match trimmed.split_once('/') {
        Some((endpoint, _)) => endpoint.to_string(),
        None => trimmed.to_string(),
    }
}

/// Variables a step captured, by name.
type Captured = Vec<(String, Value)>;

/// A step's broken expectations, then — only when there are none — its captures: the values
/// captured, or why a capture found nothing. Expectations come first so that a value the
/// step both expects and captures, when missing or null, fails the expectation (graded by
/// the case's level) instead of failing as a capture.
fn judge(
    step: &Step,
    response: &RecordedResponse,
    vars: &Vars,
) -> Result<(Vec<String>, Captured), TemplateError> {
    let problems = evaluate(&step.expect, response, vars)?;
    if !problems.is_empty() {
        return Ok((problems, Vec::new()));
    }
    let mut problems = Vec::new();
    let mut captured = Vec::new();
    for (name, capture) in &step.capture {
        let (value, source) = match capture {
            Capture::Pointer(p) => (body_value(response, p), format!("body {p}")),
            Capture::Source(src) => match (&src.header, &src.body) {
                (Some(h), _) => (
                    response.header(h).map(|v| Value::String(v.to_string())),
                    format!("header {h}"),
                ),
                (None, Some(p)) => (body_value(response, p), format!("body {p}")),
                (None, None) => (None, String::new()),
            },
        };
        match value {
            Some(v) if !v.is_null() => captured.push((name.clone(), v)),
            Some(_) => problems.push(format!(
                "capture '{name}': {source} is null in the response"
            )),
            None => problems.push(format!(
                "capture '{name}': nothing at {source} in the response"
            )),
        }
    }
    Ok((problems, captured))
}

fn body_value(response: &RecordedResponse, p: &str) -> Option<Value> {
    response
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, p))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Level;
    use crate::run::grade::{grade, Graded};

    fn step(yaml: &str) -> Step {
        serde_yaml_ng::from_str(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    fn answer(status: u16, json: Value) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: Vec::new(),
            body: json.to_string(),
            json: Some(json),
        }
    }

    const READ_CREATED: &str = r#"
name: read created
request: { method: GET, path: "/Users/1" }
expect:
  status: 200
  body:
    /meta/created: { type: string }
capture: { created: /meta/created }
"#;

    #[test]
    fn a_null_the_step_expects_and_captures_fails_the_expectation() {
        let step = step(READ_CREATED);
        let response = answer(
            200,
            serde_json::json!({"id": "1", "meta": {"created": null}}),
        );
        let (problems, captured) =
            judge(&step, &response, &Vars::new()).unwrap_or_else(|e| panic!("{e}"));
        assert!(captured.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("/meta/created: expected a string"),
            "{problems:?}"
        );
        let label = step.label(0, std::slice::from_ref(&step));
        let graded = Graded::new("RFC7643 §3.1 L922-925", Level::Must, &step, &label);
        let verdict = grade(graded, response.status, &problems);
        assert_eq!(verdict.outcome, Outcome::Fail, "{verdict:?}");
    }

    #[test]
    fn a_null_capture_is_a_problem_never_a_variable() {
        let step = step(
            r#"
request: { method: GET, path: "/Users/1" }
capture: { created: /meta/created, id: /id }
"#,
        );
        let response = answer(
            200,
            serde_json::json!({"id": "1", "meta": {"created": null}}),
        );
        let (problems, captured) =
            judge(&step, &response, &Vars::new()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            problems,
            ["capture 'created': body /meta/created is null in the response"]
        );
        assert_eq!(captured, [("id".to_string(), Value::from("1"))]);
    }

    #[test]
    fn a_present_value_is_captured() {
        let step = step(READ_CREATED);
        let response = answer(
            200,
            serde_json::json!({"id": "1", "meta": {"created": "2024-01-01T00:00:00Z"}}),
        );
        let (problems, captured) =
            judge(&step, &response, &Vars::new()).unwrap_or_else(|e| panic!("{e}"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            captured,
            [("created".to_string(), Value::from("2024-01-01T00:00:00Z"))]
        );
    }

    #[test]
    fn the_endpoint_of_a_cleanup_path() {
        assert_eq!(endpoint_of("/Users/1"), "Users");
        assert_eq!(endpoint_of("/Groups"), "Groups");
    }
}
