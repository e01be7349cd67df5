//! The write primitives under resources and memberships: the per-request context, the
//! attribute map of a stored resource, and committing a representation (schemas, id, meta,
//! version, rendered body, uniqueness keys) to the store.

use std::sync::Arc;

use axum::body::Bytes;
use serde_json::{json, Map, Value};

use super::faults::Fault;
use super::input::Attributes;
use super::kind::Kind;
use super::projection::Projection;
use super::store::{unique_attributes, unique_key, Record, Store};
use super::ServerConfig;

/// Per-request context: configuration and the base URL for `meta.location` and `$ref`.
pub struct Ctx<'a> {
    pub cfg: &'a ServerConfig,
    pub base: &'a str,
}

/// The attribute map of a stored representation (drops `schemas`, `id`, `meta`, `groups`).
pub fn attributes_of(resource: &Value) -> Attributes {
    resource
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "schemas" | "id" | "meta" | "groups"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The `schemas` of a representation: the core schema and every extension holding data.
fn schemas_for(kind: Kind, attrs: &Attributes, cfg: &ServerConfig) -> Value {
    let schema = kind.schema();
    let mut out = vec![json!(schema.core.id)];
    for (ext, _) in &schema.extensions {
        if attrs.contains_key(&ext.id) && !cfg.has(Fault::ExtensionSchemaNotListed) {
            out.push(json!(ext.id));
        }
    }
    Value::Array(out)
}

/// Writes the representation of `attrs` as resource `id`: schemas, id, attributes, derived
/// groups and meta; a new version, `lastModified` now, and the default rendering.
pub fn commit(
    store: &mut Store,
    ctx: &Ctx<'_>,
    kind: Kind,
    id: &str,
    mut attrs: Attributes,
    created: Option<String>,
    groups: Option<Vec<Value>>,
) -> Arc<Record> {
    apply_computed(ctx, kind, &mut attrs);
    let mut now = store.now();
    if ctx.cfg.has(Fault::DatetimeNotXsd) {
        now = now.replacen('T', " ", 1);
    }
    let version = match store.table(kind).get(id) {
        Some(old) if ctx.cfg.has(Fault::VersionNotUpdated) => old.version.clone(),
        _ => store.next_version(),
    };
    let previous_groups = match groups {
        Some(g) => g,
        None => store
            .table(kind)
            .get(id)
            .and_then(|r| r.resource.get("groups"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    };
    let mut obj = Map::new();
    obj.insert("schemas".into(), schemas_for(kind, &attrs, ctx.cfg));
    obj.insert("id".into(), json!(id));
    attrs.shift_remove("id");
    if let Some(ext_id) = attrs.shift_remove("externalId") {
        obj.insert("externalId".into(), ext_id);
    }
    obj.extend(attrs);
    if kind == Kind::User && !previous_groups.is_empty() {
        obj.insert("groups".into(), Value::Array(previous_groups));
    }
    let is_create = created.is_none();
    let client_created = obj
        .shift_remove("meta")
        .and_then(|m| m.get("created")?.as_str().map(str::to_string))
        .filter(|_| ctx.cfg.has(Fault::ClientMetaKept));
    let created = client_created.or(created).unwrap_or_else(|| now.clone());
    let last_modified = if ctx.cfg.has(Fault::LastModifiedNotUpdated) {
        created.clone()
    } else {
        now
    };
    let location = if ctx.cfg.has(Fault::MetaLocationWrong) {
        format!("{}/{}", ctx.base, kind.segment())
    } else {
        format!("{}/{}/{id}", ctx.base, kind.segment())
    };
    let resource_type = if ctx.cfg.has(Fault::MetaResourceTypeWrong) {
        kind.segment()
    } else {
        kind.name()
    };
    let mut meta = json!({
        "resourceType": resource_type,
        "created": created,
        "lastModified": last_modified,
        "location": location,
        "version": version,
    });
    if ctx.cfg.varies(super::Variant::NoEtags) {
        if let Some(m) = meta.as_object_mut() {
            m.shift_remove("version");
        }
    }
    if is_create && ctx.cfg.has(Fault::LastModifiedUnsetOnCreate) {
        if let Some(m) = meta.as_object_mut() {
            m.shift_remove("lastModified");
        }
    }
    obj.insert("meta".into(), meta);
    let resource = Value::Object(obj);
    let body = render_default(kind, &resource, ctx.cfg);
    let keys = unique_keys(kind, &resource, ctx.cfg);
    store.put(kind, id.to_string(), resource, version, body, keys)
}

/// The serialized default representation.
pub fn render_default(kind: Kind, resource: &Value, cfg: &ServerConfig) -> Bytes {
    let shown = Projection::default().apply(resource, kind.schema(), cfg);
    Bytes::from(serde_json::to_vec(&shown).unwrap_or_default())
}

/// The uniqueness keys of a representation, for the store's index.
pub fn unique_keys(
    kind: Kind,
    resource: &Value,
    cfg: &ServerConfig,
) -> Vec<(&'static str, String)> {
    unique_attributes(kind)
        .filter_map(|(name, case_exact)| {
            let value = resource.get(name)?.as_str()?;
            let exact = case_exact || (name == "userName" && cfg.has(Fault::UserNameCaseExact));
            Some((name, unique_key(value, exact)))
        })
        .collect()
}

/// What the server computes or ignores itself whatever the client sent (the
/// `computed-display-name` and `user-schema-subset` variants), applied before a write is
/// compared with what is stored.
pub fn apply_computed(ctx: &Ctx<'_>, kind: Kind, attrs: &mut Attributes) {
    if kind == Kind::User && ctx.cfg.varies(super::Variant::ComputedDisplayName) {
        let computed = computed_display_name(attrs);
        attrs.insert("displayName".into(), Value::String(computed));
    }
    if kind == Kind::User && ctx.cfg.varies(super::Variant::UserSchemaSubset) {
        attrs.retain(|name, _| super::variants::in_user_schema_subset(name));
    }
}

/// The `computed-display-name` variant: "givenName familyName" when the User has either, else
/// its userName.
fn computed_display_name(attrs: &Attributes) -> String {
    let part = |key: &str| {
        attrs
            .get("name")
            .and_then(Value::as_object)
            .and_then(|n| crate::scim::pointer::get_key(n, key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let joined: Vec<&str> = [part("givenName"), part("familyName")]
        .into_iter()
        .flatten()
        .collect();
    if joined.is_empty() {
        attrs
            .get("userName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    } else {
        joined.join(" ")
    }
}
