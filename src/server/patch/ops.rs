//! The three operations (RFC 7644 §3.5.2.1–§3.5.2.3) on a resolved target.

use serde_json::{Map, Value};

use super::values::{filter_seed, matching, merge_object, put_items, same_value, take_items};
use super::{Engine, Target};
use crate::scim::schema::{AttributeDef, Mutability};
use crate::server::error::{ScimError, ScimType};
use crate::server::faults::Fault;
use crate::server::input::{
    check_one_primary, is_primary, normalize_complex, normalize_simple, normalize_value,
};

impl Engine<'_> {
    pub(super) fn add(
        &self,
        holder: &mut Map<String, Value>,
        t: &Target<'_>,
        value: &Value,
    ) -> Result<(), ScimError> {
        let attr = t.attr;
        if value.is_null() {
            return Ok(());
        }
        if self.cfg.has(Fault::PatchAddAbsentNoTarget) && !holder.contains_key(&attr.name) {
            return Err(ScimError::no_target(format!(
                "\"{}\" has no value",
                attr.name
            )));
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
                let readd = self.cfg.has(Fault::MemberReaddDuplicates);
                for item in new {
                    if readd || !items.iter().any(|old| same_value(attr, old, &item)) {
                        touched.push(items.len());
                        items.push(item);
                    }
                }
                self.settle_primary(attr, &mut items, &touched)?;
                put_items(holder, &attr.name, items);
                Ok(())
            }
            (None, None)
                if self.cfg.has(Fault::AddSameValueConflict)
                    && holder.get(&attr.name) == Some(value) =>
            {
                Err(ScimError::uniqueness(format!(
                    "\"{}\" already has this value",
                    attr.name
                )))
            }
            (None, None) if self.cfg.has(Fault::PatchAddKeepsExisting) => {
                if !holder.contains_key(&attr.name) {
                    self.set_single(holder, attr, value)?;
                }
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

    pub(super) fn replace(
        &self,
        holder: &mut Map<String, Value>,
        t: &Target<'_>,
        value: &Value,
    ) -> Result<(), ScimError> {
        let attr = t.attr;
        if self.cfg.has(Fault::PatchReplaceAbsentNoTarget) && !holder.contains_key(&attr.name) {
            return Err(ScimError::no_target(format!(
                "\"{}\" has no value",
                attr.name
            )));
        }
        match (&t.filter, t.sub) {
            (None, None) if attr.multi_valued => {
                let members = attr.name == "members";
                let appends = self.cfg.has(Fault::PatchReplaceMultiAppends)
                    || (members && self.cfg.has(Fault::ReplaceMembersAppends));
                match normalize_value(attr, value, self.cfg, true)? {
                    Some(Value::Array(new)) if appends => {
                        let mut items = take_items(holder, &attr.name);
                        items.extend(new);
                        put_items(holder, &attr.name, items);
                    }
                    Some(new) => {
                        holder.insert(attr.name.clone(), new);
                    }
                    None if members && self.cfg.has(Fault::EmptyReplaceIgnored) => {}
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
            (None, None)
                if attr.is_complex() && self.cfg.has(Fault::PatchReplaceComplexDropsOthers) =>
            {
                holder.shift_remove(&attr.name);
                self.set_single(holder, attr, value)
            }
            (None, None) => self.set_single(holder, attr, value),
            (None, Some(sub)) => self.set_sub_everywhere(holder, attr, sub, value),
            (Some(filter), sub) => {
                let mut items = take_items(holder, &attr.name);
                let mut hits = matching(filter, attr, &items);
                if self.cfg.has(Fault::PatchReplaceFilterAll) {
                    hits = (0..items.len()).collect();
                }
                if sub.is_none() && self.cfg.has(Fault::PatchFilterReplaceAppends) {
                    items.push(Value::Object(self.complex_value(attr, value)?));
                    put_items(holder, &attr.name, items);
                    return Ok(());
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

    pub(super) fn remove(
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
                if self.cfg.has(Fault::RemoveDeletedMemberError)
                    && doomed
                        .iter()
                        .any(|d| !items.iter().any(|item| same_value(attr, item, d)))
                {
                    return Err(ScimError::no_target(format!(
                        "a value to remove is not in \"{}\"",
                        attr.name
                    )));
                }
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
                if hits.is_empty() && self.cfg.has(Fault::RemoveDeletedMemberError) {
                    return Err(ScimError::no_target(format!(
                        "the filter on \"{}\" matches no value",
                        attr.name
                    )));
                }
                if hits.is_empty() && self.cfg.has(Fault::PatchRemoveUnmatchedClears) {
                    holder.shift_remove(&attr.name);
                    return Ok(());
                }
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
        if !item.is_object() || self.cfg.has(Fault::PatchSubAttributeDropsSiblings) {
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
