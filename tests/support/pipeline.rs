//! A suite run held in memory: a fresh reference server (with a fault, in strict mode, …)
//! connected as a target the way every command connects one ([`Target::connect`]), planned and
//! run. Tests that need every [`CaseResult`] (rather than what the binary prints) go through
//! [`run_suite_against`].

use scimspec::http::Credentials;
use scimspec::load::Suite;
use scimspec::plan::Selection;
use scimspec::run::{self, CaseResult};
use scimspec::server::{self, ServerConfig};
use scimspec::target::{Discover, Target, TargetOptions};

/// Starts a reference server from `config`, runs the cases of `suite` that `selection` keeps
/// against it, `jobs` at a time, and stops it. Each planned case id with its result, in plan
/// order. The client sends `config.token` as a bearer token, if any.
pub async fn run_suite_against(
    config: ServerConfig,
    suite: &Suite,
    selection: &Selection,
    jobs: usize,
) -> Vec<(String, CaseResult)> {
    let credentials = config
        .token
        .clone()
        .map_or(Credentials::None, Credentials::Bearer);
    let server = server::spawn(config)
        .await
        .expect("reference server starts");
    let target = Target::connect(
        &TargetOptions::url(server.base_url(), credentials),
        Discover::Yes,
    )
    .await
    .expect("the reference server connects");
    let plan = target.plan(suite, selection);
    let ids: Vec<String> = plan.cases.iter().map(|p| p.case.id.clone()).collect();
    let results = run::run_plan_at_once(&plan, target.context(), jobs).await;
    target.stop().await;
    server.stop().await;
    ids.into_iter().zip(results).collect()
}
