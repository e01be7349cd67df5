//! Calibration: what the target accepts, learnt by trying before any case runs, so that cases
//! send data in the target's own shape (RFC 7644 §3.1: "A SCIM service provider interprets a
//! request in the context of its own schema"). The form of `userName` — a plain string, or an
//! email address where the target requires that format (RFC 7643 §2.3.1 L488-490: a string
//! "MAY specify a required data format") — and the simple User attributes the target does not
//! keep as sent (RFC 7644 §3.3 L607-608: the server "is free to alter and/or ignore POSTed
//! content"), which no case then reads back; then the filter operators the target refuses
//! (RFC 7644 §3.12 Table 9: `invalidFilter` when "the specified attribute and filter
//! comparison combination is not supported"), which no case then uses beyond what a
//! provisioning client needs, and the attributes beyond userName that cases scope their list
//! queries on (`name.familyName eq`), which no case then filters on when refused. Every
//! calibration request is recorded in the discovery notes,
//! and whatever it created is deleted.

use serde_json::{json, Value};

use crate::http::{HttpClient, OutgoingRequest};
use crate::plan::Discovery;
use crate::run::Leftover;
use crate::scim::urn;

/// The form of `userName` the target accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UserNameForm {
    /// Any non-empty string (the RFC's default).
    #[default]
    Plain,
    /// `local@domain`: the unique part of the case, then `@` and [`EMAIL_DOMAIN`].
    Email,
}

/// The domain of email-shaped user names (RFC 2606 reserves `.example`).
pub const EMAIL_DOMAIN: &str = "scimspec.example";

/// What calibration learnt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calibration {
    pub user_name: UserNameForm,
    /// What calibration created and could not delete.
    pub leftovers: Vec<Leftover>,
}

impl UserNameForm {
    /// A unique value in this form, built from `unique` (letters, digits, `-`); with an empty
    /// `unique`, what the form appends.
    pub fn shape(self, unique: &str) -> String {
        match self {
            UserNameForm::Plain => unique.to_string(),
            UserNameForm::Email => format!("{unique}@{EMAIL_DOMAIN}"),
        }
    }
}

/// Learns the userName form ([`calibrate_user_name`]), then the filter operators the target
/// refuses ([`calibrate_filters`]). Skipped when discovery says the target has no Users.
pub async fn calibrate(client: &HttpClient, discovery: &mut Discovery, run: &str) -> Calibration {
    if !discovery
        .capabilities
        .supports(crate::load::Capability::Users)
    {
        return Calibration::default();
    }
    let calibration = calibrate_user_name(client, discovery, run).await;
    calibrate_filters(client, discovery, run).await;
    calibration
}

/// Tries a User create with a plain userName, then with an email-shaped one; deletes what it
/// created.
async fn calibrate_user_name(
    client: &HttpClient,
    discovery: &mut Discovery,
    run: &str,
) -> Calibration {
    let mut calibration = Calibration::default();
    let unique = format!("scimspec-{run}-calibration");
    for form in [UserNameForm::Plain, UserNameForm::Email] {
        let user_name = form.shape(&unique);
        let mut body = json!({"schemas": [urn::USER], "userName": user_name});
        discovery
            .required
            .complete_request("POST", "/Users", &mut body);
        let request = OutgoingRequest::json("POST", "/Users", &body);
        let Ok(exchange) = client.send(&request).await else {
            discovery
                .notes
                .push("calibration: POST /Users could not be sent; userName stays plain".into());
            return calibration;
        };
        let status = exchange.response.status;
        if (200..300).contains(&status) {
            calibration
                .leftovers
                .extend(delete_created(client, exchange.response.json.as_ref(), discovery).await);
            calibration.user_name = form;
            calibration.leftovers.extend(
                round_trip(client, discovery, &form.shape(&format!("{unique}-kept"))).await,
            );
            discovery.notes.push(format!(
                "calibration: POST /Users with userName \"{user_name}\": {status}; cases use {} user names",
                match form {
                    UserNameForm::Plain => "plain",
                    UserNameForm::Email => "email-shaped",
                }
            ));
            return calibration;
        }
        discovery.notes.push(format!(
            "calibration: POST /Users with userName \"{user_name}\": {status}"
        ));
        if status != 400 {
            break;
        }
    }
    discovery
        .notes
        .push("calibration: no userName form was accepted; cases use plain user names".into());
    calibration
}

/// The simple User attributes sent by [`round_trip`], with their values.
const SENT: &[(&str, &str)] = &[
    ("displayName", "Scimspec Calibration Display"),
    ("nickName", "scimspec-calibration-nick"),
    ("title", "Scimspec Calibration Title"),
];

/// Creates a User with a few simple attributes and records in the capabilities each attribute
/// that the answer's representation (RFC 7644 §3.3 L603-610) shows altered. An attribute the
/// answer leaves out tells nothing (a server may answer with less) and counts as kept.
async fn round_trip(
    client: &HttpClient,
    discovery: &mut Discovery,
    user_name: &str,
) -> Option<Leftover> {
    let mut body = json!({"schemas": [urn::USER], "userName": user_name});
    for (name, value) in SENT {
        body[*name] = json!(value);
    }
    discovery
        .required
        .complete_request("POST", "/Users", &mut body);
    let request = OutgoingRequest::json("POST", "/Users", &body);
    let Ok(created) = client.send(&request).await else {
        return None;
    };
    if !(200..300).contains(&created.response.status) {
        discovery.notes.push(format!(
            "calibration: POST /Users with {} answered {}; every attribute is assumed kept",
            SENT.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            created.response.status
        ));
        return None;
    }
    let created_json = created.response.json.clone();
    if let Some(resource) = created_json.as_ref() {
        for (name, value) in SENT {
            let got = resource
                .as_object()
                .and_then(|o| crate::scim::pointer::get_key(o, name));
            if got.is_some_and(|g| *g != json!(value)) {
                let shown = got.map_or("nothing".to_string(), Value::to_string);
                let evidence = format!("calibration sent \"{value}\" and read back {shown}");
                discovery
                    .notes
                    .push(format!("calibration: {name}: {evidence}"));
                discovery
                    .capabilities
                    .record_altered_user_attribute(name, evidence);
            }
        }
    }
    delete_created(client, created_json.as_ref(), discovery).await
}

/// The filters that probe each operator on `/Users`, matching nothing: the userName `value`
/// belongs to no user, and the ordering operators compare `meta.lastModified` with a date no
/// resource was modified before or after. Operators that would match every user on their own
/// (`ne`, `pr`, `not`) are put beside an `eq` that matches nothing when `and` is accepted.
fn operator_probes(value: &str, and_accepted: bool) -> Vec<(&'static str, String)> {
    let other = format!("{value}-other");
    let nothing = format!("userName eq \"{value}\"");
    let beside = |probe: String| {
        if and_accepted {
            format!("{nothing} and {probe}")
        } else {
            probe
        }
    };
    vec![
        ("ne", beside(format!("userName ne \"{other}\""))),
        ("co", format!("userName co \"{value}\"")),
        ("sw", format!("userName sw \"{value}\"")),
        ("ew", format!("userName ew \"{value}\"")),
        ("gt", format!("meta.lastModified gt \"{FAR_FUTURE}\"")),
        ("ge", format!("meta.lastModified ge \"{FAR_FUTURE}\"")),
        ("lt", format!("meta.lastModified lt \"{FAR_PAST}\"")),
        ("le", format!("meta.lastModified le \"{FAR_PAST}\"")),
        ("pr", beside("userName pr".to_string())),
        ("or", format!("{nothing} or userName eq \"{other}\"")),
        ("not", beside(format!("not (userName eq \"{other}\")"))),
    ]
}

/// The longest a filter probe may take: a target slow to list must not hold the run back
/// (the cases' own requests keep the run's `--timeout`).
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

const FAR_FUTURE: &str = "9999-12-31T23:59:59Z";
const FAR_PAST: &str = "1970-01-01T00:00:00Z";

/// How one probe went.
enum Probe {
    Accepted,
    /// Answered 400: the evidence (`400 invalidFilter`, or `400` without a scimType).
    Refused(String),
    /// Another answer: tells nothing about the operator.
    Other(u16),
    /// Not answered: calibration stops.
    Unsent,
}

async fn probe(client: &HttpClient, filter: &str) -> Probe {
    let mut request = OutgoingRequest::get("/Users");
    request.query.push(("filter".into(), filter.to_string()));
    let Ok(Ok(exchange)) = tokio::time::timeout(PROBE_LIMIT, client.send(&request)).await else {
        return Probe::Unsent;
    };
    match exchange.response.status {
        200..=299 => Probe::Accepted,
        400 => {
            let scim_type = exchange
                .response
                .json
                .as_ref()
                .and_then(|b| b.get("scimType"))
                .and_then(Value::as_str)
                .map(|t| format!(" {t}"))
                .unwrap_or_default();
            Probe::Refused(format!("400{scim_type}"))
        }
        other => Probe::Other(other),
    }
}

/// The attribute paths, beyond userName, that cases scope their list queries on with `eq`
/// (users of one case share a `name.familyName`); each is probed once when `eq` is accepted.
const FILTER_ATTRIBUTES: [&str; 1] = ["name.familyName"];

/// Tries each filter operator once on `/Users` (`eq` and `and` first, then `ne co sw ew gt ge
/// lt le pr or not`) with a filter matching nothing, and records in the capabilities each one
/// answered with 400; then, when `eq` is accepted, `eq` on each of [`FILTER_ATTRIBUTES`], and
/// records each attribute refused with 400. Stops at the first request not answered within
/// [`PROBE_LIMIT`]. Skipped when the ServiceProviderConfig says filtering is not supported:
/// every filter case is skipped then.
pub async fn calibrate_filters(client: &HttpClient, discovery: &mut Discovery, run: &str) {
    if !discovery
        .capabilities
        .supports(crate::load::Capability::Filter)
    {
        return;
    }
    let value = format!("scimspec-{run}-calibration-filter");
    let nothing = format!("userName eq \"{value}\"");
    let mut probes = vec![
        ("eq", nothing.clone()),
        (
            "and",
            format!("{nothing} and userName eq \"{value}-other\""),
        ),
    ];
    let mut accepted = Vec::new();
    let mut answered = true;
    let mut index = 0;
    while index < probes.len() {
        let (operator, filter) = probes[index].clone();
        index += 1;
        match probe(client, &filter).await {
            Probe::Unsent => {
                discovery.notes.push(format!(
                    "calibration: GET /Users?filter={filter} was not answered (within {} s); \
                     the remaining filter operators are assumed supported",
                    PROBE_LIMIT.as_secs()
                ));
                answered = false;
                break;
            }
            Probe::Accepted => accepted.push(operator),
            Probe::Refused(evidence) => {
                discovery.notes.push(format!(
                    "calibration: GET /Users?filter={filter} answered {evidence}; cases filtering \
                     with `{operator}` are skipped"
                ));
                discovery
                    .capabilities
                    .record_refused_filter_operator(operator, evidence);
            }
            Probe::Other(status) => discovery.notes.push(format!(
                "calibration: GET /Users?filter={filter} answered {status}; `{operator}` is \
                 assumed supported"
            )),
        }
        if operator == "and" {
            let both = accepted.contains(&"eq") && accepted.contains(&"and");
            probes.extend(operator_probes(&value, both));
        }
    }
    if !accepted.is_empty() {
        discovery.notes.push(format!(
            "calibration: filters with {} were accepted",
            accepted.join(", ")
        ));
    }
    if answered && accepted.contains(&"eq") {
        calibrate_filter_attributes(client, discovery, &value).await;
    }
}

/// Probes `eq` on each of [`FILTER_ATTRIBUTES`] with `value`, which matches nothing, and
/// records in the capabilities each attribute answered with 400.
async fn calibrate_filter_attributes(client: &HttpClient, discovery: &mut Discovery, value: &str) {
    for attribute in FILTER_ATTRIBUTES {
        let filter = format!("{attribute} eq \"{value}\"");
        match probe(client, &filter).await {
            Probe::Unsent => {
                discovery.notes.push(format!(
                    "calibration: GET /Users?filter={filter} was not answered (within {} s); \
                     `{attribute}` is assumed filterable",
                    PROBE_LIMIT.as_secs()
                ));
                break;
            }
            Probe::Accepted => {}
            Probe::Refused(evidence) => {
                discovery.notes.push(format!(
                    "calibration: GET /Users?filter={filter} answered {evidence}; cases filtering \
                     on `{attribute}` are skipped"
                ));
                discovery
                    .capabilities
                    .record_refused_filter_attribute(attribute, evidence);
            }
            Probe::Other(status) => discovery.notes.push(format!(
                "calibration: GET /Users?filter={filter} answered {status}; `{attribute}` is \
                 assumed filterable"
            )),
        }
    }
}

/// Deletes the user a calibration request created; what it could not delete.
async fn delete_created(
    client: &HttpClient,
    body: Option<&Value>,
    discovery: &mut Discovery,
) -> Option<Leftover> {
    let left = |resource: String, reason: String| Leftover {
        resource_type: "Users".into(),
        resource,
        reason: format!("calibration: {reason}"),
    };
    let id = match body.and_then(|b| b.get("id")) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            let reason = "the created user has no id and could not be deleted".to_string();
            discovery.notes.push(format!("calibration: {reason}"));
            return Some(left("(no id)".into(), reason));
        }
    };
    let mut request = OutgoingRequest::get(format!("/Users/{id}"));
    request.method = "DELETE".into();
    let reason = match client.send(&request).await {
        Ok(e) if (200..300).contains(&e.response.status) || e.response.status == 404 => {
            return None
        }
        Ok(e) => format!("DELETE answered {}", e.response.status),
        Err(_) => "DELETE could not be sent".to_string(),
    };
    discovery.notes.push(format!(
        "calibration: DELETE /Users/{id}: {reason}; the calibration user is left behind"
    ));
    Some(left(id, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_is_probed_once() {
        let mut ops: Vec<&str> = operator_probes("v", true).iter().map(|p| p.0).collect();
        ops.extend(["eq", "and"]);
        ops.sort_unstable();
        let mut all = vec![
            "and", "co", "eq", "ew", "ge", "gt", "le", "lt", "ne", "not", "or", "pr", "sw",
        ];
        all.sort_unstable();
        assert_eq!(ops, all);
        for (op, text) in operator_probes("v", true)
            .into_iter()
            .chain(operator_probes("v", false))
        {
            let parsed =
                crate::scim::filter::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(parsed.operators().contains(op), "{text} uses {op}");
        }
        let beside = operator_probes("v", true);
        assert!(beside
            .iter()
            .all(|(op, text)| !matches!(*op, "ne" | "pr" | "not")
                || text.starts_with("userName eq \"v\" and ")));
    }

    /// A target listing no user, refusing with 400 invalidFilter every filter naming
    /// `refused` (case-insensitively).
    async fn refusing_target(refused: &'static str) -> HttpClient {
        use axum::extract::Query;
        use axum::http::StatusCode;
        use axum::Json;
        use std::collections::HashMap;
        let app = axum::Router::new().route(
            "/Users",
            axum::routing::get(move |Query(q): Query<HashMap<String, String>>| async move {
                let filter = q.get("filter").cloned().unwrap_or_default();
                if filter.to_ascii_lowercase().contains(refused) {
                    let body = json!({"schemas": [urn::ERROR], "status": "400", "scimType": "invalidFilter"});
                    (StatusCode::BAD_REQUEST, Json(body))
                } else {
                    let body = json!({"schemas": [urn::LIST_RESPONSE], "totalResults": 0, "Resources": []});
                    (StatusCode::OK, Json(body))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        HttpClient::new(crate::http::ClientOptions::new(format!("http://{addr}")))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn a_refused_family_name_filter_is_recorded() {
        let mut discovery = Discovery::default();
        calibrate_filters(&refusing_target("familyname").await, &mut discovery, "t").await;
        let caps = &discovery.capabilities;
        assert_eq!(
            caps.refused_filter_attribute("name.familyName"),
            Some("400 invalidFilter")
        );
        assert_eq!(caps.refused_filter_operator("eq"), None);
        let notes = discovery.notes.join("\n");
        assert!(
            notes.contains("cases filtering on `name.familyName` are skipped"),
            "{notes}"
        );

        let mut discovery = Discovery::default();
        calibrate_filters(&refusing_target("no such text").await, &mut discovery, "t").await;
        assert_eq!(
            discovery
                .capabilities
                .refused_filter_attribute("name.familyName"),
            None
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(UserNameForm::Plain.shape("u-1"), "u-1");
        assert_eq!(UserNameForm::Email.shape("u-1"), "u-1@scimspec.example");
    }
}
