//! Create, read, replace, modify and delete of resources (RFC 7644 §3.3, §3.4.1, §3.5, §3.6),
//! with uniqueness (RFC 7643 §2.2), immutability, versions (RFC 7644 §3.14) and memberships.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::{ScimError, ScimType};
use super::faults::Fault;
use super::input::{attributes_from_body, check_required, Attributes};
use super::kind::Kind;
use super::members::{
    drop_from_groups, drop_unknown_members, forget_group, join_claimed_groups, member_ids,
    resolve_members, sync_user_groups,
};
use super::patch;
use super::state::AppState;
use super::store::{unique_attributes, unique_key, Record, Store};
use super::variants::{self, Variant};
use super::write::{apply_computed, attributes_of, commit, unique_keys, Ctx};
use super::ServerConfig;
use crate::scim::schema::{AttributeDef, Mutability};

/// RFC 7643 §2.2 uniqueness "server": 409 `uniqueness` when another resource holds the value.
fn check_unique(
    store: &Store,
    kind: Kind,
    id: &str,
    attrs: &Attributes,
    cfg: &ServerConfig,
) -> Result<(), ScimError> {
    if cfg.has(Fault::UniquenessNotEnforced) {
        return Ok(());
    }
    for (name, case_exact) in unique_attributes(kind) {
        let Some(value) = attrs.get(name).and_then(Value::as_str) else {
            continue;
        };
        let exact = case_exact || (name == "userName" && cfg.has(Fault::UserNameCaseExact));
        let key = unique_key(value, exact);
        if store
            .table(kind)
            .unique_owner(name, &key)
            .is_some_and(|owner| owner != id)
        {
            let detail = format!("{name} \"{value}\" is already in use");
            if cfg.has(Fault::DuplicateReturns400) {
                return Err(ScimError::invalid_value(detail));
            }
            if cfg.has(Fault::ConflictWithoutUniqueness) {
                return Err(ScimError::new(StatusCode::CONFLICT, None, detail));
            }
            return Err(ScimError::uniqueness(detail));
        }
    }
    if kind == Kind::User && cfg.has(Fault::UniquenessNoneEnforced) {
        let name = attrs.get("displayName").and_then(Value::as_str);
        let taken = store.table(kind).in_order().into_iter().any(|r| {
            r.id != id
                && name.is_some()
                && r.resource.get("displayName").and_then(Value::as_str) == name
        });
        if taken {
            return Err(ScimError::uniqueness("displayName is already in use"));
        }
    }
    Ok(())
}

/// RFC 7644 §3.14 / RFC 7232 §3.1: does an `If-Match`/`If-None-Match` list match `version`?
/// Entity tags compare weakly, as SCIM versions are weak.
pub fn etag_matches(header: &str, version: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let mine = opaque(version);
    header
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == mine)
}

/// The stored resource a write targets, after its `If-Match` precondition (RFC 7644 §3.14).
fn existing(
    store: &Store,
    ctx: &Ctx<'_>,
    kind: Kind,
    id: &str,
    if_match: Option<&str>,
) -> Result<Arc<Record>, ScimError> {
    let old = store
        .table(kind)
        .get(id)
        .cloned()
        .ok_or_else(|| not_found(kind, id, ctx.cfg))?;
    check_if_match(&old, if_match, ctx.cfg)?;
    Ok(old)
}

fn check_if_match(
    record: &Record,
    if_match: Option<&str>,
    cfg: &ServerConfig,
) -> Result<(), ScimError> {
    match if_match {
        Some(h)
            if !cfg.has(Fault::IfMatchIgnored)
                && !cfg.varies(Variant::NoEtags)
                && !etag_matches(h, &record.version) =>
        {
            Err(ScimError::new(
                StatusCode::PRECONDITION_FAILED,
                None,
                format!(
                    "If-Match {h} does not match the current version {}",
                    record.version
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The not-found answer for `id`.
pub fn not_found(kind: Kind, id: &str, cfg: &ServerConfig) -> ScimError {
    unknown(format!("{} {id} not found", kind.name()), cfg)
}

/// 404: the resource or endpoint does not exist (RFC 7644 §3.12 Table 8).
pub fn unknown(detail: String, cfg: &ServerConfig) -> ScimError {
    if cfg.has(Fault::UnknownIdReturns400) {
        return ScimError::invalid_value(detail);
    }
    ScimError::not_found(detail)
}

/// Looks up a resource.
pub fn get(state: &AppState, kind: Kind, id: &str) -> Result<Arc<Record>, ScimError> {
    state
        .read()
        .table(kind)
        .get(id)
        .filter(|r| !hidden(r, state.config()))
        .cloned()
        .ok_or_else(|| not_found(kind, id, state.config()))
}

/// True for a disabled user under `inactive-users-hidden`.
pub fn hidden(record: &Record, cfg: &ServerConfig) -> bool {
    cfg.has(Fault::InactiveUsersHidden) && record.resource.get("active") == Some(&json!(false))
}

/// POST: creates a resource (RFC 7644 §3.3).
pub fn create(
    state: &AppState,
    ctx: &Ctx<'_>,
    kind: Kind,
    body: &Value,
) -> Result<Arc<Record>, ScimError> {
    create_as(state, ctx, kind, body, None)
}

/// POST, with the id `preset` when given (a bulk POST under `bulk-id-used-as-id`).
pub fn create_as(
    state: &AppState,
    ctx: &Ctx<'_>,
    kind: Kind,
    body: &Value,
    preset: Option<String>,
) -> Result<Arc<Record>, ScimError> {
    let mut attrs = attributes_from_body(kind, body, ctx.cfg)?;
    check_required(kind, &attrs, ctx.cfg, ScimType::InvalidValue)?;
    ctx.cfg.check_profile(kind, &mut attrs)?;
    let mut store = state.write();
    let id = match (attrs.shift_remove("id"), preset) {
        (Some(Value::String(client_id)), _) => client_id,
        (_, Some(preset)) => preset,
        _ if ctx.cfg.has(Fault::IdReusedAfterDelete) => {
            let ids = store.table(kind).in_order();
            let highest = ids.iter().filter_map(|r| r.id.parse::<u64>().ok()).max();
            (highest.unwrap_or(0) + 1).to_string()
        }
        _ if ctx.cfg.varies(Variant::DigitIds) => variants::next_digit_id(),
        _ => Uuid::new_v4().to_string(),
    };
    if kind == Kind::Group && ctx.cfg.varies(Variant::IgnorePostMembers) {
        attrs.shift_remove("members");
    }
    if ctx.cfg.has(Fault::ExternalIdDefaulted) && !attrs.contains_key("externalId") {
        attrs.insert("externalId".into(), json!(id));
    }
    check_unique(&store, kind, &id, &attrs, ctx.cfg)?;
    if ctx.cfg.has(Fault::DanglingManagerRefused) {
        let manager = attrs
            .get(crate::scim::urn::ENTERPRISE_USER)
            .and_then(|e| e.get("manager"))
            .and_then(|m| m.get("value"))
            .and_then(Value::as_str);
        if let Some(manager) = manager.filter(|m| store.table(Kind::User).get(m).is_none()) {
            return Err(ScimError::invalid_value(format!(
                "the manager {manager} is not a known user"
            )));
        }
    }
    if kind == Kind::Group {
        resolve_members(&store, ctx, &mut attrs, &id)?;
    }
    let members = member_ids(&attrs);
    let display = attrs
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::to_string);
    let record = commit(&mut store, ctx, kind, &id, attrs, None, None);
    if kind == Kind::Group {
        sync_user_groups(
            &mut store,
            ctx,
            &id,
            display.as_deref(),
            &[],
            &members,
            false,
        );
    }
    if kind == Kind::User && ctx.cfg.has(Fault::UserGroupsWritable) {
        return Ok(join_claimed_groups(&mut store, ctx, &id, body).unwrap_or(record));
    }
    Ok(record)
}

/// PUT: replaces a resource (RFC 7644 §3.5.1).
pub fn replace(
    state: &AppState,
    ctx: &Ctx<'_>,
    kind: Kind,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
) -> Result<Arc<Record>, ScimError> {
    let mut attrs = attributes_from_body(kind, body, ctx.cfg)?;
    check_required(kind, &attrs, ctx.cfg, ScimType::InvalidValue)?;
    ctx.cfg.check_profile(kind, &mut attrs)?;
    let mut store = state.write();
    let old = match store.table(kind).get(id).cloned() {
        Some(old) => old,
        None if ctx.cfg.has(Fault::PutUnknownCreates) => {
            drop(store);
            return create_as(state, ctx, kind, body, Some(id.to_string()));
        }
        None => return Err(not_found(kind, id, ctx.cfg)),
    };
    check_if_match(&old, if_match, ctx.cfg)?;
    let old_attrs = attributes_of(&old.resource);
    check_immutable(kind, &old_attrs, &attrs, ctx.cfg)?;
    if ctx.cfg.has(Fault::PutMerges) {
        for (name, value) in &old_attrs {
            attrs.entry(name.clone()).or_insert_with(|| value.clone());
        }
    }
    // RFC 7643 §2.2: the id (readOnly) a PUT body carries SHALL be ignored.
    let body_id = body
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("id")))
        .and_then(|(_, v)| v.as_str())
        .filter(|_| ctx.cfg.has(Fault::ReadOnlyIdOverwritten));
    let record = store_update(&mut store, ctx, kind, &old, attrs, body_id)?;
    if kind == Kind::User && ctx.cfg.has(Fault::UserGroupsWritable) {
        return Ok(join_claimed_groups(&mut store, ctx, &record.id, body).unwrap_or(record));
    }
    Ok(record)
}

/// PATCH: modifies a resource (RFC 7644 §3.5.2); atomic unless the `patch-not-atomic` fault.
pub fn modify(
    state: &AppState,
    ctx: &Ctx<'_>,
    kind: Kind,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
) -> Result<Arc<Record>, ScimError> {
    let mut store = state.write();
    let old = existing(&store, ctx, kind, id, if_match)?;
    apply_patch(&mut store, ctx, kind, &old, body)
}

/// PATCH under a lost-update fault: applied to `stale`, a copy read before other requests
/// changed the resource, and stored over whatever they stored.
pub fn modify_stale(
    state: &AppState,
    ctx: &Ctx<'_>,
    kind: Kind,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
    stale: &Arc<Record>,
) -> Result<Arc<Record>, ScimError> {
    let mut store = state.write();
    existing(&store, ctx, kind, id, if_match)?;
    apply_patch(&mut store, ctx, kind, stale, body)
}

/// Applies a PatchOp body to `old` and stores the result; all operations or none.
fn apply_patch(
    store: &mut Store,
    ctx: &Ctx<'_>,
    kind: Kind,
    old: &Arc<Record>,
    body: &Value,
) -> Result<Arc<Record>, ScimError> {
    match patch::apply(kind, &old.id, attributes_of(&old.resource), body, ctx.cfg) {
        Ok(mut attrs) => {
            if kind == Kind::Group && !ctx.cfg.has(Fault::BatchMemberUnknownRejectsAll) {
                let before = member_ids(&attributes_of(&old.resource));
                drop_unknown_members(store, &mut attrs, &before);
            }
            if !ctx.cfg.has(Fault::RequiredRemoved) {
                check_required(kind, &attrs, ctx.cfg, ScimType::Mutability)?;
            }
            ctx.cfg.check_profile(kind, &mut attrs)?;
            store_update(store, ctx, kind, old, attrs, None)
        }
        Err(failure) => {
            if ctx.cfg.has(Fault::PatchNotAtomic) && failure.applied > 0 {
                let _ = store_update(store, ctx, kind, old, failure.partial, None);
            }
            Err(failure.error)
        }
    }
}

/// Common tail of PUT and PATCH: uniqueness, members, commit, membership sync. `body_id` is
/// an id the request body gave, which only the `readonly-id-overwritten` fault heeds.
fn store_update(
    store: &mut Store,
    ctx: &Ctx<'_>,
    kind: Kind,
    old: &Arc<Record>,
    mut attrs: Attributes,
    body_id: Option<&str>,
) -> Result<Arc<Record>, ScimError> {
    check_unique(store, kind, &old.id, &attrs, ctx.cfg)?;
    apply_computed(ctx, kind, &mut attrs);
    let old_attrs = attributes_of(&old.resource);
    if kind == Kind::Group {
        resolve_members(store, ctx, &mut attrs, &old.id)?;
    }
    if old_attrs == attrs
        && !ctx.cfg.has(Fault::LastModifiedNotUpdated)
        && !ctx.cfg.has(Fault::NoOpUpdateTouchesLastModified)
    {
        // RFC 7644 §3.5.2.1: no change SHALL NOT change the modify timestamp.
        return Ok(Arc::clone(old));
    }
    let before = member_ids(&old_attrs);
    let after = member_ids(&attrs);
    let old_display = old_attrs.get("displayName").cloned();
    let display = attrs
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::to_string);
    let renamed = old_display.as_ref().and_then(Value::as_str) != display.as_deref();
    let created = if ctx.cfg.has(Fault::MetaCreatedMoves) {
        Some(store.now())
    } else {
        old.resource["meta"]["created"].as_str().map(str::to_string)
    };
    let id = if ctx.cfg.has(Fault::UpdateReassignsId) {
        store.remove(kind, &old.id);
        Uuid::new_v4().to_string()
    } else if let Some(new_id) = body_id.filter(|b| *b != old.id) {
        store.remove(kind, &old.id);
        new_id.to_string()
    } else {
        old.id.clone()
    };
    let record = commit(store, ctx, kind, &id, attrs, created, None);
    if ctx.cfg.has(Fault::UpdateNotSaved) {
        let keys = unique_keys(kind, &old.resource, ctx.cfg);
        let (resource, version) = (old.resource.clone(), old.version.clone());
        store.put(kind, id, resource, version, old.body.clone(), keys);
        return Ok(record);
    }
    if kind == Kind::Group {
        sync_user_groups(
            store,
            ctx,
            &id,
            display.as_deref(),
            &before,
            &after,
            renamed,
        );
    }
    Ok(record)
}

/// RFC 7644 §3.5.1: an immutable attribute with a value must keep it on PUT.
fn check_immutable(
    kind: Kind,
    old: &Attributes,
    new: &Attributes,
    cfg: &ServerConfig,
) -> Result<(), ScimError> {
    if cfg.has(Fault::ImmutableChangeable) {
        return Ok(());
    }
    for (container, def) in kind.schema().all_attributes() {
        let holder = |attrs: &Attributes| -> Option<Value> {
            match container {
                crate::scim::schema::Container::Core => attrs.get(&def.name).cloned(),
                crate::scim::schema::Container::Extension(urn) => {
                    attrs.get(urn)?.get(&def.name).cloned()
                }
            }
        };
        let (Some(before), after) = (holder(old), holder(new)) else {
            continue;
        };
        if immutable_changed(def, &before, after.as_ref()) {
            return Err(ScimError::mutability(format!(
                "\"{}\" is immutable and already has a value",
                def.name
            )));
        }
    }
    Ok(())
}

fn immutable_changed(def: &AttributeDef, before: &Value, after: Option<&Value>) -> bool {
    if def.multi_valued {
        return false;
    }
    if def.mutability == Mutability::Immutable {
        return after != Some(before);
    }
    if def.is_complex() {
        return def.sub_attributes.iter().any(|sub| {
            sub.mutability == Mutability::Immutable
                && before
                    .get(&sub.name)
                    .is_some_and(|b| after.and_then(|a| a.get(&sub.name)) != Some(b))
        });
    }
    false
}

/// DELETE (RFC 7644 §3.6); memberships of the deleted resource are removed.
pub fn delete(
    state: &AppState,
    ctx: &Ctx<'_>,
    kind: Kind,
    id: &str,
    if_match: Option<&str>,
) -> Result<Arc<Record>, ScimError> {
    let mut store = state.write();
    let old = existing(&store, ctx, kind, id, if_match)?;
    if ctx.cfg.has(Fault::DeletedStillFound) {
        return Ok(old);
    }
    store.remove(kind, id);
    if kind == Kind::Group && ctx.cfg.has(Fault::DeleteGroupCascades) {
        for member in member_ids(&attributes_of(&old.resource)) {
            store.remove(Kind::User, &member);
        }
    }
    drop_from_groups(&mut store, ctx, id);
    if kind == Kind::Group {
        forget_group(
            &mut store,
            ctx,
            id,
            &member_ids(&attributes_of(&old.resource)),
        );
    }
    Ok(old)
}
