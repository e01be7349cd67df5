//! The console's account of a failed or errored case: its one-line head, then what it tested
//! (title, requirement, spec), what broke (each expectation and what came back) and the
//! exchange it broke on — the request line, the status and the bodies folded onto a line and
//! cut — or, verbose, its whole transcript.

use std::fmt::Write as _;

use crate::load::CaseInfo;
use crate::run::failing::{failing_exchange, RecordedExchange};
use crate::run::CaseResult;
use crate::scim::text;

/// The most characters of a head's message, or of a body in the exchange.
const HEAD_MESSAGE: usize = 200;
const BODY: usize = 300;

/// `fail  id — why`, on one line.
pub fn head(case: &CaseInfo, result: &CaseResult) -> String {
    let message = text::single_line(result.message.as_deref().unwrap_or_default());
    format!(
        "{:<5} {} — {}",
        result.outcome.as_str(),
        case.id,
        text::truncate(&message, HEAD_MESSAGE)
    )
}

/// The head, then what the case tested, what broke, and the exchange it broke on (every
/// exchange when `verbose`).
pub fn detail(case: &CaseInfo, result: &CaseResult, verbose: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", result.outcome.as_str(), case.id);
    let _ = writeln!(out, "    {}", case.title);
    if let Some(requirement) = &case.requirement {
        let _ = writeln!(out, "    requirement: {}", text::single_line(requirement));
    }
    let _ = writeln!(out, "    spec: {} ({})", case.spec, case.level.as_str());
    out.push_str(&what_broke(case, result));
    if verbose {
        if !result.transcript.is_empty() {
            let _ = writeln!(out, "    transcript:");
            for line in result.transcript.lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
    } else if let Some(exchange) = failing_exchange(&result.transcript) {
        out.push_str(&excerpt(&exchange, &result.problems));
    }
    out
}

/// Why the case did not pass: the message without the spec it repeats, and each broken
/// expectation on its own line.
fn what_broke(case: &CaseInfo, result: &CaseResult) -> String {
    let message = result.message.as_deref().unwrap_or_default();
    let message = message
        .strip_prefix(&format!("{} ({}) ", case.spec, case.level.as_str()))
        .unwrap_or(message);
    let joined = result.problems.join("; ");
    let mut out = String::new();
    match message.strip_suffix(&joined).filter(|_| !joined.is_empty()) {
        Some(lead) => {
            let _ = writeln!(out, "    {}", lead.trim_end().trim_end_matches(':'));
            for problem in &result.problems {
                let _ = writeln!(out, "      - {}", text::single_line(problem));
            }
        }
        None => {
            let _ = writeln!(out, "    {}", text::single_line(message));
        }
    }
    out
}

/// The exchange shortly: the request line and body, the status, the response headers the
/// problems name, and the response body, each body folded onto a line and cut.
fn excerpt(exchange: &RecordedExchange<'_>, problems: &[String]) -> String {
    let mut out = format!("    exchange ({}):\n", exchange.label);
    let mut request_body = String::new();
    let mut response_body = String::new();
    let mut answered = false;
    for line in exchange.text.lines() {
        if let Some(rest) = line.strip_prefix("> ") {
            if out.ends_with("):\n") {
                let _ = writeln!(out, "      > {rest}");
            } else if !is_header(rest) {
                request_body.push_str(rest);
                request_body.push('\n');
            }
        } else if let Some(rest) = line.strip_prefix("< ") {
            if !answered {
                answered = true;
                flush_body(&mut out, ">", &request_body);
                let status = rest.split(" (").next().unwrap_or(rest);
                let _ = writeln!(out, "      < {status}");
            } else if is_header(rest) && response_body.is_empty() {
                if named_by(rest, problems) {
                    let _ = writeln!(out, "      < {rest}");
                }
            } else {
                response_body.push_str(rest);
                response_body.push('\n');
            }
        } else if let Some(rest) = line.strip_prefix("! ") {
            flush_body(&mut out, ">", &request_body);
            request_body.clear();
            let _ = writeln!(out, "      ! {rest}");
        }
    }
    if !answered {
        flush_body(&mut out, ">", &request_body);
    }
    flush_body(&mut out, "<", &response_body);
    out
}

fn flush_body(out: &mut String, arrow: &str, body: &str) {
    if !body.trim().is_empty() {
        let folded = text::truncate(&text::single_line(body), BODY);
        let _ = writeln!(out, "      {arrow} {folded}");
    }
}

/// `Content-Type: application/scim+json`: a header line of a rendered exchange.
fn is_header(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b))
    })
}

/// True when a problem is about the header on `line`.
fn named_by(line: &str, problems: &[String]) -> bool {
    let name = line
        .split(": ")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    problems
        .iter()
        .any(|p| p.to_ascii_lowercase().contains(&format!("header {name}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Outcome;

    fn case() -> CaseInfo {
        let mut info = crate::report::compare::tests::case("c-201", "RFC7644 §3.3 L601");
        info.title = "POST /Users answers 201".into();
        info.requirement = Some("A created resource MUST be\n answered with 201.".into());
        info
    }

    fn failed() -> CaseResult {
        let mut r = CaseResult::skipped("c-201", "");
        r.outcome = Outcome::Fail;
        r.problems = vec![
            "header Location: expected a value, got absent".into(),
            "expected status 201, got 200".into(),
        ];
        r.message = Some(format!(
            "RFC7644 §3.3 L601 (MUST) broken at step 1 'create': {}",
            r.problems.join("; ")
        ));
        r.transcript = "--- step 1 'create'\n> POST http://t/Users\n> Authorization: Bearer [REDACTED]\n> {\n>   \"userName\": \"u\"\n> }\n< 200 (3 ms)\n< Content-Type: application/scim+json\n< Location: elsewhere\n< {\n<   \"id\": \"1\"\n< }\n--- cleanup (created by the case)\n> DELETE http://t/Users/1\n< 204 (1 ms)\n".into();
        r
    }

    #[test]
    fn a_failure_shows_what_it_tested_what_broke_and_the_exchange() {
        let text = detail(&case(), &failed(), false);
        assert_eq!(
            text,
            "fail — c-201\n    POST /Users answers 201\n    requirement: A created resource MUST be answered with 201.\n    spec: RFC7644 §3.3 L601 (MUST)\n    broken at step 1 'create'\n      - header Location: expected a value, got absent\n      - expected status 201, got 200\n    exchange (step 1 'create'):\n      > POST http://t/Users\n      > { \"userName\": \"u\" }\n      < 200\n      < Location: elsewhere\n      < { \"id\": \"1\" }\n"
        );
    }

    #[test]
    fn verbose_shows_the_whole_transcript() {
        let text = detail(&case(), &failed(), true);
        assert!(
            text.contains("      --- cleanup (created by the case)\n"),
            "{text}"
        );
        assert!(!text.contains("exchange ("), "{text}");
    }

    #[test]
    fn the_head_is_one_line() {
        let head = head(&case(), &failed());
        assert!(
            head.starts_with("fail  c-201 — RFC7644 §3.3 L601 (MUST) broken"),
            "{head}"
        );
        assert!(!head.contains('\n'));
    }

    #[test]
    fn a_transport_error_shows_the_request_and_the_error() {
        let mut r = failed();
        r.outcome = Outcome::Error;
        r.problems.clear();
        r.message = Some("step 1: connection reset".into());
        r.transcript = "--- step 1\n> GET http://t/Users\n! connection reset\n".into();
        let text = detail(&case(), &r, false);
        assert!(
            text.ends_with("    step 1: connection reset\n    exchange (step 1):\n      > GET http://t/Users\n      ! connection reset\n"),
            "{text}"
        );
    }
}
