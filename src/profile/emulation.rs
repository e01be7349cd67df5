//! What the embedded server does when it behaves like a target of the profile
//! (`scimspec serve --profile NAME`): drop what the target ignores, find what it refuses.

use super::{attr_use, data, Profile, Unsupported, UseKind};

impl Profile {
    /// Drops what the target does not support from a User's attributes, as a target that
    /// ignores unsupported attributes does: unknown attributes and extension attributes,
    /// unlisted sub-attributes, values of unlisted types. Extensions left empty go too.
    pub fn strip_unsupported(&self, attrs: &mut serde_json::Map<String, serde_json::Value>) {
        use serde_json::Value;
        let keys: Vec<String> = attrs.keys().cloned().collect();
        for key in keys {
            if ["schemas", "id", "meta", "groups"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&key))
            {
                continue;
            }
            let is_urn = key.len() > 4 && key[..4].eq_ignore_ascii_case("urn:");
            if is_urn {
                if let Some(Value::Object(ext)) = attrs.get_mut(&key) {
                    ext.retain(|name, _| !self.attrs_named(Some(&key), name).is_empty());
                    if ext.is_empty() {
                        attrs.remove(&key);
                    }
                }
                continue;
            }
            let supported = self.attrs_named(None, &key);
            if supported.is_empty() {
                attrs.remove(&key);
                continue;
            }
            if supported.iter().any(|a| a.sub.is_none() && !a.multi) {
                continue;
            }
            let Some(value) = attrs.get_mut(&key) else {
                continue;
            };
            let types: Vec<&str> = supported
                .iter()
                .filter_map(|a| a.type_value.as_deref())
                .collect();
            match value {
                Value::Array(items) if !types.is_empty() => items.retain(|item| {
                    item.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| types.iter().any(|x| x.eq_ignore_ascii_case(t)))
                }),
                Value::Object(subs) if !supported.iter().any(|a| a.multi) => {
                    subs.retain(|sub, _| {
                        supported.iter().any(|a| {
                            a.sub
                                .as_deref()
                                .is_some_and(|s| s.eq_ignore_ascii_case(sub))
                        })
                    })
                }
                _ => {}
            }
            let empty = match attrs.get(&key) {
                Some(Value::Array(a)) => a.is_empty(),
                Some(Value::Object(o)) => o.is_empty(),
                _ => false,
            };
            if empty {
                attrs.remove(&key);
            }
        }
    }

    /// The problems of a User resource on this target (for the embedded server in this
    /// profile): unsupported attributes (when the profile rejects them), value types and
    /// formats, missing required attributes.
    pub fn check_resource(&self, resource: &serde_json::Value) -> Vec<String> {
        let mut problems = Vec::new();
        let mut uses = Vec::new();
        attr_use::resource_uses(resource, UseKind::Write, &mut uses);
        if self.file.unsupported == Unsupported::Reject {
            for u in &uses {
                if let Err(p) = self.check_use(u) {
                    problems.push(p);
                }
            }
        }
        problems.extend(data::format_problems(self, resource));
        for attr in self.required() {
            if !data::has_value(resource, attr) {
                problems.push(format!("{} is required", attr.path()));
            }
        }
        problems.sort();
        problems.dedup();
        problems
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::{load, ENTERPRISE_USER};

    #[test]
    fn a_target_that_ignores_drops_what_it_does_not_support() {
        let p = load("alexishr").unwrap();
        let mut attrs = serde_json::json!({
            "userName": "u", "nickName": "n", "title": "t",
            "name": {"givenName": "g", "familyName": "f", "middleName": "m"},
            "emails": [{"type": "work", "value": "w@x.io"}, {"type": "home", "value": "h@x.io"}],
            "addresses": [{"type": "work", "locality": "x"}],
            ENTERPRISE_USER: {"department": "d", "employeeNumber": "1"},
            "urn:example:ext": {"a": 1}
        });
        let Some(map) = attrs.as_object_mut() else {
            panic!()
        };
        p.strip_unsupported(map);
        assert_eq!(
            attrs,
            serde_json::json!({
                "userName": "u", "title": "t",
                "name": {"givenName": "g", "familyName": "f"},
                "emails": [{"type": "work", "value": "w@x.io"}],
                ENTERPRISE_USER: {"department": "d"}
            })
        );
    }
}
