//! Helpers on attribute values: containers, multi-valued lists, matching and seeds.

use serde_json::{Map, Value};

use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::schema::{AttributeDef, Container};
use crate::server::input::Attributes;

/// Runs `f` on the object holding the attribute: the resource, or its extension object.
pub(super) fn with_holder<R>(
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
pub(super) fn tidy(holder: &mut Map<String, Value>, name: &str) {
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

/// The values of a multi-valued attribute, leaving a placeholder so that [`put_items`] puts
/// them back at the same position.
pub(super) fn take_items(holder: &mut Map<String, Value>, name: &str) -> Vec<Value> {
    match holder.get_mut(name).map(std::mem::take) {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// Stores the values taken by [`take_items`]; no values means unassigned.
pub(super) fn put_items(holder: &mut Map<String, Value>, name: &str, items: Vec<Value>) {
    if items.is_empty() {
        holder.shift_remove(name);
    } else {
        holder.insert(name.to_string(), Value::Array(items));
    }
}

pub(super) fn merge_object(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, v) in from {
        into.insert(k.clone(), v.clone());
    }
}

/// Indices of the values matching a value filter.
pub(super) fn matching(filter: &Filter, attr: &AttributeDef, items: &[Value]) -> Vec<usize> {
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| filter.matches_element(item, Some(attr)))
        .map(|(i, _)| i)
        .collect()
}

/// True when `candidate` names the same value as `item`: equal, or the same `value`
/// sub-attribute (and `type`, when both have one).
pub(super) fn same_value(attr: &AttributeDef, item: &Value, candidate: &Value) -> bool {
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
pub(super) fn filter_seed(filter: &Filter) -> Option<Map<String, Value>> {
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
