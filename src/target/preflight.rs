//! The preflight check of a suite run: before calibration and any case, a few GETs tell a
//! wrong token or a wrong base URL from real non-conformance. Credentials answered with 401
//! (or 403 on `/Users`) stop the run; a base URL where nothing answers like SCIM stops it
//! too, naming a nearby base that does (`<base>/scim/v2`, `<base>/v2`, `<base>/scim`).

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use thiserror::Error;

use crate::http::{Credentials, Exchange, HttpClient, OutgoingRequest};

/// The endpoints the preflight reads, relative to the base URL: discovery (RFC 7644 §4) and
/// the first page of Users (RFC 7644 §3.4.2.4).
const PROBES: [&str; 4] = [
    "/ServiceProviderConfig",
    "/ResourceTypes",
    "/Schemas",
    "/Users?startIndex=1&count=1",
];

/// The longest a probe is waited for: a target slower than this proves nothing wrong here,
/// and its cases will say how slow it is.
const PROBE_WAIT: Duration = Duration::from_secs(5);

/// What every SCIM URN starts with (RFC 7643 §10.2).
const SCIM_URN_PREFIX: &str = "urn:ietf:params:scim:";

/// The suffixes tried on a base URL that does not answer like SCIM, in order.
const LIKELY_SUFFIXES: [&str; 3] = ["/scim/v2", "/v2", "/scim"];

/// Why the preflight stopped the run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PreflightError {
    /// The target refused the credentials.
    #[error(
        "preflight: the target refused the credentials ({credentials}): GET {endpoint} answered \
         {status}. Check the token or user and password (--token, --basic, --client-id/\
         --client-secret or the config file), that it has not expired and may read Users, and \
         that --target is the SCIM base URL. No case was run (--no-preflight runs them anyway)."
    )]
    Credentials {
        endpoint: String,
        status: u16,
        /// What kind of credentials were sent (never the secret): `bearer token`, `none`, …
        credentials: String,
    },
    /// Nothing at the base URL answers like a SCIM service provider.
    #[error(
        "preflight: {base} does not look like a SCIM base URL ({seen}). {advice} No case was \
         run (--no-preflight runs them anyway)."
    )]
    NotScimBase {
        base: String,
        /// What each probe answered, e.g. `/Users 404 text/html`.
        seen: Answers,
        advice: Advice,
    },
}

/// What each probe answered, shown in one parenthesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers(pub Vec<String>);

impl fmt::Display for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

/// The base URL to try instead, if one nearby answered like SCIM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub likely: Option<String>,
    pub tried: Vec<String>,
}

impl fmt::Display for Advice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.likely {
            Some(base) => write!(
                f,
                "{base} answers like a SCIM service provider: try --target {base}."
            ),
            None => write!(
                f,
                "None of {} answers like SCIM either: check --target (the SCIM base is the URL \
                 that /Users and /ServiceProviderConfig follow, often ending in /scim/v2).",
                self.tried.join(", ")
            ),
        }
    }
}

/// How one probe was answered.
#[derive(Debug, Clone)]
struct Answer {
    endpoint: &'static str,
    status: u16,
    content_type: String,
    json: Option<Value>,
    /// The body is not empty.
    has_body: bool,
}

impl Answer {
    /// A body only a SCIM service provider writes: a `schemas` list naming a SCIM URN, or a
    /// bare list of resource types or schemas (some targets answer discovery with an array).
    fn is_scim(&self) -> bool {
        match &self.json {
            Some(Value::Array(_)) => (200..300).contains(&self.status),
            Some(json) => json
                .get("schemas")
                .and_then(Value::as_array)
                .is_some_and(|s| {
                    s.iter()
                        .filter_map(Value::as_str)
                        .any(|u| u.starts_with(SCIM_URN_PREFIX))
                }),
            None => false,
        }
    }

    fn shown(&self) -> String {
        let endpoint = self.endpoint.split('?').next().unwrap_or(self.endpoint);
        let kind = if self.json.is_some() {
            if self.is_scim() {
                "SCIM JSON".to_string()
            } else {
                "JSON".to_string()
            }
        } else if self.content_type.is_empty() {
            "no content type".to_string()
        } else {
            self.content_type.clone()
        };
        format!("{endpoint} {} {kind}", self.status)
    }
}

/// Sends one probe, waiting at most [`PROBE_WAIT`]; `None` when no answer came.
async fn send(client: &HttpClient, request: &OutgoingRequest) -> Option<Exchange> {
    match tokio::time::timeout(PROBE_WAIT, client.send(request)).await {
        Ok(Ok(exchange)) => Some(exchange),
        _ => None,
    }
}

async fn probe(client: &HttpClient, endpoint: &'static str) -> Option<Answer> {
    let (path, query) = split_endpoint(endpoint);
    let mut request = OutgoingRequest::get(path);
    request.query = query;
    let response = send(client, &request).await?.response;
    Some(Answer {
        endpoint,
        status: response.status,
        content_type: response
            .header("content-type")
            .map(|c| c.split(';').next().unwrap_or(c).trim().to_string())
            .unwrap_or_default(),
        json: response.json,
        has_body: !response.body.trim().is_empty(),
    })
}

/// `/Users?startIndex=1&count=1` → `/Users` and its query pairs.
fn split_endpoint(endpoint: &str) -> (&str, Vec<(String, String)>) {
    match endpoint.split_once('?') {
        None => (endpoint, Vec::new()),
        Some((path, query)) => (
            path,
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
    }
}

/// The credentials are refused when `/Users` answers 401 or 403, or a discovery endpoint 401.
fn refused(answers: &[Answer]) -> Option<&Answer> {
    answers
        .iter()
        .find(|a| a.status == 401 || (a.status == 403 && a.endpoint.starts_with("/Users")))
}

/// The base answers like SCIM when any probe answered a SCIM body or 2xx JSON.
fn answers_like_scim(answers: &[Answer]) -> bool {
    answers
        .iter()
        .any(|a| a.is_scim() || ((200..300).contains(&a.status) && a.json.is_some()))
}

/// The bases to try instead of `base`: the likely suffixes, and the base without a trailing
/// resource endpoint (`…/scim/v2/Users` → `…/scim/v2`).
pub fn likely_bases(base: &str) -> Vec<String> {
    let (path, _) = base.split_once('?').unwrap_or((base, ""));
    let path = path.trim_end_matches('/');
    let mut bases = Vec::new();
    for endpoint in [
        "/Users",
        "/Groups",
        "/ServiceProviderConfig",
        "/ResourceTypes",
        "/Schemas",
    ] {
        if let Some(parent) = path.strip_suffix(endpoint) {
            bases.push(parent.to_string());
        }
    }
    for suffix in LIKELY_SUFFIXES {
        if !path.ends_with(suffix) {
            bases.push(format!("{path}{suffix}"));
        }
    }
    bases
}

/// One GET of `/ServiceProviderConfig` under `base`: does it answer like SCIM?
async fn answers_at(client: &HttpClient, base: &str) -> bool {
    let request = OutgoingRequest::get(format!("{base}/ServiceProviderConfig"));
    match send(client, &request).await {
        Some(exchange) => {
            let answer = Answer {
                endpoint: "/ServiceProviderConfig",
                status: exchange.response.status,
                content_type: String::new(),
                json: exchange.response.json,
                has_body: true,
            };
            (200..300).contains(&answer.status) && answer.is_scim()
        }
        None => false,
    }
}

/// Checks the credentials and the base URL. `Err`: the run must stop. A probe the target
/// does not answer (timeout, reset, a body too large) proves nothing: the cases report it.
pub async fn check(client: &HttpClient) -> Result<(), PreflightError> {
    let mut answers = Vec::with_capacity(PROBES.len());
    for endpoint in PROBES {
        if let Some(answer) = probe(client, endpoint).await {
            answers.push(answer);
        }
    }
    if let Some(refusal) = refused(&answers) {
        return Err(PreflightError::Credentials {
            endpoint: refusal.endpoint.to_string(),
            status: refusal.status,
            credentials: match client.credentials() {
                Credentials::None => "none were given".into(),
                given => given.describe(),
            },
        });
    }
    let likely_here = answers_like_scim(&answers);
    let all_missing = answers.len() == PROBES.len()
        && answers.iter().all(|a| a.status == 404 || a.json.is_none());
    if !all_missing {
        return Ok(());
    }
    // Every probe missed: a nearby base that answers is the likely mistake.
    let tried = likely_bases(client.base_url());
    for base in &tried {
        if answers_at(client, base).await {
            return Err(not_scim(client, &answers, Some(base.clone()), tried));
        }
    }
    // A SCIM service provider answering SCIM errors everywhere, or a bare test double
    // answering empty 404s: their defects are for the cases to report. A web page is not.
    let web_page = answers.iter().any(|a| a.json.is_none() && a.has_body);
    if likely_here || !web_page {
        return Ok(());
    }
    Err(not_scim(client, &answers, None, tried))
}

fn not_scim(
    client: &HttpClient,
    answers: &[Answer],
    likely: Option<String>,
    tried: Vec<String>,
) -> PreflightError {
    PreflightError::NotScimBase {
        base: client.base_url().to_string(),
        seen: Answers(answers.iter().map(Answer::shown).collect()),
        advice: Advice { likely, tried },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::urn;

    fn answer(endpoint: &'static str, status: u16, json: Option<Value>) -> Answer {
        Answer {
            endpoint,
            status,
            content_type: if json.is_some() {
                "application/scim+json".into()
            } else {
                "text/html".into()
            },
            has_body: json.is_none(),
            json,
        }
    }

    #[test]
    fn a_401_anywhere_or_a_403_on_users_is_a_refusal() {
        let ok = answer("/Schemas", 200, Some(serde_json::json!([])));
        assert!(refused(std::slice::from_ref(&ok)).is_none());
        let denied = answer("/ResourceTypes", 401, None);
        assert_eq!(
            refused(&[ok.clone(), denied]).map(|a| a.endpoint),
            Some("/ResourceTypes")
        );
        // A 403 on discovery alone may be a narrower scope, not a wrong token.
        assert!(refused(&[answer("/Schemas", 403, None)]).is_none());
        let users = answer("/Users?startIndex=1&count=1", 403, None);
        assert!(refused(&[users]).is_some());
    }

    #[test]
    fn scim_bodies_are_told_from_other_json() {
        let error = serde_json::json!({"schemas": [urn::ERROR], "status": "404"});
        assert!(answer("/Users", 404, Some(error)).is_scim());
        assert!(!answer("/Users", 404, Some(serde_json::json!({"error": "nope"}))).is_scim());
        assert!(!answer("/Users", 404, None).is_scim());
        let html = answer("/Users?startIndex=1&count=1", 404, None);
        assert_eq!(html.shown(), "/Users 404 text/html");
    }

    #[test]
    fn likely_bases_add_the_usual_suffixes_and_drop_a_resource_endpoint() {
        assert_eq!(
            likely_bases("https://h.example/"),
            [
                "https://h.example/scim/v2",
                "https://h.example/v2",
                "https://h.example/scim"
            ]
        );
        assert_eq!(
            likely_bases("https://h.example/scim/v2/Users"),
            [
                "https://h.example/scim/v2",
                "https://h.example/scim/v2/Users/scim/v2",
                "https://h.example/scim/v2/Users/v2",
                "https://h.example/scim/v2/Users/scim"
            ]
        );
        assert_eq!(
            likely_bases("https://h.example/scim"),
            [
                "https://h.example/scim/scim/v2",
                "https://h.example/scim/v2"
            ]
        );
    }

    #[test]
    fn the_messages_name_the_status_and_what_to_check() {
        let e = PreflightError::Credentials {
            endpoint: "/Users?startIndex=1&count=1".into(),
            status: 401,
            credentials: "bearer token".into(),
        };
        let text = e.to_string();
        assert!(text.contains("answered 401"), "{text}");
        assert!(text.contains("--token"), "{text}");
        let e = PreflightError::NotScimBase {
            base: "http://h".into(),
            seen: Answers(vec!["/Users 404 text/html".into()]),
            advice: Advice {
                likely: Some("http://h/scim/v2".into()),
                tried: vec![],
            },
        };
        assert!(e.to_string().contains("try --target http://h/scim/v2"));
    }
}
