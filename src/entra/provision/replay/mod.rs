//! Replays Entra against the target: provision-on-demand's five steps for each user and
//! group of the file (with the details Entra's UI shows), the manager second pass, then a
//! whole lifecycle in the chosen PATCH dialect. Each step becomes a [`StepRecord`].

mod answers;
mod catalogue;
mod group_lifecycle;
mod group_on_demand;
mod manager;
mod on_demand;
mod requests;
mod step;
mod user_lifecycle;
mod user_on_demand;

use serde_json::Value;

use super::input::{ProvisionFile, SourceGroup, SourceUser};
use super::mapping::{self, Mapping, Target};
use crate::entra::{Dialect, EntraError};
use crate::http::{HttpClient, Redactor};
use step::{Step, StepKind, Subject};

pub use group_on_demand::ON_DEMAND_MEMBER_LIMIT;
pub use step::{Phase, StepRecord};

#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// Matching attributes (SCIM target paths), in precedence order.
    pub matching: Vec<String>,
    /// The PATCH dialect of the lifecycle.
    pub dialect: Dialect,
    /// Run the lifecycle after the on-demand steps (and so delete what was created).
    pub lifecycle: bool,
    /// The input file as the user named it: the origin of every step in the reports.
    pub origin: String,
}

/// What became of an object of the file in the target.
struct Provisioned {
    /// `user` or `group`.
    kind: &'static str,
    id: Option<String>,
    /// Created by this run (not found by the match).
    created: bool,
}

/// A user of the file as the replay provisions it.
struct UserRun {
    source: SourceUser,
    label: String,
    key: String,
    values: Vec<(Target, Value)>,
    id: Option<String>,
    created: bool,
    deleted: bool,
}

impl UserRun {
    fn subject(&self) -> Subject {
        Subject {
            object: format!("user {}", self.label),
            key: self.key.clone(),
        }
    }

    fn provisioned(&self) -> Provisioned {
        Provisioned {
            kind: "user",
            id: self.id.clone(),
            created: self.created,
        }
    }
}

/// A group of the file as the replay provisions it.
struct GroupRun {
    source: SourceGroup,
    key: String,
    name: String,
    id: Option<String>,
    created: bool,
    deleted: bool,
    members: Vec<String>,
}

impl GroupRun {
    fn subject(&self) -> Subject {
        Subject {
            object: format!("group {}", self.name),
            key: self.key.clone(),
        }
    }

    fn provisioned(&self) -> Provisioned {
        Provisioned {
            kind: "group",
            id: self.id.clone(),
            created: self.created,
        }
    }
}

/// The id of the user of the file with this userPrincipalName, once provisioned.
fn provisioned_id(users: &[UserRun], upn: &str) -> Option<String> {
    users
        .iter()
        .find(|u| u.source.text("userPrincipalName") == Some(upn))
        .and_then(|u| u.id.clone())
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
        for user in &runs {
            self.manager_pass(user, &runs).await?;
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
            let mut leftovers: Vec<String> = group_runs
                .iter()
                .filter(|g| g.created && !g.deleted)
                .filter_map(|g| g.id.as_ref().map(|id| format!("/Groups/{id}")))
                .collect();
            leftovers.extend(
                runs.iter()
                    .filter(|u| u.created && !u.deleted)
                    .filter_map(|u| u.id.as_ref().map(|id| format!("/Users/{id}"))),
            );
            self.delete_leftovers(leftovers).await;
        }
        Ok(())
    }

    /// Records a finished step; its outcome.
    fn finish(&mut self, step: Step) -> crate::run::Outcome {
        let record = step.end(self.options.dialect, &self.options.origin);
        let outcome = record.result.outcome;
        self.steps.push(record);
        outcome
    }

    /// Records a step that did not run.
    fn skipped(&mut self, subject: &Subject, kind: StepKind, reason: &str) {
        self.finish(Step::skipped(subject, kind, reason));
    }

    /// The id of an object this run created. For any other, `steps` are recorded as not run:
    /// the object existed before the run (and the replay `verb` only what it created), or it
    /// was never provisioned.
    fn created_by_this_run(
        &mut self,
        subject: &Subject,
        object: Provisioned,
        verb: &str,
        steps: &[StepKind],
    ) -> Option<String> {
        let Provisioned { kind, id, created } = object;
        if created && id.is_some() {
            return id;
        }
        let reason = if id.is_some() {
            format!("the {kind} existed before this run; scimspec {verb} only what it created")
        } else {
            format!("the {kind} was not provisioned")
        };
        for step in steps {
            self.skipped(subject, *step, &reason);
        }
        None
    }

    /// The mapping targets of the matching attributes, in precedence order.
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
}
