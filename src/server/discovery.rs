//! Discovery endpoints (RFC 7644 §4; RFC 7643 §5–§7): ServiceProviderConfig, ResourceTypes and
//! Schemas, honest about what this server supports.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::bulk::{self, BULK_MAX_OPERATIONS};
use super::error::ScimError;
use super::faults::Fault;
use super::kind::Kind;
use super::list::{list_body, max_results};
use super::query::{param, ListQuery};
use super::resources::unknown;
use super::respond;
use super::{ServerConfig, Variant};
use crate::scim::{embedded, urn};

/// RFC 7644 §4: "If a filter is provided, the service provider SHOULD respond with HTTP status
/// code 403 (Forbidden)".
pub fn refuse_filter(params: &[(String, String)], cfg: &ServerConfig) -> Result<(), ScimError> {
    if param(params, "filter").is_some() && !cfg.has(Fault::DiscoveryFilterAccepted) {
        return Err(ScimError::new(
            StatusCode::FORBIDDEN,
            None,
            "discovery endpoints do not support filtering (RFC 7644 §4)",
        ));
    }
    Ok(())
}

/// `GET /ServiceProviderConfig`
pub fn service_provider_config(base: &str, cfg: &ServerConfig) -> Response {
    let mut schemes = Vec::new();
    if cfg.token.is_some() || !cfg.requires_auth() {
        schemes.push(json!({
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": if cfg.requires_auth() {
                "Authentication with the configured bearer token (Authorization: Bearer …)"
            } else {
                "Authentication is disabled on this server; any or no bearer token is accepted"
            },
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true
        }));
    }
    if cfg.basic.is_some() {
        schemes.push(json!({
            "type": "httpbasic",
            "name": "HTTP Basic",
            "description": "Authentication with the configured user name and password",
            "specUri": "https://www.rfc-editor.org/info/rfc7617",
            "primary": cfg.token.is_none()
        }));
    }
    let mut body = json!({
        "schemas": [urn::SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://www.rfc-editor.org/info/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": bulk::SUPPORTED, "maxOperations": BULK_MAX_OPERATIONS, "maxPayloadSize": cfg.limits.max_body_bytes},
        "filter": {"supported": true, "maxResults": max_results(cfg)},
        "changePassword": {"supported": true},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": schemes,
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    });
    if cfg.varies(Variant::NoEtags) {
        body["etag"]["supported"] = json!(false);
    }
    if cfg.varies(Variant::NoFilter) {
        body["filter"]["supported"] = json!(false);
    }
    if cfg.varies(Variant::NoMetaOnDiscovery) {
        if let Some(o) = body.as_object_mut() {
            o.shift_remove("meta");
        }
    }
    if cfg.has(Fault::SpcIntegersAsStrings) {
        for (section, key) in [
            ("bulk", "maxOperations"),
            ("bulk", "maxPayloadSize"),
            ("filter", "maxResults"),
        ] {
            body[section][key] = json!(body[section][key].to_string());
        }
    }
    if cfg.has(Fault::SpcNoAuthSchemes) {
        if let Some(o) = body.as_object_mut() {
            o.shift_remove("authenticationSchemes");
        }
    }
    respond::json(StatusCode::OK, &body)
}

fn resource_type(kind: Kind, base: &str, cfg: &ServerConfig) -> Value {
    let schema = kind.schema();
    let extensions: Vec<Value> = schema
        .extensions
        .iter()
        .filter(|_| kind != Kind::User || cfg.offers_enterprise_user())
        .map(|(ext, required)| json!({"schema": ext.id, "required": required}))
        .collect();
    let core = if cfg.has(Fault::ResourceTypeSchemaNotUri) {
        kind.name()
    } else {
        schema.core.id.as_str()
    };
    let mut rt = json!({
        "schemas": [urn::RESOURCE_TYPE],
        "id": kind.name(),
        "name": kind.name(),
        "endpoint": if cfg.has(Fault::ResourceTypeEndpointAbsolute) {
            format!("{base}/{}", kind.segment())
        } else {
            format!("/{}", kind.segment())
        },
        "description": schema.description,
        "schema": core,
    });
    if !extensions.is_empty() {
        rt["schemaExtensions"] = Value::Array(extensions);
    }
    if !cfg.varies(Variant::NoMetaOnDiscovery) {
        rt["meta"] = json!({"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", kind.name())});
    }
    drop_schemas(&mut rt, cfg);
    rt
}

/// Under `discovery-schemas-missing`, a discovery resource goes without `schemas`.
fn drop_schemas(doc: &mut Value, cfg: &ServerConfig) {
    if let Some(o) = doc
        .as_object_mut()
        .filter(|_| cfg.has(Fault::DiscoverySchemasMissing))
    {
        o.shift_remove("schemas");
    }
}

fn offered_kinds(cfg: &ServerConfig) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|k| !(cfg.has(Fault::ResourceTypesMissingGroup) && *k == Kind::Group))
        .filter(|k| cfg.offers(*k))
        .collect()
}

/// `GET /ResourceTypes`
pub fn resource_types(base: &str, cfg: &ServerConfig, params: &[(String, String)]) -> Response {
    let items: Vec<Value> = offered_kinds(cfg)
        .into_iter()
        .map(|k| resource_type(k, base, cfg))
        .collect();
    list_of(&items, cfg, params)
}

/// `GET /ResourceTypes/{name}`
pub fn resource_type_by_name(
    name: &str,
    base: &str,
    cfg: &ServerConfig,
) -> Result<Response, ScimError> {
    offered_kinds(cfg)
        .into_iter()
        .filter(|_| !cfg.has(Fault::DiscoveryByIdUnsupported))
        .find(|k| k.name() == name)
        .map(|k| respond::json(StatusCode::OK, &resource_type(k, base, cfg)))
        .ok_or_else(|| unknown(format!("resource type {name} not found"), cfg))
}

fn schema_document(doc: &Value, base: &str, cfg: &ServerConfig) -> Value {
    let mut doc = doc.clone();
    if let Some(loc) = doc["meta"]["location"]
        .as_str()
        .map(|l| format!("{base}{l}"))
    {
        doc["meta"]["location"] = json!(loc);
    }
    if cfg.has(Fault::SchemaNestedComplex) {
        let complex = doc["attributes"].as_array_mut().and_then(|attrs| {
            attrs
                .iter_mut()
                .find_map(|a| a["subAttributes"].as_array_mut()?.first_mut())
        });
        if let Some(sub) = complex {
            sub["type"] = json!("complex");
            sub["subAttributes"] =
                json!([{"name": "value", "type": "string", "multiValued": false}]);
        }
    }
    if cfg.varies(Variant::RequireNameAndActive) && doc["id"] == json!(urn::USER) {
        for attr in doc["attributes"].as_array_mut().into_iter().flatten() {
            match attr["name"].as_str() {
                Some("active") => attr["required"] = json!(true),
                Some("name") => {
                    attr["required"] = json!(true);
                    for sub in attr["subAttributes"].as_array_mut().into_iter().flatten() {
                        if sub["name"] == json!("familyName") {
                            sub["required"] = json!(true);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if cfg.varies(Variant::UserSchemaSubset) && doc["id"] == json!(urn::USER) {
        if let Some(attrs) = doc["attributes"].as_array_mut() {
            attrs.retain(|a| {
                a["name"]
                    .as_str()
                    .is_some_and(super::variants::in_user_schema_subset)
            });
        }
    }
    drop_schemas(&mut doc, cfg);
    doc
}

/// Whether the server (in its profile) offers the resource or extension a schema describes:
/// `/Schemas` lists only what is really served.
fn offers_schema(cfg: &ServerConfig, urn: &str) -> bool {
    match urn {
        urn::GROUP => cfg.offers(Kind::Group),
        urn::ENTERPRISE_USER => cfg.offers_enterprise_user(),
        _ => true,
    }
}

/// `GET /Schemas`
pub fn schemas(base: &str, cfg: &ServerConfig, params: &[(String, String)]) -> Response {
    let mut items: Vec<Value> = embedded::registry()
        .schemas
        .iter()
        .filter(|s| offers_schema(cfg, &s.id))
        .map(|s| schema_document(&s.document, base, cfg))
        .collect();
    if cfg.has(Fault::SchemasListsMessages) {
        items.push(json!({"schemas": [urn::SCHEMA], "id": urn::LIST_RESPONSE,
            "name": "ListResponse", "attributes": []}));
    }
    if cfg.has(Fault::SchemasNotListResponse) {
        return respond::json(StatusCode::OK, &Value::Array(items));
    }
    list_of(&items, cfg, params)
}

/// `GET /Schemas/{urn}`
pub fn schema_by_id(id: &str, base: &str, cfg: &ServerConfig) -> Result<Response, ScimError> {
    embedded::registry()
        .schema(id)
        .filter(|s| offers_schema(cfg, &s.id))
        .filter(|_| !cfg.has(Fault::DiscoveryByIdUnsupported))
        .map(|s| respond::json(StatusCode::OK, &schema_document(&s.document, base, cfg)))
        .ok_or_else(|| unknown(format!("schema {id} not found"), cfg))
}

/// A discovery ListResponse: every item, the query parameters ignored (RFC 7644 §4).
fn list_of(items: &[Value], cfg: &ServerConfig, params: &[(String, String)]) -> Response {
    let mut shown: Vec<&Value> = items.iter().collect();
    if cfg.has(Fault::DiscoveryPaginated) {
        let q = ListQuery::from_params(params).unwrap_or_default();
        let skip = q.start_index.unwrap_or(1).max(1) - 1;
        let count = q.count.unwrap_or(i64::MAX).max(0);
        shown = shown
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(0))
            .take(usize::try_from(count).unwrap_or(usize::MAX))
            .collect();
    }
    let bodies: Vec<Bytes> = shown
        .iter()
        .map(|v| Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
        .collect();
    respond::bytes(
        StatusCode::OK,
        list_body(items.len(), 1, bodies.len(), &bodies, cfg),
    )
}
