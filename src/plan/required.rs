//! The attributes a target declares required in `/Schemas` (RFC 7643 §7 L1731-1732:
//! "required  A Boolean value that specifies whether or not the attribute is required") beyond
//! those every case sends itself (`userName`, a Group's `displayName`), each with a value of its
//! type. Every User and Group a case creates or replaces is completed with them, so a case
//! states only what it tests (RFC 7644 §3.1: "some attribute schema may change from service
//! provider to service provider").

use serde_json::{json, Map, Value};

use crate::scim::pointer::get_key;
use crate::scim::urn;

/// One required attribute and the value cases give it when they do not.
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredAttribute {
    pub name: String,
    pub value: Value,
}

/// What a target requires on Users and Groups, beyond what every case sends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Required {
    pub user: Vec<RequiredAttribute>,
    pub group: Vec<RequiredAttribute>,
}

/// Attributes cases always handle themselves, or that no generated value can satisfy.
fn handled_by_cases(schema: &str, name: &str) -> bool {
    let always = ["id", "schemas", "meta", "externalId"];
    always.iter().any(|a| a.eq_ignore_ascii_case(name))
        || (schema == urn::USER
            && ["userName", "password", "groups"]
                .iter()
                .any(|a| a.eq_ignore_ascii_case(name)))
        || (schema == urn::GROUP
            && ["displayName", "members"]
                .iter()
                .any(|a| a.eq_ignore_ascii_case(name)))
}

/// A value of the attribute's declared type; `None` when none can be made (a reference).
fn value_for(def: &Value) -> Option<Value> {
    let canonical = def
        .get("canonicalValues")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .cloned();
    let kind = def.get("type").and_then(Value::as_str).unwrap_or("string");
    let single = match kind.to_ascii_lowercase().as_str() {
        "string" => canonical.unwrap_or_else(|| json!("scimspec")),
        "boolean" => json!(true),
        "integer" => json!(1),
        "decimal" => json!(1.5),
        "datetime" => json!("2000-01-01T00:00:00Z"),
        "binary" => json!("c2NpbXNwZWM="),
        "complex" => {
            let subs = def
                .get("subAttributes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut object = Map::new();
            for sub in subs.iter().filter(|s| is_required(s)) {
                let name = sub.get("name").and_then(Value::as_str)?;
                object.insert(name.to_string(), value_for(sub)?);
            }
            if object.is_empty() {
                // A required complex attribute with no required sub-attribute: its first
                // writable string sub-attribute.
                let sub = subs.iter().find(|s| {
                    s.get("type").and_then(Value::as_str) == Some("string") && writable(s)
                })?;
                let name = sub.get("name").and_then(Value::as_str)?;
                object.insert(name.to_string(), value_for(sub)?);
            }
            Value::Object(object)
        }
        _ => return None,
    };
    let multi = def.get("multiValued").and_then(Value::as_bool) == Some(true);
    Some(if multi { json!([single]) } else { single })
}

fn is_required(def: &Value) -> bool {
    def.get("required").and_then(Value::as_bool) == Some(true) && writable(def)
}

fn writable(def: &Value) -> bool {
    !def.get("mutability")
        .and_then(Value::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("readOnly"))
}

/// The required attributes one schema document declares (its core attributes).
fn required_of(schema: &Value, id: &str) -> Vec<RequiredAttribute> {
    schema
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|def| is_required(def))
        .filter_map(|def| {
            let name = def.get("name").and_then(Value::as_str)?;
            if handled_by_cases(id, name) {
                return None;
            }
            Some(RequiredAttribute {
                name: name.to_string(),
                value: value_for(def)?,
            })
        })
        .collect()
}

impl Required {
    /// Reads the User and Group schemas of a `/Schemas` answer (a list or a ListResponse).
    pub fn from_schemas(schemas: &[&Value]) -> Self {
        let mut out = Required::default();
        for schema in schemas {
            match schema.get("id").and_then(Value::as_str) {
                Some(id) if id == urn::USER => out.user = required_of(schema, id),
                Some(id) if id == urn::GROUP => out.group = required_of(schema, id),
                _ => {}
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.user.is_empty() && self.group.is_empty()
    }

    /// Adds what a User or Group body lacks: a missing attribute whole, a complex one's missing
    /// required sub-attributes. A value the case gives (even `null`) is left alone: the case
    /// tests it.
    fn complete(attributes: &[RequiredAttribute], body: &mut Value) {
        let Some(object) = body.as_object_mut() else {
            return;
        };
        for attr in attributes {
            let present = get_key(object, &attr.name).is_some();
            if !present {
                object.insert(attr.name.clone(), attr.value.clone());
                continue;
            }
            if let (Some(Value::Object(given)), Value::Object(wanted)) = (
                object
                    .iter_mut()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&attr.name))
                    .map(|(_, v)| v),
                &attr.value,
            ) {
                for (sub, value) in wanted {
                    if get_key(given, sub).is_none() {
                        given.insert(sub.clone(), value.clone());
                    }
                }
            }
        }
    }

    /// Completes the Users and Groups a request creates or replaces: `POST /Users`,
    /// `PUT /Users/{id}` (and Groups), and the same operations inside `POST /Bulk`.
    pub fn complete_request(&self, method: &str, path: &str, body: &mut Value) {
        if self.is_empty() {
            return;
        }
        crate::scim::writes::for_each_written(method, path, body, |p, resource| {
            self.complete_resource(p, resource)
        });
    }

    fn complete_resource(&self, path: &str, body: &mut Value) {
        let on = |segment: &str| {
            let p = path.trim_start_matches('/');
            (p.eq_ignore_ascii_case(segment)
                || p.len() > segment.len()
                    && p[..segment.len()].eq_ignore_ascii_case(segment)
                    && p.as_bytes()[segment.len()] == b'/')
                && !p.ends_with("/.search")
        };
        if on("Users") {
            Self::complete(&self.user, body);
        } else if on("Groups") {
            Self::complete(&self.group, body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_schema() -> Value {
        json!({"id": urn::USER, "attributes": [
            {"name": "userName", "type": "string", "required": true},
            {"name": "active", "type": "boolean", "required": true},
            {"name": "id", "type": "string", "required": true, "mutability": "readOnly"},
            {"name": "name", "type": "complex", "required": true, "subAttributes": [
                {"name": "familyName", "type": "string", "required": true},
                {"name": "givenName", "type": "string"}]},
            {"name": "title", "type": "string"},
            {"name": "userType", "type": "string", "required": true, "canonicalValues": ["Employee"]}
        ]})
    }

    #[test]
    fn reads_what_the_schema_requires() {
        let schema = user_schema();
        let r = Required::from_schemas(&[&schema]);
        let names: Vec<&str> = r.user.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["active", "name", "userType"]);
        assert_eq!(r.user[1].value, json!({"familyName": "scimspec"}));
        assert_eq!(r.user[2].value, json!("Employee"));
    }

    #[test]
    fn completes_what_a_body_lacks_and_keeps_what_it_gives() {
        let schema = user_schema();
        let r = Required::from_schemas(&[&schema]);
        let mut body = json!({"userName": "u", "Active": false, "name": {"givenName": "G"}});
        r.complete_request("POST", "/Users", &mut body);
        assert_eq!(
            body,
            json!({"userName": "u", "Active": false,
                   "name": {"givenName": "G", "familyName": "scimspec"}, "userType": "Employee"})
        );
        let mut group = json!({"displayName": "g"});
        r.complete_request("POST", "/Groups", &mut group);
        assert_eq!(group, json!({"displayName": "g"}));
        let mut search = json!({"filter": "x"});
        r.complete_request("POST", "/Users/.search", &mut search);
        assert_eq!(search, json!({"filter": "x"}));
    }
}
