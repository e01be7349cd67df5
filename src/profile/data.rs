//! Test data that fits a target: valid E.164 numbers, real IANA time zones, language codes
//! and the value types the profile names, exposed to case files as template variables; and the
//! profile's required attributes, added to every User a case creates.

use serde_json::{json, Map, Value};

use super::{Attr, Format, Profile};
use crate::scim::pointer::{get_key, get_key_mut};
use crate::scim::urn::USER as CORE_USER;
use crate::template::Vars;

/// Real IANA time zone names; a case gets one by its index.
pub const TIMEZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Europe/London",
    "America/Los_Angeles",
    "Pacific/Auckland",
];

/// (ISO 639-1 code, language tag) pairs.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("de", "de-DE"),
    ("fr", "fr-FR"),
    ("ja", "ja-JP"),
    ("es", "es-ES"),
    ("en", "en-US"),
    ("pt", "pt-BR"),
    ("sv", "sv-SE"),
    ("nl", "nl-NL"),
];

/// A valid E.164 number in the North American range reserved for fiction (555-01xx).
pub fn e164(index: usize) -> String {
    format!("+1617555{:04}", 100 + index % 100)
}

/// A second valid E.164 number, in the London range reserved for drama (020 7946 0xxx).
pub fn e164_2(index: usize) -> String {
    format!("+442079460{:03}", index % 1000)
}

fn find_type<'a>(types: &[&'a str], word: &str, first_if_none: bool) -> Option<&'a str> {
    types
        .iter()
        .find(|t| t.to_ascii_lowercase().contains(word))
        .or(if first_if_none { types.first() } else { None })
        .copied()
}

/// The type of `attr` values for `word` ("work", "home"): the profile's own name for it, the
/// RFC's when the profile does not restrict types, none when the profile cannot hold it.
fn type_var(profile: Option<&Profile>, attr: &str, word: &str) -> Option<String> {
    let Some(p) = profile else {
        return Some(word.to_string());
    };
    if p.attrs_named(None, attr).is_empty() {
        return None;
    }
    let types = p.types_of(attr);
    if types.is_empty() {
        return Some(word.to_string());
    }
    find_type(&types, word, word == "work").map(str::to_string)
}

/// The profile variables that do not depend on the case: name → value, `None` when the
/// profile cannot provide it (a case using it is skipped).
pub fn static_vars(profile: Option<&Profile>) -> Vec<(String, Option<String>)> {
    let roles = profile.map(|p| p.attrs_named(None, "roles"));
    let role_type = match (&roles, profile) {
        (None, _) => Some("primary".to_string()),
        (Some(r), _) if r.is_empty() => None,
        (Some(_), Some(p)) => p
            .types_of("roles")
            .first()
            .map(|t| t.to_string())
            .or(Some("primary".into())),
        (Some(_), None) => None,
    };
    let role = match &roles {
        None => Some("scimspec-role".to_string()),
        Some(r) if r.is_empty() => None,
        Some(r) => r
            .iter()
            .find_map(|a| a.spec.values.first().cloned())
            .or(Some("scimspec-role".into())),
    };
    vec![
        (
            "profile.work_email_type".into(),
            type_var(profile, "emails", "work"),
        ),
        (
            "profile.home_email_type".into(),
            type_var(profile, "emails", "home"),
        ),
        (
            "profile.work_phone_type".into(),
            type_var(profile, "phoneNumbers", "work"),
        ),
        (
            "profile.home_phone_type".into(),
            type_var(profile, "phoneNumbers", "home"),
        ),
        ("profile.role_type".into(), role_type),
        ("profile.role".into(), role),
    ]
}

/// What a profile variable stands for, for skip reasons.
pub fn describe(name: &str) -> String {
    name.trim_start_matches("profile.").replace('_', " ")
}

fn attr_format(profile: Option<&Profile>, name: &str) -> Option<Format> {
    profile.and_then(|p| p.attrs_named(None, name).iter().find_map(|a| a.spec.format))
}

/// Sets the test-data variables of case number `index` whose unique id is `uid`.
pub fn set_case_vars(profile: Option<&Profile>, uid: &str, index: usize, vars: &mut Vars) {
    let (code, tag) = LANGUAGES[index % LANGUAGES.len()];
    let language = match attr_format(profile, "preferredLanguage") {
        Some(Format::Language) => code,
        _ => tag,
    };
    vars.set("e164", Value::String(e164(index)));
    vars.set("e164_2", Value::String(e164_2(index)));
    vars.set(
        "timezone",
        Value::String(TIMEZONES[index % TIMEZONES.len()].to_string()),
    );
    vars.set("language", Value::String(language.to_string()));
    vars.set("locale", Value::String(tag.to_string()));
    let user_name = match attr_format(profile, "userName") {
        Some(Format::Email) => format!("{uid}@example.com"),
        _ => uid.to_string(),
    };
    vars.set("profile.user_name", Value::String(user_name));
    for (name, value) in static_vars(profile) {
        if let Some(v) = value {
            vars.set(name, Value::String(v));
        }
    }
}

fn text(vars: &Vars, name: &str) -> String {
    match vars.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// A value fitting `attr`, or `None` when none can be invented (a reference).
fn generate(attr: &Attr, vars: &Vars) -> Option<Value> {
    if let Some(v) = attr.spec.values.first() {
        return Some(Value::String(v.clone()));
    }
    let uid = text(vars, "uid");
    let label = attr.sub.as_deref().unwrap_or(&attr.name);
    Some(match attr.spec.format {
        Some(Format::Email) => Value::String(format!("{uid}@example.com")),
        Some(Format::E164) => Value::String(text(vars, "e164")),
        Some(Format::Timezone) => Value::String(text(vars, "timezone")),
        Some(Format::Language) | Some(Format::LanguageTag) => Value::String(text(vars, "language")),
        Some(Format::Boolean) => Value::Bool(true),
        Some(Format::Reference) => return None,
        Some(Format::String) | None if attr.name.eq_ignore_ascii_case("active") => {
            Value::Bool(true)
        }
        Some(Format::String) | None => Value::String(format!("{label}-{uid}")),
    })
}

/// The object holding `attr`: the resource itself, or its extension object.
fn holder<'v>(resource: &'v Value, attr: &Attr) -> Option<&'v Map<String, Value>> {
    let obj = resource.as_object()?;
    if attr.urn.eq_ignore_ascii_case(CORE_USER) {
        Some(obj)
    } else {
        get_key(obj, &attr.urn).and_then(Value::as_object)
    }
}

/// The values of `attr` in a resource (for `emails[type eq "work"].value`: the `value` of
/// each email of that type).
pub fn values_of<'v>(resource: &'v Value, attr: &Attr) -> Vec<&'v Value> {
    let Some(obj) = holder(resource, attr) else {
        return Vec::new();
    };
    let Some(value) = get_key(obj, &attr.name) else {
        return Vec::new();
    };
    if attr.multi {
        let sub = attr.sub.as_deref().unwrap_or("value");
        return value
            .as_array()
            .into_iter()
            .flatten()
            .filter(|item| match &attr.type_value {
                Some(t) => item
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(t)),
                None => true,
            })
            .filter_map(|item| item.as_object().and_then(|o| get_key(o, sub)))
            .collect();
    }
    match &attr.sub {
        Some(sub) => value
            .as_object()
            .and_then(|o| get_key(o, sub))
            .into_iter()
            .collect(),
        None => vec![value],
    }
}

/// True when the resource holds a non-empty value for `attr`.
pub fn has_value(resource: &Value, attr: &Attr) -> bool {
    values_of(resource, attr).iter().any(|v| match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    })
}

fn fits(format: Format, value: &Value) -> bool {
    let s = value.as_str();
    match format {
        Format::String | Format::Reference => s.is_some() || value.is_object(),
        Format::Boolean => value.is_boolean(),
        Format::Email => s.is_some_and(|s| {
            s.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
            }) && !s.contains(char::is_whitespace)
        }),
        Format::E164 => s.is_some_and(|s| {
            s.strip_prefix('+').is_some_and(|d| {
                (2..=15).contains(&d.len())
                    && d.bytes().all(|b| b.is_ascii_digit())
                    && !d.starts_with('0')
            })
        }),
        Format::Timezone => s.is_some_and(|s| {
            s == "UTC"
                || (s.contains('/')
                    && s.split('/').all(|part| {
                        !part.is_empty()
                            && part
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
                    })
                    && s.starts_with(|c: char| c.is_ascii_uppercase()))
        }),
        Format::Language => {
            s.is_some_and(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase()))
        }
        Format::LanguageTag => s.is_some_and(|s| {
            let mut parts = s.split('-');
            parts.next().is_some_and(|p| {
                (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic())
            }) && parts
                .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        }),
    }
}

/// Values that break an attribute's format or list of accepted values.
pub fn format_problems(profile: &Profile, resource: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for attr in &profile.attrs {
        for value in values_of(resource, attr) {
            // Nulls clear; a placeholder is filled in later (the planner reads case files).
            if value.is_null() || value.as_str().is_some_and(|s| s.contains("{{")) {
                continue;
            }
            if let Some(format) = attr.spec.format {
                if !fits(format, value) {
                    problems.push(format!(
                        "{} must be in {} format, got {value}",
                        attr.path(),
                        format.as_str()
                    ));
                }
            }
            if !attr.spec.values.is_empty()
                && !value
                    .as_str()
                    .is_some_and(|s| attr.spec.values.iter().any(|v| v == s))
            {
                problems.push(format!(
                    "{} must be one of {}, got {value}",
                    attr.path(),
                    attr.spec.values.join(", ")
                ));
            }
        }
    }
    problems
}

pub fn is_user_resource(body: &Value) -> bool {
    body.get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(CORE_USER))
            })
        })
}

/// True when [`complete_user`] would add `attr` to this body: a required attribute (but
/// `userName`, which every case handles itself) with no value; for a multi-valued attribute,
/// only when the body has none of its values (a case sending some values tests them).
pub fn would_add(body: &Value, attr: &Attr) -> bool {
    if !attr.spec.required
        || !is_user_resource(body)
        || (attr.name.eq_ignore_ascii_case("userName") && attr.urn.eq_ignore_ascii_case(CORE_USER))
        || attr.spec.format == Some(Format::Reference)
    {
        return false;
    }
    if attr.multi {
        return holder(body, attr)
            .is_none_or(|h| get_key(h, &attr.name).is_none_or(Value::is_null));
    }
    !has_value(body, attr)
}

/// Adds each required attribute that a User body lacks (see [`would_add`]), with a value
/// fitting the profile.
pub fn complete_user(profile: &Profile, body: &mut Value, vars: &Vars) {
    if !is_user_resource(body) {
        return;
    }
    for attr in profile.required() {
        if !would_add(body, attr) {
            continue;
        }
        let Some(value) = generate(attr, vars) else {
            continue;
        };
        let Some(obj) = body.as_object_mut() else {
            return;
        };
        let holder = if attr.urn.eq_ignore_ascii_case(CORE_USER) {
            obj
        } else {
            if let Some(Value::Array(schemas)) = get_key_mut(obj, "schemas") {
                if !schemas
                    .iter()
                    .any(|s| s.as_str() == Some(attr.urn.as_str()))
                {
                    schemas.push(Value::String(attr.urn.clone()));
                }
            }
            if get_key(obj, &attr.urn).is_none() {
                obj.insert(attr.urn.clone(), json!({}));
            }
            match get_key_mut(obj, &attr.urn).and_then(Value::as_object_mut) {
                Some(o) => o,
                None => continue,
            }
        };
        if attr.multi {
            let mut item = Map::new();
            if let Some(t) = &attr.type_value {
                item.insert("type".into(), Value::String(t.clone()));
            }
            item.insert(attr.sub.clone().unwrap_or_else(|| "value".into()), value);
            item.insert("primary".into(), Value::Bool(true));
            holder.insert(attr.name.clone(), Value::Array(vec![Value::Object(item)]));
        } else if let Some(sub) = &attr.sub {
            if get_key(holder, &attr.name).is_none() {
                holder.insert(attr.name.clone(), json!({}));
            }
            if let Some(o) = get_key_mut(holder, &attr.name).and_then(Value::as_object_mut) {
                o.insert(sub.clone(), value);
            }
        } else {
            holder.insert(attr.name.clone(), value);
        }
    }
}

/// Adds the profile's required attributes to the Users a request creates or replaces:
/// `POST /Users`, `PUT /Users/{id}` and the same operations inside `POST /Bulk`.
pub fn complete_request(
    profile: &Profile,
    method: &str,
    path: &str,
    body: &mut Value,
    vars: &Vars,
) {
    let users = |p: &str| {
        let p = p.split('?').next().unwrap_or(p);
        (p == "/Users" || p.starts_with("/Users/")) && !p.ends_with("/.search")
    };
    crate::scim::writes::for_each_written(method, path, body, |p, resource| {
        if users(p) {
            complete_user(profile, resource, vars);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_numbers_are_e164() {
        for i in [0, 1, 99, 12345] {
            assert!(fits(Format::E164, &json!(e164(i))), "{}", e164(i));
            assert!(fits(Format::E164, &json!(e164_2(i))), "{}", e164_2(i));
        }
        assert!(!fits(Format::E164, &json!("617-555-0100")));
        assert!(!fits(Format::E164, &json!("+0123")));
        for tz in TIMEZONES {
            assert!(fits(Format::Timezone, &json!(tz)));
        }
        assert!(!fits(Format::Timezone, &json!("CET is not a place")));
        for (code, tag) in LANGUAGES {
            assert!(fits(Format::Language, &json!(code)));
            assert!(fits(Format::LanguageTag, &json!(tag)));
            assert!(!fits(Format::Language, &json!(tag)));
        }
    }

    #[test]
    fn profile_types_become_variables() {
        let x = super::super::load("xmatters").unwrap();
        let vars = static_vars(Some(&x));
        let get = |n: &str| {
            vars.iter()
                .find(|(k, _)| k == n)
                .and_then(|(_, v)| v.clone())
        };
        assert_eq!(
            get("profile.work_email_type").as_deref(),
            Some("Work Email")
        );
        assert_eq!(
            get("profile.home_phone_type").as_deref(),
            Some("Home Phone")
        );
        assert_eq!(get("profile.role_type").as_deref(), Some("Primary"));
        let a = super::super::load("alexishr").unwrap();
        let vars = static_vars(Some(&a));
        let get = |n: &str| {
            vars.iter()
                .find(|(k, _)| k == n)
                .and_then(|(_, v)| v.clone())
        };
        assert_eq!(get("profile.work_email_type").as_deref(), Some("work"));
        assert_eq!(get("profile.home_email_type"), None);
        let none = static_vars(None);
        assert!(none.iter().all(|(_, v)| v.is_some()));
    }

    #[test]
    fn required_attributes_are_added_when_absent() {
        let a = super::super::load("alexishr").unwrap();
        let mut vars = Vars::new();
        set_case_vars(Some(&a), "u-1", 3, &mut vars);
        vars.set("uid", json!("u-1"));
        let mut body =
            json!({"schemas": [CORE_USER], "userName": "u-1", "name": {"givenName": "G"}});
        complete_user(&a, &mut body, &vars);
        assert_eq!(body["name"]["givenName"], "G");
        assert!(body["name"]["familyName"].is_string());
        assert_eq!(body["active"], true);
        assert_eq!(body["emails"][0]["type"], "work");
        assert_eq!(body["emails"][0]["value"], "u-1@example.com");
        assert_eq!(body["phoneNumbers"][0]["value"], e164(3));
        assert!(
            a.check_resource(&body).is_empty(),
            "{:?}",
            a.check_resource(&body)
        );
        let mut group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]});
        complete_user(&a, &mut group, &vars);
        assert!(group.get("emails").is_none());
    }

    #[test]
    fn resources_are_checked_against_the_profile() {
        let x = super::super::load("xmatters").unwrap();
        let ok = json!({"schemas": [CORE_USER], "userName": "u",
            "emails": [{"type": "Work Email", "value": "u@example.com"}],
            "phoneNumbers": [{"type": "Home Phone", "value": "+16175550100"}],
            "timezone": "Europe/Berlin", "preferredLanguage": "de"});
        assert!(
            x.check_resource(&ok).is_empty(),
            "{:?}",
            x.check_resource(&ok)
        );
        let bad = json!({"schemas": [CORE_USER], "userName": "u", "nickName": "n",
            "emails": [{"type": "work", "value": "u@example.com"}],
            "phoneNumbers": [{"type": "Work Phone", "value": "0617 555"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "x"}});
        let problems = x.check_resource(&bad);
        let all = problems.join("\n");
        assert!(all.contains("nickName"), "{all}");
        assert!(all.contains("\"work\""), "{all}");
        assert!(all.contains("e164"), "{all}");
        assert!(all.contains("enterprise"), "{all}");
    }
}
