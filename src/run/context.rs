//! What every case of a run shares: the client, the redactor, the run's unique prefix, the
//! profile its data fits and what stops it early (its deadline, an interrupt).

use std::sync::Arc;

use serde_json::Value;

use super::stop::{Interrupt, RunStop};
use crate::http::{HttpClient, Redactor};
use crate::profile::{data, Profile};
use crate::template::Vars;

/// What every case of a run shares: the client, the redactor and the run's unique prefix.
#[derive(Debug, Clone)]
pub struct RunContext {
    pub client: HttpClient,
    pub redactor: Redactor,
    /// Short random prefix making this run's data distinct from any other run's.
    pub run_id: String,
    /// The target's profile: test data fits it and Users get its required attributes.
    pub profile: Option<Arc<Profile>>,
    /// Appended to every `{{uid}}`: `@domain` when the target requires email-shaped user names
    /// (found by calibration), so every userName built from it has that form; else empty.
    pub uid_suffix: String,
    /// What the target requires on Users and Groups beyond what cases send (from `/Schemas`).
    pub required: crate::plan::Required,
    /// The client's deadline and the interrupt: no case starts after either, running ones
    /// are cut.
    pub stop: RunStop,
}

impl RunContext {
    pub fn new(client: HttpClient) -> Self {
        let redactor = client.redactor().clone();
        let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        let stop = RunStop::new(client.deadline(), Interrupt::new());
        Self {
            client,
            redactor,
            run_id,
            profile: None,
            uid_suffix: String::new(),
            required: crate::plan::Required::default(),
            stop,
        }
    }

    /// The same context, stopped early by `interrupt` too.
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Self {
        self.stop = RunStop::new(self.client.deadline(), interrupt);
        self
    }

    /// The same context with test data fitting `profile`.
    pub fn with_profile(mut self, profile: Option<Arc<Profile>>) -> Self {
        self.profile = profile;
        self
    }

    /// The built-in variables of the case with this index.
    pub fn case_vars(&self, index: usize) -> Vars {
        let mut vars = Vars::new();
        vars.set("run", Value::String(self.run_id.clone()));
        let uid = format!("scimspec-{}-{index:04}{}", self.run_id, self.uid_suffix);
        data::set_case_vars(self.profile.as_deref(), &uid, index, &mut vars);
        vars.set("uid", Value::String(uid));
        vars.set("guid", Value::String(uuid::Uuid::new_v4().to_string()));
        vars.set(
            "base",
            Value::String(self.client.base_url().trim_end_matches('/').to_string()),
        );
        vars
    }
}
