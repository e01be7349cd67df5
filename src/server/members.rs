//! Group membership (RFC 7643 §4.2, §4.1 "groups"): member references must name existing
//! resources, `User.groups` is derived from the groups' members, and deletions cascade.

use serde_json::{json, Map, Value};

use super::error::ScimError;
use super::faults::Fault;
use super::input::Attributes;
use super::kind::Kind;
use super::resources::{attributes_of, commit, Ctx};
use super::store::Store;

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
        let (kind, _) = store.find_any(id).ok_or_else(|| {
            ScimError::invalid_value(format!("member \"{id}\" is not an existing User or Group"))
        })?;
        if seen.iter().any(|s| s == id) {
            continue;
        }
        seen.push(id.to_string());
        let mut out: Map<String, Value> = obj.clone();
        out.entry("$ref")
            .or_insert_with(|| json!(format!("{}/{}/{id}", ctx.base, kind.segment())));
        out.entry("type").or_insert_with(|| json!(kind.name()));
        resolved.push(Value::Object(out));
    }
    *members = resolved;
    Ok(())
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
            entry.insert(
                "$ref".into(),
                json!(format!("{}/Groups/{group_id}", ctx.base)),
            );
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
    let holders: Vec<_> = store
        .table(Kind::Group)
        .in_order()
        .into_iter()
        .filter(|g| {
            member_ids(&attributes_of(&g.resource))
                .iter()
                .any(|m| m == member_id)
        })
        .collect();
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
