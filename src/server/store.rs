//! The in-memory resource store: one table per resource type, unique-value indexes, creation
//! order, and the clock and version counter. SCIM rules live in the callers; the whole store
//! sits behind one `RwLock` so that multi-resource updates (memberships) are atomic.

use std::collections::HashMap;
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
        self.table_mut(kind).records.remove(id)
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
