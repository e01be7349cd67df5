//! The local JSON file `scimspec provision` replays: users and groups as Entra holds them
//! (Entra attribute names), the assignment scope, scoping filters and mapping changes.
//! `{{run}}` in any string is replaced by the run's random id, so a file can be replayed
//! many times without colliding with earlier runs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::super::EntraError;

/// Entra user attributes the file may give (the sources of the default mapping, plus the
/// object id and the account state).
pub const USER_ATTRIBUTES: &[&str] = &[
    "userPrincipalName",
    "mailNickname",
    "objectId",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "jobTitle",
    "department",
    "employeeId",
    "telephoneNumber",
    "mobile",
    "facsimileTelephoneNumber",
    "streetAddress",
    "city",
    "state",
    "postalCode",
    "country",
    "physicalDeliveryOfficeName",
    "preferredLanguage",
    "manager",
    "accountEnabled",
];

/// Keys of a user or group entry that are replay settings, not Entra attributes.
const SETTINGS: &[&str] = &["assigned", "update"];

const GROUP_ATTRIBUTES: &[&str] = &["displayName", "objectId", "members"];

/// "Sync only assigned users and groups" (Entra's default) or "Sync all users and groups".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeSetting {
    #[default]
    Assigned,
    All,
}

/// One scoping filter clause: `{title} {attribute} {operator} {value}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopingFilter {
    #[serde(default)]
    pub title: Option<String>,
    pub attribute: String,
    pub operator: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// Rows removed from the default attribute mapping, by SCIM target attribute.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingChanges {
    #[serde(default)]
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawFile {
    #[serde(default)]
    scope: ScopeSetting,
    #[serde(default)]
    scoping_filters: Vec<ScopingFilter>,
    #[serde(default)]
    mapping: MappingChanges,
    #[serde(default)]
    users: Vec<Map<String, Value>>,
    #[serde(default)]
    groups: Vec<Map<String, Value>>,
}

/// A user as Entra holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceUser {
    /// Entra attribute → value (string or boolean), as given.
    pub attributes: BTreeMap<String, Value>,
    /// Assigned to the application (default true).
    pub assigned: bool,
    /// Attributes changed in Entra for the lifecycle's update step.
    pub update: BTreeMap<String, Value>,
}

impl SourceUser {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attributes.get(name).filter(|v| !v.is_null())
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// `accountEnabled` (default true): Entra's "Active in source system".
    pub fn enabled(&self) -> bool {
        self.get("accountEnabled")
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }

    /// How the user is named in the output.
    pub fn label(&self) -> String {
        self.text("userPrincipalName")
            .or_else(|| self.text("displayName"))
            .unwrap_or("(no userPrincipalName)")
            .to_string()
    }
}

/// A group as Entra holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceGroup {
    pub display_name: String,
    pub object_id: Option<String>,
    /// Members by userPrincipalName (users of the same file).
    pub members: Vec<String>,
    pub assigned: bool,
    /// The new displayName for the lifecycle's rename step.
    pub rename: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProvisionFile {
    pub scope: ScopeSetting,
    pub scoping_filters: Vec<ScopingFilter>,
    pub mapping: MappingChanges,
    pub users: Vec<SourceUser>,
    pub groups: Vec<SourceGroup>,
}

fn templated(value: Value, run: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace("{{run}}", run)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| templated(v, run)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, templated(v, run)))
                .collect(),
        ),
        other => other,
    }
}

fn canonical<'a>(known: &[&'a str], key: &str) -> Option<&'a str> {
    known.iter().copied().find(|k| k.eq_ignore_ascii_case(key))
}

fn check_value(at: &str, name: &str, value: &Value) -> Result<(), String> {
    match (name, value) {
        (_, Value::Null) => Ok(()),
        ("accountEnabled", Value::Bool(_)) => Ok(()),
        ("accountEnabled", _) => Err(format!("{at}.accountEnabled must be true or false")),
        (_, Value::String(_)) => Ok(()),
        _ => Err(format!("{at}.{name} must be a string (or null)")),
    }
}

fn user_attributes(
    at: &str,
    map: &Map<String, Value>,
    allow_settings: bool,
) -> Result<SourceUser, String> {
    let mut attributes = BTreeMap::new();
    let mut assigned = true;
    let mut update = BTreeMap::new();
    for (key, value) in map {
        if allow_settings && key == "assigned" {
            assigned = value
                .as_bool()
                .ok_or_else(|| format!("{at}.assigned must be true or false"))?;
            continue;
        }
        if allow_settings && key == "update" {
            let obj = value
                .as_object()
                .ok_or_else(|| format!("{at}.update must be an object of Entra attributes"))?;
            update = user_attributes(&format!("{at}.update"), obj, false)?.attributes;
            continue;
        }
        let name = canonical(USER_ATTRIBUTES, key).ok_or_else(|| {
            let settings = if allow_settings {
                format!(" or {}", SETTINGS.join(", "))
            } else {
                String::new()
            };
            format!(
                "{at}: unknown attribute '{key}' (expected an Entra attribute: {}{settings})",
                USER_ATTRIBUTES.join(", ")
            )
        })?;
        check_value(at, name, value)?;
        attributes.insert(name.to_string(), value.clone());
    }
    Ok(SourceUser {
        attributes,
        assigned,
        update,
    })
}

/// The string `value` of `{at}.{key}`.
fn string_value(value: &Value, at: &str, key: &str) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{at}.{key} must be a string"))
}

fn group(at: &str, map: &Map<String, Value>) -> Result<SourceGroup, String> {
    let mut display_name = None;
    let mut object_id = None;
    let mut members = Vec::new();
    let mut assigned = true;
    let mut rename = None;
    for (key, value) in map {
        match key.as_str() {
            "assigned" => {
                assigned = value
                    .as_bool()
                    .ok_or_else(|| format!("{at}.assigned must be true or false"))?
            }
            "update" => {
                rename = value
                    .get("displayName")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if rename.is_none() || value.as_object().is_some_and(|o| o.len() != 1) {
                    return Err(format!(
                        "{at}.update must be {{\"displayName\": \"<new name>\"}}"
                    ));
                }
            }
            _ => match canonical(GROUP_ATTRIBUTES, key) {
                Some("displayName") => display_name = Some(string_value(value, at, "displayName")?),
                Some("objectId") => object_id = Some(string_value(value, at, "objectId")?),
                Some(_) => {
                    members = value
                        .as_array()
                        .and_then(|a| {
                            a.iter()
                                .map(|m| m.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| {
                            format!("{at}.members must be a list of userPrincipalName strings")
                        })?
                }
                None => {
                    return Err(format!(
                        "{at}: unknown key '{key}' (expected {}, assigned, update)",
                        GROUP_ATTRIBUTES.join(", ")
                    ))
                }
            },
        }
    }
    Ok(SourceGroup {
        display_name: display_name.ok_or_else(|| format!("{at}: displayName is required"))?,
        object_id,
        members,
        assigned,
        rename,
    })
}

/// Parses the file text; `run` replaces `{{run}}`.
pub fn parse(text: &str, run: &str) -> Result<ProvisionFile, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let raw: RawFile = serde_json::from_value(templated(value, run)).map_err(|e| e.to_string())?;
    let mut users = Vec::new();
    for (i, map) in raw.users.iter().enumerate() {
        let at = format!("users[{i}]");
        users.push(user_attributes(&at, map, true)?);
    }
    let groups = raw
        .groups
        .iter()
        .enumerate()
        .map(|(i, map)| group(&format!("groups[{i}]"), map))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, g) in groups.iter().enumerate() {
        for m in &g.members {
            if !users
                .iter()
                .any(|u| u.text("userPrincipalName") == Some(m.as_str()))
            {
                return Err(format!(
                    "groups[{i}].members: '{m}' is not the userPrincipalName of a user in this file"
                ));
            }
        }
    }
    if users.is_empty() && groups.is_empty() {
        return Err("the file describes no users and no groups".into());
    }
    Ok(ProvisionFile {
        scope: raw.scope,
        scoping_filters: raw.scoping_filters,
        mapping: raw.mapping,
        users,
        groups,
    })
}

/// Reads and parses the file.
pub fn load(path: &Path, run: &str) -> Result<ProvisionFile, EntraError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| EntraError::Input {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    parse(&text, run).map_err(|detail| EntraError::Input {
        path: shown,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
      "scope": "assigned",
      "scopingFilters": [{"title": "Staff", "attribute": "department", "operator": "IS NOT NULL"}],
      "users": [
        {"userPrincipalName": "ada.{{run}}@contoso.example", "givenName": "Ada", "accountEnabled": true,
         "update": {"jobTitle": "Countess"}},
        {"userPrincipalName": "grace.{{run}}@contoso.example", "mobile": null, "assigned": false}
      ],
      "groups": [{"displayName": "Analysts {{run}}", "members": ["ada.{{run}}@contoso.example"],
                  "update": {"displayName": "Engines {{run}}"}}]
    }"#;

    #[test]
    fn parses_users_groups_and_templates() {
        let f = parse(FILE, "r1").unwrap();
        assert_eq!(f.users.len(), 2);
        assert_eq!(f.users[0].label(), "ada.r1@contoso.example");
        assert_eq!(f.users[0].update["jobTitle"], "Countess");
        assert!(!f.users[1].assigned);
        assert!(f.users[1].get("mobile").is_none(), "null means absent");
        assert_eq!(f.groups[0].members, vec!["ada.r1@contoso.example"]);
        assert_eq!(f.groups[0].rename.as_deref(), Some("Engines r1"));
        assert_eq!(f.scoping_filters[0].operator, "IS NOT NULL");
    }

    #[test]
    fn rejects_unknown_attributes_and_strangers() {
        let e = parse(
            r#"{"users": [{"userPrincipalName": "a", "lastName": "x"}]}"#,
            "r",
        )
        .unwrap_err();
        assert!(e.contains("users[0]: unknown attribute 'lastName'"), "{e}");
        let e = parse(
            r#"{"users": [{"userPrincipalName": "a"}], "groups": [{"displayName": "g", "members": ["b"]}]}"#,
            "r",
        )
        .unwrap_err();
        assert!(e.contains("'b' is not the userPrincipalName"), "{e}");
        let e = parse(r#"{"users": [{"accountEnabled": "yes"}]}"#, "r").unwrap_err();
        assert!(e.contains("accountEnabled must be true or false"), "{e}");
        assert!(parse("{}", "r").unwrap_err().contains("no users"));
        assert!(parse("[", "r").unwrap_err().contains("not valid JSON"));
    }

    #[test]
    fn attribute_names_are_case_insensitive() {
        let f = parse(r#"{"users": [{"UserPrincipalName": "a@b"}]}"#, "r").unwrap();
        assert_eq!(f.users[0].text("userPrincipalName"), Some("a@b"));
    }
}
