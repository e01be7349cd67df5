//! PATCH (RFC 7644 §3.5.2): add, remove and replace on every path form, schema-driven, applied
//! to a copy so that a failing request changes nothing. Entra's default dialect (capitalised
//! ops, string booleans, dotted keys in path-less values, member removal by value) is
//! accepted unless the server is strict.

use serde_json::{Map, Value};

use super::error::{ScimError, ScimType};
use super::faults::Fault;
use super::input::{
    check_one_primary, is_primary, normalize_complex, normalize_simple, normalize_value, Attributes,
};
use super::kind::Kind;
use super::ServerConfig;
use crate::scim::attr_path::AttrPath;
use crate::scim::filter::eval::get_ci;
use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::path::PatchPath;
use crate::scim::schema::{AttributeDef, Container, Mutability, ResourceSchema};

/// The PatchOp message schema URI.
pub const PATCH_OP_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

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

/// Applies a PatchOp body to `attrs`; all operations or none.
pub fn apply(
    kind: Kind,
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
    };
    for (i, op) in ops.iter().enumerate() {
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
    let has_schema = get_ci(obj, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(PATCH_OP_URN))
            })
        });
    if !has_schema {
        return Err(ScimError::invalid_syntax(format!(
            "the PATCH body needs \"schemas\": [\"{PATCH_OP_URN}\"]"
        )));
    }
    get_ci(obj, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("the PATCH body needs an \"Operations\" array"))
}

struct Engine<'a> {
    schema: &'static ResourceSchema,
    cfg: &'a ServerConfig,
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
        let op_kind = self.op_kind(get_ci(obj, "op"))?;
        let value = get_ci(obj, "value");
        let path = match get_ci(obj, "path") {
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
        for (key, v) in value {
            if key.eq_ignore_ascii_case("schemas") {
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
        if read_only {
            if self.cfg.has(Fault::PatchReadOnlyAccepted) {
                return Ok(());
            }
            return Err(ScimError::mutability(format!("\"{path}\" is readOnly")));
        }
        if op == Op::Remove && self.cfg.has(Fault::PatchIgnoresRemove) {
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

    fn add(
        &self,
        holder: &mut Map<String, Value>,
        t: &Target<'_>,
        value: &Value,
    ) -> Result<(), ScimError> {
        let attr = t.attr;
        if value.is_null() {
            return Ok(());
        }
        match (&t.filter, t.sub) {
            (None, None) if attr.multi_valued => {
                let Some(Value::Array(new)) = normalize_value(attr, value, self.cfg, true)? else {
                    return Ok(());
                };
                if self.cfg.has(Fault::PatchAddReplacesMulti) {
                    holder.insert(attr.name.clone(), Value::Array(new));
                    return Ok(());
                }
                let mut items = take_items(holder, &attr.name);
                let mut touched = Vec::new();
                for item in new {
                    if !items.iter().any(|old| same_value(attr, old, &item)) {
                        touched.push(items.len());
                        items.push(item);
                    }
                }
                self.settle_primary(attr, &mut items, &touched)?;
                put_items(holder, &attr.name, items);
                Ok(())
            }
            (None, None) => self.set_single(holder, attr, value),
            (None, Some(sub)) => self.set_sub_everywhere(holder, attr, sub, value),
            (Some(filter), sub) => {
                let mut items = take_items(holder, &attr.name);
                let hits = matching(filter, attr, &items);
                if hits.is_empty() {
                    // Entra adds `emails[type eq "work"].value` for a user without a work email:
                    // create the value the filter describes.
                    let seed = filter_seed(filter).ok_or_else(|| {
                        ScimError::no_target(format!(
                            "the filter on \"{}\" matches no value",
                            attr.name
                        ))
                    })?;
                    let mut item = seed;
                    match sub {
                        Some(sub) => {
                            item.insert(sub.name.clone(), normalize_simple(sub, value, self.cfg)?);
                        }
                        None => merge_object(&mut item, &self.complex_value(attr, value)?),
                    }
                    let item = normalize_complex(attr, &item, self.cfg)?
                        .unwrap_or_else(|| Value::Object(Map::new()));
                    items.push(item);
                    let last = items.len() - 1;
                    self.settle_primary(attr, &mut items, &[last])?;
                } else {
                    self.update_items(attr, sub, &mut items, &hits, value, false)?;
                }
                put_items(holder, &attr.name, items);
                Ok(())
            }
        }
    }

    fn replace(
        &self,
        holder: &mut Map<String, Value>,
        t: &Target<'_>,
        value: &Value,
    ) -> Result<(), ScimError> {
        let attr = t.attr;
        match (&t.filter, t.sub) {
            (None, None) if attr.multi_valued => {
                match normalize_value(attr, value, self.cfg, true)? {
                    Some(new) => {
                        holder.insert(attr.name.clone(), new);
                    }
                    None => {
                        holder.shift_remove(&attr.name);
                    }
                }
                Ok(())
            }
            (None, None) if value.is_null() => {
                self.check_immutable(attr, holder.get(&attr.name), None)?;
                holder.shift_remove(&attr.name);
                Ok(())
            }
            (None, None) => self.set_single(holder, attr, value),
            (None, Some(sub)) => self.set_sub_everywhere(holder, attr, sub, value),
            (Some(filter), sub) => {
                let mut items = take_items(holder, &attr.name);
                let mut hits = matching(filter, attr, &items);
                if self.cfg.has(Fault::PatchReplaceFilterAll) {
                    hits = (0..items.len()).collect();
                }
                if hits.is_empty() {
                    put_items(holder, &attr.name, items);
                    if self.cfg.has(Fault::PatchNoTargetSucceeds) {
                        return Ok(());
                    }
                    return Err(ScimError::no_target(format!(
                        "the value filter on \"{}\" matches no value (RFC 7644 §3.5.2.3)",
                        attr.name
                    )));
                }
                let result = self.update_items(attr, sub, &mut items, &hits, value, true);
                put_items(holder, &attr.name, items);
                result
            }
        }
    }

    fn remove(
        &self,
        holder: &mut Map<String, Value>,
        t: &Target<'_>,
        value: &Value,
    ) -> Result<(), ScimError> {
        let attr = t.attr;
        match (&t.filter, t.sub) {
            (None, None) if attr.multi_valued && !value.is_null() => {
                // Entra: {"op":"Remove","path":"members","value":[{"value":"id"}]}
                if self.cfg.strict {
                    return Err(ScimError::invalid_value(
                        "remove takes no \"value\"; select values with a filter such as members[value eq \"…\"]",
                    ));
                }
                if self.cfg.has(Fault::MemberRemoveWipesAll) {
                    holder.shift_remove(&attr.name);
                    return Ok(());
                }
                let doomed: Vec<Value> = match value {
                    Value::Array(a) => a.clone(),
                    v => vec![v.clone()],
                };
                let mut items = take_items(holder, &attr.name);
                items.retain(|item| !doomed.iter().any(|d| same_value(attr, item, d)));
                put_items(holder, &attr.name, items);
                Ok(())
            }
            (None, None) => {
                self.check_immutable(attr, holder.get(&attr.name), None)?;
                holder.shift_remove(&attr.name);
                Ok(())
            }
            (None, Some(sub)) => {
                if attr.multi_valued {
                    let mut items = take_items(holder, &attr.name);
                    for item in items.iter_mut() {
                        self.remove_sub(item, sub)?;
                    }
                    put_items(holder, &attr.name, items);
                } else if let Some(obj) = holder.get_mut(&attr.name) {
                    self.remove_sub(obj, sub)?;
                }
                Ok(())
            }
            (Some(filter), sub) => {
                // RFC 7644 §3.5.2.2: removing a member that is not there changes nothing and
                // succeeds, so a filter matching nothing is not an error for remove.
                let mut items = take_items(holder, &attr.name);
                let hits = matching(filter, attr, &items);
                let result = match sub {
                    Some(sub) => hits
                        .iter()
                        .try_for_each(|&i| self.remove_sub(&mut items[i], sub)),
                    None => {
                        let mut i = 0;
                        items.retain(|_| {
                            i += 1;
                            !hits.contains(&(i - 1))
                        });
                        Ok(())
                    }
                };
                put_items(holder, &attr.name, items);
                result
            }
        }
    }

    /// Sets a single-valued attribute; a complex value merges into the existing sub-attributes
    /// (RFC 7644 §3.5.2.1 and §3.5.2.3: unspecified sub-attributes are left unchanged).
    fn set_single(
        &self,
        holder: &mut Map<String, Value>,
        attr: &AttributeDef,
        value: &Value,
    ) -> Result<(), ScimError> {
        let Some(new) = normalize_value(attr, value, self.cfg, false)? else {
            self.check_immutable(attr, holder.get(&attr.name), None)?;
            holder.shift_remove(&attr.name);
            return Ok(());
        };
        if attr.is_complex() {
            let mut obj = holder
                .get(&attr.name)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Value::Object(new_obj) = &new {
                for (k, v) in new_obj {
                    if let Some(sub) = attr.sub_attribute(k) {
                        self.check_immutable(sub, obj.get(k), Some(v))?;
                    }
                    obj.insert(k.clone(), v.clone());
                }
            }
            holder.insert(attr.name.clone(), Value::Object(obj));
        } else {
            self.check_immutable(attr, holder.get(&attr.name), Some(&new))?;
            holder.insert(attr.name.clone(), new);
        }
        Ok(())
    }

    /// `attr.sub` without a filter: on a single complex value, or on every value of a
    /// multi-valued one (creating one value when there is none).
    fn set_sub_everywhere(
        &self,
        holder: &mut Map<String, Value>,
        attr: &AttributeDef,
        sub: &AttributeDef,
        value: &Value,
    ) -> Result<(), ScimError> {
        if attr.multi_valued {
            let mut items = take_items(holder, &attr.name);
            if items.is_empty() {
                items.push(Value::Object(Map::new()));
            }
            let all: Vec<usize> = (0..items.len()).collect();
            let result = self.update_items(attr, Some(sub), &mut items, &all, value, true);
            put_items(holder, &attr.name, items);
            return result;
        }
        let mut obj = holder
            .get(&attr.name)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        self.set_sub(&mut obj, sub, value)?;
        holder.insert(attr.name.clone(), obj);
        Ok(())
    }

    /// Applies `value` to the values at `hits`: a sub-attribute, a merge (add) or a whole
    /// replacement (replace).
    fn update_items(
        &self,
        attr: &AttributeDef,
        sub: Option<&AttributeDef>,
        items: &mut [Value],
        hits: &[usize],
        value: &Value,
        replace: bool,
    ) -> Result<(), ScimError> {
        match sub {
            Some(sub) => {
                for &i in hits {
                    self.set_sub(&mut items[i], sub, value)?;
                }
            }
            None => {
                let new = self.complex_value(attr, value)?;
                for &i in hits {
                    let old = items[i].as_object().cloned().unwrap_or_default();
                    let mut next = if replace { Map::new() } else { old.clone() };
                    merge_object(&mut next, &new);
                    for s in &attr.sub_attributes {
                        self.check_immutable(s, old.get(&s.name), next.get(&s.name))?;
                    }
                    items[i] = Value::Object(next);
                }
            }
        }
        let mut list = items.to_vec();
        self.settle_primary(attr, &mut list, hits)?;
        items.clone_from_slice(&list);
        Ok(())
    }

    fn complex_value(
        &self,
        attr: &AttributeDef,
        value: &Value,
    ) -> Result<Map<String, Value>, ScimError> {
        let obj = value.as_object().ok_or_else(|| {
            ScimError::invalid_value(format!(
                "a value of \"{}\" is an object of sub-attributes",
                attr.name
            ))
        })?;
        Ok(match normalize_complex(attr, obj, self.cfg)? {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        })
    }

    fn set_sub(
        &self,
        item: &mut Value,
        sub: &AttributeDef,
        value: &Value,
    ) -> Result<(), ScimError> {
        if !item.is_object() {
            *item = Value::Object(Map::new());
        }
        let Value::Object(obj) = item else {
            return Ok(());
        };
        if value.is_null() {
            self.check_immutable(sub, obj.get(&sub.name), None)?;
            obj.shift_remove(&sub.name);
            return Ok(());
        }
        let new = normalize_simple(sub, value, self.cfg)?;
        self.check_immutable(sub, obj.get(&sub.name), Some(&new))?;
        obj.insert(sub.name.clone(), new);
        Ok(())
    }

    fn remove_sub(&self, item: &mut Value, sub: &AttributeDef) -> Result<(), ScimError> {
        if let Value::Object(obj) = item {
            self.check_immutable(sub, obj.get(&sub.name), None)?;
            obj.shift_remove(&sub.name);
        }
        Ok(())
    }

    /// RFC 7643 §2.2 / RFC 7644 §3.5.2: an immutable attribute with a value cannot change.
    fn check_immutable(
        &self,
        def: &AttributeDef,
        old: Option<&Value>,
        new: Option<&Value>,
    ) -> Result<(), ScimError> {
        if def.mutability != Mutability::Immutable || self.cfg.has(Fault::ImmutableChangeable) {
            return Ok(());
        }
        match old {
            Some(old) if Some(old) != new => Err(ScimError::new(
                axum::http::StatusCode::BAD_REQUEST,
                Some(ScimType::Mutability),
                format!("\"{}\" is immutable and already has a value", def.name),
            )),
            _ => Ok(()),
        }
    }

    /// RFC 7644 §3.5.2: setting `primary` on a value clears it on the others.
    fn settle_primary(
        &self,
        attr: &AttributeDef,
        items: &mut [Value],
        touched: &[usize],
    ) -> Result<(), ScimError> {
        if attr.sub_attribute("primary").is_none() || self.cfg.has(Fault::PatchPrimaryNotExclusive)
        {
            return Ok(());
        }
        if touched
            .iter()
            .any(|&i| items.get(i).is_some_and(is_primary))
        {
            for (i, item) in items.iter_mut().enumerate() {
                if !touched.contains(&i) && is_primary(item) {
                    if let Some(obj) = item.as_object_mut() {
                        obj.insert("primary".into(), Value::Bool(false));
                    }
                }
            }
        }
        check_one_primary(attr, items)
    }
}

/// Runs `f` on the object holding the attribute: the resource, or its extension object.
fn with_holder<R>(
    attrs: &mut Attributes,
    container: Container<'_>,
    f: impl FnOnce(&mut Map<String, Value>) -> R,
) -> R {
    match container {
        Container::Core => f(attrs),
        Container::Extension(urn) => {
            let mut ext = match attrs.get(urn) {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            let result = f(&mut ext);
            if ext.is_empty() {
                attrs.shift_remove(urn);
            } else {
                attrs.insert(urn.to_string(), Value::Object(ext));
            }
            result
        }
    }
}

/// Drops an attribute left empty (RFC 7643 §2.5: empty means unassigned).
fn tidy(holder: &mut Map<String, Value>, name: &str) {
    let empty = match holder.get(name) {
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::Null) => true,
        _ => false,
    };
    if empty {
        holder.shift_remove(name);
    }
    if let Some(Value::Array(items)) = holder.get_mut(name) {
        items.retain(|v| !matches!(v, Value::Object(o) if o.is_empty()));
        if items.is_empty() {
            holder.shift_remove(name);
        }
    }
}

fn take_items(holder: &mut Map<String, Value>, name: &str) -> Vec<Value> {
    match holder.shift_remove(name) {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

fn put_items(holder: &mut Map<String, Value>, name: &str, items: Vec<Value>) {
    if !items.is_empty() {
        holder.insert(name.to_string(), Value::Array(items));
    }
}

fn merge_object(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, v) in from {
        into.insert(k.clone(), v.clone());
    }
}

/// Indices of the values matching a value filter.
fn matching(filter: &Filter, attr: &AttributeDef, items: &[Value]) -> Vec<usize> {
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| filter.matches_element(item, Some(attr)))
        .map(|(i, _)| i)
        .collect()
}

/// True when `candidate` names the same value as `item`: equal, or the same `value`
/// sub-attribute (and `type`, when both have one).
fn same_value(attr: &AttributeDef, item: &Value, candidate: &Value) -> bool {
    if item == candidate {
        return true;
    }
    let key = |v: &Value| v.get("value").and_then(Value::as_str).map(str::to_string);
    let (Some(a), Some(b)) = (
        key(item),
        key(candidate).or_else(|| candidate.as_str().map(str::to_string)),
    ) else {
        return false;
    };
    let case_exact = attr.sub_attribute("value").is_some_and(|d| d.case_exact);
    let equal = if case_exact {
        a == b
    } else {
        a.to_lowercase() == b.to_lowercase()
    };
    let types_agree = match (item.get("type"), candidate.get("type")) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    equal && types_agree
}

/// The sub-attribute values a filter of `eq` comparisons joined by `and` pins down.
fn filter_seed(filter: &Filter) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    fn walk(f: &Filter, out: &mut Map<String, Value>) -> Option<()> {
        match f {
            Filter::And(a, b) => {
                walk(a, out)?;
                walk(b, out)
            }
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value,
            } if path.urn.is_none() && path.sub_attr.is_none() => {
                let v = match value {
                    CompValue::String(s) => Value::String(s.clone()),
                    CompValue::Bool(b) => Value::Bool(*b),
                    CompValue::Number(n) => Value::Number(n.clone()),
                    CompValue::Null => return None,
                };
                out.insert(path.name.clone(), v);
                Some(())
            }
            _ => None,
        }
    }
    walk(filter, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(start: Value, ops: Value, cfg: &ServerConfig) -> Result<Value, ScimError> {
        let attrs = start.as_object().cloned().unwrap_or_default();
        let body = json!({"schemas": [PATCH_OP_URN], "Operations": ops});
        apply(Kind::User, attrs, &body, cfg)
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
            json!({"userName": "a"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            &json!({"schemas": [PATCH_OP_URN], "Operations": [{"op": "add", "path": "title", "value": "t"}, {"op": "add", "path": "bad[", "value": 1}]}),
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
        assert!(run(start, ops, &strict).is_err());
    }
}
