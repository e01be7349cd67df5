//! The request bodies of the scenarios, as templates. They mirror the Entra and Okta cases of
//! the suite: Entra's create body (`suites/entra/02-create-user.yaml`, `entra-create-user`), its
//! group create (`suites/entra/07-groups.yaml`, `entra-create-group-adscim-schema`), its
//! capitalised default-dialect PATCH ops (`suites/entra/04-patch-user-default.yaml`,
//! `suites/entra/08-groups-default.yaml`), and Okta's group push with a full member list
//! (`suites/profiles/okta-spec.yaml`, PUT /Groups/{id}). Placeholders: `{{uid}}` unique to the flow, `{{sfx}}`
//! the userName suffix calibration found (empty, or `@domain` where the target wants
//! email-shaped userNames), `{{guid}}` a GUID per flow, and captured ids.

use serde_json::{json, Value};

use crate::scim::urn;

/// The userName of the flow's `n`th user.
pub fn user_name(n: usize) -> String {
    format!("{{{{uid}}}}-u{n}{{{{sfx}}}}")
}

/// `userName eq "…"`: Entra's and Okta's match query.
pub fn user_match(n: usize) -> String {
    format!("userName eq \"{}\"", user_name(n))
}

/// `displayName eq "…"`: the group match query.
pub fn group_match(name: &str) -> String {
    format!("displayName eq \"{name}\"")
}

/// Entra's create body (`entra-create-user`).
pub fn entra_user(n: usize) -> Value {
    json!({
        "schemas": [urn::USER, urn::ENTERPRISE_USER],
        "externalId": format!("{{{{guid}}}}-{n}"),
        "userName": user_name(n),
        "active": true,
        "emails": [{"primary": true, "type": "work", "value": format!("{{{{uid}}}}-u{n}@mail.contoso.example")}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
        "roles": []
    })
}

/// Okta's create body: core User, name, work email, active.
pub fn okta_user(n: usize) -> Value {
    json!({
        "schemas": [urn::USER],
        "userName": user_name(n),
        "name": {"givenName": "Grace", "familyName": "Hopper"},
        "emails": [{"primary": true, "type": "work", "value": format!("{{{{uid}}}}-u{n}@mail.example.com")}],
        "displayName": "Grace Hopper",
        "locale": "en-US",
        "active": true
    })
}

/// Entra's group create, without members (`entra-create-group-adscim-schema`).
pub fn entra_group(name: &str) -> Value {
    json!({
        "schemas": [urn::GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": "{{guid}}",
        "displayName": name,
        "meta": {"resourceType": "Group"}
    })
}

fn members(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"value": format!("{{{{{id}}}}}")}))
            .collect(),
    )
}

/// Okta's group push: the whole group, members included (POST, then PUT on every change).
pub fn okta_group(name: &str, member_vars: &[&str]) -> Value {
    json!({
        "schemas": [urn::GROUP],
        "displayName": name,
        "members": members(member_vars)
    })
}

fn patch(operations: Value) -> Value {
    json!({"schemas": [urn::PATCH_OP], "Operations": operations})
}

/// Entra's default dialect adding members in one `Add` (`entra-default-add-members`).
pub fn entra_add_members(member_vars: &[&str]) -> Value {
    patch(json!([{"op": "Add", "path": "members", "value": members(member_vars)}]))
}

/// Entra's incremental update: an `Add` for every mapped attribute on every cycle, whether it
/// changed or not (Entra's habit; `Add` on a single-valued attribute replaces it, RFC 7644
/// §3.5.2.1).
pub fn entra_incremental(cycle: usize) -> Value {
    patch(json!([
        {"op": "Add", "path": "displayName", "value": format!("Ada Lovelace {cycle}")},
        {"op": "Add", "path": "name.givenName", "value": "Ada"},
        {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "{{uid}}-u1@mail.contoso.example"},
        {"op": "Replace", "path": "active", "value": "True"}
    ]))
}

/// A `Replace` of displayName (Entra's default dialect).
pub fn entra_rename() -> Value {
    patch(json!([{"op": "Replace", "path": "displayName", "value": "Ada King"}]))
}

/// Entra disabling a user (`entra-default-disable-user`).
pub fn entra_disable() -> Value {
    patch(json!([{"op": "Replace", "path": "active", "value": "False"}]))
}
