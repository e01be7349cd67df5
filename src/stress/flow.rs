//! One flow in progress: its steps, its variables (`uid`, `sfx`, `guid`, captured ids) and
//! which step comes next. Renders the next request and takes in its answer.

use std::sync::Arc;

use serde_json::Value;

use super::step::StepTemplate;
use crate::http::OutgoingRequest;
use crate::template::Vars;

/// A random-looking GUID per flow without a system call per flow (a fresh v4 UUID reads the
/// OS's randomness, a cost every request of `get` paid): the process's random seed mixed with
/// the flow's number.
fn guid(number: u64) -> String {
    static SEED: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let seed = *SEED.get_or_init(|| uuid::Uuid::new_v4().as_u128());
    let mixed = seed ^ u128::from(number).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    uuid::Builder::from_random_bytes(mixed.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[derive(Debug, Clone)]
pub struct Flow {
    steps: Arc<Vec<StepTemplate>>,
    next: usize,
    pub vars: Vars,
    /// 429 answers to the current step so far.
    pub refusals: u32,
}

impl Flow {
    /// Flow `number` of a run with prefix `run`; `suffix` is the userName suffix.
    pub fn new(number: u64, steps: Arc<Vec<StepTemplate>>, run: &str, suffix: &str) -> Self {
        let mut vars = Vars::new();
        vars.set("uid", Value::String(format!("{run}-{number}")));
        vars.set("sfx", Value::String(suffix.to_string()));
        vars.set("guid", Value::String(guid(number)));
        Self {
            steps,
            next: 0,
            vars,
            refusals: 0,
        }
    }

    /// The step to send next, if any is left.
    pub fn step(&self) -> Option<&StepTemplate> {
        self.steps.get(self.next)
    }

    /// The next request, rendered; `None` when the flow is done or a template names a
    /// variable the flow has not captured (its create failed).
    pub fn request(&self) -> Option<OutgoingRequest> {
        let step = self.step()?;
        let path = self.vars.render_str(&step.path).ok()?;
        let mut request = match &step.body {
            Some(body) => {
                OutgoingRequest::json(step.method, path, &self.vars.render_value(body).ok()?)
            }
            None => {
                let mut r = OutgoingRequest::get(path);
                r.method = step.method.to_string();
                r
            }
        };
        for (name, value) in &step.query {
            request
                .query
                .push((name.clone(), self.vars.render_str(value).ok()?));
        }
        Some(request)
    }

    /// True when the current step captures a value from its answer, so the answer's body
    /// must be parsed; every other answer's body is read and dropped.
    pub fn needs_body(&self) -> bool {
        self.step().is_some_and(|s| s.capture.is_some())
    }

    /// Takes in a 2xx answer to the current step (its body as JSON, when parsed: captures)
    /// and moves to the next step.
    pub fn advance(&mut self, json: Option<&Value>) {
        if let Some((var, pointer)) = self.step().and_then(|s| s.capture.clone()) {
            let value = json.and_then(|j| j.pointer(&pointer)).map(|v| match v {
                Value::Number(n) => Value::String(n.to_string()),
                other => other.clone(),
            });
            if let Some(v) = value {
                self.vars.set(var, v);
            }
        }
        self.next += 1;
        self.refusals = 0;
    }

    /// A captured variable as text.
    pub fn text(&self, var: &str) -> Option<String> {
        match self.vars.get(var)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// A template rendered with the flow's variables.
    pub fn render(&self, template: &str) -> Option<String> {
        self.vars.render_str(template).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flow_has_its_own_guid() {
        assert_ne!(guid(1), guid(2));
        assert_eq!(guid(7), guid(7));
        assert!(uuid::Uuid::parse_str(&guid(3)).is_ok_and(|u| u.get_version_num() == 4));
    }

    #[test]
    fn requests_are_rendered_with_the_flows_variables_and_captures() {
        let steps =
            super::super::Scenario::Lifecycle.steps(&crate::plan::Required::default(), 10, 0);
        let mut flow = Flow::new(7, Arc::new(steps), "run1", "@example.org");
        let create = flow.request().expect("create");
        assert!(create
            .body
            .as_deref()
            .is_some_and(|b| b.contains("\"run1-7-u1@example.org\"")));
        assert!(flow.needs_body(), "the create captures the id");
        flow.advance(Some(&serde_json::json!({"id": 42})));
        assert!(!flow.needs_body(), "the read captures nothing");
        assert_eq!(
            flow.request().map(|r| r.path),
            Some("/Users/42".to_string())
        );
        for _ in 0..4 {
            flow.advance(None);
        }
        assert!(flow.step().is_none());
    }
}
