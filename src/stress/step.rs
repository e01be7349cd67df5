//! One request of a scenario as a template (`{{name}}` placeholders filled from the flow's
//! variables), what to capture from its answer, and what it does to the target's state (the
//! ledger the final-state check and the cleanup read). The same templates are exported to
//! the Locust script, so both engines send the same requests.

use serde::Serialize;
use serde_json::Value;

/// What a successful answer to the step changes on the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    None,
    /// A user was created; its id is the captured variable `id`, its userName `user_name`
    /// (a template).
    CreatesUser {
        id: String,
        user_name: String,
    },
    /// A group was created with these members (captured variables).
    CreatesGroup {
        id: String,
        members: Vec<String>,
    },
    /// Members were added to the group.
    AddsMembers {
        group: String,
        members: Vec<String>,
    },
    /// The group's members were replaced by these.
    ReplacesMembers {
        group: String,
        members: Vec<String>,
    },
    /// The user was deleted.
    DeletesUser {
        id: String,
    },
}

/// One request of a flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepTemplate {
    /// The request kind figures are grouped by, e.g. "match user".
    pub kind: &'static str,
    pub method: &'static str,
    /// Relative to the base URL, e.g. `/Users/{{u1}}`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    /// `(variable, JSON pointer)` read from the answer, e.g. `("u1", "/id")`.
    pub capture: Option<(String, String)>,
    pub effect: Effect,
}

impl StepTemplate {
    pub fn get(kind: &'static str, path: impl Into<String>) -> Self {
        Self {
            kind,
            method: "GET",
            path: path.into(),
            query: Vec::new(),
            body: None,
            capture: None,
            effect: Effect::None,
        }
    }

    pub fn with_body(kind: &'static str, method: &'static str, path: &str, body: Value) -> Self {
        Self {
            method,
            body: Some(body),
            ..Self::get(kind, path)
        }
    }

    pub fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_string(), value.into()));
        self
    }

    pub fn capture(mut self, variable: &str) -> Self {
        self.capture = Some((variable.to_string(), "/id".to_string()));
        self
    }

    pub fn effect(mut self, effect: Effect) -> Self {
        self.effect = effect;
        self
    }
}
