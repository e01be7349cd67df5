//! Reading the target's answers: error details, ids, members, the resources of a matching
//! query, and the values a resource holds compared with what was sent.

use serde_json::Value;

use super::super::mapping::Target;
use crate::entra::probe;
use crate::http::Exchange;
use crate::scim::pointer;

/// `: detail` of a SCIM error (or the start of the body), empty when there is nothing to say.
pub(super) fn scim_error_detail(exchange: &Exchange) -> String {
    let res = &exchange.response;
    let detail = res
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, "/detail"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let flat: String = res.body.split_whitespace().collect::<Vec<_>>().join(" ");
            flat.chars().take(200).collect()
        });
    let detail: String = detail.split_whitespace().collect::<Vec<_>>().join(" ");
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

/// `expected …, got {status}: detail`.
pub(super) fn unexpected(expected: &str, exchange: &Exchange) -> String {
    format!(
        "expected {expected}, got {}{}",
        exchange.response.status,
        scim_error_detail(exchange)
    )
}

/// The id of the resource a create made: only from a 201 (or 200) answer.
pub(super) fn created_id(exchange: &Exchange) -> Option<String> {
    let status = exchange.response.status;
    exchange
        .response
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, "/id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|_| status == 201 || status == 200)
}

/// The `value`s of a group's `members`.
pub(super) fn member_ids(group: Option<&Value>) -> Vec<String> {
    group
        .and_then(|g| pointer::get(g, "/members"))
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("value").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The resources of a matching query, or why Entra cannot use the answer.
pub(super) fn hits(ex: &Exchange, attribute: &str) -> Result<Vec<Value>, String> {
    let res = &ex.response;
    let total = res
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, "/totalResults"))
        .and_then(Value::as_u64);
    if res.status != 200 || total.is_none() {
        let (_, why, _) = probe::judge_response(res, attribute);
        return Err(why);
    }
    let resources = res
        .json
        .as_ref()
        .and_then(|j| pointer::get(j, "/Resources"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if total.unwrap_or(0) as usize > resources.len() {
        // More matches than returned: treat as several.
        let mut padded = resources;
        while padded.len() < 2 {
            padded.push(Value::Null);
        }
        return Ok(padded);
    }
    Ok(resources)
}

/// True when `resource` has this id.
pub(super) fn has_id(resource: &Value, id: &str) -> bool {
    resource.get("id").and_then(Value::as_str) == Some(id)
}

/// A value as the UI shows it: strings without quotes.
pub(super) fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Values that differ between what was sent and what a GET shows.
pub(super) fn mismatches(values: &[(Target, Value)], resource: &Value) -> Vec<String> {
    values
        .iter()
        .filter(|(t, _)| *t != Target::Manager)
        .filter_map(|(t, v)| {
            let got = t.read(resource);
            let same = match (&got, v) {
                (Some(Value::String(a)), Value::String(b)) if *t == Target::Attr("userName") => {
                    a.eq_ignore_ascii_case(b)
                }
                (Some(g), v) => g == v,
                (None, _) => false,
            };
            (!same).then(|| {
                format!(
                    "{}: sent {}, read back {}",
                    t.path(),
                    show(v),
                    got.as_ref().map_or("nothing".to_string(), show)
                )
            })
        })
        .collect()
}
