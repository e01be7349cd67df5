//! PATCH (RFC 7644 §3.5.2): add, remove and replace on every path form, schema-driven, applied
//! to a copy so that a failing request changes nothing. Entra's default dialect (capitalised
//! ops, string booleans, dotted keys in path-less values, member removal by value) is
//! accepted unless the server is strict.

use serde_json::{Map, Value};

use super::error::ScimError;
use super::faults::Fault;
use super::input::Attributes;
use super::kind::Kind;
use super::message::require_schema;
use super::ServerConfig;
use crate::scim::attr_path::AttrPath;
use crate::scim::filter::Filter;
use crate::scim::path::PatchPath;
use crate::scim::pointer::get_key;
use crate::scim::schema::{AttributeDef, Container, Mutability, ResourceSchema};
use crate::scim::urn;
use values::{tidy, with_holder};

mod ops;
mod values;

/// A PATCH that failed: the error, and what the operations before it produced.
#[derive(Debug)]
pub struct PatchFailure {
    pub error: ScimError,
    pub partial: Attributes,
    pub applied: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Replace,
}

/// Applies a PatchOp body to the attributes `attrs` of resource `id`; all operations or none.
pub fn apply(
    kind: Kind,
    id: &str,
    mut attrs: Attributes,
    body: &Value,
    cfg: &ServerConfig,
) -> Result<Attributes, PatchFailure> {
    let fail = |error, partial, applied| PatchFailure {
        error,
        partial,
        applied,
    };
    let ops = match operations(body) {
        Ok(ops) => ops,
        Err(e) => return Err(fail(e, attrs, 0)),
    };
    let engine = Engine {
        schema: kind.schema(),
        cfg,
        id,
    };
    let mut ops: Vec<&Value> = ops.iter().collect();
    if cfg.has(Fault::PatchOpsReordered) {
        let rank = |op: &&Value| {
            let name = op.get("op").and_then(Value::as_str).unwrap_or_default();
            ["remove", "replace", "add"]
                .iter()
                .position(|o| name.eq_ignore_ascii_case(o))
        };
        ops.sort_by_key(rank);
    }
    for (i, op) in ops.into_iter().enumerate() {
        let before = attrs.clone();
        if let Err(e) = engine.apply_one(&mut attrs, op) {
            return Err(fail(e, before, i));
        }
    }
    Ok(attrs)
}

fn operations(body: &Value) -> Result<&Vec<Value>, ScimError> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the PATCH body must be a JSON object"))?;
    require_schema(obj, urn::PATCH_OP, "PATCH body")?;
    // RFC 7644 §3.5.2: "Operations", "an array of one or more PATCH operations".
    get_key(obj, "Operations")
        .and_then(Value::as_array)
        .filter(|ops| !ops.is_empty())
        .ok_or_else(|| {
            ScimError::invalid_syntax(
                "the PATCH body needs an \"Operations\" array of one or more operations",
            )
        })
}

struct Engine<'a> {
    schema: &'static ResourceSchema,
    cfg: &'a ServerConfig,
    /// The id of the resource patched.
    id: &'a str,
}

/// Where an operation points, resolved against the schema.
struct Target<'s> {
    container: Container<'s>,
    attr: &'s AttributeDef,
    filter: Option<Filter>,
    sub: Option<&'s AttributeDef>,
}

impl Engine<'_> {
    fn apply_one(&self, attrs: &mut Attributes, op: &Value) -> Result<(), ScimError> {
        let obj = op
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("each operation must be a JSON object"))?;
        let op_kind = match self.op_kind(get_key(obj, "op")) {
            Ok(op) => op,
            Err(_) if self.cfg.has(Fault::UnknownOpIgnored) => return Ok(()),
            Err(e) => return Err(e),
        };
        let value = get_key(obj, "value");
        let path = match get_key(obj, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() && !self.cfg.strict => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(ScimError::invalid_path("\"path\" must be a string")),
        };
        let Some(text) = path else {
            return match op_kind {
                Op::Remove if self.cfg.has(Fault::PatchRemoveNoPathAccepted) => Ok(()),
                Op::Remove => Err(ScimError::no_target(
                    "remove needs a \"path\" (RFC 7644 §3.5.2.2)",
                )),
                _ => {
                    let value = value.and_then(Value::as_object).ok_or_else(|| {
                        ScimError::invalid_value(
                            "without \"path\", \"value\" must be an object of attributes",
                        )
                    })?;
                    self.apply_object(attrs, op_kind, value)
                }
            };
        };
        let path = match PatchPath::parse(text) {
            Ok(p) => p,
            Err(_) if self.cfg.has(Fault::PatchInvalidPathAccepted) => return Ok(()),
            Err(e) => return Err(ScimError::invalid_path(e.to_string())),
        };
        if self.cfg.has(Fault::ChangePasswordClaimedRefused)
            && path.attr.name.eq_ignore_ascii_case("password")
        {
            return Err(ScimError::mutability("password cannot be changed"));
        }
        self.apply_path(attrs, op_kind, &path, value)
    }

    fn op_kind(&self, op: Option<&Value>) -> Result<Op, ScimError> {
        let text = op.and_then(Value::as_str).unwrap_or_default();
        let exact_only = self.cfg.strict || self.cfg.has(Fault::PatchOpCaseSensitive);
        let lower = text.to_ascii_lowercase();
        let bad = || {
            ScimError::invalid_syntax(format!(
                "\"op\" must be \"add\", \"remove\" or \"replace\", not \"{text}\""
            ))
        };
        if exact_only && lower != text {
            return Err(bad());
        }
        match lower.as_str() {
            "add" => Ok(Op::Add),
            "remove" => Ok(Op::Remove),
            "replace" => Ok(Op::Replace),
            _ => Err(bad()),
        }
    }

    /// A path-less add/replace: each member of `value` is an attribute (or, in Entra's
    /// dialect, an attribute path such as `name.givenName` or `urn:…:User:employeeNumber`).
    fn apply_object(
        &self,
        attrs: &mut Attributes,
        op: Op,
        value: &Map<String, Value>,
    ) -> Result<(), ScimError> {
        if op == Op::Replace && self.cfg.has(Fault::PatchNoPathReplacesAll) {
            attrs.clear();
        }
        for (key, v) in value {
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            // Okta renames a group with {"id": <its own id>, "displayName": …}: repeating the
            // readOnly id's own value modifies nothing (RFC 7644 §3.5.2 L1886-1889 forbids
            // modifying it), so it is no mutability error; another id still is.
            if key.eq_ignore_ascii_case("id")
                && v.as_str() == Some(self.id)
                && !self.cfg.has(Fault::RenameWithIdRefused)
            {
                continue;
            }
            if key.eq_ignore_ascii_case("active") && self.cfg.has(Fault::PathlessActiveIgnored) {
                continue;
            }
            if let Some(ext) = self.schema.extension(key) {
                let Some(inner) = v.as_object() else {
                    if v.is_null() && op == Op::Replace {
                        attrs.shift_remove(&ext.id);
                        continue;
                    }
                    return Err(ScimError::invalid_value(format!(
                        "\"{key}\" must be an object of extension attributes"
                    )));
                };
                for (name, v2) in inner {
                    let path = PatchPath {
                        attr: AttrPath {
                            urn: Some(ext.id.clone()),
                            name: name.clone(),
                            sub_attr: None,
                        },
                        filter: None,
                        sub_attr: None,
                    };
                    self.apply_path(attrs, op, &path, Some(v2))?;
                }
                continue;
            }
            let parsed = AttrPath::parse(key)
                .map_err(|_| ScimError::invalid_value(format!("unknown attribute \"{key}\"")))?;
            if (parsed.sub_attr.is_some() || parsed.urn.is_some())
                && (self.cfg.strict || self.cfg.has(Fault::DottedKeysRejected))
            {
                return Err(ScimError::invalid_value(format!(
                    "\"{key}\" is an attribute path; members of a path-less value are attribute names (RFC 7644 §3.5.2)"
                )));
            }
            let path = PatchPath {
                attr: AttrPath {
                    sub_attr: None,
                    ..parsed.clone()
                },
                filter: None,
                sub_attr: parsed.sub_attr,
            };
            self.apply_path(attrs, op, &path, Some(v))?;
        }
        Ok(())
    }

    fn resolve(&self, path: &PatchPath) -> Result<Target<'static>, ScimError> {
        let attr_path = AttrPath {
            sub_attr: None,
            ..path.attr.clone()
        };
        let resolved = self
            .schema
            .resolve(&attr_path)
            .ok_or_else(|| ScimError::invalid_path(format!("\"{path}\": no such attribute")))?;
        let attr = resolved.attr;
        let core_urn = |u: &str| u.eq_ignore_ascii_case(&self.schema.core.id);
        if self.cfg.has(Fault::PatchCoreUrnPathRejected)
            && path.attr.urn.as_deref().is_some_and(core_urn)
        {
            return Err(ScimError::invalid_path(format!(
                "\"{path}\": no such attribute"
            )));
        }
        if self.cfg.has(Fault::PatchPathCaseSensitive) {
            let urns = std::iter::once(&self.schema.core.id)
                .chain(self.schema.extensions.iter().map(|(e, _)| &e.id));
            let exact_urn = path
                .attr
                .urn
                .as_ref()
                .is_none_or(|u| urns.clone().any(|id| id == u));
            let exact_sub = path
                .sub_attr
                .as_ref()
                .is_none_or(|s| attr.sub_attribute(s).is_some_and(|d| &d.name == s));
            if path.attr.name != attr.name || !exact_urn || !exact_sub {
                return Err(ScimError::invalid_path(format!(
                    "\"{path}\": no such attribute"
                )));
            }
        }
        let sub = match &path.sub_attr {
            None => None,
            Some(name) => Some(attr.sub_attribute(name).ok_or_else(|| {
                ScimError::invalid_path(format!(
                    "\"{path}\": \"{}\" has no sub-attribute \"{name}\"",
                    attr.name
                ))
            })?),
        };
        if let Some(filter) = &path.filter {
            if !attr.multi_valued || !attr.is_complex() {
                return Err(ScimError::invalid_path(format!(
                    "\"{path}\": value filters apply to multi-valued complex attributes"
                )));
            }
            filter
                .validate_value_filter(self.schema, attr)
                .map_err(|e| ScimError::invalid_filter(e.to_string()))?;
        }
        Ok(Target {
            container: resolved.container,
            attr,
            filter: path.filter.clone(),
            sub,
        })
    }

    fn apply_path(
        &self,
        attrs: &mut Attributes,
        op: Op,
        path: &PatchPath,
        value: Option<&Value>,
    ) -> Result<(), ScimError> {
        let target = self.resolve(path)?;
        let read_only = target.attr.mutability == Mutability::ReadOnly
            || target
                .sub
                .is_some_and(|s| s.mutability == Mutability::ReadOnly);
        let meta_kept = self.cfg.has(Fault::ClientMetaKept) && target.attr.name == "meta";
        if read_only && !meta_kept {
            if self.cfg.has(Fault::PatchReadOnlyAccepted) {
                return Ok(());
            }
            return Err(ScimError::mutability(format!("\"{path}\" is readOnly")));
        }
        if op == Op::Remove && self.cfg.has(Fault::PatchIgnoresRemove) {
            return Ok(());
        }
        let unassigns = |v: &Value| v.is_null() || v.as_array().is_some_and(Vec::is_empty);
        if op == Op::Replace
            && value.is_some_and(unassigns)
            && self.cfg.has(Fault::PatchUnassignIgnored)
        {
            return Ok(());
        }
        if op != Op::Remove && value.is_none() {
            return Err(ScimError::invalid_value(
                format!("{op:?} needs a \"value\"").to_lowercase(),
            ));
        }
        let value = value.unwrap_or(&Value::Null);
        with_holder(attrs, target.container, |holder| {
            let result = match op {
                Op::Add => self.add(holder, &target, value),
                Op::Replace => self.replace(holder, &target, value),
                Op::Remove => self.remove(holder, &target, value),
            };
            tidy(holder, &target.attr.name);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::error::ScimType;

    fn run(start: Value, ops: Value, cfg: &ServerConfig) -> Result<Value, ScimError> {
        let attrs = start.as_object().cloned().unwrap_or_default();
        let body = json!({"schemas": [urn::PATCH_OP], "Operations": ops});
        apply(Kind::User, "u1", attrs, &body, cfg)
            .map(Value::Object)
            .map_err(|f| f.error)
    }

    #[test]
    fn add_through_an_unmatched_value_filter_creates_the_value() {
        let out = run(
            json!({"userName": "a"}),
            json!([{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "w@x"}]),
            &ServerConfig::default(),
        );
        assert_eq!(
            out.ok(),
            Some(json!({"userName": "a", "emails": [{"type": "work", "value": "w@x"}]}))
        );
    }

    #[test]
    fn failing_operation_leaves_nothing_applied() {
        let r = apply(
            Kind::User,
            "u1",
            json!({"userName": "a"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            &json!({"schemas": [urn::PATCH_OP], "Operations": [{"op": "add", "path": "title", "value": "t"}, {"op": "add", "path": "bad[", "value": 1}]}),
            &ServerConfig::default(),
        );
        let failure = r.err();
        assert_eq!(failure.as_ref().map(|f| f.applied), Some(1));
        assert_eq!(
            failure.map(|f| f.error.scim_type),
            Some(Some(ScimType::InvalidPath))
        );
    }

    #[test]
    fn multi_valued_attributes_keep_their_position() {
        let start = json!({"userName": "a", "emails": [{"value": "a@x"}], "title": "t"});
        let out = run(
            start,
            json!([{"op": "add", "path": "emails", "value": [{"value": "b@x"}]}]),
            &ServerConfig::default(),
        );
        let keys: Option<Vec<String>> = out
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()));
        assert_eq!(
            keys,
            Some(vec!["userName".into(), "emails".into(), "title".into()])
        );
    }

    #[test]
    fn replace_of_a_complex_attribute_merges_sub_attributes() {
        let out = run(
            json!({"userName": "a", "name": {"givenName": "G", "familyName": "F"}}),
            json!([{"op": "replace", "path": "name", "value": {"givenName": "H"}}]),
            &ServerConfig::default(),
        );
        assert_eq!(
            out.ok().map(|v| v["name"].clone()),
            Some(json!({"givenName": "H", "familyName": "F"}))
        );
    }

    #[test]
    fn remove_with_value_is_entra_only() {
        let start = json!({"userName": "a", "emails": [{"value": "a@x"}, {"value": "b@x"}]});
        let ops = json!([{"op": "remove", "path": "emails", "value": [{"value": "A@X"}]}]);
        let out = run(start.clone(), ops.clone(), &ServerConfig::default());
        assert_eq!(
            out.ok().map(|v| v["emails"].clone()),
            Some(json!([{"value": "b@x"}]))
        );
        let strict = ServerConfig {
            strict: true,
            ..ServerConfig::default()
        };
        let err = run(start, ops, &strict).expect_err("strict refuses a value on remove");
        assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{err:?}");
        assert!(err.detail.contains("remove takes no \"value\""), "{err:?}");
    }
}
