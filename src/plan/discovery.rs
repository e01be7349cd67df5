//! Reads `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4) and derives
//! what the target says it supports. Missing or broken discovery endpoints are tolerated:
//! the capabilities they would have told stay unknown (and count as supported). Also learnt:
//! the largest page (`filter.maxResults`), the core User attributes `/Schemas` leaves out, and,
//! by one `POST /Users/.search` asking for no resources, whether queries by POST work.

use serde_json::Value;

use super::capabilities::Capabilities;
use crate::http::{HttpClient, HttpError, OutgoingRequest};
use crate::load::Capability;
use crate::scim::pointer;
use crate::scim::urn::{self, ENTERPRISE_USER as ENTERPRISE};

/// What discovery found, for the planner and the reports.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub capabilities: Capabilities,
    /// One line per discovery endpoint: what it answered.
    pub notes: Vec<String>,
    /// What the target's schemas require on Users and Groups beyond what cases send.
    pub required: super::Required,
}

async fn fetch(
    client: &HttpClient,
    path: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Value>, HttpError> {
    let exchange = client.send(&OutgoingRequest::get(path)).await?;
    let status = exchange.response.status;
    match (status, exchange.response.json) {
        (200, Some(json)) => {
            notes.push(format!("{path}: 200"));
            Ok(Some(json))
        }
        (200, None) => {
            notes.push(format!("{path}: 200 but the body is not JSON; ignored"));
            Ok(None)
        }
        (status, _) => {
            notes.push(format!(
                "{path}: {status}; what it would advertise is unknown"
            ));
            Ok(None)
        }
    }
}

fn supported(spc: &Value, feature: &str) -> Option<bool> {
    pointer::get(spc, &format!("/{feature}/supported")).and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse::<bool>().ok().or(match s.as_str() {
            "True" => Some(true),
            "False" => Some(false),
            _ => None,
        }),
        _ => None,
    })
}

fn resources_of(list: &Value) -> Vec<&Value> {
    match list {
        Value::Array(items) => items.iter().collect(),
        other => pointer::get(other, "/Resources")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
    }
}

/// `filter.maxResults` as a non-negative integer (a numeric string is read too).
fn max_results(spc: &Value) -> Option<usize> {
    match pointer::get(spc, "/filter/maxResults")? {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Records each RFC 7643 §4.1 User attribute that the target's User schema (in `/Schemas`)
/// does not list: the target supports a subset of the schema (RFC 7644 §3.1 L429-431).
/// Nothing is recorded when `/Schemas` has no User schema or it lists no attributes.
fn record_user_subset(schemas: &[&Value], caps: &mut Capabilities, notes: &mut Vec<String>) {
    let Some(declared) = schemas
        .iter()
        .find(|s| s.get("id").and_then(Value::as_str) == Some(urn::USER))
        .and_then(|s| s.get("attributes"))
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return;
    };
    let declared: Vec<&str> = declared
        .iter()
        .filter_map(|a| a.get("name").and_then(Value::as_str))
        .collect();
    let Some(rfc) = crate::scim::embedded::registry().schema(urn::USER) else {
        return;
    };
    let missing: Vec<&str> = rfc
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .filter(|name| !declared.iter().any(|d| d.eq_ignore_ascii_case(name)))
        .collect();
    for name in &missing {
        caps.record_unsupported_user_attribute(
            name,
            format!("/Schemas: the User schema does not list {name}"),
        );
    }
    if !missing.is_empty() {
        notes.push(format!(
            "/Schemas: the User schema does not list {}; cases reading back, filtering on or \
             patching them are skipped",
            missing.join(", ")
        ));
    }
}

/// True when `GET /Users?count=0` answers 200 within [`SEARCH_PROBE_WAIT`].
async fn lists_users(client: &HttpClient) -> bool {
    let mut request = OutgoingRequest::get("/Users");
    request.query.push(("count".into(), "0".into()));
    let answer = tokio::time::timeout(SEARCH_PROBE_WAIT, client.send(&request)).await;
    matches!(answer, Ok(Ok(exchange)) if exchange.response.status == 200)
}

/// How long the search probe waits: a target slow to answer it keeps search unknown rather
/// than holding up the run.
const SEARCH_PROBE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Asks `POST /Users/.search` for no resources (`count` 0). A 405 or 501 answer, or a 404 while
/// `GET /Users` answers 200 (so not a 404 for an empty result), means the target does not
/// support queries by POST (RFC 7644 §3.4.3; §3.12 L3790-3792: 501 "does not support the
/// request operation"); any other answer, or none within [`SEARCH_PROBE_WAIT`], leaves it
/// unknown.
async fn probe_search(client: &HttpClient, d: &mut Discovery) {
    if !d.capabilities.supports(Capability::Users) {
        return;
    }
    let request = OutgoingRequest::json(
        "POST",
        "/Users/.search",
        &serde_json::json!({"schemas": [urn::SEARCH_REQUEST], "count": 0}),
    );
    let answer = tokio::time::timeout(SEARCH_PROBE_WAIT, client.send(&request)).await;
    let Ok(Ok(exchange)) = answer else {
        return;
    };
    let status = exchange.response.status;
    if status == 404 && !lists_users(client).await {
        // A 404 for a query that matches nothing tells nothing about POST itself.
        return;
    }
    if matches!(status, 404 | 405 | 501) {
        let evidence = format!("POST /Users/.search answered {status}");
        d.notes.push(format!(
            "{evidence}; queries by POST (RFC 7644 §3.4.3) are taken as not supported"
        ));
        d.capabilities.set(Capability::Search, false, evidence);
    }
}

/// Discovers the target. Fails only when the target cannot be reached at all.
pub async fn discover(client: &HttpClient) -> Result<Discovery, HttpError> {
    let mut d = Discovery::default();
    let caps = &mut d.capabilities;

    if let Some(spc) = fetch(client, "/ServiceProviderConfig", &mut d.notes).await? {
        for (feature, capability) in [
            ("patch", Capability::Patch),
            ("bulk", Capability::Bulk),
            ("filter", Capability::Filter),
            ("sort", Capability::Sort),
            ("etag", Capability::Etag),
            ("changePassword", Capability::ChangePassword),
        ] {
            if let Some(s) = supported(&spc, feature) {
                caps.set(
                    capability,
                    s,
                    format!("ServiceProviderConfig says {feature}.supported={s}"),
                );
            }
        }
        if let Some(max) = max_results(&spc) {
            caps.set_max_results(
                max,
                format!("ServiceProviderConfig says filter.maxResults={max}"),
            );
        }
    }

    if let Some(types) = fetch(client, "/ResourceTypes", &mut d.notes).await? {
        let types = resources_of(&types);
        let find = |name: &str, endpoint: &str| {
            types.iter().copied().find(|t| {
                t.get("name").and_then(Value::as_str) == Some(name)
                    || t.get("endpoint")
                        .and_then(Value::as_str)
                        .is_some_and(|e| e.trim_start_matches('/').eq_ignore_ascii_case(endpoint))
            })
        };
        let user = find("User", "Users");
        let group = find("Group", "Groups");
        caps.set(
            Capability::Users,
            user.is_some(),
            if user.is_some() {
                "ResourceTypes lists User"
            } else {
                "ResourceTypes lists no User resource type"
            },
        );
        caps.set(
            Capability::Groups,
            group.is_some(),
            if group.is_some() {
                "ResourceTypes lists Group"
            } else {
                "ResourceTypes lists no Group resource type"
            },
        );
        if let Some(user) = user {
            let has_enterprise = user
                .get("schemaExtensions")
                .and_then(Value::as_array)
                .is_some_and(|exts| {
                    exts.iter()
                        .any(|e| e.get("schema").and_then(Value::as_str) == Some(ENTERPRISE))
                });
            caps.set(
                Capability::EnterpriseUser,
                has_enterprise,
                if has_enterprise {
                    "ResourceType User lists the EnterpriseUser extension"
                } else {
                    "ResourceType User does not list the EnterpriseUser extension"
                },
            );
        }
    }

    if let Some(schemas) = fetch(client, "/Schemas", &mut d.notes).await? {
        d.required = super::Required::from_schemas(&resources_of(&schemas));
        for a in &d.required.user {
            d.capabilities.record_required_user_attribute(&a.name);
        }
        for (kind, attrs) in [("User", &d.required.user), ("Group", &d.required.group)] {
            for a in attrs {
                d.notes.push(format!(
                    "/Schemas: {kind}.{} is required; cases that do not send it send {}",
                    a.name, a.value
                ));
            }
        }
        record_user_subset(&resources_of(&schemas), &mut d.capabilities, &mut d.notes);
        let caps = &mut d.capabilities;
        let ids: Vec<&str> = resources_of(&schemas)
            .iter()
            .filter_map(|s| s.get("id").and_then(Value::as_str))
            .collect();
        if caps.evidence(Capability::EnterpriseUser).is_none() {
            let has = ids.contains(&ENTERPRISE);
            caps.set(
                Capability::EnterpriseUser,
                has,
                if has {
                    "Schemas lists the EnterpriseUser extension"
                } else {
                    "Schemas does not list the EnterpriseUser extension"
                },
            );
        }
    }

    probe_search(client, &mut d).await;
    let caps = &mut d.capabilities;
    let creds = client.credentials().is_some();
    caps.set(
        Capability::Credentials,
        creds,
        if creds {
            "credentials were given"
        } else {
            "no credentials were given (--token or --basic), so refusing requests without them cannot be checked"
        },
    );
    Ok(d)
}
