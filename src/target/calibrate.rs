//! Calibration: what the target accepts, learnt by trying before any case runs, so that cases
//! send data in the target's own shape (RFC 7644 §3.1: "A SCIM service provider interprets a
//! request in the context of its own schema"). The form of `userName` — a plain string, or an
//! email address where the target requires that format (RFC 7643 §2.3.1 L488-490: a string
//! "MAY specify a required data format") — and the simple User attributes the target does not
//! keep as sent (RFC 7644 §3.3 L607-608: the server "is free to alter and/or ignore POSTed
//! content"), which no case then reads back. Every calibration request is recorded in the
//! discovery notes, and whatever it created is deleted.

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

/// Tries a User create with a plain userName, then with an email-shaped one; deletes what it
/// created. Skipped when discovery says the target has no Users.
pub async fn calibrate(client: &HttpClient, discovery: &mut Discovery, run: &str) -> Calibration {
    let mut calibration = Calibration::default();
    if !discovery
        .capabilities
        .supports(crate::load::Capability::Users)
    {
        return calibration;
    }
    let unique = format!("scimspec-{run}-calibration");
    for form in [UserNameForm::Plain, UserNameForm::Email] {
        let user_name = form.shape(&unique);
        let mut request = OutgoingRequest::get("/Users");
        request.method = "POST".into();
        let mut body = json!({"schemas": [urn::USER], "userName": user_name});
        discovery
            .required
            .complete_request("POST", "/Users", &mut body);
        request.body = Some(body.to_string());
        request
            .headers
            .push(("Content-Type".into(), "application/scim+json".into()));
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
    let mut request = OutgoingRequest::get("/Users");
    request.method = "POST".into();
    request.body = Some(body.to_string());
    request
        .headers
        .push(("Content-Type".into(), "application/scim+json".into()));
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
    fn shapes() {
        assert_eq!(UserNameForm::Plain.shape("u-1"), "u-1");
        assert_eq!(UserNameForm::Email.shape("u-1"), "u-1@scimspec.example");
    }
}
