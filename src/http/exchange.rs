//! One recorded request and its answer, and their redacted rendering for transcripts.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use super::redact::Redactor;

/// What was sent.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
}

impl RecordedResponse {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request and its response, kept for the case's transcript.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: RecordedResponse,
    pub elapsed: Duration,
}

const MAX_BODY_SHOWN: usize = 16 * 1024;

/// The body pretty-printed when it is JSON, secrets masked and control characters escaped
/// before it is cut to [`MAX_BODY_SHOWN`] (so no cut leaves half a secret).
fn shown_body(body: &str, redactor: &Redactor) -> String {
    let pretty = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string());
    let pretty = redactor.show(&pretty);
    if pretty.len() > MAX_BODY_SHOWN {
        let mut cut = MAX_BODY_SHOWN;
        while !pretty.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}\n… ({} more bytes)", &pretty[..cut], pretty.len() - cut)
    } else {
        pretty
    }
}

impl Exchange {
    /// A human-readable, redacted rendering: request line, headers, body; status, headers, body.
    /// Secrets are masked and control characters escaped ([`Redactor::show`]).
    pub fn render(&self, redactor: &Redactor) -> String {
        let mut out = String::new();
        let req = &self.request;
        let _ = writeln!(
            out,
            "> {} {}",
            redactor.show(&req.method),
            redactor.show(&req.url)
        );
        for (name, value) in &req.headers {
            let _ = writeln!(
                out,
                "> {}: {}",
                redactor.show(name),
                redactor.header_value(name, value)
            );
        }
        if let Some(body) = &req.body {
            for line in shown_body(body, redactor).lines() {
                let _ = writeln!(out, "> {line}");
            }
        }
        let res = &self.response;
        let _ = writeln!(out, "< {} ({} ms)", res.status, self.elapsed.as_millis());
        for (name, value) in &res.headers {
            let _ = writeln!(
                out,
                "< {}: {}",
                redactor.show(name),
                redactor.header_value(name, value)
            );
        }
        if !res.body.is_empty() {
            for line in shown_body(&res.body, redactor).lines() {
                let _ = writeln!(out, "< {line}");
            }
        }
        out
    }
}
