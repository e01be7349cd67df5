//! Requests of the replay: each is sent and recorded in its step's transcript by the runner's
//! [`Transcript`](crate::run::Transcript), and a transport failure makes the step an error.

use serde_json::Value;

use super::answers::unexpected;
use super::step::Step;
use super::Replay;
use crate::entra::EntraError;
use crate::http::{Exchange, OutgoingRequest};

/// What a successful PATCH to a user answers.
pub(super) const USER_PATCH_OK: &str = "200 or 204";
/// What a successful PATCH to a group answers (Entra expects 204).
pub(super) const GROUP_PATCH_OK: &str = "204 (or 200)";

impl Replay<'_> {
    /// Sends a request, recording it in the step's transcript. A transport failure makes the
    /// step an error (and, before anything was reached, the whole replay unreachable).
    pub(super) async fn send(
        &mut self,
        step: &mut Step,
        label: &str,
        method: &str,
        path: String,
        body: Option<&Value>,
    ) -> Result<Option<Exchange>, EntraError> {
        let request = match body {
            Some(body) => OutgoingRequest::json(method, path, body),
            None => {
                let mut request = OutgoingRequest::get(path);
                request.method = method.to_string();
                request
            }
        };
        let sent = step
            .transcript
            .send(self.client, self.redactor, &request, label)
            .await;
        match sent {
            Ok(exchange) => {
                self.reached = true;
                Ok(Some(exchange))
            }
            Err(e) if e.is_unreachable() && !self.reached => Err(EntraError::Unreachable(
                self.redactor.redact(&e.to_string()),
            )),
            Err(e) => {
                let text = self.redactor.redact(&e.to_string());
                step.no_answer(format!("{label}: {text}"), e.is_unreachable());
                Ok(None)
            }
        }
    }

    /// A GET, recorded in the step.
    pub(super) async fn get(
        &mut self,
        step: &mut Step,
        label: &str,
        path: String,
    ) -> Result<Option<Exchange>, EntraError> {
        self.send(step, label, "GET", path, None).await
    }

    /// A PATCH that must answer 200 or 204: the answer when it did; otherwise the step fails
    /// with `failed` as its summary, and `expected` says what should have come.
    pub(super) async fn patch(
        &mut self,
        step: &mut Step,
        label: &str,
        path: String,
        body: &Value,
        expected: &str,
        failed: &str,
    ) -> Result<Option<Exchange>, EntraError> {
        let Some(ex) = self.send(step, label, "PATCH", path, Some(body)).await? else {
            return Ok(None);
        };
        if !matches!(ex.response.status, 200 | 204) {
            step.fail(failed, unexpected(expected, &ex));
            return Ok(None);
        }
        Ok(Some(ex))
    }

    /// DELETE, then GET → 404. True when the object is gone.
    pub(super) async fn delete(&mut self, step: &mut Step, path: &str) -> Result<bool, EntraError> {
        let Some(ex) = self
            .send(step, "delete", "DELETE", path.to_string(), None)
            .await?
        else {
            return Ok(false);
        };
        let status = ex.response.status;
        if !matches!(status, 200 | 204) {
            step.fail("", unexpected("204 No Content", &ex));
            return Ok(false);
        }
        step.summarize(format!("Delete — {status}"));
        if status == 200 {
            step.warn("Entra expects 204 No Content (RFC 7644 §3.6)".into());
        }
        if let Some(read) = self.get(step, "read back", path.to_string()).await? {
            if read.response.status != 404 {
                step.fail_keeping_summary(format!(
                    "GET {path} after the delete answered {} instead of 404",
                    read.response.status
                ));
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Deletes what the replay created and did not delete (best effort, not a step).
    pub(super) async fn delete_leftovers(&mut self, paths: Vec<String>) {
        for path in paths {
            let mut request = OutgoingRequest::get(path.clone());
            request.method = "DELETE".into();
            let note = match self.client.send(&request).await {
                Ok(ex) => format!("DELETE {path}: {}", ex.response.status),
                Err(e) => format!("DELETE {path}: {}", self.redactor.redact(&e.to_string())),
            };
            self.cleanup.push(note);
        }
    }
}
