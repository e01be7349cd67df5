//! Reads `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4) and derives
//! what the target says it supports. Missing or broken discovery endpoints are tolerated:
//! the capabilities they would have told stay unknown (and count as supported).

use serde_json::Value;

use super::capabilities::Capabilities;
use crate::http::{HttpClient, HttpError, OutgoingRequest};
use crate::load::Capability;
use crate::scim::pointer;
use crate::scim::urn::ENTERPRISE_USER as ENTERPRISE;

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
        for (kind, attrs) in [("User", &d.required.user), ("Group", &d.required.group)] {
            for a in attrs {
                d.notes.push(format!(
                    "/Schemas: {kind}.{} is required; cases that do not send it send {}",
                    a.name, a.value
                ));
            }
        }
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
