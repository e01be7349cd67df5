//! Turns client JSON into stored attribute values, driven by the schema (RFC 7643 §2):
//! canonical attribute names, type checks, readOnly attributes ignored (RFC 7644 §3.3),
//! nulls and empty arrays as "unassigned" (RFC 7643 §2.5), one `primary` value (§2.4), and
//! the Entra tolerances of the default (non-strict) mode.

use base64::Engine;
use serde_json::{Map, Value};

use super::error::{ScimError, ScimType};
use super::faults::Fault;
use super::kind::Kind;
use super::ServerConfig;
use crate::scim::filter::eval::{is_present, parse_datetime};
use crate::scim::pointer::get_key;
use crate::scim::schema::{AttrType, AttributeDef, Mutability, ResourceSchema};
use crate::scim::urn;

/// The attribute map of a resource: core and common attributes at the top level, extension
/// attributes in an object keyed by the extension URN. No `schemas`, `id`, `meta` or `groups`.
pub type Attributes = Map<String, Value>;

/// Reads a create (POST) or replace (PUT) body into attributes.
pub fn attributes_from_body(
    kind: Kind,
    body: &Value,
    cfg: &ServerConfig,
) -> Result<Attributes, ScimError> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the request body must be a JSON object"))?;
    let schema = kind.schema();
    check_schemas(kind, schema, obj, cfg)?;
    let mut out = Attributes::new();
    for (key, value) in obj {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if let Some(ext) = schema.extension(key) {
            if value.is_null() {
                reject_null(key, cfg)?;
                continue;
            }
            let ext_obj = value.as_object().ok_or_else(|| {
                ScimError::invalid_value(format!(
                    "\"{key}\" must be an object of extension attributes"
                ))
            })?;
            let mut ext_out = Attributes::new();
            for (k, v) in ext_obj {
                let def = ext.attribute(k).ok_or_else(|| {
                    ScimError::invalid_value(format!("unknown attribute \"{k}\" in {}", ext.id))
                })?;
                put_attribute(&mut ext_out, def, v, cfg)?;
            }
            if !ext_out.is_empty() {
                out.insert(ext.id.clone(), Value::Object(ext_out));
            }
            continue;
        }
        let def = schema.core_attribute(key).ok_or_else(|| {
            ScimError::invalid_value(format!(
                "unknown attribute \"{key}\" for resource type {}",
                kind.name()
            ))
        })?;
        if def.name == "id" && cfg.has(Fault::ClientIdAccepted) && value.is_string() {
            out.insert("id".into(), value.clone());
            continue;
        }
        put_attribute(&mut out, def, value, cfg)?;
    }
    Ok(out)
}

/// Stores `value` for `def` unless it is readOnly (ignored) or unassigned.
fn put_attribute(
    out: &mut Attributes,
    def: &AttributeDef,
    value: &Value,
    cfg: &ServerConfig,
) -> Result<(), ScimError> {
    if def.mutability == Mutability::ReadOnly {
        if def.name == "meta" && value.is_object() && cfg.has(Fault::ClientMetaKept) {
            out.insert(def.name.clone(), value.clone());
        }
        return Ok(());
    }
    if def.name == "externalId" && cfg.has(Fault::ExternalIdDropped) {
        return Ok(());
    }
    if value.is_null() {
        return reject_null(&def.name, cfg);
    }
    if let Some(v) = normalize_value(def, value, cfg, false)? {
        out.insert(def.name.clone(), v);
    }
    Ok(())
}

fn reject_null(name: &str, cfg: &ServerConfig) -> Result<(), ScimError> {
    if cfg.has(Fault::NullAttributesRejected) {
        return Err(ScimError::invalid_value(format!(
            "\"{name}\" must not be null"
        )));
    }
    Ok(())
}

fn check_schemas(
    kind: Kind,
    schema: &ResourceSchema,
    obj: &Map<String, Value>,
    cfg: &ServerConfig,
) -> Result<(), ScimError> {
    let list = get_key(obj, "schemas")
        .ok_or_else(|| {
            ScimError::invalid_value(format!(
                "\"schemas\" is required and must contain \"{}\"",
                schema.core.id
            ))
        })?
        .as_array()
        .ok_or_else(|| ScimError::invalid_value("\"schemas\" must be an array of URIs"))?;
    let mut has_core = false;
    for uri in list {
        let uri = uri
            .as_str()
            .ok_or_else(|| ScimError::invalid_value("\"schemas\" must be an array of URIs"))?;
        if schema.core.id.eq_ignore_ascii_case(uri) {
            has_core = true;
        } else if schema.extension(uri).is_some() {
        } else if kind == Kind::Group && uri.eq_ignore_ascii_case(urn::ADSCIM_GROUP) {
            if cfg.strict || cfg.has(Fault::AdscimSchemaRejected) {
                return Err(ScimError::invalid_value(format!(
                    "unknown schema \"{uri}\""
                )));
            }
        } else if uri.to_ascii_lowercase().starts_with("urn:scim:schemas:") {
            return Err(ScimError::bad_request(
                ScimType::InvalidVers,
                format!("\"{uri}\" is a SCIM 1.x schema; this service provider speaks SCIM 2.0"),
            ));
        } else {
            return Err(ScimError::invalid_value(format!(
                "unknown schema \"{uri}\" for resource type {}",
                kind.name()
            )));
        }
    }
    if !has_core {
        return Err(ScimError::invalid_value(format!(
            "\"schemas\" must contain \"{}\"",
            schema.core.id
        )));
    }
    Ok(())
}

/// Normalizes one attribute value; `None` means unassigned. With `allow_single`, a single
/// value given for a multi-valued attribute is one new value (PATCH add, RFC 7644 §3.5.2.1).
pub fn normalize_value(
    def: &AttributeDef,
    value: &Value,
    cfg: &ServerConfig,
    allow_single: bool,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() {
        return Ok(None);
    }
    if !def.multi_valued {
        return match value {
            // Entra sends single-valued references such as manager as a one-element array.
            Value::Array(items) if def.is_complex() && !cfg.strict && items.len() <= 1 => {
                match items.first() {
                    Some(v) => normalize_single(def, v, cfg),
                    None => Ok(None),
                }
            }
            Value::Array(_) => Err(ScimError::invalid_value(format!(
                "\"{}\" is single-valued",
                def.name
            ))),
            v => normalize_single(def, v, cfg),
        };
    }
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        v if allow_single || !cfg.strict => vec![v],
        _ => {
            return Err(ScimError::invalid_value(format!(
                "\"{}\" is multi-valued and takes an array",
                def.name
            )))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(v) = normalize_single(def, item, cfg)? {
            if !out.contains(&v) || cfg.has(Fault::DuplicateValuesKept) {
                out.push(v);
            }
        }
    }
    if !cfg.has(Fault::MultiplePrimaryAccepted) {
        check_one_primary(def, &out)?;
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

/// RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once."
pub fn check_one_primary(def: &AttributeDef, items: &[Value]) -> Result<(), ScimError> {
    let primaries = items.iter().filter(|v| is_primary(v)).count();
    if primaries > 1 {
        return Err(ScimError::invalid_value(format!(
            "more than one \"{}\" value is primary",
            def.name
        )));
    }
    Ok(())
}

/// True for a complex value with `primary: true`.
pub fn is_primary(v: &Value) -> bool {
    v.get("primary").and_then(Value::as_bool) == Some(true)
}

/// One value of `def` (a single value of a multi-valued attribute, or the attribute's value).
fn normalize_single(
    def: &AttributeDef,
    value: &Value,
    cfg: &ServerConfig,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() {
        return Ok(None);
    }
    if !def.is_complex() {
        return normalize_simple(def, value, cfg).map(Some);
    }
    match value {
        Value::Object(obj) => normalize_complex(def, obj, cfg),
        // Entra patches manager with a plain id string (ENTRA-CATALOG §1.6).
        Value::String(s) if !def.multi_valued && def.sub_attribute("value").is_some() => {
            if cfg.strict || cfg.has(Fault::ManagerStringRejected) {
                return Err(ScimError::invalid_value(format!(
                    "\"{}\" is complex and takes an object",
                    def.name
                )));
            }
            if s.is_empty() {
                return Ok(None);
            }
            let mut obj = Map::new();
            obj.insert("value".into(), value.clone());
            Ok(Some(Value::Object(obj)))
        }
        _ => Err(ScimError::invalid_value(format!(
            "\"{}\" is complex and takes an object",
            def.name
        ))),
    }
}

/// A complex value: known sub-attributes only, readOnly ones ignored, nulls unassigned.
pub fn normalize_complex(
    def: &AttributeDef,
    obj: &Map<String, Value>,
    cfg: &ServerConfig,
) -> Result<Option<Value>, ScimError> {
    let mut out = Map::new();
    for (k, v) in obj {
        let sub = def.sub_attribute(k).ok_or_else(|| {
            ScimError::invalid_value(format!("\"{}\" has no sub-attribute \"{k}\"", def.name))
        })?;
        if v.is_null() {
            if sub.name == "$ref" && cfg.has(Fault::MemberNullRefRejected) {
                return Err(ScimError::invalid_value(format!(
                    "\"{}.$ref\" must not be null",
                    def.name
                )));
            }
            continue;
        }
        if sub.mutability == Mutability::ReadOnly && !cfg.has(Fault::ReadOnlySubAttributesStored) {
            continue;
        }
        if sub.name == "type" && def.multi_valued && cfg.has(Fault::TypeSubAttributeDropped) {
            continue;
        }
        out.insert(sub.name.clone(), normalize_simple(sub, v, cfg)?);
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

/// A value of a simple (non-complex) type, checked against RFC 7643 §2.3.
pub fn normalize_simple(
    def: &AttributeDef,
    value: &Value,
    cfg: &ServerConfig,
) -> Result<Value, ScimError> {
    let bad = |what: &str| {
        Err(ScimError::invalid_value(format!(
            "\"{}\" must be {what}",
            def.name
        )))
    };
    match def.attr_type {
        AttrType::String => match value {
            Value::String(s) => Ok(Value::String(stored_text(def, s, cfg))),
            _ => bad("a string"),
        },
        AttrType::Reference => match value {
            Value::String(_) => Ok(value.clone()),
            _ => bad("a string"),
        },
        AttrType::Boolean => {
            let b = match value {
                Value::Bool(b) => *b,
                // Entra's default dialect sends "True"/"False" (ENTRA.md §4).
                Value::String(s) if !cfg.strict && !cfg.has(Fault::StringBooleansRejected) => {
                    if s.eq_ignore_ascii_case("true") {
                        true
                    } else if s.eq_ignore_ascii_case("false") {
                        false
                    } else {
                        return bad("a boolean");
                    }
                }
                _ => return bad("a boolean"),
            };
            if cfg.has(Fault::BooleansAsStrings) {
                return Ok(Value::String(b.to_string()));
            }
            Ok(Value::Bool(b))
        }
        AttrType::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(value.clone()),
            _ => bad("an integer"),
        },
        AttrType::Decimal => match value {
            Value::Number(_) => Ok(value.clone()),
            _ => bad("a number"),
        },
        AttrType::DateTime => match value {
            Value::String(s) if parse_datetime(s).is_some() => Ok(value.clone()),
            _ => bad("an xsd:dateTime string such as 2015-09-01T00:00:00Z"),
        },
        AttrType::Binary => match value {
            Value::String(s) if base64::engine::general_purpose::STANDARD.decode(s).is_ok() => {
                Ok(value.clone())
            }
            _ => bad("base64-encoded binary"),
        },
        AttrType::Complex => bad("an object"),
    }
}

/// A string value as stored: as sent, unless a fault folds its case, mangles non-ASCII or
/// cuts userName to a 20-character column.
fn stored_text(def: &AttributeDef, s: &str, cfg: &ServerConfig) -> String {
    if def.name == "userName" && cfg.has(Fault::UserNameTruncated) {
        return s.chars().take(20).collect();
    }
    if cfg.has(Fault::StringsLowerCased) {
        return s.to_lowercase();
    }
    if cfg.has(Fault::NonAsciiMangled) {
        return s
            .chars()
            .map(|c| if c.is_ascii() { c } else { '?' })
            .collect();
    }
    s.to_string()
}

/// RFC 7643 §2.2 "required": every required, client-writable attribute has a value.
pub fn check_required(
    kind: Kind,
    attrs: &Attributes,
    cfg: &ServerConfig,
    scim_type: ScimType,
) -> Result<(), ScimError> {
    if cfg.has(Fault::MissingRequiredAccepted) {
        return Ok(());
    }
    if kind == Kind::User && cfg.varies(super::Variant::RequireNameAndActive) {
        let family = attrs
            .get("name")
            .and_then(Value::as_object)
            .and_then(|n| crate::scim::pointer::get_key(n, "familyName"))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        if !family {
            return Err(ScimError::invalid_value(
                "\"name.familyName\" is required".to_string(),
            ));
        }
        if !attrs.get("active").is_some_and(Value::is_boolean) {
            return Err(ScimError::invalid_value(
                "\"active\" is required".to_string(),
            ));
        }
    }
    if kind == Kind::User && cfg.varies(super::Variant::EmailUserName) {
        if let Some(name) = attrs.get("userName").and_then(Value::as_str) {
            if !super::variants::is_email_shaped(name) {
                return Err(ScimError::invalid_value(format!(
                    "\"userName\" must be an email address (local@domain), got \"{}\"",
                    crate::scim::text::truncate(name, 80)
                )));
            }
        }
    }
    let schema = kind.schema();
    let core = schema.core.attributes.iter().map(|a| (None, a));
    let ext = schema
        .extensions
        .iter()
        .filter(|(_, required)| *required)
        .flat_map(|(s, _)| s.attributes.iter().map(move |a| (Some(s.id.as_str()), a)));
    for (container, def) in core.chain(ext) {
        if !def.required || def.mutability == Mutability::ReadOnly {
            continue;
        }
        let holder = match container {
            None => Some(attrs),
            Some(urn) => attrs.get(urn).and_then(Value::as_object),
        };
        match holder.and_then(|h| h.get(&def.name)) {
            Some(v) if is_present(v) => {}
            // Given but empty: a bad value. Missing: the caller's type (a PATCH that removed
            // it breaks mutability, RFC 7644 §3.5.2.2).
            Some(_) => {
                let detail = format!("\"{}\" is required and must not be empty", def.name);
                return Err(ScimError::invalid_value(detail));
            }
            None => {
                let detail = format!("\"{}\" is required", def.name);
                return Err(ScimError::bad_request(scim_type, detail));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cfg() -> ServerConfig {
        ServerConfig::default()
    }

    fn strict() -> ServerConfig {
        ServerConfig {
            strict: true,
            ..ServerConfig::default()
        }
    }

    use crate::scim::urn::{ENTERPRISE_USER as ENT, USER};

    #[test]
    fn canonicalizes_names_and_ignores_read_only_and_nulls() {
        let body = json!({"schemas": [USER], "USERNAME": "a", "id": "x", "meta": {"created": "y"},
            "groups": [{"value": "g"}], "title": null, "roles": [], "Name": {"GivenName": "B", "formatted": null}});
        let attrs = attributes_from_body(Kind::User, &body, &cfg()).unwrap();
        assert_eq!(
            Value::Object(attrs),
            json!({"userName": "a", "name": {"givenName": "B"}})
        );
    }

    #[test]
    fn checks_types_and_unknown_attributes() {
        for (bad, said) in [
            (
                json!({"schemas": [USER], "userName": 5}),
                "\"userName\" must be a string",
            ),
            (
                json!({"schemas": [USER], "userName": "a", "active": "maybe"}),
                "\"active\" must be a boolean",
            ),
            (
                json!({"schemas": [USER], "userName": "a", "nosuch": 1}),
                "unknown attribute \"nosuch\"",
            ),
            (
                json!({"schemas": [USER], "userName": "a", "emails": [{"value": "x", "bogus": 1}]}),
                "\"emails\" has no sub-attribute \"bogus\"",
            ),
            (
                json!({"schemas": [USER], "userName": "a", "emails": [{"value": "x", "primary": true}, {"value": "y", "primary": true}]}),
                "more than one \"emails\" value is primary",
            ),
            (
                json!({"schemas": ["urn:other"], "userName": "a"}),
                "unknown schema \"urn:other\"",
            ),
            (json!({"userName": "a"}), "\"schemas\" is required"),
            (
                json!({"schemas": [USER], "userName": "a", "x509Certificates": [{"value": "not base64!"}]}),
                "base64-encoded binary",
            ),
        ] {
            let err = attributes_from_body(Kind::User, &bad, &cfg()).expect_err(&bad.to_string());
            assert_eq!(
                err.scim_type,
                Some(ScimType::InvalidValue),
                "{bad}: {err:?}"
            );
            assert!(err.detail.contains(said), "{bad}: {err:?}");
        }
    }

    #[test]
    fn entra_tolerances_apply_only_when_not_strict() {
        let body = json!({"schemas": [USER, ENT], "userName": "a", "active": "False",
            ENT: {"manager": "m1"}});
        let attrs = attributes_from_body(Kind::User, &body, &cfg()).unwrap();
        assert_eq!(attrs["active"], json!(false));
        assert_eq!(attrs[ENT]["manager"], json!({"value": "m1"}));
        let err = attributes_from_body(Kind::User, &body, &strict()).expect_err("strict");
        assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{err:?}");
        assert!(
            err.detail.contains("\"active\" must be a boolean"),
            "{err:?}"
        );
        let group = json!({"schemas": [urn::GROUP, urn::ADSCIM_GROUP], "displayName": "g"});
        assert!(attributes_from_body(Kind::Group, &group, &cfg()).is_ok());
        let err = attributes_from_body(Kind::Group, &group, &strict()).expect_err("strict");
        assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{err:?}");
        assert_eq!(
            err.detail,
            format!("unknown schema \"{}\"", urn::ADSCIM_GROUP)
        );
    }

    #[test]
    fn required_attributes_must_be_present() {
        let attrs = attributes_from_body(
            Kind::User,
            &json!({"schemas": [USER], "userName": ""}),
            &cfg(),
        )
        .unwrap();
        let err = check_required(Kind::User, &attrs, &cfg(), ScimType::InvalidValue);
        assert_eq!(
            err.map_err(|e| e.scim_type),
            Err(Some(ScimType::InvalidValue))
        );
    }

    #[test]
    fn scim_1_schemas_are_invalid_version() {
        let body = json!({"schemas": ["urn:scim:schemas:core:1.0"], "userName": "a"});
        let err = attributes_from_body(Kind::User, &body, &cfg()).map_err(|e| e.scim_type);
        assert_eq!(err, Err(Some(ScimType::InvalidVers)));
    }
}
