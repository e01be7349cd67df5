//! The schemas compiled into the binary: RFC 7643 §8.7 as published, with the verified errata
//! that change behaviour applied at load time (5368, 6004, 8471, 8472, 8417) and this server's
//! documented choices (Group.displayName unique, members.display defined).

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::schema::{ResourceSchema, SchemaDef};
use super::urn;

const USER_JSON: &str = include_str!("../../schemas/scim/User.json");
const GROUP_JSON: &str = include_str!("../../schemas/scim/Group.json");
const ENTERPRISE_USER_JSON: &str = include_str!("../../schemas/scim/EnterpriseUser.json");
const SERVICE_PROVIDER_CONFIG_JSON: &str =
    include_str!("../../schemas/scim/ServiceProviderConfig.json");
const RESOURCE_TYPE_JSON: &str = include_str!("../../schemas/scim/ResourceType.json");
const SCHEMA_JSON: &str = include_str!("../../schemas/scim/Schema.json");

/// The embedded schemas, errata applied, in the order `/Schemas` lists them.
pub struct Registry {
    pub user: ResourceSchema,
    pub group: ResourceSchema,
    pub schemas: Vec<SchemaDef>,
}

impl Registry {
    /// The schema definition with this URN (case-insensitive).
    pub fn schema(&self, urn: &str) -> Option<&SchemaDef> {
        self.schemas.iter().find(|s| s.id.eq_ignore_ascii_case(urn))
    }
}

/// The embedded registry (parsed once).
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(build_registry)
}

/// The User resource schema (core User + Enterprise User extension).
pub fn user() -> &'static ResourceSchema {
    &registry().user
}

/// The Group resource schema.
pub fn group() -> &'static ResourceSchema {
    &registry().group
}

fn build_registry() -> Registry {
    let user = embedded(USER_JSON);
    let group = embedded(GROUP_JSON);
    let enterprise = embedded(ENTERPRISE_USER_JSON);
    let mut schemas = vec![
        user.clone(),
        group.clone(),
        enterprise.clone(),
        embedded(SERVICE_PROVIDER_CONFIG_JSON),
        embedded(RESOURCE_TYPE_JSON),
        embedded(SCHEMA_JSON),
    ];
    for s in &mut schemas {
        s.document = publishable(&s.document, &s.id);
    }
    Registry {
        user: ResourceSchema {
            description: "User Account".into(),
            ..ResourceSchema::new("User", "/Users", user, vec![(enterprise, false)])
        },
        group: ResourceSchema {
            description: "Group".into(),
            ..ResourceSchema::new("Group", "/Groups", group, Vec::new())
        },
        schemas,
    }
}

/// Parses an embedded schema, applying the errata and server rules to the JSON first so that
/// the model and the published document agree.
fn embedded(text: &str) -> SchemaDef {
    // The embedded files are part of the build; a parse failure is a build defect caught by tests.
    let mut doc: Value = serde_json::from_str(text).unwrap_or_else(|_| json!({}));
    apply_errata(&mut doc);
    SchemaDef::from_json(&doc).unwrap_or_else(|_| SchemaDef {
        id: String::new(),
        name: String::new(),
        attributes: Vec::new(),
        document: doc,
    })
}

/// Applies the verified errata that change behaviour, and this server's documented choices.
fn apply_errata(doc: &mut Value) {
    let id = doc
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(attrs) = doc.get_mut("attributes").and_then(Value::as_array_mut) else {
        return;
    };
    for attr in attrs.iter_mut() {
        let Some(obj) = attr.as_object_mut() else {
            continue;
        };
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        // Erratum 6004: complex attributes carry no uniqueness.
        if obj.get("type").and_then(Value::as_str) == Some("complex") {
            obj.shift_remove("uniqueness");
            // RFC 7643 §2.4: the predefined sub-attributes "can be used with multi-valued
            // attribute objects" even where an attribute lists its own (addresses has no
            // "primary" in §8.7.1, yet the §8.2 example sets it).
            if obj.get("multiValued").and_then(Value::as_bool) == Some(true) {
                add_predefined_subs(obj);
            }
        }
        match (id.as_str(), name.as_str()) {
            // Erratum 5368: Group.displayName is REQUIRED. Entra requires it to be unique.
            (urn::GROUP, "displayName") => {
                obj.insert("required".into(), Value::Bool(true));
                obj.insert("uniqueness".into(), json!("server"));
            }
            // RFC 7643 §4.2 and the §8.5 examples use members.display; add its definition.
            (urn::GROUP, "members") => add_members_display(obj),
            // Erratum 8471: groups.$ref references Groups only.
            (urn::USER, "groups") => set_sub(obj, "$ref", "referenceTypes", json!(["Group"])),
            // Erratum 8472: manager.value holds a case-exact id.
            (urn::ENTERPRISE_USER, "manager") => {
                set_sub(obj, "value", "caseExact", Value::Bool(true));
            }
            _ => {}
        }
    }
}

fn set_sub(attr: &mut Map<String, Value>, sub: &str, key: &str, value: Value) {
    let Some(subs) = attr.get_mut("subAttributes").and_then(Value::as_array_mut) else {
        return;
    };
    for s in subs.iter_mut() {
        if s.get("name").and_then(Value::as_str) == Some(sub) {
            if let Some(o) = s.as_object_mut() {
                o.insert(key.to_string(), value.clone());
            }
        }
    }
}

fn add_predefined_subs(attr: &mut Map<String, Value>) {
    let Some(subs) = attr.get_mut("subAttributes").and_then(Value::as_array_mut) else {
        return;
    };
    for (name, kind, description) in [
        (
            "type",
            "string",
            "A label indicating the attribute's function.",
        ),
        (
            "primary",
            "boolean",
            "The 'primary' or preferred value of this attribute.",
        ),
    ] {
        if subs
            .iter()
            .any(|s| s.get("name").and_then(Value::as_str) == Some(name))
        {
            continue;
        }
        subs.push(json!({
            "name": name,
            "type": kind,
            "multiValued": false,
            "description": description,
            "required": false,
            "caseExact": false,
            "mutability": "readWrite",
            "returned": "default",
            "uniqueness": "none"
        }));
    }
}

fn add_members_display(attr: &mut Map<String, Value>) {
    let Some(subs) = attr.get_mut("subAttributes").and_then(Value::as_array_mut) else {
        return;
    };
    if subs
        .iter()
        .any(|s| s.get("name").and_then(Value::as_str) == Some("display"))
    {
        return;
    }
    subs.push(json!({
        "name": "display",
        "type": "string",
        "multiValued": false,
        "description": "A human-readable name, primarily used for display purposes.",
        "required": false,
        "caseExact": false,
        "mutability": "immutable",
        "returned": "default",
        "uniqueness": "none"
    }));
}

/// The published form of a schema (erratum 8417): `schemas` first, `meta` with the Schema
/// resource type; `meta.location` is completed by the server with its base URL.
fn publishable(doc: &Value, id: &str) -> Value {
    let mut out = Map::new();
    out.insert("schemas".into(), json!([urn::SCHEMA]));
    if let Some(obj) = doc.as_object() {
        for (k, v) in obj {
            if k != "meta" && k != "schemas" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out.insert(
        "meta".into(),
        json!({"resourceType": "Schema", "location": format!("/Schemas/{id}")}),
    );
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::attr_path::AttrPath;
    use crate::scim::schema::{Container, Returned};

    #[test]
    fn embedded_schemas_load_with_their_attributes() {
        let reg = registry();
        assert_eq!(reg.schemas.len(), 6);
        assert!(reg.schemas.iter().all(|s| !s.id.is_empty()));
        assert_eq!(reg.user.core.id, urn::USER);
        assert!(reg.user.core.attribute("USERNAME").is_some());
    }

    #[test]
    fn errata_are_applied() {
        let g = group().core.attribute("displayName").cloned();
        assert_eq!(g.map(|a| a.required), Some(true));
        let ext = user().extension(urn::ENTERPRISE_USER);
        let manager = ext.and_then(|e| e.attribute("manager"));
        let value = manager.and_then(|m| m.sub_attribute("value"));
        assert_eq!(value.map(|v| v.case_exact), Some(true));
        let members = group().core.attribute("members");
        assert!(members.and_then(|m| m.sub_attribute("display")).is_some());
    }

    #[test]
    fn user_resolves_core_and_enterprise_paths() {
        let u = user();
        let p = |s: &str| AttrPath::parse(s).ok();
        let r = p("urn:ietf:params:scim:schemas:core:2.0:User:userName")
            .and_then(|p| u.resolve(&p).map(|r| r.attr.name.clone()));
        assert_eq!(r.as_deref(), Some("userName"));
        let r = p("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")
            .and_then(|p| u.resolve(&p).map(|r| r.container));
        assert_eq!(r, Some(Container::Extension(urn::ENTERPRISE_USER)));
        let id = p("ID").and_then(|p| u.resolve(&p).map(|r| r.attr.returned));
        assert_eq!(id, Some(Returned::Always));
    }
}
