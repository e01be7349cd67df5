//! What the run did to the target: the users it created (and deleted) and the members it
//! sent each group. The final-state check compares the target with it; the cleanup deletes
//! what it lists.

use std::collections::{BTreeMap, BTreeSet};

use super::flow::Flow;
use super::step::Effect;

/// A user the run created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    pub id: String,
    pub user_name: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub users: Vec<CreatedUser>,
    /// Group id → the member ids it must have.
    pub groups: BTreeMap<String, BTreeSet<String>>,
}

impl Ledger {
    /// Records the effect of the step `flow` just had answered with a 2xx (captures taken).
    pub fn record(&mut self, effect: &Effect, flow: &Flow) {
        let ids = |vars: &[String]| -> BTreeSet<String> {
            vars.iter().filter_map(|v| flow.text(v)).collect()
        };
        match effect {
            Effect::None => {}
            Effect::CreatesUser { id, user_name } => {
                if let (Some(id), Some(user_name)) = (flow.text(id), flow.render(user_name)) {
                    self.users.push(CreatedUser {
                        id,
                        user_name,
                        deleted: false,
                    });
                }
            }
            Effect::CreatesGroup { id, members } => {
                if let Some(id) = flow.text(id) {
                    self.groups.insert(id, ids(members));
                }
            }
            Effect::AddsMembers { group, members } => {
                if let Some(g) = flow.text(group) {
                    self.groups.entry(g).or_default().extend(ids(members));
                }
            }
            Effect::ReplacesMembers { group, members } => {
                if let Some(g) = flow.text(group) {
                    self.groups.insert(g, ids(members));
                }
            }
            Effect::DeletesUser { id } => {
                if let Some(id) = flow.text(id) {
                    for u in self.users.iter_mut().filter(|u| u.id == id) {
                        u.deleted = true;
                    }
                }
            }
        }
    }

    /// The users still on the target.
    pub fn live_users(&self) -> impl Iterator<Item = &CreatedUser> {
        self.users.iter().filter(|u| !u.deleted)
    }
}
