//! A provisioned group's later life: remove one member (the others stay), rename (and be
//! found by the new name), delete.

use super::super::bodies;
use super::answers::{has_id, hits};
use super::catalogue::{DELETE, DELETE_GROUP, REMOVE, REMOVE_MEMBER, RENAME, RENAME_GROUP};
use super::requests::GROUP_PATCH_OK;
use super::step::{Step, Subject};
use super::{GroupRun, Replay};
use crate::entra::probe;
use crate::entra::{Dialect, EntraError};

impl Replay<'_> {
    /// Remove a member, rename and delete a group this run created.
    pub(super) async fn group_lifecycle(&mut self, group: &mut GroupRun) -> Result<(), EntraError> {
        let subject = group.subject();
        let steps = [REMOVE_MEMBER, RENAME_GROUP, DELETE_GROUP];
        let Some(gid) = self.created_by_this_run(&subject, group.provisioned(), "changes", &steps)
        else {
            return Ok(());
        };
        let dialect = self.options.dialect;
        match group.members.first().cloned() {
            None => self.skipped(
                &subject,
                REMOVE_MEMBER,
                "the group has no member provisioned by this run",
            ),
            Some(gone) => {
                let mut step = Step::begin(&subject, REMOVE_MEMBER, REMOVE);
                self.remove_member(&mut step, group, &gid, &gone, dialect)
                    .await?;
                self.finish(step);
            }
        }

        let mut step = Step::begin(&subject, RENAME_GROUP, RENAME);
        self.rename(&mut step, group, &gid, dialect).await?;
        self.finish(step);

        self.group_delete(&subject, group, &gid).await
    }

    /// Removes `gone`; the group's other members must stay.
    async fn remove_member(
        &mut self,
        step: &mut Step,
        group: &GroupRun,
        gid: &str,
        gone: &str,
        dialect: Dialect,
    ) -> Result<(), EntraError> {
        let body = bodies::remove_member_patch(gone, dialect);
        step.detail(format!("sent {}", body["Operations"][0]));
        let path = format!("/Groups/{gid}");
        let Some(ex) = self
            .patch(step, "remove member", path, &body, GROUP_PATCH_OK, "")
            .await?
        else {
            return Ok(());
        };
        step.summarize(format!("removed {gone} — PATCH {}", ex.response.status));
        if let Some(members) = self.read_members(step, gid).await? {
            let kept: Vec<&String> = group.members.iter().skip(1).collect();
            if members.iter().any(|m| m == gone) {
                step.fail_keeping_summary(format!("{gone} is still a member"));
            } else if kept.iter().any(|k| !members.contains(k)) {
                step.fail_keeping_summary(format!("other members were removed too (left: {members:?}, expected {kept:?}): the remove wiped the group"));
            }
        }
        Ok(())
    }

    /// Renames the group (to the file's new name, or `… (renamed)`); the new name must find it.
    async fn rename(
        &mut self,
        step: &mut Step,
        group: &mut GroupRun,
        gid: &str,
        dialect: Dialect,
    ) -> Result<(), EntraError> {
        let new_name = group
            .source
            .rename
            .clone()
            .unwrap_or_else(|| format!("{} (renamed)", group.name));
        let body = bodies::rename_group_patch(&new_name, dialect);
        let path = format!("/Groups/{gid}");
        let Some(ex) = self
            .patch(step, "rename", path, &body, GROUP_PATCH_OK, "")
            .await?
        else {
            return Ok(());
        };
        step.summarize(format!(
            "renamed to \"{new_name}\" — PATCH {}",
            ex.response.status
        ));
        let query = probe::filter_path("Groups", "displayName", &new_name, true);
        if let Some(found) = self.get(step, "match by the new name", query).await? {
            let ok = hits(&found, "displayName").is_ok_and(|r| r.len() == 1 && has_id(&r[0], gid));
            if ok {
                group.name = new_name;
            } else {
                step.fail_keeping_summary(format!(
                    "displayName eq \"{new_name}\" does not find the renamed group"
                ));
            }
        }
        Ok(())
    }

    async fn group_delete(
        &mut self,
        subject: &Subject,
        group: &mut GroupRun,
        gid: &str,
    ) -> Result<(), EntraError> {
        let mut step = Step::begin(subject, DELETE_GROUP, DELETE);
        if self.delete(&mut step, &format!("/Groups/{gid}")).await? {
            group.deleted = true;
        }
        self.finish(step);
        Ok(())
    }
}
