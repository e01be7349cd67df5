//! Discovery endpoints (RFC 7644 §4; RFC 7643 §5–§7): ServiceProviderConfig, ResourceTypes and
//! Schemas, honest about what this server supports.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::error::ScimError;
use super::faults::Fault;
use super::kind::Kind;
use super::list::{list_body, MAX_RESULTS};
use super::query::param;
use super::respond;
use super::ServerConfig;
use crate::scim::schema::{self, RESOURCE_TYPE_URN, SERVICE_PROVIDER_CONFIG_URN};

/// Most operations one bulk request may carry (advertised `bulk.maxOperations`).
pub const BULK_MAX_OPERATIONS: usize = 1000;
/// Largest bulk request body in bytes (advertised `bulk.maxPayloadSize`).
pub const BULK_MAX_PAYLOAD: usize = 1_048_576;

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
        "schemas": [SERVICE_PROVIDER_CONFIG_URN],
        "documentationUri": "https://www.rfc-editor.org/info/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": super::bulk::SUPPORTED, "maxOperations": BULK_MAX_OPERATIONS, "maxPayloadSize": BULK_MAX_PAYLOAD},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": true},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": schemes,
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    });
    if cfg.has(Fault::SpcNoAuthSchemes) {
        if let Some(o) = body.as_object_mut() {
            o.shift_remove("authenticationSchemes");
        }
    }
    respond::json(StatusCode::OK, &body)
}

fn resource_type(kind: Kind, base: &str) -> Value {
    let schema = kind.schema();
    let extensions: Vec<Value> = schema
        .extensions
        .iter()
        .map(|(ext, required)| json!({"schema": ext.id, "required": required}))
        .collect();
    let mut rt = json!({
        "schemas": [RESOURCE_TYPE_URN],
        "id": kind.name(),
        "name": kind.name(),
        "endpoint": format!("/{}", kind.segment()),
        "description": schema.description,
        "schema": schema.core.id,
    });
    if !extensions.is_empty() {
        rt["schemaExtensions"] = Value::Array(extensions);
    }
    rt["meta"] = json!({"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", kind.name())});
    rt
}

fn offered_kinds(cfg: &ServerConfig) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|k| !(cfg.has(Fault::ResourceTypesMissingGroup) && *k == Kind::Group))
        .collect()
}

/// `GET /ResourceTypes`
pub fn resource_types(base: &str, cfg: &ServerConfig) -> Response {
    let items: Vec<Value> = offered_kinds(cfg)
        .into_iter()
        .map(|k| resource_type(k, base))
        .collect();
    list_of(&items, cfg)
}

/// `GET /ResourceTypes/{name}`
pub fn resource_type_by_name(
    name: &str,
    base: &str,
    cfg: &ServerConfig,
) -> Result<Response, ScimError> {
    offered_kinds(cfg)
        .into_iter()
        .find(|k| k.name() == name)
        .map(|k| respond::json(StatusCode::OK, &resource_type(k, base)))
        .ok_or_else(|| ScimError::not_found(format!("resource type {name} not found")))
}

fn schema_document(doc: &Value, base: &str) -> Value {
    let mut doc = doc.clone();
    if let Some(loc) = doc["meta"]["location"]
        .as_str()
        .map(|l| format!("{base}{l}"))
    {
        doc["meta"]["location"] = json!(loc);
    }
    doc
}

/// `GET /Schemas`
pub fn schemas(base: &str, cfg: &ServerConfig) -> Response {
    let items: Vec<Value> = schema::registry()
        .schemas
        .iter()
        .map(|s| schema_document(&s.document, base))
        .collect();
    if cfg.has(Fault::SchemasNotListResponse) {
        return respond::json(StatusCode::OK, &Value::Array(items));
    }
    list_of(&items, cfg)
}

/// `GET /Schemas/{urn}`
pub fn schema_by_id(id: &str, base: &str) -> Result<Response, ScimError> {
    schema::registry()
        .schema(id)
        .map(|s| respond::json(StatusCode::OK, &schema_document(&s.document, base)))
        .ok_or_else(|| ScimError::not_found(format!("schema {id} not found")))
}

fn list_of(items: &[Value], cfg: &ServerConfig) -> Response {
    let bodies: Vec<Bytes> = items
        .iter()
        .map(|v| Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
        .collect();
    respond::bytes(StatusCode::OK, list_body(bodies.len(), 1, &bodies, cfg))
}
