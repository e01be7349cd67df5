//! Response helpers and the outer response layer: every answer gets
//! `Content-Type: application/scim+json` (RFC 7644 §3.1, §8.1) and every error — ours or the
//! framework's — the RFC 7644 §3.12 error body.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, ACCEPT, CONTENT_LOCATION, CONTENT_TYPE, ETAG, LOCATION};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::ScimError;
use super::faults::Fault;
use super::state::AppState;
use super::store::Record;
use super::ServerConfig;

/// The SCIM media type (RFC 7644 §8.1).
pub const SCIM_JSON: &str = "application/scim+json";

/// A JSON answer (the content type is set by [`finish`]).
pub fn json(status: StatusCode, value: &Value) -> Response {
    bytes(
        status,
        Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
    )
}

/// A pre-serialized JSON answer.
pub fn bytes(status: StatusCode, body: Bytes) -> Response {
    (status, Body::from(body)).into_response()
}

/// A single-resource answer with `ETag` (RFC 7644 §3.14) and `Content-Location` (RFC 7643 §3.1);
/// `Location` too when `created`.
pub fn resource(
    status: StatusCode,
    record: &Record,
    body: Bytes,
    created: bool,
    cfg: &ServerConfig,
) -> Response {
    let mut res = bytes(status, body);
    add_resource_headers(&mut res, record, created, cfg);
    res
}

/// Adds the `ETag`, `Content-Location` and (for a create) `Location` headers.
pub fn add_resource_headers(
    res: &mut Response,
    record: &Record,
    created: bool,
    cfg: &ServerConfig,
) {
    let headers = res.headers_mut();
    if !cfg.has(Fault::NoEtagHeader) && !cfg.varies(super::Variant::NoEtags) {
        let tag = if cfg.has(Fault::EtagMismatchesVersion) {
            format!(
                "W/\"x{}\"",
                record.version.trim_start_matches("W/").trim_matches('"')
            )
        } else {
            record.version.clone()
        };
        if let Ok(v) = HeaderValue::from_str(&tag) {
            headers.insert(ETAG, v);
        }
    }
    if let Some(Ok(loc)) = record.resource["meta"]["location"]
        .as_str()
        .map(HeaderValue::from_str)
    {
        if created && !cfg.has(Fault::NoLocationHeader) {
            headers.insert(LOCATION, loc.clone());
        }
        headers.insert(CONTENT_LOCATION, loc);
    }
}

/// Outer layer: renders errors and sets the content type.
pub async fn finish(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = state.config();
    let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
    let mut res = if accept.is_some_and(|a| !a.contains(SCIM_JSON) && !a.contains("*/*"))
        && cfg.has(Fault::AcceptJsonRejected)
    {
        ScimError::new(
            StatusCode::NOT_ACCEPTABLE,
            None,
            format!("only {SCIM_JSON} is produced"),
        )
        .into_response()
    } else {
        next.run(req).await
    };
    let error = res.extensions_mut().remove::<ScimError>().or_else(|| {
        // A framework rejection (bad query string, oversized body, …): give it the SCIM shape.
        let status = res.status();
        (status.is_client_error() || status.is_server_error()).then(|| {
            let detail = status.canonical_reason().unwrap_or("error").to_string();
            let scim_type = (status == StatusCode::BAD_REQUEST)
                .then_some(super::error::ScimType::InvalidSyntax);
            ScimError::new(status, scim_type, detail)
        })
    });
    let mut media = if cfg.has(Fault::ContentTypeJson) {
        "application/json"
    } else {
        SCIM_JSON
    };
    if let Some(err) = error {
        let (body, html) = render_error(&err, cfg);
        if html {
            media = "text/html; charset=utf-8";
        }
        *res.body_mut() = Body::from(body);
        res.headers_mut().remove(axum::http::header::CONTENT_LENGTH);
    }
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(media));
    res
}

/// The error body, honouring the error-format faults; `true` when it is HTML.
fn render_error(err: &ScimError, cfg: &ServerConfig) -> (Vec<u8>, bool) {
    if cfg.has(Fault::ErrorHtml) {
        let page = format!(
            "<!DOCTYPE html><html><head><title>{0}</title></head><body><h1>{0}</h1><p>{1}</p></body></html>",
            err.status.as_u16(),
            html_escape(&err.detail)
        );
        return (page.into_bytes(), true);
    }
    let mut body = err.body();
    if cfg.has(Fault::ErrorStatusNumber) {
        body["status"] = Value::from(err.status.as_u16());
    }
    if cfg.has(Fault::ErrorSchemaMissing) {
        if let Some(o) = body.as_object_mut() {
            o.shift_remove("schemas");
        }
    }
    if cfg.has(Fault::ErrorNoScimType) {
        if let Some(o) = body.as_object_mut() {
            o.shift_remove("scimType");
        }
    }
    (serde_json::to_vec(&body).unwrap_or_default(), false)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
