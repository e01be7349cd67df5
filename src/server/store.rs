//! The in-memory resource store: one table per resource type, unique-value indexes, creation
//! order, and the clock and version counter. SCIM rules live in the callers; the whole store
//! sits behind one `RwLock` so that multi-resource updates (memberships) are atomic.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::Value;

use super::kind::Kind;
use crate::scim::schema::{AttrType, Uniqueness};

/// One stored resource and its default rendering.
#[derive(Debug)]
pub struct Record {
    pub id: String,
    /// Creation order, for stable listing.
    pub seq: u64,
    /// The full representation, including `returned: never` attributes.
    pub resource: Value,
    /// The `meta.version` value (a weak entity tag).
    pub version: String,
    /// The serialized default representation (what a GET without parameters answers).
    pub body: Bytes,
    /// The record's entries in its table's unique-value indexes.
    unique_keys: Vec<(&'static str, String)>,
}

/// The resources of one type and their unique-value indexes.
#[derive(Debug, Default)]
pub struct Table {
    records: HashMap<String, Arc<Record>>,
    /// attribute name → normalized value → id
    unique: HashMap<&'static str, HashMap<String, String>>,
}

impl Table {
    pub fn get(&self, id: &str) -> Option<&Arc<Record>> {
        self.records.get(id)
    }

    /// All records in creation order.
    pub fn in_order(&self) -> Vec<Arc<Record>> {
        let mut all: Vec<Arc<Record>> = self.records.values().cloned().collect();
        all.sort_by_key(|r| r.seq);
        all
    }

    /// The id holding `key` for the unique attribute `attr`, if any.
    pub fn unique_owner(&self, attr: &str, key: &str) -> Option<&str> {
        self.unique.get(attr)?.get(key).map(String::as_str)
    }
}

/// Everything the server stores.
#[derive(Debug, Default)]
pub struct Store {
    users: Table,
    groups: Table,
    /// Member id → the groups whose `members` name it, kept by `put` and `remove`: finding
    /// the groups holding a deleted resource must not read every group.
    holders: HashMap<String, BTreeSet<String>>,
    next_seq: u64,
    next_version: u64,
    last_time: Option<DateTime<Utc>>,
}

/// The top-level attributes of `kind` whose values must be unique, with their case rule.
pub fn unique_attributes(kind: Kind) -> impl Iterator<Item = (&'static str, bool)> {
    kind.schema()
        .core
        .attributes
        .iter()
        .filter(|a| {
            a.uniqueness != Uniqueness::None && !a.multi_valued && a.attr_type == AttrType::String
        })
        .map(|a| (a.name.as_str(), a.case_exact))
}

/// The index key of a unique value.
pub fn unique_key(value: &str, case_exact: bool) -> String {
    if case_exact {
        value.to_string()
    } else {
        value.to_lowercase()
    }
}

impl Store {
    pub fn table(&self, kind: Kind) -> &Table {
        match kind {
            Kind::User => &self.users,
            Kind::Group => &self.groups,
        }
    }

    fn table_mut(&mut self, kind: Kind) -> &mut Table {
        match kind {
            Kind::User => &mut self.users,
            Kind::Group => &mut self.groups,
        }
    }

    /// The record with this id in any table.
    pub fn find_any(&self, id: &str) -> Option<(Kind, &Arc<Record>)> {
        Kind::ALL
            .into_iter()
            .find_map(|k| self.table(k).get(id).map(|r| (k, r)))
    }

    /// A strictly increasing timestamp, so every change has its own `lastModified`.
    pub fn now(&mut self) -> String {
        let mut t = Utc::now();
        if let Some(last) = self.last_time {
            if t <= last {
                t = last + Duration::microseconds(1);
            }
        }
        self.last_time = Some(t);
        t.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    /// A fresh weak entity tag.
    pub fn next_version(&mut self) -> String {
        self.next_version += 1;
        format!("W/\"{}\"", self.next_version)
    }

    /// Inserts or replaces a record, keeping the unique indexes current; `keys` are the
    /// record's unique (attribute, key) pairs.
    pub fn put(
        &mut self,
        kind: Kind,
        id: String,
        resource: Value,
        version: String,
        body: Bytes,
        keys: Vec<(&'static str, String)>,
    ) -> Arc<Record> {
        let seq = match self.table(kind).get(&id) {
            Some(old) => old.seq,
            None => {
                self.next_seq += 1;
                self.next_seq
            }
        };
        self.drop_unique_keys(kind, &id);
        if kind == Kind::Group {
            self.forget_members(&id);
            for member in members_named(&resource) {
                self.holders
                    .entry(member.to_string())
                    .or_default()
                    .insert(id.clone());
            }
        }
        let table = self.table_mut(kind);
        for (attr, key) in &keys {
            table
                .unique
                .entry(attr)
                .or_default()
                .insert(key.clone(), id.clone());
        }
        let record = Arc::new(Record {
            id: id.clone(),
            seq,
            resource,
            version,
            body,
            unique_keys: keys,
        });
        table.records.insert(id, Arc::clone(&record));
        record
    }

    /// Removes a record; returns it if it existed.
    pub fn remove(&mut self, kind: Kind, id: &str) -> Option<Arc<Record>> {
        self.drop_unique_keys(kind, id);
        if kind == Kind::Group {
            self.forget_members(id);
        }
        self.table_mut(kind).records.remove(id)
    }

    /// The groups whose `members` name `member`, in creation order.
    pub fn groups_holding(&self, member: &str) -> Vec<Arc<Record>> {
        let mut groups: Vec<Arc<Record>> = self
            .holders
            .get(member)
            .into_iter()
            .flatten()
            .filter_map(|id| self.groups.get(id).cloned())
            .collect();
        groups.sort_by_key(|g| g.seq);
        groups
    }

    /// Takes group `id`'s current members out of the holders index.
    fn forget_members(&mut self, id: &str) {
        let Some(old) = self.groups.get(id).cloned() else {
            return;
        };
        for member in members_named(&old.resource) {
            if let Some(groups) = self.holders.get_mut(member) {
                groups.remove(id);
                if groups.is_empty() {
                    self.holders.remove(member);
                }
            }
        }
    }

    fn drop_unique_keys(&mut self, kind: Kind, id: &str) {
        let table = self.table_mut(kind);
        let Some(old) = table.records.get(id).cloned() else {
            return;
        };
        for (attr, key) in &old.unique_keys {
            if let Some(index) = table.unique.get_mut(attr) {
                if index.get(key).is_some_and(|owner| owner == id) {
                    index.remove(key);
                }
            }
        }
    }
}

/// The ids a group representation's `members` name.
fn members_named(resource: &Value) -> impl Iterator<Item = &str> {
    resource
        .get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("value").and_then(Value::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn put_group(store: &mut Store, id: &str, members: &[&str]) {
        let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
        store.put(
            Kind::Group,
            id.to_string(),
            json!({"id": id, "members": members}),
            "W/\"1\"".to_string(),
            Bytes::new(),
            Vec::new(),
        );
    }

    fn holding(store: &Store, member: &str) -> Vec<String> {
        store
            .groups_holding(member)
            .iter()
            .map(|g| g.id.clone())
            .collect()
    }

    #[test]
    fn the_groups_holding_a_member_follow_every_write() {
        let mut store = Store::default();
        put_group(&mut store, "g2", &["u1", "u2"]);
        put_group(&mut store, "g1", &["u1"]);
        assert_eq!(holding(&store, "u1"), ["g2", "g1"], "in creation order");
        put_group(&mut store, "g2", &["u2"]);
        assert_eq!(holding(&store, "u1"), ["g1"]);
        assert_eq!(holding(&store, "u2"), ["g2"]);
        store.remove(Kind::Group, "g2");
        assert!(holding(&store, "u2").is_empty());
        assert!(!store.holders.contains_key("u2"), "no empty entries kept");
        store.remove(Kind::User, "u1");
        assert_eq!(
            holding(&store, "u1"),
            ["g1"],
            "a user's removal is not a group's"
        );
    }
}
