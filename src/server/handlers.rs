//! HTTP handlers: extract the request, call the resource logic, shape the answer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_TYPE, HOST, IF_MATCH, IF_NONE_MATCH};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::bulk;
use super::discovery;
use super::error::{ScimError, ScimType};
use super::faults::Fault;
use super::kind::Kind;
use super::list::{self, Via};
use super::lost_update;
use super::projection::Projection;
use super::query::{param, ListQuery};
use super::resources::{self, etag_matches, unknown};
use super::respond;
use super::state::AppState;
use super::store::Record;
use super::write::Ctx;
use super::{ServerConfig, Variant, BASE_PATH};

type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn params(q: Params) -> Result<Vec<(String, String)>, ScimError> {
    q.map(|Query(p)| p)
        .map_err(|e| ScimError::invalid_value(format!("unreadable query string: {e}")))
}

/// The base URL as the client addressed us (for `meta.location` and `$ref`).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}{BASE_PATH}")
}

fn kind_of(segment: &str, cfg: &ServerConfig) -> Result<Kind, ScimError> {
    Kind::from_segment(segment)
        .filter(|k| cfg.offers(*k))
        .ok_or_else(|| unknown(format!("no endpoint /{segment}"), cfg))
}

fn header(headers: &HeaderMap, name: axum::http::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads a JSON request body: `application/scim+json` or `application/json` (RFC 7644 §3.8).
fn json_body(headers: &HeaderMap, body: &Bytes, cfg: &ServerConfig) -> Result<Value, ScimError> {
    if let Some(ct) = header(headers, CONTENT_TYPE) {
        let media = ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let refused_charset = cfg.has(Fault::CharsetContentTypeRefused) && ct.contains(';');
        if refused_charset || (media != "application/scim+json" && media != "application/json") {
            return Err(ScimError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                format!("Content-Type {ct} is not supported; use application/scim+json"),
            ));
        }
    }
    serde_json::from_slice(body).map_err(|e| {
        if cfg.has(Fault::MalformedJsonReturns500) {
            return ScimError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "internal error");
        }
        ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}"))
    })
}

/// A single resource under the request's `attributes`/`excludedAttributes`.
fn render(kind: Kind, record: &Record, params: &[(String, String)], cfg: &ServerConfig) -> Bytes {
    let projection = Projection::parse(
        kind.schema(),
        param(params, "attributes"),
        param(params, "excludedAttributes"),
        cfg,
    );
    if projection.is_default() {
        return record.body.clone();
    }
    let shown = projection.apply(&record.resource, kind.schema(), cfg);
    Bytes::from(serde_json::to_vec(&shown).unwrap_or_default())
}

/// The answer carrying one resource: its projection and its headers (`Location` when
/// `created`).
fn answer(
    status: StatusCode,
    kind: Kind,
    record: &Record,
    params: &[(String, String)],
    created: bool,
    cfg: &ServerConfig,
) -> Response {
    respond::resource(
        status,
        record,
        render(kind, record, params, cfg),
        created,
        cfg,
    )
}

/// What create, replace and modify read from a request before they touch the store.
struct Write {
    kind: Kind,
    params: Vec<(String, String)>,
    body: Value,
    base: String,
}

impl Write {
    fn read(
        segment: &str,
        headers: &HeaderMap,
        q: Params,
        body: &Bytes,
        cfg: &ServerConfig,
    ) -> Result<Self, ScimError> {
        let kind = kind_of(segment, cfg)?;
        let params = params(q)?;
        let body = json_body(headers, body, cfg)?;
        Ok(Self {
            kind,
            params,
            body,
            base: base_url(headers),
        })
    }

    fn ctx<'a>(&'a self, cfg: &'a ServerConfig) -> Ctx<'a> {
        Ctx {
            cfg,
            base: &self.base,
        }
    }
}

/// 501 for an operation the server advertises (the `*-claimed-refused` faults).
fn not_implemented(operation: &str) -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        format!("{operation} is not implemented"),
    )
}

/// PUT and PATCH: the same request, the same answer; only the change (`apply`:
/// `resources::replace` or `resources::modify`) differs.
fn update(
    state: &AppState,
    (segment, id): (String, String),
    headers: &HeaderMap,
    q: Params,
    body: &Bytes,
    apply: impl FnOnce(
        &AppState,
        &Ctx<'_>,
        Kind,
        &str,
        &Value,
        Option<&str>,
    ) -> Result<Arc<Record>, ScimError>,
    patch: bool,
) -> Result<Response, ScimError> {
    let cfg = state.config();
    let write = Write::read(&segment, headers, q, body, cfg)?;
    let record = apply(
        state,
        &write.ctx(cfg),
        write.kind,
        &id,
        &write.body,
        header(headers, IF_MATCH),
    )?;
    // RFC 7644 §3.5.2: 204 is allowed, unless the request asked for attributes.
    let projected = ["attributes", "excludedAttributes"]
        .iter()
        .any(|p| param(&write.params, p).is_some());
    if patch && cfg.varies(Variant::Patch204) && !projected {
        let mut res = StatusCode::NO_CONTENT.into_response();
        respond::add_resource_headers(&mut res, &record, false, cfg);
        return Ok(res);
    }
    Ok(answer(
        StatusCode::OK,
        write.kind,
        &record,
        &write.params,
        false,
        cfg,
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    q: Params,
) -> Result<Response, ScimError> {
    let kind = kind_of(&segment, state.config())?;
    let q = ListQuery::from_params(&params(q)?)?;
    list::list(&state, &[kind], &q, Via::Get)
}

/// `GET {base}/` with query parameters: a query over every resource type (RFC 7644 §3.4.2.1).
pub async fn list_all(State(state): State<AppState>, q: Params) -> Result<Response, ScimError> {
    let q = ListQuery::from_params(&params(q)?)?;
    list::list(&state, &Kind::ALL, &q, Via::Get)
}

pub async fn search(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ScimError> {
    refuse_search(state.config())?;
    let kind = kind_of(&segment, state.config())?;
    let q = ListQuery::from_search_request(&json_body(&headers, &body, state.config())?)?;
    list::list(&state, &[kind], &q, Via::Search)
}

pub async fn search_all(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ScimError> {
    refuse_search(state.config())?;
    let q = ListQuery::from_search_request(&json_body(&headers, &body, state.config())?)?;
    list::list(&state, &Kind::ALL, &q, Via::Search)
}

/// Under the `no-search` variant, `POST …/.search` answers 501 Not Implemented (RFC 7644
/// §3.12 L3790-3792: the service provider "does not support the request operation").
fn refuse_search(cfg: &ServerConfig) -> Result<(), ScimError> {
    if cfg.varies(Variant::NoSearch) {
        return Err(ScimError::new(
            StatusCode::NOT_IMPLEMENTED,
            None,
            "this service provider does not support POST /.search queries",
        ));
    }
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    q: Params,
    body: Bytes,
) -> Result<Response, ScimError> {
    let cfg = state.config();
    let write = Write::read(&segment, &headers, q, &body, cfg)?;
    let record = resources::create(&state, &write.ctx(cfg), write.kind, &write.body)?;
    let status = if cfg.has(Fault::CreateReturns200) {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(answer(
        status,
        write.kind,
        &record,
        &write.params,
        true,
        cfg,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    Path((segment, id)): Path<(String, String)>,
    headers: HeaderMap,
    q: Params,
) -> Result<Response, ScimError> {
    let kind = kind_of(&segment, state.config())?;
    let params = params(q)?;
    let cfg = state.config();
    let record = resources::get(&state, kind, &id)?;
    if let Some(tags) = header(&headers, IF_NONE_MATCH) {
        let matches = etag_matches(tags, &record.version) || cfg.has(Fault::IfNoneMatchNotCompared);
        if matches && !cfg.has(Fault::IfNoneMatchIgnored) && !cfg.varies(Variant::NoEtags) {
            let mut res = StatusCode::NOT_MODIFIED.into_response();
            respond::add_resource_headers(&mut res, &record, false, cfg);
            return Ok(res);
        }
    }
    let status = if cfg.has(Fault::GetReturns201) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(answer(status, kind, &record, &params, false, cfg))
}

pub async fn replace(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    q: Params,
    body: Bytes,
) -> Result<Response, ScimError> {
    update(&state, path, &headers, q, &body, resources::replace, false)
}

pub async fn modify(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    q: Params,
    body: Bytes,
) -> Result<Response, ScimError> {
    if state.config().has(Fault::PatchClaimedRefused) {
        return Err(not_implemented("PATCH"));
    }
    let stale = match kind_of(&path.0, state.config()) {
        Ok(kind) => lost_update::stale_copy(&state, kind, &path.1, &body).await,
        Err(_) => None,
    };
    match stale {
        None => update(&state, path, &headers, q, &body, resources::modify, true),
        Some(copy) => {
            let apply = |state: &AppState,
                         ctx: &Ctx<'_>,
                         kind: Kind,
                         id: &str,
                         body: &Value,
                         if_match: Option<&str>| {
                resources::modify_stale(state, ctx, kind, id, body, if_match, &copy)
            };
            update(&state, path, &headers, q, &body, apply, true)
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Path((segment, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let kind = kind_of(&segment, state.config())?;
    let cfg = state.config();
    let base = base_url(&headers);
    let record = resources::delete(
        &state,
        &Ctx { cfg, base: &base },
        kind,
        &id,
        header(&headers, IF_MATCH),
    )?;
    if cfg.has(Fault::DeleteReturns200) {
        return Ok(respond::bytes(StatusCode::OK, record.body.clone()));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A discovery document at its base URL (RFC 7644 §4); a filter on it is refused.
fn discovery_document(
    state: &AppState,
    headers: &HeaderMap,
    q: Params,
    document: impl FnOnce(&str, &ServerConfig, &[(String, String)]) -> Response,
) -> Result<Response, ScimError> {
    let params = params(q)?;
    discovery::refuse_filter(&params, state.config())?;
    Ok(document(&base_url(headers), state.config(), &params))
}

pub async fn service_provider_config(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Params,
) -> Result<Response, ScimError> {
    discovery_document(&state, &headers, q, |base, cfg, _| {
        discovery::service_provider_config(base, cfg)
    })
}

pub async fn resource_types(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Params,
) -> Result<Response, ScimError> {
    discovery_document(&state, &headers, q, discovery::resource_types)
}

pub async fn resource_type(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    discovery::resource_type_by_name(&name, &base_url(&headers), state.config())
}

pub async fn schemas(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Params,
) -> Result<Response, ScimError> {
    discovery_document(&state, &headers, q, discovery::schemas)
}

pub async fn schema(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    discovery::schema_by_id(&id, &base_url(&headers), state.config())
}

pub async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ScimError> {
    let cfg = state.config();
    if cfg.has(Fault::BulkClaimedRefused) {
        return Err(not_implemented("bulk"));
    }
    bulk::check_payload_size(body.len(), cfg.limits.max_body_bytes)?;
    let body = json_body(&headers, &body, cfg)?;
    let base = base_url(&headers);
    let answer = bulk::run(&state, &Ctx { cfg, base: &base }, &body)?;
    let status = if cfg.has(Fault::BulkReturns201) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(respond::json(status, &answer))
}

/// `/Me` (RFC 7644 §3.11) is not supported: 501.
pub async fn me(State(state): State<AppState>) -> ScimError {
    if state.config().has(Fault::MeNotFound) {
        return ScimError::not_found("no endpoint /Me");
    }
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "the /Me alias is not supported",
    )
}

/// Unknown routes: 404, or 400 `invalidVers` for another SCIM version's base path.
pub async fn not_found(State(state): State<AppState>, uri: Uri) -> ScimError {
    let path = uri.path();
    let other_version = path
        .strip_prefix("/scim/v")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|v| !v.is_empty() && v != "2" && v.chars().all(|c| c.is_ascii_digit()));
    if other_version {
        return ScimError::bad_request(
            ScimType::InvalidVers,
            format!("{path}: only SCIM 2.0 ({BASE_PATH}) is served"),
        );
    }
    unknown(format!("no endpoint {path}"), state.config())
}

/// A known route with an unsupported method.
pub async fn method_not_allowed(State(state): State<AppState>, uri: Uri) -> Response {
    let discovery = ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"]
        .iter()
        .any(|d| uri.path().contains(d));
    if discovery && state.config().has(Fault::DiscoveryAcceptsWrites) {
        return respond::json(StatusCode::OK, &serde_json::json!({}));
    }
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "method not allowed on this endpoint",
    )
    .into_response()
}
