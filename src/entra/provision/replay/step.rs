//! Steps of the replay: what a step is, who it is about, and the record it leaves for the
//! console and the JUnit report.

use std::time::{Duration, Instant};

use crate::load::Level;
use crate::run::{Outcome, Transcript};

/// Which part of the replay a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Provision on demand (always the default PATCH dialect).
    OnDemand,
    /// The provisioning cycle's later events, in the chosen dialect.
    Lifecycle,
}

/// One step of the replay, as the UI would show it and as the JUnit report records it.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// `user ada@contoso.example` or `group Engineering`.
    pub object: String,
    /// 1–5 for the on-demand steps.
    pub number: Option<u8>,
    /// Stable id, e.g. `provision-user-1-match`.
    pub id: String,
    pub name: String,
    pub spec: String,
    pub level: Level,
    pub phase: Phase,
    pub outcome: Outcome,
    /// One line: what happened ("no match", "Create — 201, id …").
    pub summary: String,
    /// "View details" lines.
    pub details: Vec<String>,
    /// Why the step did not pass.
    pub message: Option<String>,
    /// What a failure means in Entra.
    pub consequence: String,
    /// The redacted requests and answers of the step.
    pub transcript: String,
    pub duration: Duration,
    pub unreachable: bool,
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

/// A step while it runs: its record so far, the requests it sent and when it started.
pub(super) struct Step {
    pub record: StepRecord,
    pub transcript: Transcript,
    started: Instant,
}

impl Step {
    /// Starts a step that passes unless something fails it. `consequence`: what its failure
    /// means in Entra.
    pub fn begin(subject: &Subject, kind: StepKind, consequence: &str) -> Self {
        Self {
            record: StepRecord {
                object: subject.object.clone(),
                number: kind.number,
                id: format!("provision-{}-{}", subject.key, kind.slug),
                name: kind.name.to_string(),
                spec: kind.spec.to_string(),
                level: Level::Must,
                phase: kind.phase,
                outcome: Outcome::Pass,
                summary: String::new(),
                details: Vec::new(),
                message: None,
                consequence: consequence.to_string(),
                transcript: String::new(),
                duration: Duration::ZERO,
                unreachable: false,
            },
            transcript: Transcript::new(),
            started: Instant::now(),
        }
    }

    /// A step that did not run, and why.
    pub fn skipped(subject: &Subject, kind: StepKind, reason: &str) -> StepRecord {
        let mut step = Self::begin(subject, kind, "");
        step.record.outcome = Outcome::Skip;
        step.record.message = Some(reason.to_string());
        step.end()
    }

    /// The finished record, with its transcript and the time the step took.
    pub fn end(self) -> StepRecord {
        let mut record = self.record;
        record.transcript = self.transcript.into_string();
        record.duration = self.started.elapsed();
        record
    }

    pub fn outcome(&self) -> Outcome {
        self.record.outcome
    }

    /// Sets the one-line summary of what happened.
    pub fn summarize(&mut self, summary: impl Into<String>) {
        self.record.summary = summary.into();
    }

    /// Adds a "View details" line.
    pub fn detail(&mut self, line: impl Into<String>) {
        self.record.details.push(line.into());
    }

    /// Fails the step with this summary and why.
    pub fn fail(&mut self, summary: &str, message: String) {
        self.record.outcome = Outcome::Fail;
        self.record.summary = summary.to_string();
        self.record.message = Some(message);
    }

    /// Fails the step after what it did so far: the summary stays.
    pub fn fail_keeping_summary(&mut self, message: String) {
        self.record.outcome = Outcome::Fail;
        self.record.message = Some(message);
    }

    /// A SHOULD-level problem: a passing step becomes a warning; messages add up.
    pub fn warn(&mut self, message: String) {
        if self.record.outcome == Outcome::Pass {
            self.record.outcome = Outcome::Warn;
            self.record.level = Level::Should;
        }
        self.record.message = Some(match self.record.message.take() {
            Some(m) => format!("{m}; {message}"),
            None => message,
        });
    }
}
