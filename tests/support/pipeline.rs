//! The pipeline wired by hand, in one place: a fresh reference server, a client holding its
//! token, discovery, the plan and the run. Tests that need every [`CaseResult`] in memory
//! (rather than what the binary prints) go through [`run_suite_against`].

use std::sync::Arc;

use scimspec::http::{ClientOptions, Credentials, HttpClient};
use scimspec::load::Suite;
use scimspec::plan::{self, Selection};
use scimspec::run::{self, CaseResult, RunContext};
use scimspec::server::{self, ServerConfig};

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
    let client = HttpClient::new(ClientOptions {
        credentials,
        ..ClientOptions::new(server.base_url())
    })
    .expect("client");
    let discovery = plan::discover(&client).await.expect("discovery");
    let plan = plan::plan(suite, selection, &discovery.capabilities);
    let ids: Vec<String> = plan.cases.iter().map(|p| p.case.id.clone()).collect();
    let results = run::run_plan(&plan, Arc::new(RunContext::new(client)), jobs).await;
    server.stop().await;
    ids.into_iter().zip(results).collect()
}
