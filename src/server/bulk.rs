//! Bulk operations (RFC 7644 §3.7): POST, PUT, PATCH and DELETE in one request, `bulkId`
//! references resolved in any order (operations waiting on a later create are deferred),
//! `failOnErrors`, and the `maxOperations`/`maxPayloadSize` limits (413).

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::error::ScimError;
use super::faults::Fault;
use super::kind::Kind;
use super::message::require_schema;
use super::resources;
use super::state::AppState;
use super::store::Record;
use super::write::Ctx;
use crate::scim::pointer::get_key;
use crate::scim::urn;

/// Whether `/Bulk` is implemented (advertised as `bulk.supported`).
pub const SUPPORTED: bool = true;
/// Most operations one bulk request may carry (advertised `bulk.maxOperations`).
pub const BULK_MAX_OPERATIONS: usize = 1000;

/// Prefix of a reference to a resource created in the same request (RFC 7644 §3.7.2).
const BULK_ID_PREFIX: &str = "bulkId:";

/// One operation of the request, as read.
#[derive(Debug)]
struct Operation<'a> {
    index: usize,
    method: String,
    bulk_id: Option<String>,
    version: Option<String>,
    path: String,
    data: Option<&'a Value>,
}

/// 413 when the body exceeds `maxPayloadSize` (the server's body limit, which every request
/// already met; checked again here so the bulk rule does not depend on the layer order).
pub fn check_payload_size(len: usize, max: usize) -> Result<(), ScimError> {
    if len > max {
        return Err(ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            format!("The size of the bulk operation exceeds the maxPayloadSize ({max})."),
        ));
    }
    Ok(())
}

/// Runs a BulkRequest and returns the BulkResponse body.
pub fn run(state: &AppState, ctx: &Ctx<'_>, body: &Value) -> Result<Value, ScimError> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the BulkRequest must be a JSON object"))?;
    require_schema(obj, urn::BULK_REQUEST, "BulkRequest")?;
    let list = get_key(obj, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ScimError::invalid_syntax("the BulkRequest needs an \"Operations\" array")
        })?;
    if list.len() > BULK_MAX_OPERATIONS && !ctx.cfg.has(Fault::BulkMaxOperationsIgnored) {
        return Err(ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            format!(
                "The bulk request has {} operations; maxOperations is {BULK_MAX_OPERATIONS}.",
                list.len()
            ),
        ));
    }
    let fail_on_errors = match get_key(obj, "failOnErrors") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
            ScimError::invalid_syntax("\"failOnErrors\" must be a positive integer")
        })? as usize),
    };
    let ops = list
        .iter()
        .enumerate()
        .map(|(i, op)| read_operation(i, op))
        .collect::<Result<Vec<_>, _>>()?;
    let declared: Vec<String> = ops.iter().filter_map(|o| o.bulk_id.clone()).collect();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut results: Vec<(usize, Value)> = Vec::new();
    let mut errors = 0usize;
    let mut pending: Vec<&Operation<'_>> = ops.iter().collect();
    loop {
        let mut progressed = false;
        let mut waiting = Vec::new();
        for op in pending {
            if fail_on_errors.is_some_and(|limit| errors >= limit) {
                break;
            }
            let resolved = if ctx.cfg.has(Fault::BulkIdNotResolved) {
                Ok((op.path.clone(), op.data.cloned()))
            } else {
                resolve(op, &ids, &declared)
            };
            match resolved {
                Err(Unresolved::Later) => waiting.push(op),
                Err(Unresolved::Never(reference)) => {
                    errors += 1;
                    let err = ScimError::invalid_value(format!(
                        "{reference} does not name a resource created in this request"
                    ));
                    results.push((op.index, outcome(op, None, Err(err))));
                    progressed = true;
                }
                Ok((path, data)) => {
                    let result = execute(state, ctx, op, &path, data.as_ref());
                    if let (Ok(record), Some(bulk_id)) = (&result, &op.bulk_id) {
                        ids.insert(bulk_id.clone(), record.id.clone());
                    }
                    if result.is_err() {
                        errors += 1;
                    }
                    let location =
                        location_of(ctx, &path, result.as_ref().ok().map(|r| r.as_ref()));
                    results.push((
                        op.index,
                        outcome(op, location, result.map(|r| (op_status(op, ctx), r))),
                    ));
                    progressed = true;
                }
            }
        }
        if waiting.is_empty() || !progressed || fail_on_errors.is_some_and(|limit| errors >= limit)
        {
            // RFC 7644 §3.7.1: references that cannot be resolved (circular) answer 409.
            if fail_on_errors.is_none_or(|limit| errors < limit) {
                for op in waiting {
                    let err = ScimError::new(
                        StatusCode::CONFLICT,
                        None,
                        "circular or failed bulkId reference could not be resolved",
                    );
                    results.push((op.index, outcome(op, None, Err(err))));
                }
            }
            break;
        }
        pending = waiting;
    }
    results.sort_by_key(|(i, _)| *i);
    if ctx.cfg.has(Fault::BulkReportsErrorsOnly) {
        results.retain(|(_, v)| v.get("response").is_some());
    }
    Ok(json!({
        "schemas": [urn::BULK_RESPONSE],
        "Operations": results.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    }))
}

fn read_operation(index: usize, op: &Value) -> Result<Operation<'_>, ScimError> {
    let obj = op.as_object().ok_or_else(|| {
        ScimError::invalid_syntax(format!("operation {index} must be a JSON object"))
    })?;
    let text = |name: &str| {
        get_key(obj, name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let method = text("method")
        .map(|m| m.to_ascii_uppercase())
        .filter(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
        .ok_or_else(|| {
            ScimError::invalid_syntax(format!(
                "operation {index} needs \"method\": POST, PUT, PATCH or DELETE"
            ))
        })?;
    let path = text("path")
        .ok_or_else(|| ScimError::invalid_syntax(format!("operation {index} needs a \"path\"")))?;
    let bulk_id = text("bulkId");
    if method == "POST" && bulk_id.is_none() {
        return Err(ScimError::invalid_syntax(format!(
            "operation {index}: \"bulkId\" is required with POST"
        )));
    }
    Ok(Operation {
        index,
        method,
        bulk_id,
        version: text("version"),
        path,
        data: get_key(obj, "data"),
    })
}

enum Unresolved {
    /// Names a bulkId another (not yet run) operation declares.
    Later,
    /// Names a bulkId nothing in the request declares.
    Never(String),
}

/// Replaces `bulkId:x` references in the path and data by created ids.
fn resolve(
    op: &Operation<'_>,
    ids: &HashMap<String, String>,
    declared: &[String],
) -> Result<(String, Option<Value>), Unresolved> {
    let mut missing: Option<Unresolved> = None;
    let mut swap = |s: &str| -> Option<String> {
        let key = s.strip_prefix(BULK_ID_PREFIX)?;
        match ids.get(key) {
            Some(id) => Some(id.clone()),
            None => {
                let why = if declared.iter().any(|d| d == key) {
                    Unresolved::Later
                } else {
                    Unresolved::Never(s.to_string())
                };
                if !matches!(missing, Some(Unresolved::Never(_))) {
                    missing = Some(why);
                }
                None
            }
        }
    };
    let path = op
        .path
        .split('/')
        .map(|seg| swap(seg).unwrap_or_else(|| seg.to_string()))
        .collect::<Vec<_>>()
        .join("/");
    let data = op.data.map(|d| replace_refs(d, &mut swap));
    match missing {
        Some(m) => Err(m),
        None => Ok((path, data)),
    }
}

fn replace_refs(v: &Value, swap: &mut impl FnMut(&str) -> Option<String>) -> Value {
    match v {
        Value::String(s) => swap(s).map_or_else(|| v.clone(), Value::String),
        Value::Array(items) => Value::Array(items.iter().map(|i| replace_refs(i, swap)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), replace_refs(v, swap)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Splits `/Users` or `/Users/{id}` into the kind and optional id.
fn target(path: &str) -> Result<(Kind, Option<String>), ScimError> {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let kind = parts.next().and_then(Kind::from_segment).ok_or_else(|| {
        ScimError::invalid_value(format!("\"{path}\" is not a resource endpoint"))
    })?;
    let id = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
    Ok((kind, id))
}

fn execute(
    state: &AppState,
    ctx: &Ctx<'_>,
    op: &Operation<'_>,
    path: &str,
    data: Option<&Value>,
) -> Result<std::sync::Arc<Record>, ScimError> {
    let (kind, id) = target(path)?;
    let need_data =
        || data.ok_or_else(|| ScimError::invalid_syntax(format!("{} needs \"data\"", op.method)));
    let need_id = || {
        id.clone().ok_or_else(|| {
            ScimError::invalid_value(format!("{} needs a path to one resource", op.method))
        })
    };
    let version = op.version.as_deref();
    match op.method.as_str() {
        "POST" if id.is_some() => Err(ScimError::invalid_value(
            "POST path must be a resource type endpoint such as /Users",
        )),
        "POST" => {
            let preset = op
                .bulk_id
                .clone()
                .filter(|_| ctx.cfg.has(Fault::BulkIdUsedAsId));
            resources::create_as(state, ctx, kind, need_data()?, preset)
        }
        "PUT" => resources::replace(state, ctx, kind, &need_id()?, need_data()?, version),
        "PATCH" => resources::modify(state, ctx, kind, &need_id()?, need_data()?, version),
        _ => resources::delete(state, ctx, kind, &need_id()?, version),
    }
}

fn op_status(op: &Operation<'_>, ctx: &Ctx<'_>) -> StatusCode {
    match op.method.as_str() {
        "POST" if !ctx.cfg.has(Fault::CreateReturns200) => StatusCode::CREATED,
        "DELETE" if !ctx.cfg.has(Fault::DeleteReturns200) => StatusCode::NO_CONTENT,
        _ => StatusCode::OK,
    }
}

fn location_of(ctx: &Ctx<'_>, path: &str, record: Option<&Record>) -> Option<String> {
    match record {
        Some(r) => r.resource["meta"]["location"].as_str().map(str::to_string),
        None => target(path)
            .ok()
            .and_then(|(_, id)| id.map(|_| format!("{}{}", ctx.base, path))),
    }
}

/// One entry of the BulkResponse `Operations`.
fn outcome(
    op: &Operation<'_>,
    location: Option<String>,
    result: Result<(StatusCode, std::sync::Arc<Record>), ScimError>,
) -> Value {
    let mut out = Map::new();
    if let Some(loc) = location {
        if !(op.method == "POST" && result.is_err()) {
            out.insert("location".into(), json!(loc));
        }
    }
    out.insert("method".into(), json!(op.method));
    if let Some(b) = &op.bulk_id {
        out.insert("bulkId".into(), json!(b));
    }
    match result {
        Ok((status, record)) => {
            if op.method != "DELETE" {
                out.insert("version".into(), json!(record.version));
            }
            out.insert("status".into(), json!(status.as_u16().to_string()));
        }
        Err(e) => {
            out.insert("status".into(), json!(e.status.as_u16().to_string()));
            out.insert("response".into(), e.body());
        }
    }
    Value::Object(out)
}
