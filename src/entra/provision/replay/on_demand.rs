//! What provision on demand does alike for users and groups: Test connection (step 1),
//! the scope decision (step 3), and the steps left out after one fails.

use super::super::scope::ScopeResult;
use super::catalogue::{OnDemandSteps, SCOPE, TESTCONN, TEST_CONNECTION};
use super::step::{Step, StepKind, Subject};
use super::Replay;
use crate::entra::probe::{self, CheckVerdict};
use crate::entra::EntraError;
use crate::run::Outcome;

impl Replay<'_> {
    /// Step 1: a matching query for a random value, judged as Entra's Test Connection.
    /// True when it passed.
    pub(super) async fn test_connection(
        &mut self,
        subject: &Subject,
        collection: &str,
        attribute: &str,
    ) -> Result<bool, EntraError> {
        let mut step = Step::begin(subject, TEST_CONNECTION, TESTCONN);
        let guid = uuid::Uuid::new_v4().to_string();
        let path = probe::filter_path(collection, attribute, &guid, collection == "Groups");
        if let Some(ex) = self.get(&mut step, "test connection", path).await? {
            let (verdict, why, notes) = probe::judge_response(&ex.response, attribute);
            step.details = notes;
            if verdict == CheckVerdict::Fail {
                step.fail("", why);
            } else {
                step.summarize("passed (Entra shows this step only when it fails)");
            }
        }
        Ok(self.finish(step) == Outcome::Pass)
    }

    /// Records the on-demand steps from number `from` on as not run.
    pub(super) fn skip_rest(
        &mut self,
        subject: &Subject,
        steps: &OnDemandSteps,
        from: u8,
        reason: &str,
    ) {
        for kind in steps.starting_at(from) {
            self.skipped(subject, kind, reason);
        }
    }

    /// Step 3: whether the object is in scope, with Entra's reasons.
    pub(super) fn scope_step(&mut self, subject: &Subject, kind: StepKind, scope: &ScopeResult) {
        let mut step = Step::begin(subject, kind, SCOPE);
        step.details = scope.details.clone();
        step.summarize(if scope.in_scope {
            "in scope"
        } else {
            "out of scope"
        });
        self.finish(step);
    }
}
