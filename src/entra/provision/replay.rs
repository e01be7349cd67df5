//! Replays Entra against the target: provision-on-demand's five steps for each user and
//! group of the file (with the details Entra's UI shows), the manager second pass, then a
//! whole lifecycle in the chosen PATCH dialect. Each step becomes a [`StepRecord`].

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::input::{ProvisionFile, SourceGroup, SourceUser};
use super::mapping::{self, Mapping, Target};
use super::scope;
use crate::entra::probe::{self, CheckVerdict};
use crate::entra::{Dialect, EntraError};
use crate::http::{Exchange, HttpClient, OutgoingRequest, Redactor};
use crate::load::Level;
use crate::run::{pointer, Outcome};

/// Which part of the replay a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Provision on demand (always the default PATCH dialect).
    OnDemand,
    /// The provisioning cycle's later events, in the chosen dialect.
    Lifecycle,
}

/// One step of the replay, as the UI would show it and as the JUnit report records it.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// `user ada@contoso.example` or `group Engineering`.
    pub object: String,
    /// 1–5 for the on-demand steps.
    pub number: Option<u8>,
    /// Stable id, e.g. `provision-user-1-match`.
    pub id: String,
    pub name: String,
    pub spec: String,
    pub level: Level,
    pub phase: Phase,
    pub outcome: Outcome,
    /// One line: what happened ("no match", "Create — 201, id …").
    pub summary: String,
    /// "View details" lines.
    pub details: Vec<String>,
    /// Why the step did not pass.
    pub message: Option<String>,
    /// What a failure means in Entra.
    pub consequence: String,
    pub transcript: String,
    pub duration: Duration,
    pub unreachable: bool,
}

#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// Matching attributes (SCIM target paths), in precedence order.
    pub matching: Vec<String>,
    /// The PATCH dialect of the lifecycle.
    pub dialect: Dialect,
    /// Run the lifecycle after the on-demand steps (and so delete what was created).
    pub lifecycle: bool,
}

const TESTCONN: &str =
    "Entra does not start: Test Connection fails and a running job goes to quarantine.";
const MATCH: &str = "Entra cannot tell whether the object exists: it creates duplicates, updates the wrong object, or stops with DuplicateTargetEntries.";
const CREATE: &str = "The object is never provisioned: the export fails, is escrowed and retried for 28 days, and enough failures quarantine the job.";
const UPDATE: &str =
    "Changes made in Entra never reach your application (failed updates, retried every cycle).";
const DISABLE: &str = "Users unassigned or disabled in Entra keep access to your application.";
const ENABLE: &str = "Re-assigned or restored users stay disabled in your application.";
const VISIBLE: &str =
    "A disabled user cannot be found again: re-assignment creates a duplicate or a 409 conflict.";
const DELETE: &str =
    "Objects deleted in Entra stay in your application (failed deletes, retried for 28 days).";
const MANAGER: &str = "Manager references never sync; every cycle logs a failed reference update.";
const MEMBERS: &str =
    "Group memberships are never provisioned: members get no group access in your application.";
const REMOVE: &str = "Removing one member fails or wipes the group: unassigned users keep access, or every member loses it.";
const RENAME: &str = "Group renames never reach your application, and the next match by displayName creates the group again.";
const IMPORT: &str =
    "Entra skips the object: importing fails when the matching attribute has no value.";
const SCOPE: &str = "The object is out of scope: Entra does not provision it.";

/// On-demand provisioning of groups updates at most this many members at a time.
pub const ON_DEMAND_MEMBER_LIMIT: usize = 5;

struct UserRun {
    source: SourceUser,
    label: String,
    key: String,
    values: Vec<(Target, Value)>,
    id: Option<String>,
    created: bool,
    deleted: bool,
}

struct GroupRun {
    source: SourceGroup,
    key: String,
    name: String,
    id: Option<String>,
    created: bool,
    deleted: bool,
    members: Vec<String>,
}

pub struct Replay<'a> {
    client: &'a HttpClient,
    redactor: &'a Redactor,
    file: ProvisionFile,
    mapping: Vec<Mapping>,
    options: ReplayOptions,
    pub steps: Vec<StepRecord>,
    pub cleanup: Vec<String>,
    reached: bool,
}

fn scim_error_detail(exchange: &Exchange) -> String {
    let res = &exchange.response;
    let detail = res
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, "/detail"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let flat: String = res.body.split_whitespace().collect::<Vec<_>>().join(" ");
            flat.chars().take(200).collect()
        });
    let detail: String = detail.split_whitespace().collect::<Vec<_>>().join(" ");
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

fn id_of(exchange: &Exchange) -> Option<String> {
    exchange
        .response
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, "/id"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Values that differ between what was sent and what a GET shows.
fn mismatches(values: &[(Target, Value)], resource: &Value) -> Vec<String> {
    values
        .iter()
        .filter(|(t, _)| *t != Target::Manager)
        .filter_map(|(t, v)| {
            let got = t.read(resource);
            let same = match (&got, v) {
                (Some(Value::String(a)), Value::String(b)) if *t == Target::Attr("userName") => {
                    a.eq_ignore_ascii_case(b)
                }
                (Some(g), v) => g == v,
                (None, _) => false,
            };
            (!same).then(|| {
                format!(
                    "{}: sent {}, read back {}",
                    t.path(),
                    show(v),
                    got.as_ref().map_or("nothing".to_string(), show)
                )
            })
        })
        .collect()
}

impl<'a> Replay<'a> {
    pub fn new(
        client: &'a HttpClient,
        redactor: &'a Redactor,
        file: ProvisionFile,
        mapping: Vec<Mapping>,
        options: ReplayOptions,
    ) -> Self {
        Self {
            client,
            redactor,
            file,
            mapping,
            options,
            steps: Vec::new(),
            cleanup: Vec::new(),
            reached: false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn begin(
        &self,
        object: &str,
        key: &str,
        slug: &str,
        number: Option<u8>,
        name: &str,
        spec: &str,
        phase: Phase,
        consequence: &str,
    ) -> (StepRecord, Instant) {
        (
            StepRecord {
                object: object.to_string(),
                number,
                id: format!("provision-{key}-{slug}"),
                name: name.to_string(),
                spec: spec.to_string(),
                level: Level::Must,
                phase,
                outcome: Outcome::Pass,
                summary: String::new(),
                details: Vec::new(),
                message: None,
                consequence: consequence.to_string(),
                transcript: String::new(),
                duration: Duration::ZERO,
                unreachable: false,
            },
            Instant::now(),
        )
    }

    fn finish(&mut self, (mut rec, started): (StepRecord, Instant)) -> Outcome {
        rec.duration = started.elapsed();
        let outcome = rec.outcome;
        self.steps.push(rec);
        outcome
    }

    fn fail(step: &mut (StepRecord, Instant), summary: &str, message: String) {
        step.0.outcome = Outcome::Fail;
        step.0.summary = summary.to_string();
        step.0.message = Some(message);
    }

    fn warn(step: &mut (StepRecord, Instant), message: String) {
        if step.0.outcome == Outcome::Pass {
            step.0.outcome = Outcome::Warn;
            step.0.level = Level::Should;
        }
        step.0.message = Some(match step.0.message.take() {
            Some(m) => format!("{m}; {message}"),
            None => message,
        });
    }

    /// Records a step that did not run.
    #[allow(clippy::too_many_arguments)]
    fn skipped(
        &mut self,
        object: &str,
        key: &str,
        slug: &str,
        number: Option<u8>,
        name: &str,
        spec: &str,
        phase: Phase,
        reason: &str,
    ) {
        let mut step = self.begin(object, key, slug, number, name, spec, phase, "");
        step.0.outcome = Outcome::Skip;
        step.0.message = Some(reason.to_string());
        self.finish(step);
    }

    /// Sends a request, recording it in the step's transcript. A transport failure makes the
    /// step an error (and, before anything was reached, the whole replay unreachable).
    async fn send(
        &mut self,
        step: &mut (StepRecord, Instant),
        label: &str,
        method: &str,
        path: String,
        body: Option<&Value>,
    ) -> Result<Option<Exchange>, EntraError> {
        let mut request = OutgoingRequest::get(path);
        request.method = method.to_string();
        if let Some(body) = body {
            request.body = Some(body.to_string());
            request
                .headers
                .push(("Content-Type".into(), "application/scim+json".into()));
        }
        match self.client.send(&request).await {
            Ok(exchange) => {
                self.reached = true;
                step.0.transcript.push_str(&format!("--- {label}\n"));
                step.0.transcript.push_str(&exchange.render(self.redactor));
                Ok(Some(exchange))
            }
            Err(e) if e.is_unreachable() && !self.reached => Err(EntraError::Unreachable(
                self.redactor.redact(&e.to_string()),
            )),
            Err(e) => {
                let text = self.redactor.redact(&e.to_string());
                step.0
                    .transcript
                    .push_str(&format!("--- {label}\n! {text}\n"));
                step.0.outcome = Outcome::Error;
                step.0.unreachable = e.is_unreachable();
                step.0.summary = "no answer".into();
                step.0.message = Some(format!("{label}: {text}"));
                Ok(None)
            }
        }
    }

    /// Runs the whole replay.
    pub async fn run(&mut self) -> Result<(), EntraError> {
        let users = std::mem::take(&mut self.file.users);
        let mut runs: Vec<UserRun> = users
            .into_iter()
            .enumerate()
            .map(|(i, source)| {
                let values = mapping::exported(&source, &self.mapping);
                UserRun {
                    label: source.label(),
                    key: format!("user-{}", i + 1),
                    source,
                    values,
                    id: None,
                    created: false,
                    deleted: false,
                }
            })
            .collect();
        for user in runs.iter_mut() {
            self.user_on_demand(user).await?;
        }
        for i in 0..runs.len() {
            self.manager_pass(i, &mut runs).await?;
        }
        let groups = std::mem::take(&mut self.file.groups);
        let mut group_runs: Vec<GroupRun> = groups
            .into_iter()
            .enumerate()
            .map(|(i, source)| GroupRun {
                key: format!("group-{}", i + 1),
                name: source.display_name.clone(),
                source,
                id: None,
                created: false,
                deleted: false,
                members: Vec::new(),
            })
            .collect();
        for group in group_runs.iter_mut() {
            self.group_on_demand(group, &runs).await?;
        }
        if self.options.lifecycle {
            for user in runs.iter_mut() {
                self.user_lifecycle(user).await?;
            }
            for group in group_runs.iter_mut() {
                self.group_lifecycle(group).await?;
            }
            for user in runs.iter_mut() {
                self.user_delete(user).await?;
            }
            self.leftovers(&mut runs, &mut group_runs).await;
        }
        Ok(())
    }

    fn matching_targets(&self) -> Vec<Target> {
        self.options
            .matching
            .iter()
            .filter_map(|m| {
                self.mapping
                    .iter()
                    .find(|row| row.target.path().eq_ignore_ascii_case(m))
                    .map(|row| row.target)
            })
            .collect()
    }

    async fn test_connection(
        &mut self,
        object: &str,
        key: &str,
        collection: &str,
        attribute: &str,
    ) -> Result<bool, EntraError> {
        let mut step = self.begin(
            object,
            key,
            "test-connection",
            Some(1),
            "Test connection",
            "Entra E-TESTCONN-PROBE",
            Phase::OnDemand,
            TESTCONN,
        );
        let guid = uuid::Uuid::new_v4().to_string();
        let path = probe::filter_path(collection, attribute, &guid, collection == "Groups");
        let Some(ex) = self
            .send(&mut step, "test connection", "GET", path, None)
            .await?
        else {
            return Ok(self.finish(step) == Outcome::Pass);
        };
        let res = &ex.response;
        let (verdict, why, notes) = probe::judge(
            res.status,
            res.header("content-type"),
            &res.body,
            res.json.as_ref(),
            attribute,
        );
        step.0.details = notes;
        if verdict == CheckVerdict::Fail {
            Self::fail(&mut step, "", why);
        } else {
            step.0.summary = "passed (Entra shows this step only when it fails)".into();
        }
        Ok(self.finish(step) == Outcome::Pass)
    }

    fn skip_rest(&mut self, object: &str, key: &str, from: u8, kind: &str, reason: &str) {
        let names = [
            ("import", format!("Import {kind}"), "Entra ON-DEMAND-IMPORT"),
            (
                "scope",
                format!("Determine if {kind} is in scope"),
                "Entra ON-DEMAND-SCOPE",
            ),
            (
                "match",
                format!("Match {kind} between source and target system"),
                "Entra E-FILTER-MATCHING",
            ),
            (
                "action",
                "Perform action".to_string(),
                "Entra ON-DEMAND-ACTION",
            ),
        ];
        for (n, (slug, name, spec)) in names.iter().enumerate() {
            let number = n as u8 + 2;
            if number >= from {
                self.skipped(
                    object,
                    key,
                    slug,
                    Some(number),
                    name,
                    spec,
                    Phase::OnDemand,
                    reason,
                );
            }
        }
    }

    async fn user_on_demand(&mut self, user: &mut UserRun) -> Result<(), EntraError> {
        let object = format!("user {}", user.label);
        let key = user.key.clone();
        let targets = self.matching_targets();
        let first = targets
            .first()
            .map(|t| t.path())
            .unwrap_or_else(|| "userName".into());
        if !self.test_connection(&object, &key, "Users", &first).await? {
            self.skip_rest(&object, &key, 2, "user", "Test connection failed");
            return Ok(());
        }

        // 2. Import user.
        let mut step = self.begin(
            &object,
            &key,
            "import",
            Some(2),
            "Import user",
            "Entra ON-DEMAND-IMPORT",
            Phase::OnDemand,
            IMPORT,
        );
        let mut nulls = Vec::new();
        for row in &self.mapping {
            match mapping::source_value(&user.source, row.source) {
                Some(v) => step.0.details.push(format!(
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
            step.0.details.push(format!(
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
            Self::fail(
                &mut step,
                "",
                format!(
                    "the matching attribute ({}) has no value on the user in Entra",
                    self.options.matching.join(", ")
                ),
            );
            self.finish(step);
            self.skip_rest(&object, &key, 3, "user", "Import user failed");
            return Ok(());
        }
        step.0.summary = format!("{} attributes imported", user.values.len());
        self.finish(step);

        // 3. Determine if user is in scope.
        let scope = scope::user_scope(&user.source, self.file.scope, &self.file.scoping_filters);
        let mut step = self.begin(
            &object,
            &key,
            "scope",
            Some(3),
            "Determine if user is in scope",
            "Entra ON-DEMAND-SCOPE",
            Phase::OnDemand,
            SCOPE,
        );
        step.0.details = scope.details.clone();
        step.0.summary = if scope.in_scope {
            "in scope"
        } else {
            "out of scope"
        }
        .into();
        self.finish(step);

        // 4. Match user between source and target system.
        let Some(found) = self.match_user(&object, &key, &matchable).await? else {
            self.skipped(
                &object,
                &key,
                "action",
                Some(5),
                "Perform action",
                "Entra ON-DEMAND-ACTION",
                Phase::OnDemand,
                "Match failed",
            );
            return Ok(());
        };

        // 5. Perform action.
        match (scope.in_scope, found) {
            (true, None) => self.create_user(&object, user).await,
            (true, Some(id)) => {
                user.id = Some(id.clone());
                self.update_user(
                    &object,
                    user,
                    &id,
                    Phase::OnDemand,
                    Dialect::Default,
                    "action",
                    Some(5),
                )
                .await
            }
            (false, Some(id)) => {
                user.id = Some(id.clone());
                self.set_active(
                    &object,
                    user,
                    false,
                    Phase::OnDemand,
                    Dialect::Default,
                    "action",
                    Some(5),
                )
                .await
            }
            (false, None) => {
                let mut step = self.begin(
                    &object,
                    &key,
                    "action",
                    Some(5),
                    "Perform action",
                    "Entra ON-DEMAND-ACTION",
                    Phase::OnDemand,
                    SCOPE,
                );
                step.0.summary =
                    "Skip — out of scope and not in the target system; nothing to do".into();
                self.finish(step);
                Ok(())
            }
        }
    }

    /// Step 4. `Ok(None)`: the match failed; `Ok(Some(None))`: no match; `Ok(Some(Some(id)))`.
    async fn match_user(
        &mut self,
        object: &str,
        key: &str,
        matchable: &[(Target, Value)],
    ) -> Result<Option<Option<String>>, EntraError> {
        let mut step = self.begin(
            object,
            key,
            "match",
            Some(4),
            "Match user between source and target system",
            "Entra E-FILTER-MATCHING",
            Phase::OnDemand,
            MATCH,
        );
        for (target, value) in matchable {
            let text = show(value);
            let path = probe::filter_path("Users", &target.path(), &text, false);
            let Some(ex) = self
                .send(
                    &mut step,
                    &format!("match on {}", target.path()),
                    "GET",
                    path,
                    None,
                )
                .await?
            else {
                self.finish(step);
                return Ok(None);
            };
            match self.hits(&ex, &target.path()) {
                Err(why) => {
                    Self::fail(&mut step, "", why);
                    self.finish(step);
                    return Ok(None);
                }
                Ok(resources) => {
                    step.0.details.push(format!(
                        "{} eq \"{text}\": {} result(s)",
                        target.path(),
                        resources.len()
                    ));
                    match resources.as_slice() {
                        [] => continue,
                        [one] => {
                            let got = target.read(one);
                            let same = got
                                .as_ref()
                                .is_some_and(|g| show(g).eq_ignore_ascii_case(&text));
                            if !same {
                                Self::fail(
                                    &mut step,
                                    "",
                                    format!(
                                        "the filter returned a user whose {} is {}: the filter is not applied, so Entra would update the wrong user",
                                        target.path(),
                                        got.as_ref().map_or("absent".into(), show)
                                    ),
                                );
                                self.finish(step);
                                return Ok(None);
                            }
                            let Some(id) =
                                one.get("id").and_then(Value::as_str).map(str::to_string)
                            else {
                                Self::fail(
                                    &mut step,
                                    "",
                                    "the matched user has no id; Entra caches the id for every later request".into(),
                                );
                                self.finish(step);
                                return Ok(None);
                            };
                            for attr in ["id", "userName", "externalId", "displayName", "active"] {
                                if let Some(v) = one.get(attr) {
                                    step.0
                                        .details
                                        .push(format!("  matched {attr}: {}", show(v)));
                                }
                            }
                            step.0.summary = format!("matched one user (id {id})");
                            self.finish(step);
                            return Ok(Some(Some(id)));
                        }
                        many => {
                            Self::fail(
                                &mut step,
                                "",
                                format!(
                                    "{} users match {} eq \"{text}\": Entra stops with DuplicateTargetEntries and never provisions this user; the matching attribute must be unique",
                                    many.len(),
                                    target.path()
                                ),
                            );
                            self.finish(step);
                            return Ok(None);
                        }
                    }
                }
            }
        }
        step.0.summary = "no match".into();
        self.finish(step);
        Ok(Some(None))
    }

    /// The resources of a matching query, or why Entra cannot use the answer.
    fn hits(&self, ex: &Exchange, attribute: &str) -> Result<Vec<Value>, String> {
        let res = &ex.response;
        let total = res
            .json
            .as_ref()
            .and_then(|j| pointer::get(j, "/totalResults"))
            .and_then(Value::as_u64);
        if res.status != 200 || total.is_none() {
            let (_, why, _) = probe::judge(
                res.status,
                res.header("content-type"),
                &res.body,
                res.json.as_ref(),
                attribute,
            );
            return Err(why);
        }
        let resources = res
            .json
            .as_ref()
            .and_then(|j| pointer::get(j, "/Resources"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if total.unwrap_or(0) as usize > resources.len() {
            // More matches than returned: treat as several.
            let mut padded = resources;
            while padded.len() < 2 {
                padded.push(Value::Null);
            }
            return Ok(padded);
        }
        Ok(resources)
    }

    async fn create_user(&mut self, object: &str, user: &mut UserRun) -> Result<(), EntraError> {
        let mut step = self.begin(
            object,
            &user.key,
            "action",
            Some(5),
            "Perform action",
            "Entra E-CREATE-USER",
            Phase::OnDemand,
            CREATE,
        );
        let body = mapping::create_user_body(&user.values, &self.mapping);
        for (t, v) in &user.values {
            if *t != Target::Manager {
                step.0
                    .details
                    .push(format!("exported {} = {}", t.path(), show(v)));
            }
        }
        let Some(ex) = self
            .send(&mut step, "create", "POST", "/Users".into(), Some(&body))
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        let status = ex.response.status;
        let Some(id) = id_of(&ex).filter(|_| status == 201 || status == 200) else {
            let why = if status == 201 || status == 200 {
                "the create answer carries no id; Entra caches it for every later request"
                    .to_string()
            } else if status == 409 {
                format!("409 Conflict{}: Entra logs EntryConflict — the match did not find a user that exists", scim_error_detail(&ex))
            } else {
                format!(
                    "expected 201 Created, got {status}{}",
                    scim_error_detail(&ex)
                )
            };
            Self::fail(&mut step, "Create — failed", why);
            self.finish(step);
            return Ok(());
        };
        user.id = Some(id.clone());
        user.created = true;
        step.0.summary = format!("Create — {status}, id {id}");
        if status == 200 {
            Self::warn(
                &mut step,
                "RFC 7644 §3.3 answers a create with 201 Created (Entra accepts 200)".into(),
            );
        }
        if let Some(read) = self
            .send(&mut step, "read back", "GET", format!("/Users/{id}"), None)
            .await?
        {
            match (read.response.status, read.response.json.as_ref()) {
                (200, Some(resource)) => {
                    let diff = mismatches(&user.values, resource);
                    if !diff.is_empty() {
                        Self::warn(
                            &mut step,
                            format!(
                                "not stored as sent (Entra re-sends these every cycle): {}",
                                diff.join("; ")
                            ),
                        );
                    }
                }
                (status, _) => Self::fail(
                    &mut step,
                    "Create — cannot be read back",
                    format!("GET /Users/{id} after the create answered {status}; Entra reads users by id before every update"),
                ),
            }
        }
        self.finish(step);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn update_user(
        &mut self,
        object: &str,
        user: &mut UserRun,
        id: &str,
        phase: Phase,
        dialect: Dialect,
        slug: &str,
        number: Option<u8>,
    ) -> Result<(), EntraError> {
        let name = if number.is_some() {
            "Perform action"
        } else {
            "Update user"
        };
        let mut step = self.begin(
            object,
            &user.key,
            slug,
            number,
            name,
            "Entra E-PATCH-MULTI-VALUED",
            phase,
            UPDATE,
        );
        let Some(current) = self
            .send(
                &mut step,
                "read the target user",
                "GET",
                format!("/Users/{id}"),
                None,
            )
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        let Some(resource) = current
            .response
            .json
            .clone()
            .filter(|_| current.response.status == 200)
        else {
            Self::fail(
                &mut step,
                "Update — failed",
                format!(
                    "GET /Users/{id} answered {}{}",
                    current.response.status,
                    scim_error_detail(&current)
                ),
            );
            self.finish(step);
            return Ok(());
        };
        let changes = mapping::changes(&user.values, &resource);
        if changes.is_empty() {
            step.0.summary = "Update — no attribute differs; nothing exported".into();
            self.finish(step);
            return Ok(());
        }
        for c in &changes {
            step.0
                .details
                .push(format!("exported {} = {}", c.target.path(), show(&c.value)));
        }
        let body = mapping::update_patch(&changes, dialect);
        let Some(ex) = self
            .send(
                &mut step,
                "update",
                "PATCH",
                format!("/Users/{id}"),
                Some(&body),
            )
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        if !matches!(ex.response.status, 200 | 204) {
            Self::fail(
                &mut step,
                "Update — failed",
                format!(
                    "expected 200 or 204, got {}{}",
                    ex.response.status,
                    scim_error_detail(&ex)
                ),
            );
            self.finish(step);
            return Ok(());
        }
        step.0.summary = format!(
            "Update — PATCH {} ({} attributes)",
            ex.response.status,
            changes.len()
        );
        let sent: Vec<(Target, Value)> = changes
            .iter()
            .map(|c| (c.target, c.value.clone()))
            .collect();
        self.verify_user(&mut step, id, &sent, "the update").await?;
        self.finish(step);
        Ok(())
    }

    /// Reads the user back and fails the step on any value that did not take effect.
    async fn verify_user(
        &mut self,
        step: &mut (StepRecord, Instant),
        id: &str,
        sent: &[(Target, Value)],
        what: &str,
    ) -> Result<Option<Value>, EntraError> {
        let Some(read) = self
            .send(step, "read back", "GET", format!("/Users/{id}"), None)
            .await?
        else {
            return Ok(None);
        };
        match (read.response.status, read.response.json) {
            (200, Some(resource)) => {
                let diff = mismatches(sent, &resource);
                if !diff.is_empty() {
                    let summary = step.0.summary.clone();
                    Self::fail(
                        step,
                        &summary,
                        format!(
                            "{what} answered success but did not take effect: {}",
                            diff.join("; ")
                        ),
                    );
                }
                Ok(Some(resource))
            }
            (status, _) => {
                let summary = step.0.summary.clone();
                Self::fail(step, &summary, format!("GET /Users/{id} answered {status}"));
                Ok(None)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn set_active(
        &mut self,
        object: &str,
        user: &mut UserRun,
        active: bool,
        phase: Phase,
        dialect: Dialect,
        slug: &str,
        number: Option<u8>,
    ) -> Result<(), EntraError> {
        let Some(id) = user.id.clone() else {
            return Ok(());
        };
        let (name, spec, consequence, verb) = if active {
            ("Re-enable user", "Entra E-REACTIVATE", ENABLE, "Re-enable")
        } else {
            ("Disable user", "Entra E-DISABLE-USER", DISABLE, "Disable")
        };
        let name = if number.is_some() {
            "Perform action"
        } else {
            name
        };
        let mut step = self.begin(
            object,
            &user.key,
            slug,
            number,
            name,
            spec,
            phase,
            consequence,
        );
        let body = mapping::active_patch(active, dialect);
        step.0
            .details
            .push(format!("sent {}", body["Operations"][0]));
        let Some(ex) = self
            .send(
                &mut step,
                &verb.to_lowercase(),
                "PATCH",
                format!("/Users/{id}"),
                Some(&body),
            )
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        if !matches!(ex.response.status, 200 | 204) {
            Self::fail(
                &mut step,
                &format!("{verb} — failed"),
                format!(
                    "expected 200 or 204, got {}{}",
                    ex.response.status,
                    scim_error_detail(&ex)
                ),
            );
            self.finish(step);
            return Ok(());
        }
        step.0.summary = format!("{verb} — PATCH {}", ex.response.status);
        let sent = vec![(Target::Active, Value::Bool(active))];
        let read = self
            .verify_user(&mut step, &id, &sent, &verb.to_lowercase())
            .await?;
        if !active && step.0.outcome == Outcome::Pass && read.is_some() {
            self.still_visible(&mut step, user, &id).await?;
        }
        self.finish(step);
        Ok(())
    }

    /// A disabled user must still be found by the matching query.
    async fn still_visible(
        &mut self,
        step: &mut (StepRecord, Instant),
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
        let Some(ex) = self
            .send(step, "match the disabled user", "GET", path, None)
            .await?
        else {
            return Ok(());
        };
        let found = self.hits(&ex, &target.path()).map(|r| {
            r.iter()
                .any(|u| u.get("id").and_then(Value::as_str) == Some(id))
        });
        if found != Ok(true) {
            step.0.consequence = VISIBLE.to_string();
            let summary = step.0.summary.clone();
            Self::fail(
                step,
                &summary,
                format!(
                    "the disabled user is no longer found by {} eq \"{}\"; Entra's next match misses it",
                    target.path(),
                    show(&value)
                ),
            );
        } else {
            step.0
                .details
                .push("the disabled user is still found by the matching query".into());
        }
        Ok(())
    }

    async fn manager_pass(&mut self, i: usize, runs: &mut [UserRun]) -> Result<(), EntraError> {
        let Some(upn) = runs[i]
            .values
            .iter()
            .find(|(t, _)| *t == Target::Manager)
            .map(|(_, v)| show(v))
        else {
            return Ok(());
        };
        let object = format!("user {}", runs[i].label);
        let key = runs[i].key.clone();
        let name = "Update manager reference (second pass)";
        let Some(id) = runs[i].id.clone() else {
            self.skipped(
                &object,
                &key,
                "manager",
                None,
                name,
                "Entra E-MANAGER",
                Phase::OnDemand,
                "the user was not provisioned",
            );
            return Ok(());
        };
        let manager_id = runs
            .iter()
            .find(|u| u.source.text("userPrincipalName") == Some(upn.as_str()))
            .and_then(|u| u.id.clone());
        let Some(manager_id) = manager_id else {
            self.skipped(
                &object,
                &key,
                "manager",
                None,
                name,
                "Entra E-MANAGER",
                Phase::OnDemand,
                &format!("the manager {upn} is not provisioned in this run; Entra sets the reference once the manager is"),
            );
            return Ok(());
        };
        let mut step = self.begin(
            &object,
            &key,
            "manager",
            None,
            name,
            "Entra E-MANAGER",
            Phase::OnDemand,
            MANAGER,
        );
        let Some(current) = self
            .send(
                &mut step,
                "read the target user",
                "GET",
                format!("/Users/{id}"),
                None,
            )
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        let now = current
            .response
            .json
            .as_ref()
            .and_then(|r| Target::Manager.read(r));
        if now.as_ref().map(show).as_deref() == Some(manager_id.as_str()) {
            step.0.summary = "manager already set".into();
            self.finish(step);
            return Ok(());
        }
        let body = mapping::manager_patch(&manager_id, now.is_some(), Dialect::Default);
        step.0
            .details
            .push(format!("sent {}", body["Operations"][0]));
        let Some(ex) = self
            .send(
                &mut step,
                "set the manager",
                "PATCH",
                format!("/Users/{id}"),
                Some(&body),
            )
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        if !matches!(ex.response.status, 200 | 204) {
            Self::fail(
                &mut step,
                "",
                format!(
                    "expected 200 or 204, got {}{}",
                    ex.response.status,
                    scim_error_detail(&ex)
                ),
            );
        } else {
            step.0.summary = format!("manager set to {manager_id} — PATCH {}", ex.response.status);
            if let Some(read) = self
                .send(
                    &mut step,
                    "read the manager back",
                    "GET",
                    format!("/Users/{id}"),
                    None,
                )
                .await?
            {
                let got = read
                    .response
                    .json
                    .as_ref()
                    .and_then(|r| Target::Manager.read(r));
                if got.as_ref().map(show).as_deref() != Some(manager_id.as_str()) {
                    Self::fail(
                        &mut step,
                        "",
                        format!(
                            "the PATCH answered success but manager.value reads {}",
                            got.as_ref().map_or("nothing".into(), show)
                        ),
                    );
                }
            }
        }
        self.finish(step);
        Ok(())
    }

    async fn group_on_demand(
        &mut self,
        group: &mut GroupRun,
        users: &[UserRun],
    ) -> Result<(), EntraError> {
        let object = format!("group {}", group.name);
        let key = group.key.clone();
        if !self
            .test_connection(&object, &key, "Groups", "displayName")
            .await?
        {
            self.skip_rest(&object, &key, 2, "group", "Test connection failed");
            return Ok(());
        }
        let external_id = group
            .source
            .object_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());

        let mut step = self.begin(
            &object,
            &key,
            "import",
            Some(2),
            "Import group",
            "Entra ON-DEMAND-IMPORT",
            Phase::OnDemand,
            IMPORT,
        );
        step.0
            .details
            .push(format!("displayName = {}  → displayName", group.name));
        step.0
            .details
            .push(format!("objectId = {external_id}  → externalId"));
        step.0.details.push(format!(
            "members = {} user(s)  → members",
            group.source.members.len()
        ));
        step.0.summary = "imported".into();
        self.finish(step);

        let scope = scope::group_scope(group.source.assigned, self.file.scope);
        let mut step = self.begin(
            &object,
            &key,
            "scope",
            Some(3),
            "Determine if group is in scope",
            "Entra ON-DEMAND-SCOPE",
            Phase::OnDemand,
            SCOPE,
        );
        step.0.details = scope.details.clone();
        step.0.summary = if scope.in_scope {
            "in scope"
        } else {
            "out of scope"
        }
        .into();
        self.finish(step);

        // 4. Match by displayName, members excluded.
        let mut step = self.begin(
            &object,
            &key,
            "match",
            Some(4),
            "Match group between source and target system",
            "Entra E-GROUP-GET-EXCLUDE-MEMBERS",
            Phase::OnDemand,
            MATCH,
        );
        let path = probe::filter_path("Groups", "displayName", &group.name, true);
        let Some(ex) = self
            .send(&mut step, "match on displayName", "GET", path, None)
            .await?
        else {
            self.finish(step);
            self.skipped(
                &object,
                &key,
                "action",
                Some(5),
                "Perform action",
                "Entra ON-DEMAND-ACTION",
                Phase::OnDemand,
                "Match failed",
            );
            return Ok(());
        };
        let matched = match self.hits(&ex, "displayName") {
            Err(why) => Err(why),
            Ok(r) if r.len() > 1 => Err(format!(
                "{} groups match displayName eq \"{}\": Entra stops with DuplicateTargetEntries; group displayName must be unique",
                r.len(),
                group.name
            )),
            Ok(r) if r.first().is_some_and(|g| g.get("members").is_some()) => Err(
                "the group came back with its members although Entra excluded them: Entra reports SystemForCrossDomainIdentityManagementMultipleEntriesInResponse".to_string(),
            ),
            Ok(r) => Ok(r.first().and_then(|g| g.get("id")).and_then(Value::as_str).map(str::to_string)),
        };
        let found = match matched {
            Err(why) => {
                Self::fail(&mut step, "", why);
                self.finish(step);
                self.skipped(
                    &object,
                    &key,
                    "action",
                    Some(5),
                    "Perform action",
                    "Entra ON-DEMAND-ACTION",
                    Phase::OnDemand,
                    "Match failed",
                );
                return Ok(());
            }
            Ok(found) => found,
        };
        step.0.summary = match &found {
            Some(id) => format!("matched one group (id {id})"),
            None => "no match".into(),
        };
        self.finish(step);

        // 5. Perform action.
        let mut step = self.begin(
            &object,
            &key,
            "action",
            Some(5),
            "Perform action",
            "Entra E-CREATE-GROUP",
            Phase::OnDemand,
            CREATE,
        );
        match (scope.in_scope, found) {
            (false, _) => {
                step.0.summary = "Skip — out of scope".into();
                self.finish(step);
                return Ok(());
            }
            (true, Some(id)) => {
                group.id = Some(id);
                step.0.summary = "Update — the group exists; memberships follow".into();
            }
            (true, None) => {
                let body = mapping::create_group_body(&group.name, &external_id);
                step.0
                    .details
                    .push(format!("exported displayName = {}", group.name));
                step.0
                    .details
                    .push(format!("exported externalId = {external_id}"));
                let Some(ex) = self
                    .send(&mut step, "create", "POST", "/Groups".into(), Some(&body))
                    .await?
                else {
                    self.finish(step);
                    return Ok(());
                };
                let status = ex.response.status;
                match id_of(&ex).filter(|_| status == 201 || status == 200) {
                    Some(id) => {
                        group.id = Some(id.clone());
                        group.created = true;
                        step.0.summary = format!("Create — {status}, id {id}");
                    }
                    None => {
                        Self::fail(
                            &mut step,
                            "Create — failed",
                            format!(
                                "expected 201 Created with an id, got {status}{}",
                                scim_error_detail(&ex)
                            ),
                        );
                        self.finish(step);
                        return Ok(());
                    }
                }
            }
        }
        self.finish(step);
        self.add_members(group, users).await
    }

    async fn add_members(
        &mut self,
        group: &mut GroupRun,
        users: &[UserRun],
    ) -> Result<(), EntraError> {
        let Some(gid) = group.id.clone() else {
            return Ok(());
        };
        let object = format!("group {}", group.name);
        let mut step = self.begin(
            &object,
            &group.key,
            "members",
            None,
            "Add members (up to 5 on demand)",
            "Entra E-GROUP-ADD-MEMBERS",
            Phase::OnDemand,
            MEMBERS,
        );
        let mut ids = Vec::new();
        for upn in &group.source.members {
            match users
                .iter()
                .find(|u| u.source.text("userPrincipalName") == Some(upn.as_str()))
                .and_then(|u| u.id.clone())
            {
                Some(id) => ids.push(id),
                None => step
                    .0
                    .details
                    .push(format!("{upn}: not provisioned, so not added")),
            }
        }
        let current = self
            .send(
                &mut step,
                "read the group",
                "GET",
                format!("/Groups/{gid}"),
                None,
            )
            .await?;
        let present: Vec<String> = current
            .as_ref()
            .and_then(|ex| ex.response.json.as_ref())
            .and_then(|g| pointer::get(g, "/members"))
            .and_then(Value::as_array)
            .map(|m| {
                m.iter()
                    .filter_map(|m| m.get("value").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        ids.retain(|id| !present.contains(id));
        if ids.len() > ON_DEMAND_MEMBER_LIMIT {
            step.0.details.push(format!(
                "{} more member(s) wait for the next cycle: on-demand provisioning of groups updates up to {ON_DEMAND_MEMBER_LIMIT} members at a time",
                ids.len() - ON_DEMAND_MEMBER_LIMIT
            ));
            ids.truncate(ON_DEMAND_MEMBER_LIMIT);
        }
        if ids.is_empty() {
            step.0.summary = "no membership to add".into();
            self.finish(step);
            return Ok(());
        }
        let body = mapping::add_members_patch(&ids, Dialect::Default);
        let Some(ex) = self
            .send(
                &mut step,
                "add members",
                "PATCH",
                format!("/Groups/{gid}"),
                Some(&body),
            )
            .await?
        else {
            self.finish(step);
            return Ok(());
        };
        if !matches!(ex.response.status, 200 | 204) {
            Self::fail(
                &mut step,
                "",
                format!(
                    "expected 204 (or 200), got {}{}",
                    ex.response.status,
                    scim_error_detail(&ex)
                ),
            );
            self.finish(step);
            return Ok(());
        }
        step.0.summary = format!(
            "{} member(s) added in one PATCH — {}",
            ids.len(),
            ex.response.status
        );
        let members = self.read_members(&mut step, &gid).await?;
        if let Some(members) = members {
            let missing: Vec<&String> = ids.iter().filter(|id| !members.contains(id)).collect();
            if missing.is_empty() {
                group.members = ids;
            } else {
                let summary = step.0.summary.clone();
                Self::fail(
                    &mut step,
                    &summary,
                    format!(
                        "the PATCH answered success but these members are missing: {missing:?}"
                    ),
                );
            }
        }
        self.finish(step);
        Ok(())
    }

    async fn read_members(
        &mut self,
        step: &mut (StepRecord, Instant),
        gid: &str,
    ) -> Result<Option<Vec<String>>, EntraError> {
        let Some(ex) = self
            .send(step, "read back", "GET", format!("/Groups/{gid}"), None)
            .await?
        else {
            return Ok(None);
        };
        if ex.response.status != 200 {
            let summary = step.0.summary.clone();
            Self::fail(
                step,
                &summary,
                format!("GET /Groups/{gid} answered {}", ex.response.status),
            );
            return Ok(None);
        }
        Ok(Some(
            ex.response
                .json
                .as_ref()
                .and_then(|g| pointer::get(g, "/members"))
                .and_then(Value::as_array)
                .map(|m| {
                    m.iter()
                        .filter_map(|m| m.get("value").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        ))
    }

    fn default_update(user: &SourceUser) -> std::collections::BTreeMap<String, Value> {
        let mut update = std::collections::BTreeMap::new();
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

    async fn user_lifecycle(&mut self, user: &mut UserRun) -> Result<(), EntraError> {
        let object = format!("user {}", user.label);
        let key = user.key.clone();
        let dialect = self.options.dialect;
        let lifecycle = [
            ("update", "Update user", "Entra E-PATCH-MULTI-VALUED"),
            ("disable", "Disable user", "Entra E-DISABLE-USER"),
            ("reenable", "Re-enable user", "Entra E-REACTIVATE"),
        ];
        let (Some(id), true) = (user.id.clone(), user.created) else {
            let reason = if user.id.is_some() {
                "the user existed before this run; scimspec changes only what it created"
            } else {
                "the user was not provisioned"
            };
            for (slug, name, spec) in lifecycle {
                self.skipped(
                    &object,
                    &key,
                    slug,
                    None,
                    name,
                    spec,
                    Phase::Lifecycle,
                    reason,
                );
            }
            return Ok(());
        };
        let update = if user.source.update.is_empty() {
            Self::default_update(&user.source)
        } else {
            user.source.update.clone()
        };
        for (k, v) in update {
            user.source.attributes.insert(k, v);
        }
        user.values = mapping::exported(&user.source, &self.mapping);
        self.update_user(
            &object,
            user,
            &id,
            Phase::Lifecycle,
            dialect,
            "update",
            None,
        )
        .await?;
        self.set_active(
            &object,
            user,
            false,
            Phase::Lifecycle,
            dialect,
            "disable",
            None,
        )
        .await?;
        self.set_active(
            &object,
            user,
            true,
            Phase::Lifecycle,
            dialect,
            "reenable",
            None,
        )
        .await
    }

    async fn group_lifecycle(&mut self, group: &mut GroupRun) -> Result<(), EntraError> {
        let object = format!("group {}", group.name);
        let key = group.key.clone();
        let dialect = self.options.dialect;
        let (Some(gid), true) = (group.id.clone(), group.created) else {
            let reason = if group.id.is_some() {
                "the group existed before this run; scimspec changes only what it created"
            } else {
                "the group was not provisioned"
            };
            for (slug, name, spec) in [
                (
                    "remove-member",
                    "Remove a member",
                    "Entra E-GROUP-REMOVE-MEMBERS",
                ),
                ("rename", "Rename group", "Entra E-GROUP-RENAME"),
                ("delete", "Delete group", "Entra E-GROUP-DELETE"),
            ] {
                self.skipped(
                    &object,
                    &key,
                    slug,
                    None,
                    name,
                    spec,
                    Phase::Lifecycle,
                    reason,
                );
            }
            return Ok(());
        };

        // Remove one member; the others must stay.
        match group.members.first().cloned() {
            None => self.skipped(
                &object,
                &key,
                "remove-member",
                None,
                "Remove a member",
                "Entra E-GROUP-REMOVE-MEMBERS",
                Phase::Lifecycle,
                "the group has no member provisioned by this run",
            ),
            Some(gone) => {
                let mut step = self.begin(
                    &object,
                    &key,
                    "remove-member",
                    None,
                    "Remove a member",
                    "Entra E-GROUP-REMOVE-MEMBERS",
                    Phase::Lifecycle,
                    REMOVE,
                );
                let body = mapping::remove_member_patch(&gone, dialect);
                step.0
                    .details
                    .push(format!("sent {}", body["Operations"][0]));
                if let Some(ex) = self
                    .send(
                        &mut step,
                        "remove member",
                        "PATCH",
                        format!("/Groups/{gid}"),
                        Some(&body),
                    )
                    .await?
                {
                    if !matches!(ex.response.status, 200 | 204) {
                        Self::fail(
                            &mut step,
                            "",
                            format!(
                                "expected 204 (or 200), got {}{}",
                                ex.response.status,
                                scim_error_detail(&ex)
                            ),
                        );
                    } else {
                        step.0.summary = format!("removed {gone} — PATCH {}", ex.response.status);
                        if let Some(members) = self.read_members(&mut step, &gid).await? {
                            let kept: Vec<&String> = group.members.iter().skip(1).collect();
                            let summary = step.0.summary.clone();
                            if members.contains(&gone) {
                                Self::fail(
                                    &mut step,
                                    &summary,
                                    format!("{gone} is still a member"),
                                );
                            } else if kept.iter().any(|k| !members.contains(k)) {
                                Self::fail(&mut step, &summary, format!("other members were removed too (left: {members:?}, expected {kept:?}): the remove wiped the group"));
                            }
                        }
                    }
                }
                self.finish(step);
            }
        }

        // Rename.
        let new_name = group
            .source
            .rename
            .clone()
            .unwrap_or_else(|| format!("{} (renamed)", group.name));
        let mut step = self.begin(
            &object,
            &key,
            "rename",
            None,
            "Rename group",
            "Entra E-GROUP-RENAME",
            Phase::Lifecycle,
            RENAME,
        );
        let body = mapping::rename_group_patch(&new_name, dialect);
        if let Some(ex) = self
            .send(
                &mut step,
                "rename",
                "PATCH",
                format!("/Groups/{gid}"),
                Some(&body),
            )
            .await?
        {
            if !matches!(ex.response.status, 200 | 204) {
                Self::fail(
                    &mut step,
                    "",
                    format!(
                        "expected 204 (or 200), got {}{}",
                        ex.response.status,
                        scim_error_detail(&ex)
                    ),
                );
            } else {
                step.0.summary =
                    format!("renamed to \"{new_name}\" — PATCH {}", ex.response.status);
                let path = probe::filter_path("Groups", "displayName", &new_name, true);
                if let Some(found) = self
                    .send(&mut step, "match by the new name", "GET", path, None)
                    .await?
                {
                    let ok = self.hits(&found, "displayName").is_ok_and(|r| {
                        r.len() == 1 && r[0].get("id").and_then(Value::as_str) == Some(gid.as_str())
                    });
                    if !ok {
                        let summary = step.0.summary.clone();
                        Self::fail(
                            &mut step,
                            &summary,
                            format!(
                                "displayName eq \"{new_name}\" does not find the renamed group"
                            ),
                        );
                    } else {
                        group.name = new_name;
                    }
                }
            }
        }
        self.finish(step);

        // Delete.
        let mut step = self.begin(
            &object,
            &key,
            "delete",
            None,
            "Delete group",
            "Entra E-GROUP-DELETE",
            Phase::Lifecycle,
            DELETE,
        );
        if self.delete(&mut step, &format!("/Groups/{gid}")).await? {
            group.deleted = true;
        }
        self.finish(step);
        Ok(())
    }

    /// DELETE, then GET → 404. True when the object is gone.
    async fn delete(
        &mut self,
        step: &mut (StepRecord, Instant),
        path: &str,
    ) -> Result<bool, EntraError> {
        let Some(ex) = self
            .send(step, "delete", "DELETE", path.to_string(), None)
            .await?
        else {
            return Ok(false);
        };
        let status = ex.response.status;
        if !matches!(status, 200 | 204) {
            Self::fail(
                step,
                "",
                format!(
                    "expected 204 No Content, got {status}{}",
                    scim_error_detail(&ex)
                ),
            );
            return Ok(false);
        }
        step.0.summary = format!("Delete — {status}");
        if status == 200 {
            Self::warn(step, "Entra expects 204 No Content (RFC 7644 §3.6)".into());
        }
        if let Some(read) = self
            .send(step, "read back", "GET", path.to_string(), None)
            .await?
        {
            if read.response.status != 404 {
                let summary = step.0.summary.clone();
                Self::fail(
                    step,
                    &summary,
                    format!(
                        "GET {path} after the delete answered {} instead of 404",
                        read.response.status
                    ),
                );
                return Ok(false);
            }
        }
        Ok(true)
    }

    async fn user_delete(&mut self, user: &mut UserRun) -> Result<(), EntraError> {
        let object = format!("user {}", user.label);
        let (Some(id), true) = (user.id.clone(), user.created) else {
            let reason = if user.id.is_some() {
                "the user existed before this run; scimspec deletes only what it created"
            } else {
                "the user was not provisioned"
            };
            self.skipped(
                &object,
                &user.key.clone(),
                "delete",
                None,
                "Delete user",
                "Entra E-DELETE-USER",
                Phase::Lifecycle,
                reason,
            );
            return Ok(());
        };
        let mut step = self.begin(
            &object,
            &user.key,
            "delete",
            None,
            "Delete user",
            "Entra E-DELETE-USER",
            Phase::Lifecycle,
            DELETE,
        );
        if self.delete(&mut step, &format!("/Users/{id}")).await? {
            user.deleted = true;
        }
        self.finish(step);
        Ok(())
    }

    /// Deletes what the replay created and did not delete (best effort, not a step).
    async fn leftovers(&mut self, users: &mut [UserRun], groups: &mut [GroupRun]) {
        let mut paths: Vec<String> = groups
            .iter()
            .filter(|g| g.created && !g.deleted)
            .filter_map(|g| g.id.as_ref().map(|id| format!("/Groups/{id}")))
            .collect();
        paths.extend(
            users
                .iter()
                .filter(|u| u.created && !u.deleted)
                .filter_map(|u| u.id.as_ref().map(|id| format!("/Users/{id}"))),
        );
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
