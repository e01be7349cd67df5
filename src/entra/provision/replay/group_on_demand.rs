//! Provision on demand of one group: Test connection, Import group, scope, Match group (by
//! displayName, members excluded), Perform action (create or update), then its members.

use serde_json::Value;

use super::super::bodies;
use super::super::scope;
use super::answers::{created_id, hits, member_ids, unexpected};
use super::catalogue::{ADD_MEMBERS, CREATE, GROUP_STEPS, IMPORT, MATCH, MEMBERS};
use super::requests::GROUP_PATCH_OK;
use super::step::{Step, Subject};
use super::{provisioned_id, GroupRun, Replay, UserRun};
use crate::entra::probe;
use crate::entra::{Dialect, EntraError};

/// On-demand provisioning of groups updates at most this many members at a time.
pub const ON_DEMAND_MEMBER_LIMIT: usize = 5;

impl Replay<'_> {
    pub(super) async fn group_on_demand(
        &mut self,
        group: &mut GroupRun,
        users: &[UserRun],
    ) -> Result<(), EntraError> {
        let subject = group.subject();
        if !self
            .test_connection(&subject, "Groups", "displayName")
            .await?
        {
            self.skip_rest(&subject, &GROUP_STEPS, 2, "Test connection failed");
            return Ok(());
        }
        let external_id = group
            .source
            .object_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());

        let mut step = Step::begin(&subject, GROUP_STEPS.import, IMPORT);
        step.detail(format!("displayName = {}  → displayName", group.name));
        step.detail(format!("objectId = {external_id}  → externalId"));
        step.detail(format!(
            "members = {} user(s)  → members",
            group.source.members.len()
        ));
        step.summarize("imported");
        self.finish(step);

        let scope = scope::group_scope(group.source.assigned, self.file.scope);
        self.scope_step(&subject, GROUP_STEPS.scope, &scope);

        let Some(found) = self.match_group(&subject, &group.name).await? else {
            self.skipped(&subject, GROUP_STEPS.action, "Match failed");
            return Ok(());
        };

        let kind = GROUP_STEPS.action.checking("Entra E-CREATE-GROUP");
        let mut step = Step::begin(&subject, kind, CREATE);
        let ready = match (scope.in_scope, found) {
            (false, _) => {
                step.summarize("Skip — out of scope");
                false
            }
            (true, Some(id)) => {
                group.id = Some(id);
                step.summarize("Update — the group exists; memberships follow");
                true
            }
            (true, None) => self.post_group(&mut step, group, &external_id).await?,
        };
        self.finish(step);
        if ready {
            self.add_members(group, users).await?;
        }
        Ok(())
    }

    /// Step 4: the group by displayName, members excluded. `Ok(None)`: the match failed;
    /// `Ok(Some(None))`: no match; `Ok(Some(Some(id)))`.
    async fn match_group(
        &mut self,
        subject: &Subject,
        name: &str,
    ) -> Result<Option<Option<String>>, EntraError> {
        let kind = GROUP_STEPS
            .matching
            .checking("Entra E-GROUP-GET-EXCLUDE-MEMBERS");
        let mut step = Step::begin(subject, kind, MATCH);
        let path = probe::filter_path("Groups", "displayName", name, true);
        let Some(ex) = self.get(&mut step, "match on displayName", path).await? else {
            self.finish(step);
            return Ok(None);
        };
        let matched = match hits(&ex, "displayName") {
            Err(why) => Err(why),
            Ok(r) if r.len() > 1 => Err(format!(
                "{} groups match displayName eq \"{}\": Entra stops with DuplicateTargetEntries; group displayName must be unique",
                r.len(),
                name
            )),
            Ok(r) if r.first().is_some_and(|g| g.get("members").is_some()) => Err(
                "the group came back with its members although Entra excluded them: Entra reports SystemForCrossDomainIdentityManagementMultipleEntriesInResponse".to_string(),
            ),
            Ok(r) => Ok(r.first().and_then(|g| g.get("id")).and_then(Value::as_str).map(str::to_string)),
        };
        let found = match matched {
            Err(why) => {
                step.fail("", why);
                None
            }
            Ok(found) => {
                step.summarize(match &found {
                    Some(id) => format!("matched one group (id {id})"),
                    None => "no match".into(),
                });
                Some(found)
            }
        };
        self.finish(step);
        Ok(found)
    }

    /// `POST /Groups`. True when the group was created.
    async fn post_group(
        &mut self,
        step: &mut Step,
        group: &mut GroupRun,
        external_id: &str,
    ) -> Result<bool, EntraError> {
        let body = bodies::create_group_body(&group.name, external_id);
        step.detail(format!("exported displayName = {}", group.name));
        step.detail(format!("exported externalId = {external_id}"));
        let Some(ex) = self
            .send(step, "create", "POST", "/Groups".into(), Some(&body))
            .await?
        else {
            return Ok(false);
        };
        let status = ex.response.status;
        let Some(id) = created_id(&ex) else {
            step.fail("Create — failed", unexpected("201 Created with an id", &ex));
            return Ok(false);
        };
        group.id = Some(id.clone());
        group.created = true;
        step.summarize(format!("Create — {status}, id {id}"));
        Ok(true)
    }

    /// Adds the group's provisioned members in one PATCH (at most five, as on demand does).
    async fn add_members(
        &mut self,
        group: &mut GroupRun,
        users: &[UserRun],
    ) -> Result<(), EntraError> {
        let Some(gid) = group.id.clone() else {
            return Ok(());
        };
        let mut step = Step::begin(&group.subject(), ADD_MEMBERS, MEMBERS);
        let mut ids = Vec::new();
        for upn in &group.source.members {
            match provisioned_id(users, upn) {
                Some(id) => ids.push(id),
                None => step.detail(format!("{upn}: not provisioned, so not added")),
            }
        }
        if let Some(added) = self.patch_members(&mut step, &gid, ids).await? {
            group.members = added;
        }
        self.finish(step);
        Ok(())
    }

    /// The members added and read back, or None.
    async fn patch_members(
        &mut self,
        step: &mut Step,
        gid: &str,
        mut ids: Vec<String>,
    ) -> Result<Option<Vec<String>>, EntraError> {
        let path = format!("/Groups/{gid}");
        let current = self.get(step, "read the group", path.clone()).await?;
        let present = member_ids(current.as_ref().and_then(|ex| ex.response.json.as_ref()));
        ids.retain(|id| !present.contains(id));
        if ids.len() > ON_DEMAND_MEMBER_LIMIT {
            step.detail(format!(
                "{} more member(s) wait for the next cycle: on-demand provisioning of groups updates up to {ON_DEMAND_MEMBER_LIMIT} members at a time",
                ids.len() - ON_DEMAND_MEMBER_LIMIT
            ));
            ids.truncate(ON_DEMAND_MEMBER_LIMIT);
        }
        if ids.is_empty() {
            step.summarize("no membership to add");
            return Ok(None);
        }
        let body = bodies::add_members_patch(&ids, Dialect::Default);
        let Some(ex) = self
            .patch(step, "add members", path, &body, GROUP_PATCH_OK, "")
            .await?
        else {
            return Ok(None);
        };
        step.summarize(format!(
            "{} member(s) added in one PATCH — {}",
            ids.len(),
            ex.response.status
        ));
        let Some(members) = self.read_members(step, gid).await? else {
            return Ok(None);
        };
        let missing: Vec<&String> = ids.iter().filter(|id| !members.contains(id)).collect();
        if !missing.is_empty() {
            step.fail_keeping_summary(format!(
                "the PATCH answered success but these members are missing: {missing:?}"
            ));
            return Ok(None);
        }
        Ok(Some(ids))
    }

    /// The group's member ids as a GET shows them; None (the step failed) on another status.
    pub(super) async fn read_members(
        &mut self,
        step: &mut Step,
        gid: &str,
    ) -> Result<Option<Vec<String>>, EntraError> {
        let Some(ex) = self
            .get(step, "read back", format!("/Groups/{gid}"))
            .await?
        else {
            return Ok(None);
        };
        if ex.response.status != 200 {
            step.fail_keeping_summary(format!("GET /Groups/{gid} answered {}", ex.response.status));
            return Ok(None);
        }
        Ok(Some(member_ids(ex.response.json.as_ref())))
    }
}
