//! Grades one step whose expectations (or captures) did not hold: which outcome the case
//! gets, and the one line saying why. The rules that keep the suite from crying wolf live
//! here: a broken MAY is informational, a 5xx is never a skip, a precondition is an error.

use super::outcome::Outcome;
use crate::load::{Level, Step};

/// How a step's broken expectations end its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepVerdict {
    pub outcome: Outcome,
    pub message: String,
}

/// What the case is and what its step is, as grading needs them.
#[derive(Debug, Clone, Copy)]
pub struct Graded<'a> {
    /// The case's spec reference, e.g. `RFC7644 §3.3 L623`.
    pub spec: &'a str,
    pub level: Level,
    pub setup: bool,
    pub assume: bool,
    /// e.g. `step 2 'read created'`.
    pub label: &'a str,
}

impl<'a> Graded<'a> {
    pub fn new(spec: &'a str, level: Level, step: &Step, label: &'a str) -> Self {
        Self {
            spec,
            level,
            setup: step.setup,
            assume: step.assume,
            label,
        }
    }
}

/// A server error other than 501: the target failed, it did not decline. RFC 7644 §3.12
/// Table 8 gives 501 (Not Implemented) as the answer for an operation a service provider
/// does not support, so only 501 says "not here".
fn is_server_failure(status: u16) -> bool {
    (500..600).contains(&status) && status != 501
}

/// A broken expectation as a skip reason says it: a long JSON value that came back is
/// described (`an array of 23 elements`), not dumped.
fn in_words(problem: &str) -> String {
    const LONGEST: usize = 80;
    let Some((expected, got)) = problem.split_once(", got ") else {
        return problem.to_string();
    };
    if got.chars().count() <= LONGEST || !(got.starts_with('[') || got.starts_with('{')) {
        return problem.to_string();
    }
    let described = match serde_json::from_str::<serde_json::Value>(got) {
        Ok(serde_json::Value::Array(items)) => format!(
            "an array of {} element{}",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
        Ok(serde_json::Value::Object(map)) => {
            let keys: Vec<&str> = map.keys().take(5).map(String::as_str).collect();
            let more = if map.len() > keys.len() { ", …" } else { "" };
            format!("an object with {}{more}", keys.join(", "))
        }
        _ if got.starts_with('[') => "a long array".to_string(),
        _ => "a long object".to_string(),
    };
    format!("{expected}, got {described}")
}

/// The outcome of a step whose `problems` (broken expectations, failed captures) are not
/// empty, given the status the target answered.
///
/// - an `assume` step: the case does not apply (skip) — unless the target answered a 5xx
///   other than 501, which is the target failing, so the case is an error;
/// - a `setup` step: a precondition did not hold (error);
/// - a tested step: MUST → fail, SHOULD → warn, MAY → pass with a note (a MAY is the
///   target's choice: it is reported, never held against it).
pub fn grade(step: Graded<'_>, status: u16, problems: &[String]) -> StepVerdict {
    let why = problems.join("; ");
    let label = step.label;
    if step.assume {
        if is_server_failure(status) {
            return StepVerdict {
                outcome: Outcome::Error,
                message: format!(
                    "the target failed with {status} at {label}, so whether the case applies \
                     is unknown: {why}"
                ),
            };
        }
        let words: Vec<String> = problems.iter().map(|p| in_words(p)).collect();
        return StepVerdict {
            outcome: Outcome::Skip,
            message: format!(
                "does not apply to this target ({label}): {}",
                words.join("; ")
            ),
        };
    }
    if step.setup {
        return StepVerdict {
            outcome: Outcome::Error,
            message: format!("precondition {label} did not hold: {why}"),
        };
    }
    let outcome = Outcome::for_broken(step.level);
    let message = match step.level {
        Level::May => format!(
            "optional ({}, MAY) behaviour not present at {label}: {why}",
            step.spec
        ),
        level => format!("{} ({level}) broken at {label}: {why}", step.spec),
    };
    StepVerdict { outcome, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(level: Level, setup: bool, assume: bool) -> Graded<'static> {
        Graded {
            spec: "RFC7644 §3.4.2.1 L1",
            level,
            setup,
            assume,
            label: "step 2",
        }
    }

    fn problems() -> Vec<String> {
        vec!["expected status 200, got 400".to_string()]
    }

    #[test]
    fn a_broken_may_never_warns_nor_fails() {
        for status in [200, 400, 404, 501] {
            let v = grade(step(Level::May, false, false), status, &problems());
            assert_eq!(v.outcome, Outcome::Pass, "{status}: {v:?}");
            assert!(v.message.contains("MAY"), "{}", v.message);
            assert!(v.message.contains("expected status 200"), "{}", v.message);
        }
    }

    #[test]
    fn must_fails_and_should_warns() {
        let v = grade(step(Level::Must, false, false), 400, &problems());
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v
            .message
            .starts_with("RFC7644 §3.4.2.1 L1 (MUST) broken at step 2"));
        let v = grade(step(Level::Should, false, false), 400, &problems());
        assert_eq!(v.outcome, Outcome::Warn);
    }

    #[test]
    fn a_5xx_on_an_assume_step_is_an_error_not_a_skip() {
        for status in [500, 502, 503] {
            let v = grade(step(Level::Must, false, true), status, &problems());
            assert_eq!(v.outcome, Outcome::Error, "{status}");
            assert!(
                v.message
                    .starts_with(&format!("the target failed with {status} at step 2")),
                "{}",
                v.message
            );
        }
    }

    #[test]
    fn an_assume_step_declined_is_a_skip() {
        // 501 is how RFC 7644 §3.12 says "not supported"; a 4xx declines too.
        for status in [400, 404, 501] {
            let v = grade(step(Level::Must, false, true), status, &problems());
            assert_eq!(v.outcome, Outcome::Skip, "{status}");
        }
    }

    #[test]
    fn a_skip_says_in_words_what_was_missing() {
        let mut assumed = step(Level::Must, false, true);
        assumed.label = "step 3 'the target returns $ref'";
        let long = format!(
            "/attributes: expected not to contain {{\"name\":\"a\"}}, got [{}]",
            [r#"{"name":"userName","type":"string"}"#; 4].join(",")
        );
        let v = grade(
            assumed,
            200,
            &[long, "/x: expected a value, got absent".into()],
        );
        assert_eq!(v.outcome, Outcome::Skip);
        assert_eq!(
            v.message,
            "does not apply to this target (step 3 'the target returns $ref'): /attributes: \
             expected not to contain {\"name\":\"a\"}, got an array of 4 elements; /x: \
             expected a value, got absent"
        );
        assert_eq!(
            in_words(
                r#"/meta: expected absent, got {"a":1,"b":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#
            ),
            "/meta: expected absent, got an object with a, b"
        );
        assert_eq!(
            in_words(
                r#"/meta: expected absent, got [{"a":1,"b":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…"#
            ),
            "/meta: expected absent, got a long array"
        );
    }

    #[test]
    fn a_setup_step_is_a_precondition() {
        let v = grade(step(Level::May, true, false), 500, &problems());
        assert_eq!(v.outcome, Outcome::Error);
        assert!(v.message.starts_with("precondition step 2 did not hold"));
    }
}
