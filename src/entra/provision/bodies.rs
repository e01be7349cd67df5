//! The request bodies Entra builds from the attribute mapping: the create bodies, and the
//! update, state, reference and membership PATCHes in each dialect.

use serde_json::{json, Map, Value};

use super::super::Dialect;
use super::mapping::{Mapping, Target, ACTIVE_PATH};
use crate::scim::urn::{
    ADSCIM_GROUP, ENTERPRISE_USER as ENTERPRISE, GROUP as CORE_GROUP, PATCH_OP, USER as CORE_USER,
};

fn uses_enterprise(mapping: &[Mapping]) -> bool {
    mapping
        .iter()
        .any(|m| matches!(m.target, Target::Ext(_) | Target::Manager))
}

/// Entra's `POST /Users` body (TUT "Create User"): both schemas, externalId, userName,
/// active, the work email as primary, read-only meta, name, and `roles: []`. The manager is
/// left out (Entra sets references in a second pass).
pub fn create_user_body(values: &[(Target, Value)], mapping: &[Mapping]) -> Value {
    let mut schemas = vec![json!(CORE_USER)];
    if uses_enterprise(mapping) {
        schemas.push(json!(ENTERPRISE));
    }
    let mut body = Map::new();
    body.insert("schemas".into(), Value::Array(schemas));
    let mut typed: Vec<(&str, &str, Map<String, Value>)> = Vec::new();
    let mut subs: Map<String, Value> = Map::new();
    let mut ext: Map<String, Value> = Map::new();
    let mut rest: Vec<(&str, Value)> = Vec::new();
    let mut active = Value::Bool(true);
    for (target, value) in values {
        match *target {
            Target::Active => active = value.clone(),
            Target::Attr(a) => rest.push((a, value.clone())),
            Target::Sub(_, s) => {
                subs.insert(s.to_string(), value.clone());
            }
            Target::Typed { attr, kind, sub } => {
                match typed.iter_mut().find(|(a, k, _)| *a == attr && *k == kind) {
                    Some((_, _, item)) => {
                        item.insert(sub.to_string(), value.clone());
                    }
                    None => {
                        let mut item = Map::new();
                        if attr == "emails" && kind == "work" {
                            item.insert("primary".into(), Value::Bool(true));
                        }
                        item.insert("type".into(), json!(kind));
                        item.insert(sub.to_string(), value.clone());
                        typed.push((attr, kind, item));
                    }
                }
            }
            Target::Ext(name) => {
                ext.insert(name.to_string(), value.clone());
            }
            Target::Manager => {}
        }
    }
    let take = |rest: &mut Vec<(&str, Value)>, name: &str| {
        rest.iter()
            .position(|(a, _)| *a == name)
            .map(|i| rest.remove(i).1)
    };
    if let Some(v) = take(&mut rest, "externalId") {
        body.insert("externalId".into(), v);
    }
    if let Some(v) = take(&mut rest, "userName") {
        body.insert("userName".into(), v);
    }
    body.insert("active".into(), active);
    for (name, value) in rest {
        body.insert(name.to_string(), value);
    }
    for attr in ["emails", "phoneNumbers", "addresses"] {
        let items: Vec<Value> = typed
            .iter()
            .filter(|(a, _, _)| *a == attr)
            .map(|(_, _, item)| Value::Object(item.clone()))
            .collect();
        if !items.is_empty() {
            body.insert(attr.to_string(), Value::Array(items));
        }
    }
    body.insert("meta".into(), json!({"resourceType": "User"}));
    if !subs.is_empty() {
        body.insert("name".into(), Value::Object(subs));
    }
    body.insert("roles".into(), json!([]));
    if !ext.is_empty() {
        body.insert(ENTERPRISE.into(), Value::Object(ext));
    }
    Value::Object(body)
}

/// One attribute Entra will update: the target, the new value, and whether the target
/// already holds a value (Replace) or not (Add).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub target: Target,
    pub value: Value,
    pub existed: bool,
}

/// The attributes whose exported value differs from what the target holds.
pub fn changes(values: &[(Target, Value)], current: &Value) -> Vec<Change> {
    values
        .iter()
        .filter(|(t, _)| *t != Target::Manager)
        .filter_map(|(target, value)| {
            let now = target.read(current);
            (now.as_ref() != Some(value)).then(|| Change {
                target: *target,
                value: value.clone(),
                existed: now.is_some(),
            })
        })
        .collect()
}

fn op_name(dialect: Dialect, op: &str) -> String {
    match dialect {
        Dialect::Default => {
            let mut c = op.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
        Dialect::AadOptscim062020 => op.to_string(),
    }
}

fn patch(ops: Vec<Value>) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": ops})
}

/// Entra's update PATCH. Default dialect: one capitalised operation per attribute
/// (`Replace` for a value the target holds, `Add` otherwise). aadOptscim062020: value-filter
/// paths and additions stay path operations, every other replaced attribute collapses into
/// one path-less `replace` whose keys are attribute paths (`name.givenName`, URN-qualified).
pub fn update_patch(changes: &[Change], dialect: Dialect) -> Value {
    let path_op = |c: &Change| {
        let op = if c.existed { "replace" } else { "add" };
        let value = match (c.target, dialect, &c.value) {
            (Target::Active, Dialect::Default, Value::Bool(b)) => {
                json!(if *b { "True" } else { "False" })
            }
            (_, _, v) => v.clone(),
        };
        json!({"op": op_name(dialect, op), "path": c.target.path(), "value": value})
    };
    match dialect {
        Dialect::Default => patch(changes.iter().map(path_op).collect()),
        Dialect::AadOptscim062020 => {
            let mut ops = Vec::new();
            let mut collapsed = Map::new();
            for c in changes {
                if c.existed && !c.target.filtered() {
                    collapsed.insert(c.target.path(), c.value.clone());
                } else {
                    ops.push(path_op(c));
                }
            }
            if !collapsed.is_empty() {
                ops.push(json!({"op": "replace", "value": collapsed}));
            }
            patch(ops)
        }
    }
}

/// Disable (`false`) or re-enable (`true`): the string "False"/"True" with a capitalised op
/// by default; a boolean with the flag.
pub fn active_patch(active: bool, dialect: Dialect) -> Value {
    let value = match dialect {
        Dialect::Default => json!(if active { "True" } else { "False" }),
        Dialect::AadOptscim062020 => json!(active),
    };
    patch(vec![
        json!({"op": op_name(dialect, "replace"), "path": ACTIVE_PATH, "value": value}),
    ])
}

/// The manager reference, set in the second pass: the manager's SCIM id as a plain string on
/// the URN-qualified path (Entra's current form).
pub fn manager_patch(manager_id: &str, existed: bool, dialect: Dialect) -> Value {
    let op = if existed { "replace" } else { "add" };
    patch(vec![json!({
        "op": op_name(dialect, op),
        "path": Target::Manager.path(),
        "value": manager_id,
    })])
}

/// Entra's `POST /Groups` body: the extra ADSCIM schema URI, no members.
pub fn create_group_body(display_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": [CORE_GROUP, ADSCIM_GROUP],
        "externalId": external_id,
        "displayName": display_name,
        "meta": {"resourceType": "Group"},
    })
}

/// Adding members in one operation: `"$ref": null` in the default dialect.
pub fn add_members_patch(ids: &[String], dialect: Dialect) -> Value {
    let members: Vec<Value> = ids
        .iter()
        .map(|id| match dialect {
            Dialect::Default => json!({"$ref": null, "value": id}),
            Dialect::AadOptscim062020 => json!({"value": id}),
        })
        .collect();
    patch(vec![
        json!({"op": op_name(dialect, "add"), "path": "members", "value": members}),
    ])
}

/// Removing one member: a value list on the plain `members` path by default; a value-filter
/// path with the flag.
pub fn remove_member_patch(id: &str, dialect: Dialect) -> Value {
    match dialect {
        Dialect::Default => patch(vec![
            json!({"op": "Remove", "path": "members", "value": [{"value": id}]}),
        ]),
        Dialect::AadOptscim062020 => patch(vec![json!({
            "op": "remove",
            "path": format!("members[value eq \"{}\"]", id.replace('"', "\\\"")),
        })]),
    }
}

/// Renaming a group.
pub fn rename_group_patch(name: &str, dialect: Dialect) -> Value {
    patch(vec![
        json!({"op": op_name(dialect, "replace"), "path": "displayName", "value": name}),
    ])
}
#[cfg(test)]
mod tests {
    use super::super::input::{parse, SourceUser};
    use super::super::mapping::{exported, user_mapping};
    use super::*;

    fn user(json: &str) -> SourceUser {
        parse(&format!("{{\"users\": [{json}]}}"), "r")
            .unwrap()
            .users
            .remove(0)
    }
    #[test]
    fn create_body_is_entras() {
        let u = user(
            r#"{"userPrincipalName": "ada@c.example", "mailNickname": "ada", "givenName": "Ada",
                "surname": "Lovelace", "mail": "ada@m.example", "department": "R&D", "mobile": null,
                "manager": "grace@c.example"}"#,
        );
        let mapping = user_mapping(&[]).unwrap();
        let body = create_user_body(&exported(&u, &mapping), &mapping);
        assert_eq!(body["schemas"], json!([CORE_USER, ENTERPRISE]));
        assert_eq!(body["userName"], "ada@c.example");
        assert_eq!(body["externalId"], "ada");
        assert_eq!(body["active"], true);
        assert_eq!(
            body["emails"],
            json!([{"primary": true, "type": "work", "value": "ada@m.example"}])
        );
        assert_eq!(body["name"]["formatted"], "Ada Lovelace");
        assert_eq!(body["meta"]["resourceType"], "User");
        assert_eq!(body["roles"], json!([]));
        assert_eq!(body[ENTERPRISE], json!({"department": "R&D"}));
        assert!(
            body.get("phoneNumbers").is_none(),
            "null attributes are not provisioned"
        );
        assert!(
            body[ENTERPRISE].get("manager").is_none(),
            "manager comes in a second pass"
        );
    }

    #[test]
    fn removed_rows_are_not_exported_and_drop_the_enterprise_schema() {
        let mapping = user_mapping(&[
            format!("{ENTERPRISE}:employeeNumber"),
            format!("{ENTERPRISE}:department"),
            format!("{ENTERPRISE}:manager"),
        ])
        .unwrap();
        let u = user(r#"{"userPrincipalName": "a", "department": "x"}"#);
        let body = create_user_body(&exported(&u, &mapping), &mapping);
        assert_eq!(body["schemas"], json!([CORE_USER]));
        assert_eq!(
            user_mapping(&["userName".into()]).map(|_| ()),
            Err("mapping.remove: 'userName' cannot be removed".to_string())
        );
        assert!(user_mapping(&["nickName".into()])
            .unwrap_err()
            .contains("not a target"));
    }

    #[test]
    fn update_patches_follow_each_dialect() {
        let current = json!({"displayName": "Old", "name": {"givenName": "Old"},
                             "emails": [{"type": "work", "value": "old@x"}]});
        let values = vec![
            (Target::Attr("displayName"), json!("New")),
            (Target::Sub("name", "givenName"), json!("Ada")),
            (
                Target::Typed {
                    attr: "emails",
                    kind: "work",
                    sub: "value",
                },
                json!("new@x"),
            ),
            (Target::Ext("employeeNumber"), json!("7")),
            (Target::Attr("userName"), json!("same")),
        ];
        let current = {
            let mut c = current;
            c["userName"] = json!("same");
            c
        };
        let ch = changes(&values, &current);
        assert_eq!(ch.len(), 4, "userName is unchanged");
        let default = update_patch(&ch, Dialect::Default);
        assert_eq!(
            default["Operations"][0],
            json!({"op": "Replace", "path": "displayName", "value": "New"})
        );
        assert_eq!(default["Operations"][3]["op"], "Add");
        let flag = update_patch(&ch, Dialect::AadOptscim062020);
        let ops = flag["Operations"].as_array().unwrap();
        assert_eq!(
            ops[0],
            json!({"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@x"})
        );
        assert_eq!(ops[1]["op"], "add");
        assert_eq!(
            ops[2],
            json!({"op": "replace", "value": {"displayName": "New", "name.givenName": "Ada"}})
        );
    }

    #[test]
    fn active_and_member_patches() {
        assert_eq!(
            active_patch(false, Dialect::Default)["Operations"][0],
            json!({"op": "Replace", "path": "active", "value": "False"})
        );
        assert_eq!(
            active_patch(true, Dialect::AadOptscim062020)["Operations"][0],
            json!({"op": "replace", "path": "active", "value": true})
        );
        assert_eq!(
            add_members_patch(&["u1".into()], Dialect::Default)["Operations"][0],
            json!({"op": "Add", "path": "members", "value": [{"$ref": null, "value": "u1"}]})
        );
        assert_eq!(
            remove_member_patch("u1", Dialect::AadOptscim062020)["Operations"][0],
            json!({"op": "remove", "path": "members[value eq \"u1\"]"})
        );
        assert_eq!(
            remove_member_patch("u1", Dialect::Default)["Operations"][0],
            json!({"op": "Remove", "path": "members", "value": [{"value": "u1"}]})
        );
        let g = create_group_body("G", "oid");
        assert_eq!(g["schemas"][1], ADSCIM_GROUP);
        assert!(g.get("members").is_none());
    }
}
