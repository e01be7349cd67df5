//! Steps of the replay: what a step is, who it is about, and the record it leaves — the
//! common test description and result every reporter reads, plus what Entra's UI shows.

use std::time::Instant;

use crate::entra::Dialect;
use crate::load::{CaseInfo, Level, Origin};
use crate::run::{CaseResult, Outcome, Transcript};

/// Which part of the replay a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Provision on demand (always the default PATCH dialect).
    OnDemand,
    /// The provisioning cycle's later events, in the chosen dialect.
    Lifecycle,
}

/// One finished step of the replay: the test and its result as every reporter reads them,
/// and what Entra's UI shows besides.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// Id (e.g. `provision-user-1-match`), title (`object: name`), rule, level, what a
    /// failure means in Entra, tags, and the input file as origin.
    pub info: CaseInfo,
    /// Outcome, why it did not pass, the redacted requests and answers, the time it took.
    pub result: CaseResult,
    /// `user ada@contoso.example` or `group Engineering`.
    pub object: String,
    /// 1–5 for the on-demand steps.
    pub number: Option<u8>,
    pub name: String,
    pub phase: Phase,
    /// One line: what happened ("no match", "Create — 201, id …").
    pub summary: String,
    /// "View details" lines.
    pub details: Vec<String>,
}

/// What a step is: the end of its id, its number in Entra's on-demand list, its title, the
/// rule it checks and the phase it runs in.
#[derive(Debug, Clone, Copy)]
pub(super) struct StepKind {
    pub slug: &'static str,
    pub number: Option<u8>,
    pub name: &'static str,
    pub spec: &'static str,
    pub phase: Phase,
}

impl StepKind {
    /// One of the five numbered steps of provision on demand.
    pub const fn numbered(
        number: u8,
        slug: &'static str,
        name: &'static str,
        spec: &'static str,
    ) -> Self {
        Self {
            slug,
            number: Some(number),
            name,
            spec,
            phase: Phase::OnDemand,
        }
    }

    /// A step Entra runs on demand after the numbered ones (references, memberships).
    pub const fn on_demand(slug: &'static str, name: &'static str, spec: &'static str) -> Self {
        Self {
            slug,
            number: None,
            name,
            spec,
            phase: Phase::OnDemand,
        }
    }

    /// A step of the provisioning cycle after on demand.
    pub const fn lifecycle(slug: &'static str, name: &'static str, spec: &'static str) -> Self {
        Self {
            slug,
            number: None,
            name,
            spec,
            phase: Phase::Lifecycle,
        }
    }

    /// The same step checking another rule.
    pub const fn checking(self, spec: &'static str) -> Self {
        Self { spec, ..self }
    }
}

/// Who a step is about: the object as the UI names it (`user ada@contoso.example`) and the
/// key of its step ids (`user-1`).
pub(super) struct Subject {
    pub object: String,
    pub key: String,
}

/// A step while it runs: what it found so far, the requests it sent and when it started.
pub(super) struct Step {
    kind: StepKind,
    object: String,
    id: String,
    level: Level,
    outcome: Outcome,
    summary: String,
    pub details: Vec<String>,
    message: Option<String>,
    /// What a failure means in Entra.
    pub consequence: String,
    unreachable: bool,
    pub transcript: Transcript,
    started: Instant,
}

impl Step {
    /// Starts a step that passes unless something fails it. `consequence`: what its failure
    /// means in Entra.
    pub fn begin(subject: &Subject, kind: StepKind, consequence: &str) -> Self {
        Self {
            kind,
            object: subject.object.clone(),
            id: format!("provision-{}-{}", subject.key, kind.slug),
            level: Level::Must,
            outcome: Outcome::Pass,
            summary: String::new(),
            details: Vec::new(),
            message: None,
            consequence: consequence.to_string(),
            unreachable: false,
            transcript: Transcript::new(),
            started: Instant::now(),
        }
    }

    /// A step that did not run, and why.
    pub fn skipped(subject: &Subject, kind: StepKind, reason: &str) -> Self {
        let mut step = Self::begin(subject, kind, "");
        step.outcome = Outcome::Skip;
        step.message = Some(reason.to_string());
        step
    }

    /// The finished record, with the time the step took. `dialect`: the PATCH dialect of
    /// the lifecycle (on demand always uses the default one); `origin`: the input file.
    pub fn end(self, dialect: Dialect, origin: &str) -> StepRecord {
        let (phase, dialect) = match self.kind.phase {
            Phase::OnDemand => ("on-demand", Dialect::Default),
            Phase::Lifecycle => ("lifecycle", dialect),
        };
        let info = CaseInfo {
            id: self.id.clone(),
            title: format!("{}: {}", self.object, self.kind.name),
            requirement: None,
            consequence: (!self.consequence.is_empty()).then_some(self.consequence),
            spec: self.kind.spec.to_string(),
            also: Vec::new(),
            level: self.level,
            tags: vec![
                "entra".into(),
                "provision".into(),
                phase.into(),
                dialect.tag().into(),
            ],
            origin: Origin {
                file: origin.to_string(),
                line: None,
            },
        };
        let result = CaseResult {
            id: self.id,
            outcome: self.outcome,
            message: self.message,
            problems: Vec::new(),
            transcript: self.transcript.into_string(),
            duration: self.started.elapsed(),
            unreachable: self.unreachable,
            leftovers: Vec::new(),
        };
        StepRecord {
            info,
            result,
            object: self.object,
            number: self.kind.number,
            name: self.kind.name.to_string(),
            phase: self.kind.phase,
            summary: self.summary,
            details: self.details,
        }
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Sets the one-line summary of what happened.
    pub fn summarize(&mut self, summary: impl Into<String>) {
        self.summary = summary.into();
    }

    /// Adds a "View details" line.
    pub fn detail(&mut self, line: impl Into<String>) {
        self.details.push(line.into());
    }

    /// Fails the step with this summary and why.
    pub fn fail(&mut self, summary: &str, message: String) {
        self.outcome = Outcome::Fail;
        self.summary = summary.to_string();
        self.message = Some(message);
    }

    /// Fails the step after what it did so far: the summary stays.
    pub fn fail_keeping_summary(&mut self, message: String) {
        self.outcome = Outcome::Fail;
        self.message = Some(message);
    }

    /// The step could not be evaluated: a request got no answer.
    pub fn no_answer(&mut self, message: String, unreachable: bool) {
        self.outcome = Outcome::Error;
        self.unreachable = unreachable;
        self.summary = "no answer".into();
        self.message = Some(message);
    }

    /// A SHOULD-level problem: a passing step becomes a warning; messages add up.
    pub fn warn(&mut self, message: String) {
        if self.outcome == Outcome::Pass {
            self.outcome = Outcome::Warn;
            self.level = Level::Should;
        }
        self.message = Some(match self.message.take() {
            Some(m) => format!("{m}; {message}"),
            None => message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Subject {
        Subject {
            object: "user ada@contoso.example".into(),
            key: "user-1".into(),
        }
    }

    #[test]
    fn a_finished_step_is_a_test_with_its_result() {
        let kind = StepKind::lifecycle("disable", "Disable", "Entra E-DISABLE-USER");
        let mut step = Step::begin(&subject(), kind, "users keep access");
        step.warn("answered 200".into());
        let record = step.end(Dialect::AadOptscim062020, "users.json");
        assert_eq!(record.info.id, "provision-user-1-disable");
        assert_eq!(record.info.title, "user ada@contoso.example: Disable");
        assert_eq!(record.info.level, Level::Should);
        assert_eq!(
            record.info.consequence.as_deref(),
            Some("users keep access")
        );
        assert_eq!(
            record.info.tags,
            ["entra", "provision", "lifecycle", "entra-aadoptscim062020"]
        );
        assert_eq!(record.info.origin.to_string(), "users.json");
        assert_eq!(record.result.id, record.info.id);
        assert_eq!(record.result.outcome, Outcome::Warn);
        assert_eq!(record.result.message.as_deref(), Some("answered 200"));
    }

    #[test]
    fn on_demand_steps_use_the_default_dialect_and_skips_have_no_consequence() {
        let kind = StepKind::numbered(4, "match", "Match user", "Entra E-FILTER-MATCHING");
        let record =
            Step::skipped(&subject(), kind, "import failed").end(Dialect::AadOptscim062020, "f");
        assert_eq!(
            record.info.tags,
            ["entra", "provision", "on-demand", "entra-default"]
        );
        assert_eq!(record.info.consequence, None);
        assert_eq!(record.result.outcome, Outcome::Skip);
        assert_eq!(record.number, Some(4));
    }
}
