//! Entra's default attribute mapping for a non-gallery SCIM application (ENTRA-CATALOG §3),
//! and the request bodies Entra builds from it: the create body, and the update PATCH in
//! each dialect.

use serde_json::{json, Map, Value};

use super::super::Dialect;
use super::input::SourceUser;
use crate::run::pointer;

pub const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const CORE_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ADSCIM_GROUP: &str =
    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Where a mapped value comes from in Entra.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A direct mapping of an Entra attribute.
    Attribute(&'static str),
    /// `Join(" ", [givenName], [surname])`.
    JoinNames,
    /// `Switch([IsSoftDeleted], , "False", "True", "True", "False")`.
    NotSoftDeleted,
}

impl Source {
    pub fn describe(self) -> String {
        match self {
            Source::Attribute(a) => a.to_string(),
            Source::JoinNames => "Join(\" \", [givenName], [surname])".into(),
            Source::NotSoftDeleted => {
                "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")".into()
            }
        }
    }
}

/// Where a mapped value goes in the SCIM resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A core attribute: `userName`, `title`.
    Attr(&'static str),
    /// A sub-attribute: `name.givenName`.
    Sub(&'static str, &'static str),
    /// A typed element of a multi-valued attribute: `emails[type eq "work"].value`.
    Typed {
        attr: &'static str,
        kind: &'static str,
        sub: &'static str,
    },
    /// An enterprise extension attribute.
    Ext(&'static str),
    /// The enterprise `manager` reference (set in a second pass).
    Manager,
    /// `active`, from `Switch([IsSoftDeleted], …)`: the strings "True"/"False" in the default
    /// dialect, booleans with the flag.
    Active,
}

impl Target {
    /// The attribute path as Entra writes it in PATCH requests and in its mapping editor.
    pub fn path(self) -> String {
        match self {
            Target::Attr(a) => a.to_string(),
            Target::Sub(a, s) => format!("{a}.{s}"),
            Target::Typed { attr, kind, sub } => format!("{attr}[type eq \"{kind}\"].{sub}"),
            Target::Ext(name) => format!("{ENTERPRISE}:{name}"),
            Target::Manager => format!("{ENTERPRISE}:manager"),
            Target::Active => ACTIVE_PATH.to_string(),
        }
    }

    /// Value-filter paths (and `active`) stay separate operations in the aadOptscim062020
    /// dialect.
    fn filtered(self) -> bool {
        matches!(self, Target::Typed { .. } | Target::Active)
    }

    /// Reads this attribute from a SCIM resource as returned by the target.
    pub fn read(self, resource: &Value) -> Option<Value> {
        let obj = resource.as_object()?;
        let found = match self {
            Target::Attr(a) => pointer::get_key(obj, a).cloned(),
            Target::Sub(a, s) => pointer::get_key(obj, a)
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, s))
                .cloned(),
            Target::Typed { attr, kind, sub } => pointer::get_key(obj, attr)
                .and_then(Value::as_array)
                .and_then(|items| {
                    items.iter().find(|i| {
                        i.as_object()
                            .and_then(|o| pointer::get_key(o, "type"))
                            .and_then(Value::as_str)
                            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
                    })
                })
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, sub))
                .cloned(),
            Target::Ext(name) => pointer::get_key(obj, ENTERPRISE)
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, name))
                .cloned(),
            Target::Manager => pointer::get_key(obj, ENTERPRISE)
                .and_then(Value::as_object)
                .and_then(|o| pointer::get_key(o, "manager"))
                .and_then(|m| match m {
                    Value::Object(o) => pointer::get_key(o, "value").cloned(),
                    other => Some(other.clone()),
                }),
            Target::Active => pointer::get_key(obj, ACTIVE_PATH).map(|v| match v {
                Value::String(s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
                other => other.clone(),
            }),
        };
        found.filter(|v| !v.is_null() && v != &Value::String(String::new()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping {
    pub source: Source,
    pub target: Target,
}

/// The target of Entra's `active` row.
pub const ACTIVE_PATH: &str = "active";

const fn row(source: Source, target: Target) -> Mapping {
    Mapping { source, target }
}

const fn typed(attr: &'static str, kind: &'static str, sub: &'static str) -> Target {
    Target::Typed { attr, kind, sub }
}

/// Entra's default user mapping for a non-gallery SCIM application (22 rows).
/// `userName` (from userPrincipalName) has matching precedence 1.
pub const DEFAULT_USER_MAPPING: &[Mapping] = &[
    row(
        Source::Attribute("userPrincipalName"),
        Target::Attr("userName"),
    ),
    row(Source::NotSoftDeleted, Target::Active),
    row(
        Source::Attribute("displayName"),
        Target::Attr("displayName"),
    ),
    row(Source::Attribute("jobTitle"), Target::Attr("title")),
    row(Source::Attribute("mail"), typed("emails", "work", "value")),
    row(
        Source::Attribute("preferredLanguage"),
        Target::Attr("preferredLanguage"),
    ),
    row(
        Source::Attribute("givenName"),
        Target::Sub("name", "givenName"),
    ),
    row(
        Source::Attribute("surname"),
        Target::Sub("name", "familyName"),
    ),
    row(Source::JoinNames, Target::Sub("name", "formatted")),
    row(
        Source::Attribute("physicalDeliveryOfficeName"),
        typed("addresses", "work", "formatted"),
    ),
    row(
        Source::Attribute("streetAddress"),
        typed("addresses", "work", "streetAddress"),
    ),
    row(
        Source::Attribute("city"),
        typed("addresses", "work", "locality"),
    ),
    row(
        Source::Attribute("state"),
        typed("addresses", "work", "region"),
    ),
    row(
        Source::Attribute("postalCode"),
        typed("addresses", "work", "postalCode"),
    ),
    row(
        Source::Attribute("country"),
        typed("addresses", "work", "country"),
    ),
    row(
        Source::Attribute("telephoneNumber"),
        typed("phoneNumbers", "work", "value"),
    ),
    row(
        Source::Attribute("mobile"),
        typed("phoneNumbers", "mobile", "value"),
    ),
    row(
        Source::Attribute("facsimileTelephoneNumber"),
        typed("phoneNumbers", "fax", "value"),
    ),
    row(
        Source::Attribute("mailNickname"),
        Target::Attr("externalId"),
    ),
    row(
        Source::Attribute("employeeId"),
        Target::Ext("employeeNumber"),
    ),
    row(Source::Attribute("department"), Target::Ext("department")),
    row(Source::Attribute("manager"), Target::Manager),
];

/// The mapping in use: the default rows minus those the file removes (by target path,
/// case-insensitively). Removing `userName` or `active` is refused.
pub fn user_mapping(remove: &[String]) -> Result<Vec<Mapping>, String> {
    for r in remove {
        if r.eq_ignore_ascii_case("userName") || r.eq_ignore_ascii_case(ACTIVE_PATH) {
            return Err(format!("mapping.remove: '{r}' cannot be removed"));
        }
        if !DEFAULT_USER_MAPPING
            .iter()
            .any(|m| m.target.path().eq_ignore_ascii_case(r))
        {
            let known: Vec<String> = DEFAULT_USER_MAPPING
                .iter()
                .map(|m| m.target.path())
                .collect();
            return Err(format!(
                "mapping.remove: '{r}' is not a target of the default mapping ({})",
                known.join(", ")
            ));
        }
    }
    Ok(DEFAULT_USER_MAPPING
        .iter()
        .copied()
        .filter(|m| {
            !remove
                .iter()
                .any(|r| m.target.path().eq_ignore_ascii_case(r))
        })
        .collect())
}

/// The value a mapping row produces for a user (None: null in Entra, not provisioned).
pub fn source_value(user: &SourceUser, source: Source) -> Option<Value> {
    match source {
        Source::Attribute(a) => user.get(a).cloned(),
        Source::JoinNames => {
            let parts: Vec<&str> = ["givenName", "surname"]
                .iter()
                .filter_map(|a| user.text(a))
                .collect();
            (!parts.is_empty()).then(|| Value::String(parts.join(" ")))
        }
        Source::NotSoftDeleted => Some(Value::Bool(user.enabled())),
    }
}

/// Every exported (target, value) of a user, in mapping order. The manager's value is the
/// manager's userPrincipalName here; the replay resolves it to a SCIM id.
pub fn exported(user: &SourceUser, mapping: &[Mapping]) -> Vec<(Target, Value)> {
    mapping
        .iter()
        .filter_map(|m| source_value(user, m.source).map(|v| (m.target, v)))
        .collect()
}

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
    use super::*;
    use crate::entra::provision::input::parse;

    fn user(json: &str) -> SourceUser {
        parse(&format!("{{\"users\": [{json}]}}"), "r")
            .unwrap()
            .users
            .remove(0)
    }

    #[test]
    fn the_default_mapping_has_entras_22_rows() {
        assert_eq!(DEFAULT_USER_MAPPING.len(), 22);
        let paths: Vec<String> = DEFAULT_USER_MAPPING
            .iter()
            .map(|m| m.target.path())
            .collect();
        assert!(paths.contains(&"emails[type eq \"work\"].value".to_string()));
        assert!(paths.contains(&format!("{ENTERPRISE}:employeeNumber")));
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
        assert!(user_mapping(&["userName".into()]).is_err());
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
            (typed("emails", "work", "value"), json!("new@x")),
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

    #[test]
    fn reads_targets_from_resources() {
        let r = json!({"EMAILS": [{"type": "Work", "value": "w"}],
                       ENTERPRISE: {"manager": {"value": "m1"}}, "name": {"givenName": "A"}});
        assert_eq!(typed("emails", "work", "value").read(&r), Some(json!("w")));
        assert_eq!(Target::Manager.read(&r), Some(json!("m1")));
        assert_eq!(Target::Sub("name", "familyName").read(&r), None);
    }
}
