//! The suite as a `cargo test` harness for SCIM implementers. In a test target with
//! `harness = false`:
//!
//! ```no_run
//! // tests/scim_conformance.rs
//! fn main() -> std::process::ExitCode {
//!     // start your server here, then:
//!     scimspec::harness::main("http://127.0.0.1:8080/scim/v2", scimspec::http::Credentials::None)
//! }
//! ```
//!
//! `cargo test --test scim_conformance -- filter` then runs the cases whose id contains
//! "filter", with the usual `--exact`, `--skip`, `--list` and `--test-threads` flags.

use std::process::ExitCode;

use libtest_mimic::Arguments;

use crate::exit::Exit;
use crate::http::Credentials;
use crate::load::{self, Case};
use crate::plan::{NameFilter, Selection};
use crate::report::progress;
use crate::run::{self, CaseResult, ExecuteOptions, Outcome, Watcher};
use crate::target::{self, Discover, Target, TargetOptions};

/// Prints a line per finished case, and why it failed or errored (nothing with `quiet`).
struct CaseLines {
    quiet: bool,
}

impl Watcher for CaseLines {
    fn finished(&mut self, case: &Case, result: &CaseResult) {
        if self.quiet {
            return;
        }
        let (before, word, after) = progress::case_line(case.level, &case.id, 0, result);
        println!("{before}{word}{after}");
        if matches!(result.outcome, Outcome::Fail | Outcome::Error) {
            println!("    {}", result.message.as_deref().unwrap_or_default());
        }
    }
}

/// Runs the embedded suite against `base_url` with the process's libtest-style arguments.
pub fn main(base_url: &str, credentials: Credentials) -> ExitCode {
    let args = Arguments::from_args();
    let suite = match load::load_embedded() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage.into();
        }
    };
    let options = ExecuteOptions {
        names: NameFilter {
            filter: args.filter.clone(),
            exact: args.exact,
            skip: args.skip.clone(),
        },
        jobs: args.test_threads.unwrap_or(8),
    };
    if args.list {
        run::list(
            &target::plan_offline(&suite, &Selection::default(), None),
            &options,
        );
        return Exit::Passed.into();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Usage.into();
        }
    };
    let target = match runtime.block_on(Target::connect(
        &TargetOptions::url(base_url, credentials),
        Discover::Yes,
    )) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return if e.is_unreachable() {
                Exit::Unreachable
            } else {
                Exit::Usage
            }
            .into();
        }
    };
    let plan = target.plan(&suite, &Selection::default());
    let execution = run::execute(
        &plan,
        target.context(),
        runtime.handle().clone(),
        &options,
        &mut CaseLines { quiet: args.quiet },
    );
    runtime.block_on(target.stop());
    let mut progress = progress::Progress::new(execution.results.len());
    for (_, r) in &execution.results {
        progress.record(r.outcome);
    }
    println!(
        "\nscimspec: {} passed, {} failed, {} warned, {} skipped, {} errors",
        progress.count(Outcome::Pass),
        progress.count(Outcome::Fail),
        progress.count(Outcome::Warn),
        progress.count(Outcome::Skip),
        progress.count(Outcome::Error)
    );
    let failed = execution
        .results
        .iter()
        .any(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Error));
    if failed {
        Exit::HarnessFailed.into()
    } else {
        Exit::Passed.into()
    }
}
