//! Known deviations of a target (the expected-failures idea of the OpenID conformance suite):
//! a baseline file lists cases with the outcome they are known to have and why. A run with a
//! baseline fails only on *unexpected* outcomes, and reports entries that no longer hold
//! (stale), so the baseline cannot silently hide a fixed or a new defect. A run can also
//! write one ([`Baseline::from_results`]): every case that failed, warned or errored, with
//! its message as the reason to fill in.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::load::CaseInfo;
use crate::run::{CaseResult, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpectedOutcome {
    Fail,
    Warn,
    Error,
    Skip,
}

impl ExpectedOutcome {
    fn outcome(self) -> Outcome {
        match self {
            ExpectedOutcome::Fail => Outcome::Fail,
            ExpectedOutcome::Warn => Outcome::Warn,
            ExpectedOutcome::Error => Outcome::Error,
            ExpectedOutcome::Skip => Outcome::Skip,
        }
    }

    /// The entry outcome of a case that ended with `outcome`; `None` for a pass.
    pub fn of(outcome: Outcome) -> Option<Self> {
        match outcome {
            Outcome::Fail => Some(ExpectedOutcome::Fail),
            Outcome::Warn => Some(ExpectedOutcome::Warn),
            Outcome::Error => Some(ExpectedOutcome::Error),
            Outcome::Skip => Some(ExpectedOutcome::Skip),
            Outcome::Pass => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub outcome: ExpectedOutcome,
    /// Why: the target's deviation, with the RFC's words.
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// What the baseline describes, e.g. "PyPI scim2-server 0.1".
    pub target: String,
    #[serde(default)]
    pub cases: BTreeMap<String, Entry>,
}

#[derive(Debug, Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("baseline {path}: {detail}")]
    Invalid { path: String, detail: String },
    #[error("cannot write baseline {path}: {detail}")]
    Write { path: String, detail: String },
    #[error("cannot write a baseline: {0}")]
    Serialize(String),
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: shown.clone(),
            detail: e.to_string(),
        })?;
        Self::parse(&shown, &text)
    }

    /// Parses the text of a baseline file; `origin` names it in errors (with the line).
    pub fn parse(origin: &str, text: &str) -> Result<Self, BaselineError> {
        serde_yaml_ng::from_str(text).map_err(|e| BaselineError::Invalid {
            path: match e.location() {
                Some(l) => format!("{origin}:{}", l.line()),
                None => origin.to_string(),
            },
            detail: e.to_string(),
        })
    }

    /// The baseline of a run: every case that failed, warned or errored, with the outcome it
    /// had and its message (shown through `show`, which masks secrets) as the reason, for a
    /// person to replace with the deviation and the RFC's words.
    pub fn from_results(
        target: &str,
        results: &[(CaseInfo, CaseResult)],
        show: impl Fn(&str) -> String,
    ) -> Self {
        let cases = results
            .iter()
            .filter(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error))
            .filter_map(|(case, r)| {
                let outcome = ExpectedOutcome::of(r.outcome)?;
                let reason = match r.message.as_deref() {
                    Some(m) if !m.trim().is_empty() => show(m),
                    _ => format!("{} (no message)", r.outcome),
                };
                Some((case.id.clone(), Entry { outcome, reason }))
            })
            .collect();
        Baseline {
            target: show(target),
            cases,
        }
    }

    /// The baseline as a file's text, in the format [`Baseline::parse`] reads, under a
    /// comment saying how it was made.
    pub fn to_yaml(&self) -> Result<String, BaselineError> {
        self.text().map_err(BaselineError::Serialize)
    }

    fn text(&self) -> Result<String, String> {
        let body = serde_yaml_ng::to_string(self).map_err(|e| e.to_string())?;
        Ok(format!(
            "# Known deviations, written by `scimspec run --write-baseline`: each reason is the\n\
             # message the case ended with; replace it with the deviation and the RFC's words.\n{body}"
        ))
    }

    /// Writes the baseline to `path` ([`Baseline::to_yaml`]), creating its directory.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let err = |detail: String| BaselineError::Write {
            path: path.display().to_string(),
            detail,
        };
        let text = self.text().map_err(err)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| err(e.to_string()))?;
        }
        std::fs::write(path, text).map_err(|e| err(e.to_string()))
    }
}

/// How a run compares with its baseline: a value the reporters read (the console's baseline
/// lines, the `known-deviation` property in JUnit, the `(known)` mark of the compare matrix).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Cases whose outcome is the known one: case id → the reason recorded in the baseline.
    pub expected: BTreeMap<String, String>,
    /// Failed, errored or warned cases the baseline does not list (or lists with another outcome).
    pub unexpected: Vec<String>,
    /// Baseline entries that no longer hold: (case id, what happened instead).
    pub stale: Vec<(String, String)>,
}

impl Comparison {
    pub fn is_clean(&self) -> bool {
        self.unexpected.is_empty() && self.stale.is_empty()
    }

    /// The baseline's reason for a case that ended as its entry says (a known deviation).
    pub fn known_reason(&self, case_id: &str) -> Option<&str> {
        self.expected.get(case_id).map(String::as_str)
    }
}

/// What a stale entry says: the outcome expected, the one seen and the case's message
/// (`expected fail, was pass`, `expected warn, was error: status 500`).
fn seen(expected: ExpectedOutcome, result: &CaseResult) -> String {
    let mut text = format!("expected {}, was {}", expected.outcome(), result.outcome);
    if let Some(message) = result.message.as_deref().filter(|m| !m.trim().is_empty()) {
        text.push_str(": ");
        text.push_str(message);
    }
    text
}

/// Compares results with a baseline. `all_ids` are the ids of every case of the suite (to tell
/// a deselected case from one that does not exist).
pub fn compare(
    baseline: &Baseline,
    results: &[(CaseInfo, CaseResult)],
    all_ids: &[String],
) -> Comparison {
    let mut cmp = Comparison::default();
    for (case, result) in results {
        match baseline.cases.get(&case.id) {
            Some(entry) if entry.outcome.outcome() == result.outcome => {
                cmp.expected.insert(case.id.clone(), entry.reason.clone());
            }
            Some(entry) => {
                cmp.stale
                    .push((case.id.clone(), seen(entry.outcome, result)));
                if matches!(result.outcome, Outcome::Fail | Outcome::Error) {
                    cmp.unexpected.push(case.id.clone());
                }
            }
            // A baseline pins the target's whole known state: an unlisted warning is news too.
            None if matches!(
                result.outcome,
                Outcome::Fail | Outcome::Error | Outcome::Warn
            ) =>
            {
                cmp.unexpected.push(case.id.clone())
            }
            None => {}
        }
    }
    for id in baseline.cases.keys() {
        if !all_ids.contains(id) {
            cmp.stale.push((id.clone(), "no case has this id".into()));
        }
    }
    cmp
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASELINE: &str = "target: a server 1.0
cases:
  c-fail:
    outcome: fail
    reason: no Location header
  c-warn:
    outcome: warn
    reason: no scimType
  c-skip:
    outcome: skip
    reason: no groups
";

    fn baseline(text: &str) -> Baseline {
        Baseline::parse("b.yaml", text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn ran(id: &str, outcome: Outcome) -> (CaseInfo, CaseResult) {
        let text = format!(
            "cases:\n  - id: {id}\n    title: t\n    spec: RFC7644 §3.3\n    level: MUST\n    steps:\n      - request: {{ method: GET, path: /Users }}\n"
        );
        let case = crate::load::load_sources([("x.yaml".to_string(), text)])
            .unwrap_or_else(|e| panic!("{e}"))
            .cases
            .remove(0);
        let result = CaseResult {
            outcome,
            message: None,
            ..CaseResult::skipped(id, "")
        };
        (case.info(), result)
    }

    fn with_message(
        (case, mut result): (CaseInfo, CaseResult),
        message: &str,
    ) -> (CaseInfo, CaseResult) {
        result.message = Some(message.to_string());
        (case, result)
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn the_shipped_baselines_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("baselines");
        for name in ["scim2-server.yaml", "scimmy.yaml"] {
            let b = Baseline::load(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
            assert!(!b.cases.is_empty(), "{name}");
        }
    }

    #[test]
    fn a_valid_file_gives_its_entries() {
        let b = baseline(BASELINE);
        assert_eq!(b.target, "a server 1.0");
        assert_eq!(b.cases.len(), 3);
        let entry = &b.cases["c-warn"];
        assert_eq!(entry.outcome, ExpectedOutcome::Warn);
        assert_eq!(entry.reason, "no scimType");
        assert!(baseline("target: t\n").cases.is_empty());
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let err = Baseline::load(Path::new("no/such/baseline.yaml")).unwrap_err();
        let BaselineError::Read { path, .. } = &err else {
            panic!("expected a read error, got {err:?}");
        };
        assert_eq!(path, "no/such/baseline.yaml");
    }

    #[test]
    fn a_yaml_error_names_its_line() {
        // Line 6 is a list item where a key of `cases` belongs.
        let text = "target: t\ncases:\n  c1:\n    outcome: fail\n    reason: r\n  - c2\n";
        let err = Baseline::parse("b.yaml", text).unwrap_err();
        let BaselineError::Invalid { path, .. } = &err else {
            panic!("expected an invalid baseline, got {err:?}");
        };
        assert_eq!(path, "b.yaml:6", "{err}");
    }

    #[test]
    fn an_unknown_field_or_outcome_is_invalid() {
        let typo = BASELINE.replace("reason: no groups", "reasn: no groups");
        let err = Baseline::parse("b.yaml", &typo).unwrap_err();
        let BaselineError::Invalid { path, detail } = &err else {
            panic!("expected an invalid baseline, got {err:?}");
        };
        assert!(detail.contains("unknown field `reasn`"), "{detail}");
        assert_eq!(path, "b.yaml:11", "{err}");
        let outcome = BASELINE.replace("outcome: warn", "outcome: pass");
        let err = Baseline::parse("b.yaml", &outcome).unwrap_err();
        assert!(
            matches!(&err, BaselineError::Invalid { detail, .. } if detail.contains("unknown variant `pass`")),
            "{err:?}"
        );
    }

    #[test]
    fn outcomes_as_listed_are_expected_with_their_reasons() {
        let b = baseline(BASELINE);
        let results = [
            ran("c-fail", Outcome::Fail),
            ran("c-warn", Outcome::Warn),
            ran("c-skip", Outcome::Skip),
            ran("c-pass", Outcome::Pass),
        ];
        let cmp = compare(
            &b,
            &results,
            &ids(&["c-fail", "c-warn", "c-skip", "c-pass"]),
        );
        assert!(cmp.is_clean(), "{cmp:?}");
        assert_eq!(cmp.expected.len(), 3);
        assert_eq!(cmp.known_reason("c-fail"), Some("no Location header"));
        assert_eq!(cmp.known_reason("c-skip"), Some("no groups"));
        assert_eq!(cmp.known_reason("c-pass"), None);
    }

    #[test]
    fn unlisted_failures_errors_and_warnings_are_unexpected() {
        let b = baseline("target: t\n");
        let results = [
            ran("f", Outcome::Fail),
            ran("e", Outcome::Error),
            ran("w", Outcome::Warn),
            ran("s", Outcome::Skip),
            ran("p", Outcome::Pass),
        ];
        let cmp = compare(&b, &results, &ids(&["f", "e", "w", "s", "p"]));
        assert_eq!(cmp.unexpected, ids(&["f", "e", "w"]));
        assert!(cmp.stale.is_empty() && cmp.expected.is_empty());
        assert!(!cmp.is_clean());
    }

    #[test]
    fn an_entry_with_another_outcome_is_stale() {
        let b = baseline(BASELINE);
        let results = [
            // Fixed: passes now.
            ran("c-fail", Outcome::Pass),
            // Worse: a warning became an error, which is also unexpected.
            with_message(ran("c-warn", Outcome::Error), "status 500"),
            ran("c-skip", Outcome::Skip),
        ];
        let cmp = compare(&b, &results, &ids(&["c-fail", "c-warn", "c-skip"]));
        assert_eq!(
            cmp.stale,
            vec![
                ("c-fail".to_string(), "expected fail, was pass".to_string()),
                (
                    "c-warn".to_string(),
                    "expected warn, was error: status 500".to_string()
                ),
            ]
        );
        assert_eq!(cmp.unexpected, ids(&["c-warn"]));
        assert_eq!(cmp.known_reason("c-fail"), None);
        assert_eq!(cmp.known_reason("c-skip"), Some("no groups"));
    }

    #[test]
    fn an_entry_naming_no_case_is_stale_but_a_deselected_case_is_not() {
        let b = baseline(BASELINE);
        // c-warn exists but was not selected; c-skip does not exist in the suite.
        let results = [ran("c-fail", Outcome::Fail)];
        let cmp = compare(&b, &results, &ids(&["c-fail", "c-warn"]));
        assert_eq!(
            cmp.stale,
            vec![("c-skip".to_string(), "no case has this id".to_string())]
        );
        assert!(cmp.unexpected.is_empty());
        assert_eq!(cmp.known_reason("c-fail"), Some("no Location header"));
    }

    #[test]
    fn a_written_baseline_lists_what_did_not_pass_and_reads_back_clean() {
        let results = [
            with_message(ran("f", Outcome::Fail), "no Location: 'x' \"y\" # z"),
            with_message(ran("w", Outcome::Warn), "token tok-123 echoed"),
            ran("e", Outcome::Error),
            with_message(ran("s", Outcome::Skip), "no groups"),
            ran("p", Outcome::Pass),
        ];
        let written = Baseline::from_results("http://t/scim/v2", &results, |t: &str| {
            t.replace("tok-123", "[REDACTED]")
        });
        let text = written.to_yaml().unwrap_or_else(|e| panic!("{e}"));
        assert!(text.starts_with("# Known deviations"), "{text}");
        assert!(!text.contains("tok-123"), "{text}");
        let read = baseline(&text);
        assert_eq!(read.target, "http://t/scim/v2");
        let listed: Vec<&str> = read.cases.keys().map(String::as_str).collect();
        assert_eq!(listed, ["e", "f", "w"]);
        assert_eq!(read.cases["f"].outcome, ExpectedOutcome::Fail);
        assert_eq!(read.cases["f"].reason, "no Location: 'x' \"y\" # z");
        assert_eq!(read.cases["w"].reason, "token [REDACTED] echoed");
        assert_eq!(read.cases["e"].reason, "error (no message)");
        let cmp = compare(&read, &results, &ids(&["f", "w", "e", "s", "p"]));
        assert!(cmp.is_clean(), "{cmp:?}");
        assert_eq!(cmp.expected.len(), 3);
    }

    #[test]
    fn a_baseline_is_written_to_a_new_directory() {
        let dir = std::env::temp_dir().join(format!(
            "scimspec-baseline-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let path = dir.join("sub/b.yaml");
        let b = baseline(BASELINE);
        b.write(&path).unwrap_or_else(|e| panic!("{e}"));
        let read = Baseline::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.cases.len(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
