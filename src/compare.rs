//! `scimspec compare`: runs the suite against several targets of a config file at once and
//! writes the comparison matrix (Markdown, HTML) and JUnit with one testsuite per target.
//! Each target goes through the same pipeline as `run` (load → discover → plan with its
//! profile → run → report), concurrently, each within its deadline and until an interrupt;
//! the reporters only read the finished runs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;

use crate::baseline::{self, Baseline, Comparison};
use crate::http::Redactor;
use crate::load::Suite;
use crate::plan::{NameFilter, Selection};
use crate::report::compare::{html, markdown, Matrix, TargetResult};
use crate::report::{junit, RunReport};
use crate::run::{self, Interrupt, Outcome};
use crate::target::{Discover, Target, TargetError, TargetOptions};

#[derive(Debug, Error)]
pub enum CompareError {
    #[error("a target's run ended abnormally")]
    Abnormal,
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Junit(#[from] junit::JunitError),
}

/// One target of the comparison, ready to run.
#[derive(Debug, Clone)]
pub struct ComparedTarget {
    pub name: String,
    pub target: TargetOptions,
    pub suite: Suite,
    pub selection: Selection,
    pub names: NameFilter,
    pub jobs: usize,
    pub baseline: Option<Baseline>,
}

/// One target's finished run.
pub struct TargetRun {
    pub name: String,
    pub profile: Option<String>,
    pub auth: String,
    pub report: RunReport,
    /// Set when the target could not be run at all.
    pub problem: Option<String>,
    /// True when the target did not answer (at connection, discovery, or every case).
    pub unreachable: bool,
    /// True when the target could not be run because its settings are wrong (URL, profile,
    /// credentials, certificates, headers).
    pub misconfigured: bool,
    /// Outcomes its baseline does not expect, and baseline entries that no longer hold (without
    /// a baseline: every failed or errored case).
    pub unexpected: Vec<String>,
    /// How the run compares with the target's baseline, when it has one.
    pub baseline: Option<Comparison>,
    pub redactor: Redactor,
}

/// What `compare` wrote and found.
pub struct CompareResult {
    pub runs: Vec<TargetRun>,
    pub files: Vec<PathBuf>,
    pub differences: usize,
    /// Differences between targets that ran the case (skips aside).
    pub disagreements: usize,
}

impl CompareResult {
    /// True when no target failed unexpectedly and every target could be run.
    pub fn clean(&self) -> bool {
        self.runs
            .iter()
            .all(|r| r.unexpected.is_empty() && r.problem.is_none())
    }
}

/// A run that could not happen: no results, the reason in `problem`.
fn not_run(
    c: &ComparedTarget,
    target: String,
    redactor: Redactor,
    error: &TargetError,
) -> TargetRun {
    TargetRun {
        name: c.name.clone(),
        profile: c.target.profile.clone(),
        auth: c.target.credentials.describe(),
        report: RunReport {
            target,
            run_id: String::new(),
            discovery: None,
            results: Vec::new(),
            duration: Default::default(),
            redactor: redactor.clone(),
            run_leftovers: Vec::new(),
        },
        problem: Some(redactor.redact(&error.to_string())),
        unreachable: error.is_unreachable(),
        misconfigured: error.is_config(),
        unexpected: Vec::new(),
        baseline: None,
        redactor,
    }
}

/// Runs one target; never fails: a target that cannot be run is reported as such.
async fn run_target(c: ComparedTarget, interrupt: Interrupt) -> TargetRun {
    let started = Instant::now();
    let target = match Target::connect(&c.target, Discover::Yes).await {
        Ok(t) => t,
        Err(e) => {
            let redactor = Redactor::new();
            for secret in c.target.credentials.secrets() {
                redactor.learn(secret);
            }
            let url = c.target.url.clone().unwrap_or_default();
            return not_run(&c, url, redactor, &e);
        }
    };
    let redactor = target.redactor().clone();
    let auth = target.credentials().describe();
    let profile = target.profile().map(|p| p.name().to_string());
    let mut planned = target.plan(&c.suite, &c.selection);
    planned.cases.retain(|p| c.names.keeps(&p.case.id));
    let ctx = target.context_with_interrupt(&interrupt);
    let run_id = ctx.run_id.clone();
    let results = run::run_plan(&planned, ctx, c.jobs).await;
    let results: Vec<_> = planned
        .cases
        .iter()
        .map(|p| p.case.info())
        .zip(results)
        .collect();
    let report = target.report(run_id, results, started.elapsed());
    target.stop().await;
    let comparison = c.baseline.as_ref().map(|b| {
        let ids: Vec<String> = c.suite.cases.iter().map(|c| c.id.clone()).collect();
        baseline::compare(b, &report.results, &ids)
    });
    let unexpected = match &comparison {
        Some(cmp) => {
            let mut out: Vec<String> = cmp
                .unexpected
                .iter()
                .map(|id| {
                    let seen = report
                        .results
                        .iter()
                        .find(|(case, _)| &case.id == id)
                        .map(|(_, r)| r.outcome.as_str())
                        .unwrap_or("unexpected");
                    format!("unexpected {seen}: {id}")
                })
                .collect();
            out.extend(
                cmp.stale
                    .iter()
                    .map(|(id, why)| format!("stale baseline entry: {id} — {why}")),
            );
            out
        }
        None => report
            .results
            .iter()
            .filter(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Error))
            .map(|(c, r)| format!("{}: {}", r.outcome, c.id))
            .collect(),
    };
    let problem = report
        .target_unreachable()
        .then(|| format!("{} could not be reached", report.target));
    TargetRun {
        name: c.name,
        profile,
        auth,
        unreachable: problem.is_some(),
        misconfigured: false,
        report,
        problem,
        unexpected,
        baseline: comparison,
        redactor,
    }
}

/// Writes a report file, creating its directory.
fn write(path: &Path, text: &[u8]) -> Result<(), CompareError> {
    let err = |source: std::io::Error| CompareError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(path, text).map_err(err)
}

/// Runs every target at once and writes `compare.md`, `compare.html` and `compare-junit.xml`
/// into `out_dir`. Raising `interrupt` stops every target's run early (the files are still
/// written, unfinished cases as errors).
pub fn compare(
    targets: Vec<ComparedTarget>,
    out_dir: &Path,
    interrupt: &Interrupt,
) -> Result<CompareResult, CompareError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CompareError::Runtime)?;
    let count = targets.len();
    let runs: Vec<TargetRun> = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, c) in targets.into_iter().enumerate() {
            let interrupt = interrupt.clone();
            set.spawn(async move { (i, run_target(c, interrupt).await) });
        }
        let mut runs: Vec<Option<TargetRun>> = (0..count).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, run)) = joined {
                runs[i] = Some(run);
            }
        }
        runs.into_iter().flatten().collect()
    });
    if runs.len() != count {
        return Err(CompareError::Abnormal);
    }

    let redactor = Redactor::new();
    for r in &runs {
        redactor.absorb(&r.redactor);
    }
    let targets: Vec<TargetResult<'_>> = runs
        .iter()
        .map(|r| TargetResult {
            name: &r.name,
            profile: r.profile.as_deref(),
            auth: &r.auth,
            report: &r.report,
            problem: r.problem.as_deref(),
            baseline: r.baseline.as_ref(),
        })
        .collect();
    let matrix = Matrix::new(&targets, &redactor);
    let md = out_dir.join("compare.md");
    let page = out_dir.join("compare.html");
    let xml = out_dir.join("compare-junit.xml");
    write(&md, markdown::render(&matrix).as_bytes())?;
    write(&page, html::render(&matrix).as_bytes())?;
    let props: Vec<Vec<(String, String)>> = runs
        .iter()
        .map(|r| {
            let mut p = vec![("auth".to_string(), r.auth.clone())];
            if let Some(name) = &r.profile {
                p.push(("profile".to_string(), name.clone()));
            }
            if let Some(problem) = &r.problem {
                p.push(("problem".to_string(), redactor.redact(problem)));
            }
            p
        })
        .collect();
    let suites: Vec<junit::SuiteInput<'_>> = runs
        .iter()
        .zip(&props)
        .map(|(r, p)| junit::SuiteInput {
            name: &r.name,
            report: &r.report,
            properties: p,
            baseline: r.baseline.as_ref(),
        })
        .collect();
    junit::write_comparison(&suites, &xml)?;
    Ok(CompareResult {
        runs,
        files: vec![md, page, xml],
        differences: matrix.difference_count(),
        disagreements: matrix.disagreement_count(),
    })
}

/// The console summary: one line per target, then the files written.
pub fn summary(result: &CompareResult) -> String {
    let mut out = String::new();
    for r in &result.runs {
        let profile = r
            .profile
            .as_deref()
            .map(|p| format!(" [profile {p}]"))
            .unwrap_or_default();
        let known = r.baseline.as_ref().map_or(0, |b| b.expected.len());
        out.push_str(&format!(
            "{}{profile}: {}\n",
            r.name,
            crate::report::summary::figures(&r.report, known, 0)
        ));
        if let Some(p) = &r.problem {
            out.push_str(&format!("    could not be run: {}\n", r.redactor.redact(p)));
        }
        for u in &r.unexpected {
            out.push_str(&format!("    {u}\n"));
        }
    }
    out.push_str(&format!(
        "{} cases differ between targets; {} where the targets that ran them disagree\n",
        result.differences, result.disagreements
    ));
    for f in &result.files {
        out.push_str(&format!("wrote {}\n", f.display()));
    }
    out
}
