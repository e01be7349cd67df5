//! The variance catalogue proves the suite stays silent where the RFC lets a server choose:
//! against each variant of the reference server (`scimspec serve --variant NAME`), and against
//! all of them at once, a case that fails, warns or errors is a false alarm of ours. The table
//! of what each variant still trips is kept in `suites/VARIANTS.md` — it is the suite's list of
//! debts, and it may only shrink; regenerate it with `SCIMSPEC_BLESS=1 cargo test --test
//! variants`.
//!
//! A test binary of its own because it is its own libtest harness (`harness = false`): one
//! trial per variant plus one for the combination, each against its own server, filterable
//! (`cargo test --test variants -- no-etags`). The table is written or checked after the
//! trials, and only when every trial ran.

#[path = "support/generated.rs"]
mod generated;
#[path = "support/pipeline.rs"]
mod pipeline;

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Trial};
use pipeline::run_suite_against;
use scimspec::load::{self, Suite};
use scimspec::plan::Selection;
use scimspec::run::{CaseResult, Outcome};
use scimspec::server::{Fault, ServerConfig, Variant};

const TOKEN: &str = "variant-test-token";
const ALL: &str = "all variants at once";

/// What one server setting made the suite say beyond passing.
#[derive(Debug, Clone, Default)]
struct Finding {
    /// Cases that failed, warned or errored: (id, outcome, first line of the message).
    alarms: Vec<(String, Outcome, String)>,
    skipped: usize,
    passed: usize,
}

fn run_suite(
    suite: &Suite,
    variants: Vec<Variant>,
    fault: Option<Fault>,
) -> Vec<(String, CaseResult)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = ServerConfig {
        token: Some(TOKEN.into()),
        variants,
        fault,
        ..ServerConfig::default()
    };
    runtime.block_on(run_suite_against(config, suite, &Selection::default(), 1))
}

fn finding(results: &[(String, CaseResult)]) -> Finding {
    let mut f = Finding::default();
    for (id, r) in results {
        match r.outcome {
            Outcome::Pass => f.passed += 1,
            Outcome::Skip => f.skipped += 1,
            other => {
                let message = r.message.clone().unwrap_or_default();
                let first = stable(message.lines().next().unwrap_or_default());
                f.alarms.push((id.clone(), other, first));
            }
        }
    }
    f
}

/// The part of a message that does not change between runs: up to the step it names (what
/// follows holds generated ids and times).
fn stable(message: &str) -> String {
    match message.find("' ").or_else(|| message.find("':")) {
        Some(end) if message[..end].contains("step ") => message[..=end].to_string(),
        _ => message.split(':').next().unwrap_or_default().to_string(),
    }
}

fn trial(
    name: String,
    variants: Vec<Variant>,
    suite: Arc<Suite>,
    table: Arc<Mutex<BTreeMap<String, Finding>>>,
) -> Trial {
    Trial::test(name.clone(), move || {
        let f = finding(&run_suite(&suite, variants, None));
        table.lock().expect("table").insert(name, f);
        Ok(())
    })
}

/// What a fault did under every variant at once: the cases that caught it, or why none did.
#[derive(Debug, Clone, Default)]
struct FaultUnderVariants {
    caught_by: usize,
    /// For an uncaught fault: a case that catches it on the default server, and what it did
    /// under the variants (its skip reason, usually).
    why_not: Option<String>,
}

/// The cases that catch `fault` on the default server, from `suites/FAULTS.md`.
fn default_catchers(fault: Fault) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites/FAULTS.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let head = format!("| `{}` |", fault.name());
    doc.lines()
        .find(|l| l.starts_with(&head))
        .and_then(|l| l.rsplit('|').nth(1))
        .map(|cell| {
            cell.split(',')
                .map(|c| c.trim().trim_matches('`').to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// `fault` under every variant: caught when a case fails or warns that does not already do so
/// under the variants alone (`already`).
fn fault_trial(
    fault: Fault,
    suite: Arc<Suite>,
    already: Arc<BTreeSet<String>>,
    faults: Arc<Mutex<BTreeMap<&'static str, FaultUnderVariants>>>,
) -> Trial {
    Trial::test(
        format!("fault::{} under every variant", fault.name()),
        move || {
            let results = run_suite(&suite, Variant::all().to_vec(), Some(fault));
            let caught_by = results
                .iter()
                .filter(|(id, r)| {
                    matches!(r.outcome, Outcome::Fail | Outcome::Warn) && !already.contains(id)
                })
                .count();
            let why_not = (caught_by == 0).then(|| {
                let catchers = default_catchers(fault);
                results
                    .iter()
                    .find(|(id, _)| catchers.contains(id))
                    .map(|(id, r)| {
                        format!(
                            "`{id}` (catches it by default) {}: {}",
                            r.outcome,
                            stable(&r.message.clone().unwrap_or_default())
                        )
                    })
                    .unwrap_or_else(|| "no case that catches it by default ran".into())
            });
            faults
                .lock()
                .expect("faults")
                .insert(fault.name(), FaultUnderVariants { caught_by, why_not });
            Ok(())
        },
    )
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn render(
    table: &BTreeMap<String, Finding>,
    faults: &BTreeMap<&'static str, FaultUnderVariants>,
    suite: &Suite,
) -> String {
    // Cases replaying a provisioning client's requests, by id, with the client's name.
    let entra: BTreeMap<&str, &str> = suite
        .cases
        .iter()
        .filter_map(|c| {
            let client = c.tags.iter().find_map(|t| match t.as_str() {
                "entra" => Some("Entra"),
                "okta" => Some("Okta"),
                _ => None,
            })?;
            Some((c.id.as_str(), client))
        })
        .collect();
    let mut out = String::new();
    out.push_str(
        "# Variance catalogue: what the suite says where the RFC lets a server choose\n\n",
    );
    out.push_str(
        "Generated by `SCIMSPEC_BLESS=1 cargo test --test variants`; do not edit by hand.\n\
         Each variant makes the reference server (`scimspec serve --variant NAME`) choose \
         differently where the RFC allows it. Against a variant, every RFC case must pass or \
         skip with a reason: a failure, warning or error listed here is a false alarm of the \
         suite, to be removed by making the case adapt to what the target declares. Entra \
         and Okta cases may report what the variant really breaks for that client.\n\n",
    );
    out.push_str("| variant | allowed by | passed | skipped | RFC false alarms | client findings (Entra, Okta) |\n|---|---|---|---|---|---|\n");
    let describe = |name: &str| -> (String, String) {
        match name.parse::<Variant>() {
            Ok(v) => (v.behaviour().to_string(), v.allowed_by().to_string()),
            Err(_) => ("every variant above at once".into(), String::new()),
        }
    };
    let order: Vec<&String> = Variant::all()
        .iter()
        .filter_map(|v| table.keys().find(|k| k.as_str() == v.name()))
        .chain(table.keys().filter(|k| k.as_str() == ALL))
        .collect();
    for name in &order {
        let f = &table[*name];
        let (behaviour, allowed) = describe(name);
        let rfc = f
            .alarms
            .iter()
            .filter(|(id, _, _)| !entra.contains_key(id.as_str()))
            .count();
        let ent = f.alarms.len() - rfc;
        out.push_str(&format!(
            "| `{name}`: {} | {} | {} | {} | {rfc} | {ent} |\n",
            cell(&behaviour),
            cell(&allowed),
            f.passed,
            f.skipped
        ));
    }
    for name in &order {
        let f = &table[*name];
        if f.alarms.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## `{name}`\n\n"));
        for (id, outcome, message) in &f.alarms {
            let kind = entra.get(id.as_str()).copied().unwrap_or("RFC");
            out.push_str(&format!(
                "- {kind} `{id}` — {outcome}: {}\n",
                cell(&scimspec::scim::text::truncate(message, 160))
            ));
        }
    }
    let caught = faults.values().filter(|f| f.caught_by > 0).count();
    out.push_str(&format!(
        "\n## Faults under every variant at once\n\nThe fault catalogue against a server that \
         also makes every choice above: {caught} of {} faults are still caught. Those that are \
         not break a rule the variants take out of play (no ETags, no filtering, no Groups, …) \
         or are caught only by cases that then skip:\n\n",
        faults.len()
    ));
    for (name, f) in faults {
        if let Some(why) = &f.why_not {
            out.push_str(&format!("- `{name}` — {}\n", cell(why)));
        }
    }
    out
}

/// Writes (with `SCIMSPEC_BLESS`) or checks `suites/VARIANTS.md`; `false` when out of date.
fn write_or_check(
    table: &BTreeMap<String, Finding>,
    faults: &BTreeMap<&'static str, FaultUnderVariants>,
    suite: &Suite,
) -> bool {
    generated::write_or_check(
        &render(table, faults, suite),
        "suites/VARIANTS.md",
        "SCIMSPEC_BLESS=1 cargo test --test variants (a variant's false alarms changed)",
    )
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let suite = Arc::new(load::load_embedded().expect("embedded suite loads"));
    let table = Arc::new(Mutex::new(BTreeMap::new()));
    let mut trials: Vec<Trial> = Variant::all()
        .iter()
        .map(|v| {
            trial(
                v.name().to_string(),
                vec![*v],
                Arc::clone(&suite),
                Arc::clone(&table),
            )
        })
        .collect();
    trials.push(trial(
        ALL.to_string(),
        Variant::all().to_vec(),
        Arc::clone(&suite),
        Arc::clone(&table),
    ));
    let faults = Arc::new(Mutex::new(BTreeMap::new()));
    let already: Arc<BTreeSet<String>> = Arc::new(
        run_suite(&suite, Variant::all().to_vec(), None)
            .into_iter()
            .filter(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Warn))
            .map(|(id, _)| id)
            .collect(),
    );
    for fault in Fault::all() {
        trials.push(fault_trial(
            *fault,
            Arc::clone(&suite),
            Arc::clone(&already),
            Arc::clone(&faults),
        ));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    let table = table.lock().expect("table");
    let faults = faults.lock().expect("faults");
    let every_trial_ran =
        table.len() == Variant::all().len() + 1 && faults.len() == Fault::all().len();
    let current = !every_trial_ran || write_or_check(&table, &faults, &suite);
    if conclusion.has_failed() || !current {
        ExitCode::from(101)
    } else {
        ExitCode::SUCCESS
    }
}
