//! Which attributes a response carries (RFC 7644 §3.9, §3.4.2.5; RFC 7643 §2.2 "returned"):
//! `returned: always` is kept, `never` is dropped, `request` only when asked for; the
//! `attributes` parameter selects, `excludedAttributes` removes.

use serde_json::{Map, Value};

use super::faults::Fault;
use super::ServerConfig;
use crate::scim::attr_path::AttrPath;
use crate::scim::schema::{AttributeDef, Container, ResourceSchema, Returned};

/// One requested attribute: its container, attribute name and optional sub-attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selected {
    container: Option<String>,
    attr: String,
    sub: Option<String>,
}

/// The parsed `attributes` / `excludedAttributes` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    attributes: Option<Vec<Selected>>,
    excluded: Vec<Selected>,
}

/// The `attr` of a [`Selected`] naming a whole extension (`urn:…:enterprise:2.0:User`).
const WHOLE: &str = "*";

impl Projection {
    /// Parses the comma-separated parameter values; unknown names select nothing.
    pub fn parse(
        schema: &ResourceSchema,
        attributes: Option<&str>,
        excluded: Option<&str>,
        cfg: &ServerConfig,
    ) -> Self {
        let resolve_list = |text: &str| -> Vec<Selected> {
            let mut out = Vec::new();
            for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if let Some(ext) = schema.extension(item) {
                    out.push(Selected {
                        container: Some(ext.id.clone()),
                        attr: WHOLE.into(),
                        sub: None,
                    });
                    continue;
                }
                let Some(resolved) = AttrPath::parse(item).ok().and_then(|p| schema.resolve(&p))
                else {
                    continue;
                };
                out.push(Selected {
                    container: match resolved.container {
                        Container::Core => None,
                        Container::Extension(urn) => Some(urn.to_string()),
                    },
                    attr: resolved.attr.name.clone(),
                    sub: resolved.sub.map(|s| s.name.clone()),
                });
            }
            out
        };
        let attributes = attributes
            .filter(|a| !a.trim().is_empty() && !cfg.has(Fault::AttributesIgnored))
            .map(resolve_list);
        let excluded_text = excluded.filter(|_| !cfg.has(Fault::ExcludedAttributesIgnored));
        let excluded = excluded_text.map(resolve_list).unwrap_or_default();
        Self {
            attributes,
            excluded,
        }
    }

    /// True when nothing was requested (the default representation).
    pub fn is_default(&self) -> bool {
        self.attributes.is_none() && self.excluded.is_empty()
    }

    /// The representation of `resource` under this projection.
    pub fn apply(&self, resource: &Value, schema: &ResourceSchema, cfg: &ServerConfig) -> Value {
        let Some(obj) = resource.as_object() else {
            return resource.clone();
        };
        let mut out = Map::new();
        for (key, value) in obj {
            if key == "schemas" {
                if self.attributes.is_none() || !cfg.has(Fault::AttributesDropsSchemas) {
                    out.insert(key.clone(), value.clone());
                }
                continue;
            }
            if let Some(ext) = schema.extension(key) {
                let Some(ext_obj) = value.as_object() else {
                    continue;
                };
                let mut ext_out = Map::new();
                for (k, v) in ext_obj {
                    if let Some(def) = ext.attribute(k) {
                        if let Some(kept) = self.project(Some(&ext.id), def, v, cfg) {
                            ext_out.insert(k.clone(), kept);
                        }
                    }
                }
                if cfg.has(Fault::ExtensionFlattened) {
                    out.extend(ext_out);
                } else if !ext_out.is_empty() {
                    out.insert(key.clone(), Value::Object(ext_out));
                }
                continue;
            }
            match schema.core_attribute(key) {
                Some(def) => {
                    if let Some(kept) = self.project(None, def, value, cfg) {
                        out.insert(key.clone(), kept);
                    }
                }
                None => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// The shown value of one attribute, if any.
    fn project(
        &self,
        container: Option<&str>,
        def: &AttributeDef,
        value: &Value,
        cfg: &ServerConfig,
    ) -> Option<Value> {
        match self.select(container, def, value, cfg)? {
            Value::Array(mut items)
                if def.multi_valued && items.len() == 1 && cfg.has(Fault::MultiValuedUnwrapped) =>
            {
                items.pop()
            }
            shown => Some(shown),
        }
    }

    fn select(
        &self,
        container: Option<&str>,
        def: &AttributeDef,
        value: &Value,
        cfg: &ServerConfig,
    ) -> Option<Value> {
        let same = |s: &Selected| {
            s.container.as_deref() == container && (s.attr == def.name || s.attr == WHOLE)
        };
        match def.returned {
            Returned::Never if !cfg.has(Fault::PasswordReturned) => return None,
            Returned::Always => {
                let dropped = (cfg.has(Fault::AttributesDropsId)
                    && def.name == "id"
                    && self
                        .attributes
                        .as_ref()
                        .is_some_and(|a| !a.iter().any(same)))
                    || (cfg.has(Fault::ExcludedAttributesDropsAlways)
                        && self.excluded.iter().any(|s| same(s) && s.sub.is_none()));
                return (!dropped).then(|| value.clone());
            }
            _ => {}
        }
        if let Some(selected) = &self.attributes {
            let picks: Vec<&Selected> = selected.iter().filter(|s| same(s)).collect();
            if picks.is_empty() {
                return None;
            }
            if picks.iter().any(|s| s.sub.is_none()) {
                return Some(strip_subs(def, value, |sub| {
                    sub.returned == Returned::Never || sub.returned == Returned::Request
                }));
            }
            let wanted: Vec<&str> = picks.iter().filter_map(|s| s.sub.as_deref()).collect();
            return keep_subs(def, value, |sub| {
                wanted.iter().any(|w| *w == sub.name) || sub.returned == Returned::Always
            });
        }
        if def.returned == Returned::Request {
            return None;
        }
        let excluded: Vec<&Selected> = self.excluded.iter().filter(|s| same(s)).collect();
        if excluded.iter().any(|s| s.sub.is_none()) {
            return None;
        }
        let dropped: Vec<&str> = excluded.iter().filter_map(|s| s.sub.as_deref()).collect();
        let v = strip_subs(def, value, |sub| {
            (sub.returned != Returned::Always && dropped.contains(&sub.name.as_str()))
                || sub.returned == Returned::Never
                || sub.returned == Returned::Request
        });
        Some(v)
    }
}

/// `value` without the sub-attributes for which `drop` is true.
fn strip_subs(def: &AttributeDef, value: &Value, drop: impl Fn(&AttributeDef) -> bool) -> Value {
    if !def.is_complex() {
        return value.clone();
    }
    let strip = |v: &Value| match v.as_object() {
        Some(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !def.sub_attribute(k).is_some_and(&drop))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        None => v.clone(),
    };
    match value {
        Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
        v => strip(v),
    }
}

/// `value` with only the sub-attributes for which `keep` is true; `None` if nothing is left.
fn keep_subs(
    def: &AttributeDef,
    value: &Value,
    keep: impl Fn(&AttributeDef) -> bool,
) -> Option<Value> {
    let pick = |v: &Value| -> Option<Value> {
        let o = v.as_object()?;
        let kept: Map<String, Value> = o
            .iter()
            .filter(|(k, _)| def.sub_attribute(k).is_some_and(&keep))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        (!kept.is_empty()).then_some(Value::Object(kept))
    };
    match value {
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(pick).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        v => pick(v),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::scim::embedded;

    use crate::scim::urn::{ENTERPRISE_USER as ENT, USER};

    fn user() -> Value {
        json!({"schemas": [USER, ENT], "id": "1",
            "userName": "a", "password": "secret", "name": {"givenName": "B", "familyName": "J"},
            "emails": [{"value": "x@y", "type": "work"}],
            ENT: {"employeeNumber": "7", "department": "D"},
            "meta": {"resourceType": "User"}})
    }

    fn project(attrs: Option<&str>, excluded: Option<&str>) -> Value {
        let cfg = ServerConfig::default();
        Projection::parse(embedded::user(), attrs, excluded, &cfg).apply(
            &user(),
            embedded::user(),
            &cfg,
        )
    }

    #[test]
    fn default_drops_never_returned() {
        let v = project(None, None);
        assert!(v.get("password").is_none());
        assert_eq!(v["userName"], "a");
    }

    #[test]
    fn attributes_select_and_keep_always_returned() {
        let v = project(Some("USERNAME,name.familyName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"), None);
        assert_eq!(
            v,
            json!({"schemas": [USER, ENT], "id": "1",
                "userName": "a", "name": {"familyName": "J"}, ENT: {"department": "D"}})
        );
        let v = project(Some(ENT), None);
        assert_eq!(v[ENT], json!({"employeeNumber": "7", "department": "D"}));
        assert!(v.get("userName").is_none());
        assert!(project(Some("password"), None).get("password").is_none());
    }

    #[test]
    fn excluded_attributes_remove_but_never_always() {
        let v = project(None, Some("emails,name.givenName,id,meta"));
        assert!(v.get("emails").is_none() && v.get("meta").is_none());
        assert_eq!(v["name"], json!({"familyName": "J"}));
        assert_eq!(v["id"], "1");
    }
}
