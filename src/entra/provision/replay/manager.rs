//! The manager second pass of provision on demand: once every user is provisioned, a user's
//! manager reference is set to the manager's SCIM id.

use super::super::bodies;
use super::super::mapping::Target;
use super::answers::show;
use super::catalogue::{MANAGER, SET_MANAGER};
use super::requests::USER_PATCH_OK;
use super::step::Step;
use super::{provisioned_id, Replay, UserRun};
use crate::entra::{Dialect, EntraError};

impl Replay<'_> {
    /// Sets the manager of `user` when the file gives one.
    pub(super) async fn manager_pass(
        &mut self,
        user: &UserRun,
        users: &[UserRun],
    ) -> Result<(), EntraError> {
        let Some(upn) = user
            .values
            .iter()
            .find(|(t, _)| *t == Target::Manager)
            .map(|(_, v)| show(v))
        else {
            return Ok(());
        };
        let subject = user.subject();
        let Some(id) = user.id.clone() else {
            self.skipped(&subject, SET_MANAGER, "the user was not provisioned");
            return Ok(());
        };
        let Some(manager_id) = provisioned_id(users, &upn) else {
            let reason = format!("the manager {upn} is not provisioned in this run; Entra sets the reference once the manager is");
            self.skipped(&subject, SET_MANAGER, &reason);
            return Ok(());
        };
        let mut step = Step::begin(&subject, SET_MANAGER, MANAGER);
        self.set_manager(&mut step, &id, &manager_id).await?;
        self.finish(step);
        Ok(())
    }

    async fn set_manager(
        &mut self,
        step: &mut Step,
        id: &str,
        manager_id: &str,
    ) -> Result<(), EntraError> {
        let path = format!("/Users/{id}");
        let Some(current) = self.get(step, "read the target user", path.clone()).await? else {
            return Ok(());
        };
        let now = current
            .response
            .json
            .as_ref()
            .and_then(|r| Target::Manager.read(r));
        if now.as_ref().map(show).as_deref() == Some(manager_id) {
            step.summarize("manager already set");
            return Ok(());
        }
        let body = bodies::manager_patch(manager_id, now.is_some(), Dialect::Default);
        step.detail(format!("sent {}", body["Operations"][0]));
        let Some(ex) = self
            .patch(
                step,
                "set the manager",
                path.clone(),
                &body,
                USER_PATCH_OK,
                "",
            )
            .await?
        else {
            return Ok(());
        };
        step.summarize(format!(
            "manager set to {manager_id} — PATCH {}",
            ex.response.status
        ));
        if let Some(read) = self.get(step, "read the manager back", path).await? {
            let got = read
                .response
                .json
                .as_ref()
                .and_then(|r| Target::Manager.read(r));
            if got.as_ref().map(show).as_deref() != Some(manager_id) {
                step.fail(
                    "",
                    format!(
                        "the PATCH answered success but manager.value reads {}",
                        got.as_ref().map_or("nothing".into(), show)
                    ),
                );
            }
        }
        Ok(())
    }
}
