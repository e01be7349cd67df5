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
use std::sync::Arc;

use libtest_mimic::Arguments;

use crate::http::{ClientOptions, Credentials, HttpClient};
use crate::load;
use crate::plan::{self, Selection};
use crate::run::{self, ExecuteOptions, Outcome, RunContext};

/// Runs the embedded suite against `base_url` with the process's libtest-style arguments.
pub fn main(base_url: &str, credentials: Credentials) -> ExitCode {
    let args = Arguments::from_args();
    let suite = match load::load_embedded() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let client = match HttpClient::new(ClientOptions {
        credentials,
        ..ClientOptions::new(base_url)
    }) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let discovery = match runtime.block_on(plan::discover(&client)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    let plan = plan::plan(&suite, &Selection::default(), &discovery.capabilities);
    let options = ExecuteOptions {
        filter: args.filter.clone(),
        exact: args.exact,
        skip: args.skip.clone(),
        list: args.list,
        jobs: args.test_threads.unwrap_or(8),
        quiet: args.quiet,
        no_color: false,
    };
    let execution = run::execute(
        &plan,
        Arc::new(RunContext::new(client)),
        runtime.handle().clone(),
        &options,
    );
    let failed = execution
        .results
        .iter()
        .any(|(_, r)| matches!(r.outcome, Outcome::Fail | Outcome::Error));
    if failed {
        ExitCode::from(101)
    } else {
        ExitCode::SUCCESS
    }
}
