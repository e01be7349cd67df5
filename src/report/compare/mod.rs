//! The comparison of several targets: a matrix of targets × cases with outcomes, grouped by
//! spec section, the cases whose outcome differs between targets first. Rendered as Markdown
//! ([`markdown`]) and as one self-contained HTML page ([`html`]); the JUnit file with one
//! testsuite per target is written by [`super::junit::render_comparison`].

pub mod html;
pub mod markdown;

use std::collections::BTreeMap;

use super::RunReport;
use crate::baseline::Comparison;
use crate::http::Redactor;
use crate::load::Level;
use crate::run::Outcome;
use crate::scim::text::truncate;

/// One compared target and its finished run.
#[derive(Debug, Clone, Copy)]
pub struct TargetResult<'a> {
    pub name: &'a str,
    pub profile: Option<&'a str>,
    /// How it authenticated, without secrets (`bearer token`, `basic (admin)` …).
    pub auth: &'a str,
    pub report: &'a RunReport,
    /// Why the target could not be run at all (unreachable), if so.
    pub problem: Option<&'a str>,
    /// How the run compares with the target's baseline, when it has one.
    pub baseline: Option<&'a Comparison>,
}

/// A column of the matrix.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub url: String,
    pub profile: Option<String>,
    pub auth: String,
    pub counts: BTreeMap<Outcome, usize>,
    pub problem: Option<String>,
}

/// One case's outcome on one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub outcome: Outcome,
    /// Why it did not pass: one line, secrets masked.
    pub message: Option<String>,
    /// The target's baseline lists this outcome as a known deviation.
    pub known: bool,
}

/// One case across the targets (`None`: the case was not run on that target).
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub section: String,
    pub cells: Vec<Option<Cell>>,
}

impl Row {
    /// True when the targets do not all have the same outcome.
    pub fn differs(&self) -> bool {
        let first = self.cells.first().map(|c| c.as_ref().map(|c| c.outcome));
        self.cells
            .iter()
            .any(|c| Some(c.as_ref().map(|c| c.outcome)) != first)
    }
}

impl Row {
    /// True when the targets that ran the case (no skip) do not all have the same outcome:
    /// a difference in behaviour rather than in what the targets support.
    pub fn disagrees(&self) -> bool {
        let ran: Vec<Outcome> = self
            .cells
            .iter()
            .flatten()
            .map(|c| c.outcome)
            .filter(|o| *o != Outcome::Skip)
            .collect();
        ran.windows(2).any(|w| w[0] != w[1])
    }
}

/// Rows of one spec section.
#[derive(Debug, Clone)]
pub struct Section<'m> {
    pub name: &'m str,
    pub rows: Vec<&'m Row>,
}

#[derive(Debug, Clone)]
pub struct Matrix {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub generated: String,
}

const MAX_MESSAGE: usize = 300;

fn one_line(text: &str, redactor: &Redactor) -> String {
    let text = redactor.show(text);
    let line = text.lines().next().unwrap_or("").trim();
    truncate(line, MAX_MESSAGE)
}

impl Matrix {
    /// Builds the matrix; case order is the order cases first appear in the runs. Every text
    /// taken from the runs is shown through `redactor` and the runs' own redactors.
    pub fn new(targets: &[TargetResult<'_>], redactor: &Redactor) -> Self {
        let all = Redactor::new();
        all.absorb(redactor);
        for t in targets {
            all.absorb(&t.report.redactor);
        }
        let redactor = &all;
        let columns = targets
            .iter()
            .map(|t| Column {
                name: t.name.to_string(),
                url: redactor.show(&t.report.target),
                profile: t.profile.map(str::to_string),
                auth: redactor.show(t.auth),
                counts: t.report.counts(),
                problem: t.problem.map(|p| one_line(p, redactor)),
            })
            .collect();
        let mut rows: Vec<Row> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for (col, t) in targets.iter().enumerate() {
            for (case, result) in &t.report.results {
                let at = *index.entry(case.id.clone()).or_insert_with(|| {
                    rows.push(Row {
                        id: case.id.clone(),
                        title: case.title.clone(),
                        level: case.level,
                        section: case.section().to_string(),
                        cells: vec![None; targets.len()],
                    });
                    rows.len() - 1
                });
                rows[at].cells[col] = Some(Cell {
                    outcome: result.outcome,
                    message: result.message.as_deref().map(|m| one_line(m, redactor)),
                    known: t
                        .baseline
                        .is_some_and(|b| b.known_reason(&case.id).is_some()),
                });
            }
        }
        Self {
            columns,
            rows,
            generated: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }

    /// The rows grouped by section (sections in order of first appearance), keeping those
    /// for which `keep` holds.
    pub fn sections(&self, keep: impl Fn(&Row) -> bool) -> Vec<Section<'_>> {
        let mut out: Vec<Section<'_>> = Vec::new();
        for row in self.rows.iter().filter(|r| keep(r)) {
            match out.iter_mut().find(|s| s.name == row.section) {
                Some(s) => s.rows.push(row),
                None => out.push(Section {
                    name: &row.section,
                    rows: vec![row],
                }),
            }
        }
        out
    }

    /// Sections holding the cases whose outcome differs between targets.
    pub fn differences(&self) -> Vec<Section<'_>> {
        self.sections(Row::differs)
    }

    /// Sections holding the cases with the same outcome on every target.
    pub fn agreements(&self) -> Vec<Section<'_>> {
        self.sections(|r| !r.differs())
    }

    pub fn difference_count(&self) -> usize {
        self.rows.iter().filter(|r| r.differs()).count()
    }

    /// Cases where the targets that ran them disagree (skips aside).
    pub fn disagreement_count(&self) -> usize {
        self.rows.iter().filter(|r| r.disagrees()).count()
    }
}

/// The symbol and word shown for an outcome.
pub fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✅ pass",
        Outcome::Fail => "❌ fail",
        Outcome::Warn => "⚠️ warn",
        Outcome::Skip => "⏭️ skip",
        Outcome::Error => "💥 error",
    }
}

pub const OUTCOMES: [Outcome; 5] = [
    Outcome::Pass,
    Outcome::Fail,
    Outcome::Warn,
    Outcome::Skip,
    Outcome::Error,
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::load::CaseInfo;
    use crate::plan::Discovery;
    use crate::run::CaseResult;
    use std::time::Duration;

    pub fn case(id: &str, spec: &str) -> CaseInfo {
        let text = format!(
            "cases:\n  - id: {id}\n    title: \"title of {id} <b>&\"\n    spec: {spec}\n    level: MUST\n    steps:\n      - request: {{ method: GET, path: /Users }}\n"
        );
        crate::load::load_sources([("x.yaml".to_string(), text)])
            .expect("test case loads")
            .cases
            .remove(0)
            .info()
    }

    pub fn result(id: &str, outcome: Outcome, message: Option<&str>) -> CaseResult {
        CaseResult {
            outcome,
            message: message.map(str::to_string),
            ..CaseResult::skipped(id, "")
        }
    }

    pub fn report(target: &str, results: Vec<(CaseInfo, CaseResult)>) -> RunReport {
        RunReport {
            target: target.into(),
            run_id: "r1".into(),
            discovery: Some(Discovery::default()),
            results,
            duration: Duration::from_millis(5),
            redactor: Redactor::new(),
            run_leftovers: Vec::new(),
        }
    }

    pub fn sample() -> (RunReport, RunReport) {
        let a = report(
            "http://a/scim/v2",
            vec![
                (
                    case("c1", "RFC7644 §3.3"),
                    result("c1", Outcome::Pass, None),
                ),
                (
                    case("c2", "RFC7644 §3.3 L12"),
                    result("c2", Outcome::Pass, None),
                ),
                (
                    case("c3", "RFC7644 §3.4.2"),
                    result("c3", Outcome::Pass, None),
                ),
            ],
        );
        let b = report(
            "http://b/scim/v2",
            vec![
                (
                    case("c1", "RFC7644 §3.3"),
                    result("c1", Outcome::Pass, None),
                ),
                (
                    case("c2", "RFC7644 §3.3 L12"),
                    result(
                        "c2",
                        Outcome::Fail,
                        Some("expected 201, got 200 <x> secret-abcdef\nmore"),
                    ),
                ),
                (
                    case("c3", "RFC7644 §3.4.2"),
                    result(
                        "c3",
                        Outcome::Skip,
                        Some("profile p: attribute nickName is not supported"),
                    ),
                ),
            ],
        );
        (a, b)
    }

    pub fn matrix() -> Matrix {
        let (a, b) = sample();
        let mut r = Redactor::new();
        r.add("secret-abcdef");
        Matrix::new(
            &[
                TargetResult {
                    name: "alpha",
                    profile: Some("xmatters"),
                    auth: "bearer token",
                    report: &a,
                    problem: None,
                    baseline: None,
                },
                TargetResult {
                    name: "beta",
                    profile: None,
                    auth: "basic (admin)",
                    report: &b,
                    problem: None,
                    baseline: None,
                },
            ],
            &r,
        )
    }

    #[test]
    fn cells_the_baseline_expects_are_marked_known() {
        let (a, b) = sample();
        let mut cmp = crate::baseline::Comparison::default();
        cmp.expected
            .insert("c2".into(), "known to answer 200".into());
        let target = |name, report, baseline| TargetResult {
            name,
            profile: None,
            auth: "bearer token",
            report,
            problem: None,
            baseline,
        };
        let m = Matrix::new(
            &[target("alpha", &a, None), target("beta", &b, Some(&cmp))],
            &Redactor::new(),
        );
        let known = |row: usize, col: usize| {
            m.rows[row].cells[col]
                .as_ref()
                .map(|c| c.known)
                .unwrap_or_default()
        };
        assert_eq!(m.rows[1].id, "c2");
        assert!(known(1, 1));
        assert!(!known(1, 0), "only the target whose baseline lists it");
        assert!(!known(0, 1));
    }

    #[test]
    fn differences_come_grouped_by_section() {
        let m = matrix();
        assert_eq!(m.difference_count(), 2);
        assert_eq!(m.disagreement_count(), 1);
        let diff = m.differences();
        let names: Vec<&str> = diff.iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["RFC7644 §3.3", "RFC7644 §3.4.2"]);
        assert_eq!(diff[0].rows[0].id, "c2");
        let same = m.agreements();
        assert_eq!(same.len(), 1);
        assert_eq!(same[0].rows[0].id, "c1");
        let msg = diff[0].rows[0].cells[1]
            .as_ref()
            .and_then(|c| c.message.clone());
        assert_eq!(msg.as_deref(), Some("expected 201, got 200 <x> [REDACTED]"));
    }
}
