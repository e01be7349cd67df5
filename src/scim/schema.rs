//! The SCIM schema model (RFC 7643 §2, §7): attribute definitions read from the §8.7 JSON
//! representations, with lookup by (possibly URN-qualified) case-insensitive name and the
//! common attributes of §3.1 added. The definitions compiled into the binary are read by the
//! `embedded` module, which builds on this one.

use serde_json::Value;
use thiserror::Error;

use super::attr_path::AttrPath;

/// A schema definition that could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SchemaError {
    #[error("schema definition is not valid JSON: {0}")]
    Json(String),
    #[error("schema definition is missing or has an invalid \"{0}\"")]
    Field(&'static str),
    #[error("attribute \"{attribute}\" has an unknown {field} \"{value}\"")]
    UnknownValue {
        attribute: String,
        field: &'static str,
        value: String,
    },
}

/// RFC 7643 §2.3 data types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

impl AttrType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "string" => Self::String,
            "boolean" => Self::Boolean,
            "decimal" => Self::Decimal,
            "integer" => Self::Integer,
            "datetime" => Self::DateTime,
            "binary" => Self::Binary,
            "reference" => Self::Reference,
            "complex" => Self::Complex,
            _ => return None,
        })
    }

    /// True for the types whose JSON form is a string.
    pub fn is_textual(self) -> bool {
        matches!(
            self,
            Self::String | Self::DateTime | Self::Binary | Self::Reference
        )
    }
}

/// RFC 7643 §2.2 "mutability".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

/// RFC 7643 §2.2 "returned".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

/// RFC 7643 §2.2 "uniqueness".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

/// One attribute definition (RFC 7643 §7 "attributes").
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeDef {
    pub name: String,
    pub attr_type: AttrType,
    pub multi_valued: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    pub canonical_values: Vec<String>,
    pub reference_types: Vec<String>,
    pub sub_attributes: Vec<AttributeDef>,
}

impl AttributeDef {
    /// Parses one attribute definition object.
    pub fn from_json(v: &Value) -> Result<Self, SchemaError> {
        let obj = v.as_object().ok_or(SchemaError::Field("attributes"))?;
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .ok_or(SchemaError::Field("name"))?
            .to_string();
        let text = |key: &str| obj.get(key).and_then(Value::as_str);
        let flag = |key: &str| obj.get(key).and_then(Value::as_bool).unwrap_or(false);
        let unknown = |field: &'static str, value: &str| SchemaError::UnknownValue {
            attribute: name.clone(),
            field,
            value: value.to_string(),
        };
        let type_text = text("type").unwrap_or("string");
        let attr_type = AttrType::parse(type_text).ok_or_else(|| unknown("type", type_text))?;
        let mutability = match text("mutability").map(str::to_ascii_lowercase).as_deref() {
            None | Some("readwrite") => Mutability::ReadWrite,
            Some("readonly") => Mutability::ReadOnly,
            Some("immutable") => Mutability::Immutable,
            Some("writeonly") => Mutability::WriteOnly,
            Some(other) => return Err(unknown("mutability", other)),
        };
        let returned = match text("returned").map(str::to_ascii_lowercase).as_deref() {
            None | Some("default") => Returned::Default,
            Some("always") => Returned::Always,
            Some("never") => Returned::Never,
            Some("request") => Returned::Request,
            Some(other) => return Err(unknown("returned", other)),
        };
        let uniqueness = match text("uniqueness").map(str::to_ascii_lowercase).as_deref() {
            None | Some("none") => Uniqueness::None,
            Some("server") => Uniqueness::Server,
            Some("global") => Uniqueness::Global,
            Some(other) => return Err(unknown("uniqueness", other)),
        };
        let strings = |key: &str| -> Vec<String> {
            obj.get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let sub_attributes = match obj.get("subAttributes").and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .map(AttributeDef::from_json)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            attr_type,
            multi_valued: flag("multiValued"),
            required: flag("required"),
            case_exact: flag("caseExact"),
            mutability,
            returned,
            uniqueness,
            canonical_values: strings("canonicalValues"),
            reference_types: strings("referenceTypes"),
            sub_attributes,
            name,
        })
    }

    /// The sub-attribute called `name` (case-insensitive).
    pub fn sub_attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.sub_attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// True for a complex attribute.
    pub fn is_complex(&self) -> bool {
        self.attr_type == AttrType::Complex
    }
}

/// A schema (RFC 7643 §7): its id, name and attribute definitions, plus the published JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaDef {
    pub id: String,
    pub name: String,
    pub attributes: Vec<AttributeDef>,
    /// The representation served at `/Schemas/{id}` (without `meta.location`).
    pub document: Value,
}

impl SchemaDef {
    /// Parses a schema representation as served by `/Schemas`.
    pub fn from_json(v: &Value) -> Result<Self, SchemaError> {
        let obj = v.as_object().ok_or(SchemaError::Field("schema"))?;
        let id = obj
            .get("id")
            .and_then(Value::as_str)
            .ok_or(SchemaError::Field("id"))?
            .to_string();
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let attributes = obj
            .get("attributes")
            .and_then(Value::as_array)
            .ok_or(SchemaError::Field("attributes"))?
            .iter()
            .map(AttributeDef::from_json)
            .collect::<Result<_, _>>()?;
        Ok(Self {
            id,
            name,
            attributes,
            document: v.clone(),
        })
    }

    /// The top-level attribute called `name` (case-insensitive).
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// Where an attribute lives in a resource's JSON: at the top level or inside an extension object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container<'a> {
    /// Core schema or common attribute: a top-level member.
    Core,
    /// Extension attribute: a member of the object keyed by this schema URN.
    Extension(&'a str),
}

/// A resolved attribute reference: the attribute, and the sub-attribute if the path named one.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedAttr<'a> {
    pub container: Container<'a>,
    pub attr: &'a AttributeDef,
    pub sub: Option<&'a AttributeDef>,
}

impl<'a> ResolvedAttr<'a> {
    /// The definition the path ends on (the sub-attribute if any).
    pub fn target(&self) -> &'a AttributeDef {
        self.sub.unwrap_or(self.attr)
    }
}

/// A resource type's full schema: core schema, extensions and the common attributes.
#[derive(Debug, Clone)]
pub struct ResourceSchema {
    pub name: String,
    pub endpoint: String,
    pub description: String,
    pub core: SchemaDef,
    /// Extensions with their "required" flag.
    pub extensions: Vec<(SchemaDef, bool)>,
    pub common: Vec<AttributeDef>,
}

impl ResourceSchema {
    /// Builds a resource schema; the RFC 7643 §3.1 common attributes are added.
    pub fn new(
        name: &str,
        endpoint: &str,
        core: SchemaDef,
        extensions: Vec<(SchemaDef, bool)>,
    ) -> Self {
        Self {
            name: name.to_string(),
            endpoint: endpoint.to_string(),
            description: core.name.clone(),
            core,
            extensions,
            common: common_attributes(),
        }
    }

    /// The extension schema with this URN (case-insensitive).
    pub fn extension(&self, urn: &str) -> Option<&SchemaDef> {
        self.extensions
            .iter()
            .map(|(s, _)| s)
            .find(|s| s.id.eq_ignore_ascii_case(urn))
    }

    /// True when `urn` names the core schema or one of the extensions.
    pub fn knows_schema(&self, urn: &str) -> bool {
        self.core.id.eq_ignore_ascii_case(urn) || self.extension(urn).is_some()
    }

    /// A top-level core or common attribute by name (case-insensitive).
    pub fn core_attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.common
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .or_else(|| self.core.attribute(name))
    }

    /// Resolves an attribute path (RFC 7644 §3.10) against this resource type.
    pub fn resolve(&self, path: &AttrPath) -> Option<ResolvedAttr<'_>> {
        let (container, attr) = match &path.urn {
            None => (Container::Core, self.core_attribute(&path.name)?),
            Some(urn) if self.core.id.eq_ignore_ascii_case(urn) => {
                (Container::Core, self.core_attribute(&path.name)?)
            }
            Some(urn) => {
                let ext = self.extension(urn)?;
                (Container::Extension(&ext.id), ext.attribute(&path.name)?)
            }
        };
        let sub = match &path.sub_attr {
            None => None,
            Some(s) => Some(attr.sub_attribute(s)?),
        };
        Some(ResolvedAttr {
            container,
            attr,
            sub,
        })
    }

    /// Every top-level attribute with its container: common, core, then extension attributes.
    pub fn all_attributes(&self) -> impl Iterator<Item = (Container<'_>, &AttributeDef)> {
        self.common
            .iter()
            .chain(self.core.attributes.iter())
            .map(|a| (Container::Core, a))
            .chain(self.extensions.iter().flat_map(|(s, _)| {
                s.attributes
                    .iter()
                    .map(move |a| (Container::Extension(&s.id), a))
            }))
    }
}

/// The common attributes of RFC 7643 §3.1 (their characteristics take precedence), plus
/// `schemas`.
pub fn common_attributes() -> Vec<AttributeDef> {
    let simple =
        |name: &str, attr_type, case_exact, mutability, returned, uniqueness| AttributeDef {
            name: name.to_string(),
            attr_type,
            multi_valued: false,
            required: false,
            case_exact,
            mutability,
            returned,
            uniqueness,
            canonical_values: Vec::new(),
            reference_types: Vec::new(),
            sub_attributes: Vec::new(),
        };
    let meta_sub = |name: &str, attr_type, case_exact| {
        simple(
            name,
            attr_type,
            case_exact,
            Mutability::ReadOnly,
            Returned::Default,
            Uniqueness::None,
        )
    };
    let mut meta = simple(
        "meta",
        AttrType::Complex,
        false,
        Mutability::ReadOnly,
        Returned::Default,
        Uniqueness::None,
    );
    meta.sub_attributes = vec![
        meta_sub("resourceType", AttrType::String, true),
        meta_sub("created", AttrType::DateTime, false),
        meta_sub("lastModified", AttrType::DateTime, false),
        meta_sub("location", AttrType::Reference, false),
        meta_sub("version", AttrType::String, true),
    ];
    // RFC 7643 §3: "schemas" is not an attribute of any schema, but filters may test it
    // (RFC 7644 §3.4.2.2 example `schemas eq "urn:…:enterprise:2.0:User"`).
    let mut schemas = simple(
        "schemas",
        AttrType::Reference,
        false,
        Mutability::ReadOnly,
        Returned::Always,
        Uniqueness::None,
    );
    schemas.multi_valued = true;
    vec![
        schemas,
        simple(
            "id",
            AttrType::String,
            true,
            Mutability::ReadOnly,
            Returned::Always,
            Uniqueness::Server,
        ),
        simple(
            "externalId",
            AttrType::String,
            true,
            Mutability::ReadWrite,
            Returned::Default,
            Uniqueness::None,
        ),
        meta,
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const CORE: &str = "urn:example:schemas:core:Thing";
    const EXT: &str = "urn:example:schemas:extension:Thing";

    fn attr(name: &str, kind: &str, subs: serde_json::Value) -> serde_json::Value {
        json!({"name": name, "type": kind, "multiValued": false, "required": false,
               "caseExact": false, "mutability": "readWrite", "returned": "default",
               "uniqueness": "none", "subAttributes": subs})
    }

    fn thing() -> ResourceSchema {
        let name = attr(
            "name",
            "complex",
            json!([attr("familyName", "string", json!([]))]),
        );
        let core = json!({"id": CORE, "name": "Thing",
                          "attributes": [attr("userName", "string", json!([])), name]});
        let ext = json!({"id": EXT, "name": "More",
                         "attributes": [attr("employeeNumber", "string", json!([]))]});
        let core = SchemaDef::from_json(&core).expect("test core schema");
        let ext = SchemaDef::from_json(&ext).expect("test extension schema");
        ResourceSchema::new("Thing", "/Things", core, vec![(ext, false)])
    }

    #[test]
    fn resolves_plain_sub_and_urn_qualified_paths() {
        let u = thing();
        let p = |s: &str| AttrPath::parse(s).ok();
        let r = p("name.FAMILYNAME").and_then(|p| u.resolve(&p).map(|r| r.target().name.clone()));
        assert_eq!(r.as_deref(), Some("familyName"));
        let r =
            p(&format!("{CORE}:userName")).and_then(|p| u.resolve(&p).map(|r| r.attr.name.clone()));
        assert_eq!(r.as_deref(), Some("userName"));
        let r =
            p(&format!("{EXT}:employeeNumber")).and_then(|p| u.resolve(&p).map(|r| r.container));
        assert_eq!(r, Some(Container::Extension(EXT)));
        let id = p("ID").and_then(|p| u.resolve(&p).map(|r| r.attr.returned));
        assert_eq!(id, Some(Returned::Always));
        assert!(p("nosuch").and_then(|p| u.resolve(&p)).is_none());
    }
}
