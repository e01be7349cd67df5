//! Provision on demand of one user: Test connection, Import user, Determine if user is in
//! scope, Match user between source and target system, Perform action (create, update or
//! disable).

use serde_json::Value;

use super::super::bodies;
use super::super::mapping::{self, Target};
use super::super::scope;
use super::answers::{created_id, hits, mismatches, scim_error_detail, show, unexpected};
use super::catalogue::{CREATE, IMPORT, MATCH, SCOPE, USER_STEPS};
use super::step::{Step, Subject};
use super::user_lifecycle::Stage;
use super::{Replay, UserRun};
use crate::entra::probe;
use crate::entra::EntraError;

/// The attributes the match step shows of the user it found.
const SHOWN_WHEN_MATCHED: [&str; 5] = ["id", "userName", "externalId", "displayName", "active"];

impl Replay<'_> {
    pub(super) async fn user_on_demand(&mut self, user: &mut UserRun) -> Result<(), EntraError> {
        let subject = user.subject();
        let targets = self.matching_targets();
        let first = targets
            .first()
            .map(|t| t.path())
            .unwrap_or_else(|| "userName".into());
        if !self.test_connection(&subject, "Users", &first).await? {
            self.skip_rest(&subject, &USER_STEPS, 2, "Test connection failed");
            return Ok(());
        }
        let Some(matchable) = self.import_user(&subject, user, &targets) else {
            self.skip_rest(&subject, &USER_STEPS, 3, "Import user failed");
            return Ok(());
        };
        let scope = scope::user_scope(&user.source, self.file.scope, &self.file.scoping_filters);
        self.scope_step(&subject, USER_STEPS.scope, &scope);
        let Some(found) = self.match_user(&subject, &matchable).await? else {
            self.skipped(&subject, USER_STEPS.action, "Match failed");
            return Ok(());
        };
        match (scope.in_scope, found) {
            (true, None) => self.create_user(&subject, user).await,
            (true, Some(id)) => {
                user.id = Some(id.clone());
                self.update_user(&subject, user, &id, Stage::OnDemandAction)
                    .await
            }
            (false, Some(id)) => {
                user.id = Some(id);
                self.set_active(&subject, user, false, Stage::OnDemandAction)
                    .await
            }
            (false, None) => {
                let mut step = Step::begin(&subject, USER_STEPS.action, SCOPE);
                step.summarize("Skip — out of scope and not in the target system; nothing to do");
                self.finish(step);
                Ok(())
            }
        }
    }

    /// Step 2: the user's mapped values. The values of the matching attributes, or None when
    /// the user has none (Entra cannot import it).
    fn import_user(
        &mut self,
        subject: &Subject,
        user: &UserRun,
        targets: &[Target],
    ) -> Option<Vec<(Target, Value)>> {
        let mut step = Step::begin(subject, USER_STEPS.import, IMPORT);
        let mut nulls = Vec::new();
        for row in &self.mapping {
            match mapping::source_value(&user.source, row.source) {
                Some(v) => step.detail(format!(
                    "{} = {}  → {}",
                    row.source.describe(),
                    show(&v),
                    row.target.path()
                )),
                None => {
                    if let mapping::Source::Attribute(a) = row.source {
                        nulls.push(a);
                    }
                }
            }
        }
        if !nulls.is_empty() {
            step.detail(format!(
                "not provisioned (no value in Entra): {}",
                nulls.join(", ")
            ));
        }
        let matchable: Vec<(Target, Value)> = targets
            .iter()
            .filter_map(|t| {
                user.values
                    .iter()
                    .find(|(vt, _)| vt == t)
                    .map(|(_, v)| (*t, v.clone()))
            })
            .collect();
        if matchable.is_empty() {
            step.fail(
                "",
                format!(
                    "the matching attribute ({}) has no value on the user in Entra",
                    self.options.matching.join(", ")
                ),
            );
            self.finish(step);
            return None;
        }
        step.summarize(format!("{} attributes imported", user.values.len()));
        self.finish(step);
        Some(matchable)
    }

    /// Step 4. `Ok(None)`: the match failed; `Ok(Some(None))`: no match; `Ok(Some(Some(id)))`.
    async fn match_user(
        &mut self,
        subject: &Subject,
        matchable: &[(Target, Value)],
    ) -> Result<Option<Option<String>>, EntraError> {
        let mut step = Step::begin(subject, USER_STEPS.matching, MATCH);
        let found = self.find_user(&mut step, matchable).await?;
        self.finish(step);
        Ok(found)
    }

    /// Queries each matching attribute in turn until one finds the user.
    async fn find_user(
        &mut self,
        step: &mut Step,
        matchable: &[(Target, Value)],
    ) -> Result<Option<Option<String>>, EntraError> {
        for (target, value) in matchable {
            let text = show(value);
            let path = probe::filter_path("Users", &target.path(), &text, false);
            let label = format!("match on {}", target.path());
            let Some(ex) = self.get(step, &label, path).await? else {
                return Ok(None);
            };
            let resources = match hits(&ex, &target.path()) {
                Ok(resources) => resources,
                Err(why) => {
                    step.fail("", why);
                    return Ok(None);
                }
            };
            step.detail(format!(
                "{} eq \"{text}\": {} result(s)",
                target.path(),
                resources.len()
            ));
            match resources.as_slice() {
                [] => continue,
                [one] => {
                    return Ok(match matched_id(*target, &text, one) {
                        Ok(id) => {
                            for attr in SHOWN_WHEN_MATCHED {
                                if let Some(v) = one.get(attr) {
                                    step.detail(format!("  matched {attr}: {}", show(v)));
                                }
                            }
                            step.summarize(format!("matched one user (id {id})"));
                            Some(Some(id))
                        }
                        Err(why) => {
                            step.fail("", why);
                            None
                        }
                    });
                }
                many => {
                    step.fail(
                        "",
                        format!(
                            "{} users match {} eq \"{text}\": Entra stops with DuplicateTargetEntries and never provisions this user; the matching attribute must be unique",
                            many.len(),
                            target.path()
                        ),
                    );
                    return Ok(None);
                }
            }
        }
        step.summarize("no match");
        Ok(Some(None))
    }

    /// Step 5 for a user in scope that the match did not find: `POST /Users`, then a read.
    async fn create_user(
        &mut self,
        subject: &Subject,
        user: &mut UserRun,
    ) -> Result<(), EntraError> {
        let kind = USER_STEPS.action.checking("Entra E-CREATE-USER");
        let mut step = Step::begin(subject, kind, CREATE);
        self.post_user(&mut step, user).await?;
        self.finish(step);
        Ok(())
    }

    async fn post_user(&mut self, step: &mut Step, user: &mut UserRun) -> Result<(), EntraError> {
        let body = bodies::create_user_body(&user.values, &self.mapping);
        for (t, v) in &user.values {
            if *t != Target::Manager {
                step.detail(format!("exported {} = {}", t.path(), show(v)));
            }
        }
        let Some(ex) = self
            .send(step, "create", "POST", "/Users".into(), Some(&body))
            .await?
        else {
            return Ok(());
        };
        let status = ex.response.status;
        let Some(id) = created_id(&ex) else {
            let why = if status == 201 || status == 200 {
                "the create answer carries no id; Entra caches it for every later request"
                    .to_string()
            } else if status == 409 {
                format!("409 Conflict{}: Entra logs EntryConflict — the match did not find a user that exists", scim_error_detail(&ex))
            } else {
                unexpected("201 Created", &ex)
            };
            step.fail("Create — failed", why);
            return Ok(());
        };
        user.id = Some(id.clone());
        user.created = true;
        step.summarize(format!("Create — {status}, id {id}"));
        if status == 200 {
            step.warn("RFC 7644 §3.3 answers a create with 201 Created (Entra accepts 200)".into());
        }
        if let Some(read) = self.get(step, "read back", format!("/Users/{id}")).await? {
            match (read.response.status, read.response.json.as_ref()) {
                (200, Some(resource)) => {
                    let diff = mismatches(&user.values, resource);
                    if !diff.is_empty() {
                        step.warn(format!(
                            "not stored as sent (Entra re-sends these every cycle): {}",
                            diff.join("; ")
                        ));
                    }
                }
                (status, _) => step.fail(
                    "Create — cannot be read back",
                    format!("GET /Users/{id} after the create answered {status}; Entra reads users by id before every update"),
                ),
            }
        }
        Ok(())
    }
}

/// The id of the one user a matching query found, or why Entra cannot use it.
fn matched_id(target: Target, text: &str, one: &Value) -> Result<String, String> {
    let got = target.read(one);
    let same = got
        .as_ref()
        .is_some_and(|g| show(g).eq_ignore_ascii_case(text));
    if !same {
        return Err(format!(
            "the filter returned a user whose {} is {}: the filter is not applied, so Entra would update the wrong user",
            target.path(),
            got.as_ref().map_or("absent".into(), show)
        ));
    }
    one.get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            "the matched user has no id; Entra caches the id for every later request".into()
        })
}
