//! Correctness under load, checked after the run: every user the run created (and did not
//! delete) is found by its match query exactly once, with its id, and every group has exactly
//! the members the run sent it — the lost updates of overlapping PATCHes show here.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::ledger::Ledger;
use super::parallel;
use crate::http::{HttpClient, OutgoingRequest};

/// Checks at once.
const CHECKS_AT_ONCE: usize = 8;
/// Problems kept in the report (all are counted).
const PROBLEMS_KEPT: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FinalState {
    pub users_checked: usize,
    pub groups_checked: usize,
    /// Users or groups not as the run left them.
    pub mismatches: usize,
    /// The first few, in words.
    pub problems: Vec<String>,
}

impl FinalState {
    pub fn holds(&self) -> bool {
        self.mismatches == 0
    }
}

async fn check_user(client: Arc<HttpClient>, id: String, user_name: String) -> Option<String> {
    let mut request = OutgoingRequest::get("/Users");
    request.query.push((
        "filter".into(),
        format!("userName eq \"{}\"", user_name.replace('"', "\\\"")),
    ));
    let answer = match client.send(&request).await {
        Ok(a) => a,
        Err(e) => return Some(format!("user {user_name}: match query not answered: {e}")),
    };
    if answer.response.status != 200 {
        return Some(format!(
            "user {user_name}: match query answered {}",
            answer.response.status
        ));
    }
    let json = answer.response.json.unwrap_or(Value::Null);
    let found: Vec<String> = json
        .get("Resources")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|u| id_of(u.get("id"))).collect())
        .unwrap_or_default();
    let total = json.get("totalResults").and_then(Value::as_u64);
    if found.len() != 1 || total.is_some_and(|t| t != 1) {
        return Some(format!(
            "user {user_name}: the match query finds {} (totalResults {}), not exactly one",
            found.len(),
            total.map_or("absent".to_string(), |t| t.to_string())
        ));
    }
    (found[0] != id).then(|| {
        format!(
            "user {user_name}: found with id {}, created as {id}",
            found[0]
        )
    })
}

fn id_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn check_group(
    client: Arc<HttpClient>,
    id: String,
    expected: BTreeSet<String>,
) -> Option<String> {
    let answer = match client
        .send(&OutgoingRequest::get(format!("/Groups/{id}")))
        .await
    {
        Ok(a) => a,
        Err(e) => return Some(format!("group {id}: not answered: {e}")),
    };
    if answer.response.status != 200 {
        return Some(format!(
            "group {id}: GET answered {}",
            answer.response.status
        ));
    }
    let members: BTreeSet<String> = answer
        .response
        .json
        .as_ref()
        .and_then(|j| j.get("members"))
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(|m| id_of(m.get("value"))).collect())
        .unwrap_or_default();
    if members == expected {
        return None;
    }
    let lost: Vec<&String> = expected.difference(&members).collect();
    let extra: Vec<&String> = members.difference(&expected).collect();
    Some(format!(
        "group {id}: {} members instead of the {} sent (missing {lost:?}, unexpected {extra:?})",
        members.len(),
        expected.len()
    ))
}

/// Checks the target against the ledger.
pub async fn check(client: Arc<HttpClient>, ledger: &Ledger) -> FinalState {
    let users: Vec<(String, String)> = ledger
        .live_users()
        .map(|u| (u.id.clone(), u.user_name.clone()))
        .collect();
    let groups: Vec<(String, BTreeSet<String>)> = ledger
        .groups
        .iter()
        .map(|(g, m)| (g.clone(), m.clone()))
        .collect();
    let mut state = FinalState {
        users_checked: users.len(),
        groups_checked: groups.len(),
        ..FinalState::default()
    };
    let c = Arc::clone(&client);
    let mut problems: Vec<String> = parallel::each(users, CHECKS_AT_ONCE, move |(id, name)| {
        check_user(Arc::clone(&c), id, name)
    })
    .await
    .into_iter()
    .flatten()
    .collect();
    problems.extend(
        parallel::each(groups, CHECKS_AT_ONCE, move |(id, members)| {
            check_group(Arc::clone(&client), id, members)
        })
        .await
        .into_iter()
        .flatten(),
    );
    problems.sort();
    state.mismatches = problems.len();
    problems.truncate(PROBLEMS_KEPT);
    state.problems = problems;
    state
}
