use serde_json::Value;

use crate::http::{HttpClient, Redactor};
use crate::template::Vars;

/// What every case of a run shares: the client, the redactor and the run's unique prefix.
#[derive(Debug, Clone)]
pub struct RunContext {
    pub client: HttpClient,
    pub redactor: Redactor,
    /// Short random prefix making this run's data distinct from any other run's.
    pub run_id: String,
}

impl RunContext {
    pub fn new(client: HttpClient) -> Self {
        let mut redactor = Redactor::new();
        for secret in client.credentials().secrets() {
            redactor.add(secret);
        }
        let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        Self {
            client,
            redactor,
            run_id,
        }
    }

    /// The built-in variables of the case with this index.
    pub fn case_vars(&self, index: usize) -> Vars {
        let mut vars = Vars::new();
        vars.set("run", Value::String(self.run_id.clone()));
        vars.set(
            "uid",
            Value::String(format!("scimspec-{}-{index:04}", self.run_id)),
        );
        vars.set("guid", Value::String(uuid::Uuid::new_v4().to_string()));
        vars.set(
            "base",
            Value::String(self.client.base_url().trim_end_matches('/').to_string()),
        );
        vars
    }
}
