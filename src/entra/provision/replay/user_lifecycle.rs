//! A provisioned user's later life: update, disable (still found by the match), re-enable
//! and delete. Update and disable are also step 5 of provision on demand for a user the
//! match found.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::super::bodies;
use super::super::input::SourceUser;
use super::super::mapping::{self, Target};
use super::answers::{has_id, hits, mismatches, scim_error_detail, show};
use super::catalogue::{
    DELETE, DELETE_USER, DISABLE, DISABLE_USER, ENABLE, REENABLE_USER, UPDATE, UPDATE_USER,
    USER_STEPS, VISIBLE,
};
use super::requests::USER_PATCH_OK;
use super::step::{Step, StepKind, Subject};
use super::{Replay, UserRun};
use crate::entra::probe;
use crate::entra::{Dialect, EntraError};
use crate::run::Outcome;

/// Where a change of a user runs: as step 5 of provision on demand (always the default
/// dialect), or as a lifecycle step in the chosen dialect.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stage {
    OnDemandAction,
    Lifecycle(Dialect),
}

impl Stage {
    /// The step `lifecycle` is in this stage: on demand, "Perform action" checking its rule.
    fn step(self, lifecycle: StepKind) -> StepKind {
        match self {
            Stage::OnDemandAction => USER_STEPS.action.checking(lifecycle.spec),
            Stage::Lifecycle(_) => lifecycle,
        }
    }

    fn dialect(self) -> Dialect {
        match self {
            Stage::OnDemandAction => Dialect::Default,
            Stage::Lifecycle(dialect) => dialect,
        }
    }
}

impl Replay<'_> {
    /// Update, disable and re-enable a user this run created.
    pub(super) async fn user_lifecycle(&mut self, user: &mut UserRun) -> Result<(), EntraError> {
        let subject = user.subject();
        let steps = [UPDATE_USER, DISABLE_USER, REENABLE_USER];
        let Some(id) = self.created_by_this_run(&subject, user.provisioned(), "changes", &steps)
        else {
            return Ok(());
        };
        let update = if user.source.update.is_empty() {
            default_update(&user.source)
        } else {
            user.source.update.clone()
        };
        for (k, v) in update {
            user.source.attributes.insert(k, v);
        }
        user.values = mapping::exported(&user.source, &self.mapping);
        let stage = Stage::Lifecycle(self.options.dialect);
        self.update_user(&subject, user, &id, stage).await?;
        self.set_active(&subject, user, false, stage).await?;
        self.set_active(&subject, user, true, stage).await
    }

    /// Exports the attributes that differ from what the target holds, then reads them back.
    pub(super) async fn update_user(
        &mut self,
        subject: &Subject,
        user: &UserRun,
        id: &str,
        stage: Stage,
    ) -> Result<(), EntraError> {
        let mut step = Step::begin(subject, stage.step(UPDATE_USER), UPDATE);
        self.export_changes(&mut step, user, id, stage.dialect())
            .await?;
        self.finish(step);
        Ok(())
    }

    async fn export_changes(
        &mut self,
        step: &mut Step,
        user: &UserRun,
        id: &str,
        dialect: Dialect,
    ) -> Result<(), EntraError> {
        let path = format!("/Users/{id}");
        let Some(current) = self.get(step, "read the target user", path.clone()).await? else {
            return Ok(());
        };
        let Some(resource) = current
            .response
            .json
            .clone()
            .filter(|_| current.response.status == 200)
        else {
            step.fail(
                "Update — failed",
                format!(
                    "GET /Users/{id} answered {}{}",
                    current.response.status,
                    scim_error_detail(&current)
                ),
            );
            return Ok(());
        };
        let changes = bodies::changes(&user.values, &resource);
        if changes.is_empty() {
            step.summarize("Update — no attribute differs; nothing exported");
            return Ok(());
        }
        for c in &changes {
            step.detail(format!("exported {} = {}", c.target.path(), show(&c.value)));
        }
        let body = bodies::update_patch(&changes, dialect);
        let Some(ex) = self
            .patch(
                step,
                "update",
                path,
                &body,
                USER_PATCH_OK,
                "Update — failed",
            )
            .await?
        else {
            return Ok(());
        };
        step.summarize(format!(
            "Update — PATCH {} ({} attributes)",
            ex.response.status,
            changes.len()
        ));
        let sent: Vec<(Target, Value)> = changes
            .iter()
            .map(|c| (c.target, c.value.clone()))
            .collect();
        self.verify_user(step, id, &sent, "the update").await?;
        Ok(())
    }

    /// Reads the user back and fails the step on any value that did not take effect.
    async fn verify_user(
        &mut self,
        step: &mut Step,
        id: &str,
        sent: &[(Target, Value)],
        what: &str,
    ) -> Result<Option<Value>, EntraError> {
        let Some(read) = self.get(step, "read back", format!("/Users/{id}")).await? else {
            return Ok(None);
        };
        match (read.response.status, read.response.json) {
            (200, Some(resource)) => {
                let diff = mismatches(sent, &resource);
                if !diff.is_empty() {
                    step.fail_keeping_summary(format!(
                        "{what} answered success but did not take effect: {}",
                        diff.join("; ")
                    ));
                }
                Ok(Some(resource))
            }
            (status, _) => {
                step.fail_keeping_summary(format!("GET /Users/{id} answered {status}"));
                Ok(None)
            }
        }
    }

    /// Disables (`active` false) or re-enables the user; a disabled user must still be found
    /// by the matching query.
    pub(super) async fn set_active(
        &mut self,
        subject: &Subject,
        user: &UserRun,
        active: bool,
        stage: Stage,
    ) -> Result<(), EntraError> {
        let Some(id) = user.id.clone() else {
            return Ok(());
        };
        let (kind, consequence, verb) = if active {
            (REENABLE_USER, ENABLE, "Re-enable")
        } else {
            (DISABLE_USER, DISABLE, "Disable")
        };
        let mut step = Step::begin(subject, stage.step(kind), consequence);
        let body = bodies::active_patch(active, stage.dialect());
        step.detail(format!("sent {}", body["Operations"][0]));
        let label = verb.to_lowercase();
        let failed = format!("{verb} — failed");
        if let Some(ex) = self
            .patch(
                &mut step,
                &label,
                format!("/Users/{id}"),
                &body,
                USER_PATCH_OK,
                &failed,
            )
            .await?
        {
            step.summarize(format!("{verb} — PATCH {}", ex.response.status));
            let sent = vec![(Target::Active, Value::Bool(active))];
            let read = self.verify_user(&mut step, &id, &sent, &label).await?;
            if !active && step.outcome() == Outcome::Pass && read.is_some() {
                self.still_visible(&mut step, user, &id).await?;
            }
        }
        self.finish(step);
        Ok(())
    }

    /// A disabled user must still be found by the matching query.
    async fn still_visible(
        &mut self,
        step: &mut Step,
        user: &UserRun,
        id: &str,
    ) -> Result<(), EntraError> {
        let Some((target, value)) = self.matching_targets().into_iter().find_map(|t| {
            user.values
                .iter()
                .find(|(vt, _)| *vt == t)
                .map(|(_, v)| (t, v.clone()))
        }) else {
            return Ok(());
        };
        let path = probe::filter_path("Users", &target.path(), &show(&value), false);
        let Some(ex) = self.get(step, "match the disabled user", path).await? else {
            return Ok(());
        };
        let found = hits(&ex, &target.path()).map(|r| r.iter().any(|u| has_id(u, id)));
        if found != Ok(true) {
            step.consequence = VISIBLE.to_string();
            step.fail_keeping_summary(format!(
                "the disabled user is no longer found by {} eq \"{}\"; Entra's next match misses it",
                target.path(),
                show(&value)
            ));
        } else {
            step.detail("the disabled user is still found by the matching query");
        }
        Ok(())
    }

    /// Deletes a user this run created.
    pub(super) async fn user_delete(&mut self, user: &mut UserRun) -> Result<(), EntraError> {
        let subject = user.subject();
        let Some(id) =
            self.created_by_this_run(&subject, user.provisioned(), "deletes", &[DELETE_USER])
        else {
            return Ok(());
        };
        let mut step = Step::begin(&subject, DELETE_USER, DELETE);
        if self.delete(&mut step, &format!("/Users/{id}")).await? {
            user.deleted = true;
        }
        self.finish(step);
        Ok(())
    }
}

/// The change the lifecycle makes when the file gives none: `(updated)` after the display
/// name, surname and job title.
fn default_update(user: &SourceUser) -> BTreeMap<String, Value> {
    let mut update = BTreeMap::new();
    for attr in ["displayName", "surname"] {
        if let Some(v) = user.text(attr) {
            update.insert(attr.to_string(), json!(format!("{v} (updated)")));
        }
    }
    let title = user
        .text("jobTitle")
        .map_or("Updated title".to_string(), |t| format!("{t} (updated)"));
    update.insert("jobTitle".into(), json!(title));
    update
}
