//! Group membership (RFC 7643 §4.2, §4.1 "groups"): member references must name existing
//! resources, `User.groups` is derived from the groups' members, and deletions cascade.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::error::ScimError;
use super::faults::Fault;
use super::input::Attributes;
use super::kind::Kind;
use super::store::{Record, Store};
use super::write::{attributes_of, commit, Ctx};
use crate::scim::pointer::get_key;

/// The `value` of every member in `attrs`.
pub fn member_ids(attrs: &Attributes) -> Vec<String> {
    attrs
        .get("members")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|m| m.get("value").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// PATCH leaves out the new members naming no existing resource instead of refusing the whole
/// request: Okta pushes a group's membership in one PATCH and does not retry a refused one,
/// so one stale id would keep every valid member out. RFC 7643 §4.2 makes `value` the
/// member's identifier; a reference to nothing adds nothing. (POST and PUT still refuse it.)
pub fn drop_unknown_members(store: &Store, attrs: &mut Attributes, before: &[String]) {
    if let Some(Value::Array(members)) = attrs.get_mut("members") {
        members.retain(|m| match m.get("value").and_then(Value::as_str) {
            Some(id) => before.iter().any(|b| b == id) || store.find_any(id).is_some(),
            None => true,
        });
    }
}

/// Checks that every member names an existing User or Group (not the group itself) and fills
/// in `type` and `$ref` when the client left them out.
pub fn resolve_members(
    store: &Store,
    ctx: &Ctx<'_>,
    attrs: &mut Attributes,
    group_id: &str,
) -> Result<(), ScimError> {
    let Some(Value::Array(members)) = attrs.get_mut("members") else {
        return Ok(());
    };
    let mut seen: Vec<String> = Vec::new();
    let mut resolved = Vec::with_capacity(members.len());
    for member in members.iter() {
        let Some(obj) = member.as_object() else {
            continue;
        };
        let id = obj.get("value").and_then(Value::as_str).ok_or_else(|| {
            ScimError::invalid_value("every member needs a \"value\" (the member's id)")
        })?;
        if id == group_id {
            return Err(ScimError::invalid_value(
                "a group cannot be a member of itself",
            ));
        }
        let (kind, record) = store.find_any(id).ok_or_else(|| {
            ScimError::invalid_value(format!("member \"{id}\" is not an existing User or Group"))
        })?;
        if seen.iter().any(|s| s == id) && !ctx.cfg.has(Fault::MemberReaddDuplicates) {
            continue;
        }
        seen.push(id.to_string());
        let mut out: Map<String, Value> = obj.clone();
        out.entry("$ref")
            .or_insert_with(|| json!(reference(ctx, kind, id)));
        out.entry("type").or_insert_with(|| json!(kind.name()));
        if ctx.cfg.has(Fault::MemberValueIsName) {
            let name = ["userName", "displayName"]
                .iter()
                .find_map(|n| record.resource.get(*n).cloned());
            if let Some(name) = name {
                out.insert("value".into(), name);
            }
        }
        resolved.push(Value::Object(out));
    }
    *members = resolved;
    Ok(())
}

/// The URI of resource `id` for a `$ref` the server fills in (RFC 7643 §2.3.7).
fn reference(ctx: &Ctx<'_>, kind: Kind, id: &str) -> String {
    if ctx.cfg.has(Fault::RefIsBareId) {
        return id.to_string();
    }
    format!("{}/{}/{id}", ctx.base, kind.segment())
}

/// Under `user-groups-writable`: adds user `user_id` to the groups its body's readOnly
/// `groups` names, and answers the user as updated.
pub fn join_claimed_groups(
    store: &mut Store,
    ctx: &Ctx<'_>,
    user_id: &str,
    body: &Value,
) -> Option<Arc<Record>> {
    let claimed = body
        .as_object()
        .and_then(|o| get_key(o, "groups"))?
        .as_array()?;
    for group_id in claimed.iter().filter_map(|g| g.get("value")?.as_str()) {
        let Some(group) = store.table(Kind::Group).get(group_id).cloned() else {
            continue;
        };
        let mut attrs = attributes_of(&group.resource);
        let before = member_ids(&attrs);
        let mut members = attrs
            .get("members")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        members.push(json!({"value": user_id}));
        attrs.insert("members".into(), Value::Array(members));
        resolve_members(store, ctx, &mut attrs, group_id).ok()?;
        let after = member_ids(&attrs);
        let created = group.resource["meta"]["created"]
            .as_str()
            .map(str::to_string);
        let display = attrs
            .get("displayName")
            .and_then(Value::as_str)
            .map(str::to_string);
        commit(store, ctx, Kind::Group, group_id, attrs, created, None);
        sync_user_groups(
            store,
            ctx,
            group_id,
            display.as_deref(),
            &before,
            &after,
            false,
        );
    }
    store.table(Kind::User).get(user_id).cloned()
}

/// Updates the derived `groups` of the users whose membership in `group_id` changed, or all
/// current members' entries when the group's display name changed.
pub fn sync_user_groups(
    store: &mut Store,
    ctx: &Ctx<'_>,
    group_id: &str,
    display: Option<&str>,
    before: &[String],
    after: &[String],
    renamed: bool,
) {
    if ctx.cfg.has(Fault::UserGroupsNotDerived) {
        return;
    }
    let touched: Vec<&String> = before
        .iter()
        .filter(|id| !after.contains(id))
        .chain(after.iter().filter(|id| renamed || !before.contains(id)))
        .collect();
    for user_id in touched {
        let Some(record) = store.table(Kind::User).get(user_id).cloned() else {
            continue;
        };
        let mut groups: Vec<Value> = record
            .resource
            .get("groups")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        groups.retain(|g| g.get("value").and_then(Value::as_str) != Some(group_id));
        if after.contains(user_id) {
            let mut entry = Map::new();
            entry.insert("value".into(), json!(group_id));
            entry.insert("$ref".into(), json!(reference(ctx, Kind::Group, group_id)));
            if let Some(d) = display {
                entry.insert("display".into(), json!(d));
            }
            entry.insert("type".into(), json!("direct"));
            groups.push(Value::Object(entry));
        }
        let attrs = attributes_of(&record.resource);
        let created = record.resource["meta"]["created"]
            .as_str()
            .map(str::to_string);
        commit(
            store,
            ctx,
            Kind::User,
            user_id,
            attrs,
            created,
            Some(groups),
        );
    }
}

/// Removes a deleted resource from every group's members.
pub fn drop_from_groups(store: &mut Store, ctx: &Ctx<'_>, member_id: &str) {
    let holders = store.groups_holding(member_id);
    for group in holders {
        let mut attrs = attributes_of(&group.resource);
        if let Some(Value::Array(members)) = attrs.get_mut("members") {
            members.retain(|m| m.get("value").and_then(Value::as_str) != Some(member_id));
            if members.is_empty() {
                attrs.shift_remove("members");
            }
        }
        let created = group.resource["meta"]["created"]
            .as_str()
            .map(str::to_string);
        commit(store, ctx, Kind::Group, &group.id, attrs, created, None);
    }
}

/// Removes a deleted group from its user members' `groups`.
pub fn forget_group(store: &mut Store, ctx: &Ctx<'_>, group_id: &str, members: &[String]) {
    sync_user_groups(store, ctx, group_id, None, members, &[], false);
}
