//! `scimspec compare`: runs the suite against several targets of a config file at once and
//! writes the comparison matrix (Markdown, HTML) and JUnit with one testsuite per target.
//! Each target goes through the same pipeline as `run` (load → discover → plan with its
//! profile → run → report), concurrently; the reporters only read the finished runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::{self, AppError};
use crate::baseline::{self, Baseline, Comparison};
use crate::cli::CompareArgs;
use crate::config::{Config, ConfigError, TargetConfig, DEFAULT_JOBS, DEFAULT_TIMEOUT};
use crate::http::{ClientOptions, HttpClient, Redactor};
use crate::load::{self, Suite};
use crate::plan::{self, Discovery, Selection};
use crate::profile::Profile;
use crate::report::compare::{html, markdown, Matrix, TargetResult};
use crate::report::{junit, RunReport};
use crate::run::{self, Outcome, RunContext};
use crate::server;

/// One target, ready to run.
struct Prepared {
    name: String,
    config: TargetConfig,
    profile: Option<Arc<Profile>>,
    suite: Suite,
    baseline: Option<Baseline>,
}

/// One target's finished run.
pub struct TargetRun {
    pub name: String,
    pub profile: Option<String>,
    pub auth: String,
    pub report: RunReport,
    /// Set when the target could not be run at all.
    pub problem: Option<String>,
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

fn keep_by_name(args: &CompareArgs, id: &str) -> bool {
    let selected = match &args.select.filter {
        None => true,
        Some(f) if args.select.exact => id == f,
        Some(f) => id.contains(f.as_str()),
    };
    selected && !args.select.skip.iter().any(|s| id.contains(s.as_str()))
}

fn prepare(config: &Config, name: &str) -> Result<Prepared, AppError> {
    let tc = config.target(name)?;
    let profile = app::load_profile(tc.profile.as_deref())?;
    let suite = match &tc.suites {
        Some(paths) if !paths.is_empty() => load::load_paths(paths)?,
        _ => load::load_embedded()?,
    };
    let baseline = tc.baseline.as_deref().map(Baseline::load).transpose()?;
    Ok(Prepared {
        name: name.to_string(),
        config: tc,
        profile,
        suite,
        baseline,
    })
}

/// Runs one target; never fails: a target that cannot be run is reported as such.
async fn run_target(p: Prepared, args: CompareArgs) -> TargetRun {
    let started = Instant::now();
    let tc = &p.config;
    let mut credentials = tc.credentials();
    let mut embedded = None;
    let url = match tc.url_with_domain() {
        Ok(Some(url)) => Ok(url.trim_end_matches('/').to_string()),
        Ok(None) => {
            let (config, creds) = app::embedded_server_config(p.profile.clone());
            match server::spawn(config).await {
                Ok(running) => {
                    let url = running.base_url().to_string();
                    embedded = Some(running);
                    credentials = creds;
                    Ok(url)
                }
                Err(e) => Err(format!("cannot start the embedded reference server: {e}")),
            }
        }
        Err(e) => Err(e.to_string()),
    };
    let auth = credentials.describe();
    let profile_name = p.profile.as_ref().map(|p| p.name().to_string());
    let empty = |target: String, problem: String| TargetRun {
        name: p.name.clone(),
        profile: profile_name.clone(),
        auth: auth.clone(),
        report: RunReport {
            target,
            run_id: String::new(),
            discovery: Discovery::default(),
            results: Vec::new(),
            duration: started.elapsed(),
        },
        problem: Some(problem),
        unexpected: Vec::new(),
        baseline: None,
        redactor: Redactor::new(),
    };
    let url = match url {
        Ok(u) => u,
        Err(e) => return empty(tc.url.clone().unwrap_or_default(), e),
    };
    let client = HttpClient::new(ClientOptions {
        credentials,
        timeout: Duration::from_secs(tc.timeout.unwrap_or(DEFAULT_TIMEOUT).max(1)),
        insecure: tc.insecure.unwrap_or(false),
        ca_cert: tc.ca_cert.clone(),
        extra_headers: tc
            .headers
            .iter()
            .map(|h| (h.0.clone(), h.1.clone()))
            .collect(),
        ..ClientOptions::new(url.clone())
    });
    let client = match client {
        Ok(c) => c,
        Err(e) => return empty(url, e.to_string()),
    };
    let redactor = client.redactor().clone();
    let mut discovery = match plan::discover(&client).await {
        Ok(d) => d,
        Err(e) => {
            if let Some(s) = embedded {
                s.stop().await;
            }
            let mut run = empty(url, redactor.redact(&e.to_string()));
            run.redactor = redactor;
            return run;
        }
    };
    if let Some(profile) = &p.profile {
        plan::restrict_capabilities(profile, &mut discovery.capabilities);
    }
    let selection = Selection {
        tags: if args.select.tags.is_empty() {
            tc.tags.clone().unwrap_or_default()
        } else {
            args.select.tags.clone()
        },
        sections: if args.select.sections.is_empty() {
            tc.sections.clone().unwrap_or_default()
        } else {
            args.select.sections.clone()
        },
    };
    let mut planned = plan::plan_for_profile(
        &p.suite,
        &selection,
        &discovery.capabilities,
        p.profile.as_deref(),
    );
    let skips = tc.skip.clone().unwrap_or_default();
    planned.cases.retain(|c| {
        keep_by_name(&args, &c.case.id) && !skips.iter().any(|s| c.case.id.contains(s.as_str()))
    });
    let ctx = Arc::new(RunContext::new(client).with_profile(p.profile.clone()));
    let run_id = ctx.run_id.clone();
    let jobs = tc.jobs.unwrap_or(DEFAULT_JOBS);
    let results = run::run_plan(&planned, ctx, jobs).await;
    if let Some(s) = embedded {
        s.stop().await;
    }
    let results: Vec<_> = planned
        .cases
        .iter()
        .map(|c| c.case.clone())
        .zip(results)
        .collect();
    let report = RunReport {
        target: url,
        run_id,
        discovery,
        results,
        duration: started.elapsed(),
    };
    let comparison = p.baseline.as_ref().map(|b| {
        let ids: Vec<String> = p.suite.cases.iter().map(|c| c.id.clone()).collect();
        baseline::compare(b, &report.results, &ids)
    });
    let unexpected = match &comparison {
        Some(cmp) => {
            let mut out: Vec<String> = cmp
                .unexpected
                .iter()
                .map(|id| format!("unexpected: {id}"))
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
        name: p.name,
        profile: profile_name,
        auth,
        report,
        problem,
        unexpected,
        baseline: comparison,
        redactor,
    }
}

/// The targets to compare: `--only` ones (in the file's order) or all.
fn chosen(config: &Config, only: &[String]) -> Result<Vec<String>, AppError> {
    for name in only {
        if !config.names().contains(&name.as_str()) {
            return Err(ConfigError::Usage(format!(
                "{} has no target '{name}' (it has: {})",
                config.path,
                config.names().join(", ")
            ))
            .into());
        }
    }
    let names: Vec<String> = config
        .names()
        .into_iter()
        .filter(|n| only.is_empty() || only.iter().any(|o| o == n))
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(AppError::Usage(format!(
            "{} defines no target: add [targets.NAME] tables",
            config.path
        )));
    }
    Ok(names)
}

/// Writes a report file, creating its directory.
fn write(path: &Path, text: &[u8]) -> Result<(), AppError> {
    let err = |e: std::io::Error| AppError::Usage(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(path, text).map_err(err)
}

/// `scimspec compare`.
pub fn compare(args: &CompareArgs) -> Result<CompareResult, AppError> {
    let config = Config::load(&args.config)?;
    let names = chosen(&config, &args.only)?;
    let prepared = names
        .iter()
        .map(|n| prepare(&config, n))
        .collect::<Result<Vec<_>, _>>()?;
    let out_dir = args
        .out
        .clone()
        .or_else(|| config.file.compare.out.as_ref().map(|o| config.resolve(o)))
        .unwrap_or_else(|| PathBuf::from("reports"));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    eprintln!("Comparing {} targets: {}", names.len(), names.join(", "));
    let runs: Vec<TargetRun> = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, p) in prepared.into_iter().enumerate() {
            let args = args.clone();
            set.spawn(async move { (i, run_target(p, args).await) });
        }
        let mut runs: Vec<Option<TargetRun>> = (0..names.len()).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, run)) = joined {
                runs[i] = Some(run);
            }
        }
        runs.into_iter().flatten().collect()
    });
    if runs.len() != names.len() {
        return Err(AppError::Usage("a target's run ended abnormally".into()));
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
    junit::write_suites(&suites, &xml)?;
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
        let c = r.report.counts();
        let profile = r
            .profile
            .as_deref()
            .map(|p| format!(" [profile {p}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}{profile}: {} passed; {} failed; {} warned; {} skipped; {} errors — {} ({:.2}s)\n",
            r.name,
            c[&Outcome::Pass],
            c[&Outcome::Fail],
            c[&Outcome::Warn],
            c[&Outcome::Skip],
            c[&Outcome::Error],
            r.report.target,
            r.report.duration.as_secs_f64()
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
