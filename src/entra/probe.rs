//! `scimspec probe` — Entra's Test Connection, exactly: `GET /Users?filter=<matching attribute>
//! eq "<random GUID>"`, encoded as Entra encodes it, passing only on 200 with an empty
//! ListResponse; then the random group probe Entra also makes. Every other answer is explained
//! in Entra's terms.

use std::fmt::Write as _;

use serde_json::Value;

use crate::http::{Exchange, HttpClient, HttpError, OutgoingRequest, RecordedResponse, Redactor};
use crate::scim::pointer;
use crate::scim::text::{percent_encode, Percent};
use crate::scim::urn::LIST_RESPONSE;

/// Encodes a query component as Entra puts it on the wire: `+` for spaces, `%22` for quotes.
pub fn entra_encode(s: &str) -> String {
    percent_encode(
        s,
        Percent {
            space_as_plus: true,
            ..Percent::default()
        },
    )
}

/// The path of Entra's matching query: `/Users?filter=userName+eq+%22…%22`.
pub fn filter_path(
    collection: &str,
    attribute: &str,
    value: &str,
    exclude_members: bool,
) -> String {
    let filter = format!("{attribute} eq \"{}\"", value.replace('"', "\\\""));
    let exclude = if exclude_members {
        "excludedAttributes=members&"
    } else {
        ""
    };
    format!("/{collection}?{exclude}filter={}", entra_encode(&filter))
}

/// The verdict on one probe request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckVerdict {
    Pass,
    /// Entra's Test Connection fails.
    Fail,
    /// Works, with a caveat (or a probe Entra is only reported to make).
    Warn,
}

impl CheckVerdict {
    pub fn label(self) -> &'static str {
        match self {
            CheckVerdict::Pass => "PASS",
            CheckVerdict::Fail => "FAIL",
            CheckVerdict::Warn => "WARN",
        }
    }
}

/// One request of the probe, judged.
#[derive(Debug, Clone)]
pub struct ProbeCheck {
    pub name: String,
    /// `GET <url>` (secrets redacted).
    pub request: String,
    pub status: u16,
    pub verdict: CheckVerdict,
    /// What Entra makes of the answer.
    pub explanation: String,
    /// Remarks that do not change the verdict.
    pub notes: Vec<String>,
    /// The redacted exchange.
    pub transcript: String,
}

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The SCIM attribute Entra matches users on, e.g. `userName`, `externalId`,
    /// `emails[type eq "work"].value`.
    pub matching: String,
    /// Also make the random group probe.
    pub group_probe: bool,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            matching: "userName".into(),
            group_probe: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub target: String,
    pub matching: String,
    pub checks: Vec<ProbeCheck>,
}

impl ProbeReport {
    /// Test Connection succeeds when no check failed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.verdict != CheckVerdict::Fail)
    }

    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Entra Test Connection against {} (matching attribute: {})",
            self.target, self.matching
        );
        for c in &self.checks {
            let _ = writeln!(out, "\n  {}: {}", c.name, c.request);
            let _ = writeln!(
                out,
                "  {}  {} — {}",
                c.verdict.label(),
                c.status,
                c.explanation
            );
            for note in &c.notes {
                let _ = writeln!(out, "        note: {note}");
            }
            if verbose {
                for line in c.transcript.lines() {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
        let _ = writeln!(
            out,
            "\nTest Connection: {}",
            if self.passed() {
                "succeeded — Entra can connect to this endpoint with these credentials"
            } else {
                "FAILED — Entra reports the connection as failing, and a running job would be quarantined"
            }
        );
        out
    }
}

/// What Entra makes of an answer to a matching query for a value that cannot exist.
/// `group` marks the group probe, whose failures Entra is only reported (by implementers) to
/// treat as a failed Test Connection.
pub fn judge(
    status: u16,
    content_type: Option<&str>,
    body: &str,
    json: Option<&Value>,
    attribute: &str,
) -> (CheckVerdict, String, Vec<String>) {
    use CheckVerdict::{Fail, Pass};
    let mut notes = Vec::new();
    let scim_json = content_type.is_some_and(|ct| ct.contains("application/scim+json"));
    let looks_html = body.trim_start().starts_with('<');
    let (verdict, explanation) = match status {
        200 => match json {
            None => (
                Fail,
                format!(
                    "the answer is not JSON{}: Entra reports SystemForCrossDomainIdentityManagementServiceIncompatible \
                     (it cannot parse the response) and Test Connection fails",
                    if looks_html { " (an HTML page)" } else { "" }
                ),
            ),
            Some(json) => {
                let total = pointer::get(json, "/totalResults").and_then(Value::as_u64);
                let resources = pointer::get(json, "/Resources")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                let is_list = pointer::get(json, "/schemas")
                    .and_then(Value::as_array)
                    .is_some_and(|s| s.iter().any(|u| u.as_str() == Some(LIST_RESPONSE)));
                match total {
                    None => (
                        Fail,
                        "200 but not a ListResponse (no totalResults): Entra cannot read the answer \
                         (SystemForCrossDomainIdentityManagementServiceIncompatible) and Test Connection fails"
                            .to_string(),
                    ),
                    Some(0) if resources == 0 => {
                        if !is_list {
                            notes.push(format!(
                                "the answer's schemas does not list {LIST_RESPONSE} (RFC 7644 §3.4.2)"
                            ));
                        }
                        (
                            Pass,
                            "200 OK with an empty ListResponse, exactly what Entra expects".to_string(),
                        )
                    }
                    Some(n) => (
                        Fail,
                        format!(
                            "a random GUID matched {} resource(s): the filter on {attribute} is ignored or \
                             not applied, so Entra would match the wrong objects — updating someone else, \
                             or stopping with DuplicateTargetEntries",
                            n.max(resources as u64)
                        ),
                    ),
                }
            }
        },
        404 => (
            Fail,
            "Entra would quarantine this job: SCIM compliance issue — \"An HTTP/404 Not Found response \
             was returned rather than the expected HTTP/200 OK response\"; a query that matches nothing \
             must answer 200 with an empty ListResponse"
                .to_string(),
        ),
        401 | 403 => {
            if looks_html {
                notes.push(
                    "the refusal is an HTML page: if a proxy, WAF or CDN answered rather than your SCIM \
                     service, note that Entra may send no User-Agent header"
                        .to_string(),
                );
            }
            (
                Fail,
                "invalid credentials: Entra's Test Connection reports the Secret Token as invalid, and a \
                 running job goes to quarantine (EncounteredQuarantineException)"
                    .to_string(),
            )
        }
        400 => (
            Fail,
            format!(
                "the query was refused: the endpoint cannot filter on {attribute} as Entra sends it \
                 ('+' for spaces, %22 for quotes, operator eq); Test Connection fails and no object can be matched"
            ),
        ),
        429 => (
            Fail,
            "rate limited: Test Connection fails; Entra needs the endpoint to sustain at least 25 requests \
             per second per tenant"
                .to_string(),
        ),
        300..=399 => (
            Fail,
            "a redirect instead of an answer: configure the final SCIM base URL as Entra's Tenant URL"
                .to_string(),
        ),
        500..=599 => (
            Fail,
            format!(
                "the endpoint failed ({status}): Test Connection fails, and at the start of a cycle this is a \
                 global failure that sends the job to quarantine"
            ),
        ),
        other => (
            Fail,
            format!("unexpected status {other}: Entra expects 200 OK with an empty ListResponse"),
        ),
    };
    if verdict == Pass && !scim_json {
        notes.push(format!(
            "Content-Type is {}, not application/scim+json; Microsoft asks for application/scim+json on every \
             response and its SCIM Validator aborts on anything else",
            content_type.unwrap_or("absent")
        ));
    }
    (verdict, explanation, notes)
}

/// [`judge`] of a recorded answer.
pub fn judge_response(
    res: &RecordedResponse,
    attribute: &str,
) -> (CheckVerdict, String, Vec<String>) {
    judge(
        res.status,
        res.header("content-type"),
        &res.body,
        res.json.as_ref(),
        attribute,
    )
}

async fn check(
    client: &HttpClient,
    redactor: &Redactor,
    name: &str,
    path: String,
    attribute: &str,
) -> Result<(ProbeCheck, Exchange), HttpError> {
    let exchange = client.send(&OutgoingRequest::get(path)).await?;
    let res = &exchange.response;
    let (verdict, explanation, notes) = judge_response(res, attribute);
    let check = ProbeCheck {
        name: name.to_string(),
        request: format!("GET {}", redactor.redact(&exchange.request.url)),
        status: res.status,
        verdict,
        explanation,
        notes,
        transcript: exchange.render(redactor),
    };
    Ok((check, exchange))
}

/// Runs Entra's Test Connection against the client's target.
pub async fn probe(
    client: &HttpClient,
    redactor: &Redactor,
    options: &ProbeOptions,
) -> Result<ProbeReport, HttpError> {
    let mut checks = Vec::new();
    let guid = uuid::Uuid::new_v4().to_string();
    let (user, _) = check(
        client,
        redactor,
        "User probe (Test Connection)",
        filter_path("Users", &options.matching, &guid, false),
        &options.matching,
    )
    .await?;
    checks.push(user);
    if options.group_probe {
        let guid = uuid::Uuid::new_v4().to_string();
        let (mut group, _) = check(
            client,
            redactor,
            "Group probe (Entra also fetches a random group)",
            filter_path("Groups", "displayName", &guid, true),
            "displayName",
        )
        .await?;
        // Microsoft documents the group fetch but not its outcome; implementers report a
        // failed Test Connection on a /Groups 404. A refused credential is a failure either way.
        if group.verdict == CheckVerdict::Fail && !matches!(group.status, 401 | 403) {
            group.verdict = CheckVerdict::Warn;
            group.explanation = format!(
                "{} (implementers report Test Connection failing with \
                 SystemForCrossDomainIdentityManagementServiceIncompatible here even with group \
                 provisioning off; answer /Groups with 200 and an empty list; --no-group-probe skips this)",
                group.explanation
            );
        }
        checks.push(group);
    }
    Ok(ProbeReport {
        target: client.base_url().to_string(),
        matching: options.matching.clone(),
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encodes_like_entra() {
        assert_eq!(
            filter_path("Users", "userName", "cf4d78e8-cc4f", false),
            "/Users?filter=userName+eq+%22cf4d78e8-cc4f%22"
        );
        assert_eq!(
            filter_path("Users", "emails[type eq \"work\"].value", "x@y", false),
            "/Users?filter=emails%5Btype+eq+%22work%22%5D.value+eq+%22x%40y%22"
        );
        assert!(filter_path("Groups", "displayName", "g", true)
            .starts_with("/Groups?excludedAttributes=members&filter="));
    }

    fn empty_list() -> Value {
        json!({"schemas": [LIST_RESPONSE], "totalResults": 0, "Resources": []})
    }

    #[test]
    fn only_200_with_an_empty_list_passes() {
        let ok = judge(
            200,
            Some("application/scim+json"),
            "{}",
            Some(&empty_list()),
            "userName",
        );
        assert_eq!(ok.0, CheckVerdict::Pass);
        assert!(ok.2.is_empty());

        let hit = json!({"schemas": [LIST_RESPONSE], "totalResults": 3, "Resources": [{}, {}, {}]});
        let (v, why, _) = judge(
            200,
            Some("application/scim+json"),
            "{}",
            Some(&hit),
            "userName",
        );
        assert_eq!(v, CheckVerdict::Fail);
        assert!(why.contains("DuplicateTargetEntries"), "{why}");

        let (v, why, _) = judge(200, Some("text/html"), "<html>", None, "userName");
        assert_eq!(v, CheckVerdict::Fail);
        assert!(why.contains("HTML"), "{why}");
    }

    #[test]
    fn explains_failures_in_entra_terms() {
        let (v, why, _) = judge(404, None, "", None, "userName");
        assert_eq!(v, CheckVerdict::Fail);
        assert!(
            why.contains("Entra would quarantine this job: SCIM compliance issue"),
            "{why}"
        );
        for status in [401, 403] {
            let (v, why, _) = judge(status, None, "", None, "userName");
            assert_eq!(v, CheckVerdict::Fail);
            assert!(why.starts_with("invalid credentials"), "{why}");
        }
        let (_, why, _) = judge(400, None, "", None, "externalId");
        assert!(why.contains("externalId"), "{why}");
        let (_, why, _) = judge(500, None, "", None, "userName");
        assert!(why.contains("quarantine"), "{why}");
    }

    #[test]
    fn notes_a_plain_json_content_type() {
        let (v, _, notes) = judge(
            200,
            Some("application/json"),
            "{}",
            Some(&empty_list()),
            "userName",
        );
        assert_eq!(v, CheckVerdict::Pass);
        assert!(notes[0].contains("application/scim+json"), "{notes:?}");
    }
}
