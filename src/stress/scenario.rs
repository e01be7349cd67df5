//! The scenarios: what a provisioning client sends, as flows of dependent requests (a flow is
//! one object's journey; many flows run interleaved, one request in flight each). Bodies come
//! from `bodies.rs`.
//!
//! - `get`: `GET /Users?startIndex=1&count=1`, the plain GET the benchmark compares with oha.
//! - `entra-initial-cycle`: per user a match query (`userName eq`) and a create, four users,
//!   then the group: match query, create without members, members added in two batches.
//! - `entra-incremental`: a user created, then three cycles of match query and a PATCH that
//!   `Add`s every mapped attribute whether it changed or not.
//! - `okta-push`: three users, then the group pushed with its members and pushed again twice
//!   with a changed full member list (PUT).
//! - `lifecycle`: create, read, rename, disable, delete.
//! - `import`: paging through the users, `--page-size` a page (the run first creates `--users`
//!   users to page through).
//! - `mix`: the above interleaved by weight (flow n takes the scenario at n mod 10 of
//!   [`MIX_WEIGHTS`]).

use std::fmt;

use serde_json::Value;

use super::bodies as b;
use super::step::{Effect, StepTemplate};
use super::StressError;
use crate::plan::Required;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Get,
    EntraInitialCycle,
    EntraIncremental,
    OktaPush,
    Lifecycle,
    Import,
    Mix,
}

/// The mix's weights (they add up to 10).
pub const MIX_WEIGHTS: [(Scenario, usize); 5] = [
    (Scenario::EntraInitialCycle, 3),
    (Scenario::EntraIncremental, 4),
    (Scenario::OktaPush, 1),
    (Scenario::Lifecycle, 1),
    (Scenario::Import, 1),
];

/// Users per group in the initial cycle, and members per `Add`.
const CYCLE_USERS: usize = 4;
const MEMBER_BATCH: usize = 2;
/// Match-and-PATCH cycles per user in the incremental scenario.
const INCREMENTAL_CYCLES: usize = 3;

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::Get,
        Scenario::EntraInitialCycle,
        Scenario::EntraIncremental,
        Scenario::OktaPush,
        Scenario::Lifecycle,
        Scenario::Import,
        Scenario::Mix,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Get => "get",
            Scenario::EntraInitialCycle => "entra-initial-cycle",
            Scenario::EntraIncremental => "entra-incremental",
            Scenario::OktaPush => "okta-push",
            Scenario::Lifecycle => "lifecycle",
            Scenario::Import => "import",
            Scenario::Mix => "mix",
        }
    }

    pub fn parse(text: &str) -> Result<Self, StressError> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|s| s.name()).collect();
                StressError::Usage(format!(
                    "unknown scenario '{text}' (one of: {})",
                    names.join(", ")
                ))
            })
    }

    /// True when the run first creates a population (`import`, and `mix` which includes it).
    pub fn needs_population(self) -> bool {
        matches!(self, Scenario::Import | Scenario::Mix)
    }

    /// The scenario flow `n` follows (the mix picks by weight; others are themselves).
    pub fn pick(self, n: u64) -> Scenario {
        if self != Scenario::Mix {
            return self;
        }
        let mut slot = (n % 10) as usize;
        for (scenario, weight) in MIX_WEIGHTS {
            if slot < weight {
                return scenario;
            }
            slot -= weight;
        }
        Scenario::Lifecycle
    }

    /// The steps of one flow of this (non-mix) scenario, bodies completed with what the
    /// target requires. `page` and `population` shape `import`.
    pub fn steps(self, required: &Required, page: usize, population: usize) -> Vec<StepTemplate> {
        let mut steps = match self {
            Scenario::Get => vec![StepTemplate::get("get users page", "/Users")
                .query("startIndex", "1")
                .query("count", "1")],
            Scenario::EntraInitialCycle => initial_cycle(),
            Scenario::EntraIncremental => incremental(),
            Scenario::OktaPush => okta_push(),
            Scenario::Lifecycle => lifecycle(),
            Scenario::Import => import(page, population),
            Scenario::Mix => Vec::new(),
        };
        for step in &mut steps {
            if let Some(body) = step.body.as_mut() {
                required.complete_request(step.method, &step.path, body);
            }
        }
        steps
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn match_user(n: usize) -> StepTemplate {
    StepTemplate::get("match user", "/Users").query("filter", b::user_match(n))
}

fn create_user(n: usize, body: Value) -> StepTemplate {
    let id = format!("u{n}");
    StepTemplate::with_body("create user", "POST", "/Users", body)
        .capture(&id)
        .effect(Effect::CreatesUser {
            id,
            user_name: b::user_name(n),
        })
}

fn initial_cycle() -> Vec<StepTemplate> {
    let mut steps = Vec::new();
    for n in 1..=CYCLE_USERS {
        steps.push(match_user(n));
        steps.push(create_user(n, b::entra_user(n)));
    }
    let group = "{{uid}} Engineering";
    steps.push(StepTemplate::get("match group", "/Groups").query("filter", b::group_match(group)));
    steps.push(
        StepTemplate::with_body("create group", "POST", "/Groups", b::entra_group(group))
            .capture("g")
            .effect(Effect::CreatesGroup {
                id: "g".into(),
                members: Vec::new(),
            }),
    );
    let ids: Vec<String> = (1..=CYCLE_USERS).map(|n| format!("u{n}")).collect();
    for batch in ids.chunks(MEMBER_BATCH) {
        let vars: Vec<&str> = batch.iter().map(String::as_str).collect();
        steps.push(
            StepTemplate::with_body(
                "add members",
                "PATCH",
                "/Groups/{{g}}",
                b::entra_add_members(&vars),
            )
            .effect(Effect::AddsMembers {
                group: "g".into(),
                members: batch.to_vec(),
            }),
        );
    }
    steps
}

fn incremental() -> Vec<StepTemplate> {
    let mut steps = vec![create_user(1, b::entra_user(1))];
    for cycle in 1..=INCREMENTAL_CYCLES {
        steps.push(match_user(1));
        steps.push(StepTemplate::with_body(
            "patch user",
            "PATCH",
            "/Users/{{u1}}",
            b::entra_incremental(cycle),
        ));
    }
    steps
}

fn okta_push() -> Vec<StepTemplate> {
    let mut steps: Vec<StepTemplate> = (1..=3).map(|n| create_user(n, b::okta_user(n))).collect();
    let group = "{{uid}} Sales";
    steps.push(StepTemplate::get("match group", "/Groups").query("filter", b::group_match(group)));
    steps.push(
        StepTemplate::with_body(
            "push group",
            "POST",
            "/Groups",
            b::okta_group(group, &["u1", "u2"]),
        )
        .capture("g")
        .effect(Effect::CreatesGroup {
            id: "g".into(),
            members: vec!["u1".into(), "u2".into()],
        }),
    );
    for members in [["u2", "u3"], ["u1", "u3"]] {
        steps.push(
            StepTemplate::with_body(
                "replace group",
                "PUT",
                "/Groups/{{g}}",
                b::okta_group(group, &members),
            )
            .effect(Effect::ReplacesMembers {
                group: "g".into(),
                members: members.iter().map(|m| m.to_string()).collect(),
            }),
        );
    }
    steps
}

fn lifecycle() -> Vec<StepTemplate> {
    vec![
        create_user(1, b::entra_user(1)),
        StepTemplate::get("read user", "/Users/{{u1}}"),
        StepTemplate::with_body("patch user", "PATCH", "/Users/{{u1}}", b::entra_rename()),
        StepTemplate::with_body("disable user", "PATCH", "/Users/{{u1}}", b::entra_disable()),
        StepTemplate {
            method: "DELETE",
            ..StepTemplate::get("delete user", "/Users/{{u1}}")
        }
        .effect(Effect::DeletesUser { id: "u1".into() }),
    ]
}

fn import(page: usize, population: usize) -> Vec<StepTemplate> {
    let page = page.max(1);
    let pages = population.div_ceil(page).max(1);
    (0..pages)
        .map(|i| {
            StepTemplate::get("list users", "/Users")
                .query("startIndex", (1 + i * page).to_string())
                .query("count", page.to_string())
        })
        .collect()
}

/// The population `import` pages through: one create per user.
pub fn population_step(required: &Required) -> StepTemplate {
    let mut step = create_user(1, b::okta_user(1));
    step.kind = "seed user";
    if let Some(body) = step.body.as_mut() {
        required.complete_request("POST", "/Users", body);
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::parse(s.name()).ok(), Some(s));
        }
        assert!(
            matches!(Scenario::parse("soak"), Err(StressError::Usage(m)) if m.contains("lifecycle"))
        );
    }

    #[test]
    fn the_mix_follows_its_weights() {
        let picks: Vec<Scenario> = (0..10).map(|n| Scenario::Mix.pick(n)).collect();
        for (scenario, weight) in MIX_WEIGHTS {
            assert_eq!(picks.iter().filter(|p| **p == scenario).count(), weight);
        }
        assert_eq!(Scenario::Lifecycle.pick(3), Scenario::Lifecycle);
    }

    #[test]
    fn the_initial_cycle_matches_before_it_creates_and_adds_members_in_batches() {
        let steps = Scenario::EntraInitialCycle.steps(&Required::default(), 10, 0);
        let kinds: Vec<&str> = steps.iter().map(|s| s.kind).collect();
        assert_eq!(&kinds[..2], ["match user", "create user"]);
        assert_eq!(kinds.iter().filter(|k| **k == "add members").count(), 2);
        let query = &steps[0].query[0].1;
        assert_eq!(query, "userName eq \"{{uid}}-u1{{sfx}}\"");
        let add = steps
            .last()
            .and_then(|s| s.body.clone())
            .unwrap_or_default();
        assert_eq!(add["Operations"][0]["op"], "Add");
        assert_eq!(add["Operations"][0]["value"][1]["value"], "{{u4}}");
    }

    #[test]
    fn import_pages_through_the_population() {
        let steps = Scenario::Import.steps(&Required::default(), 10, 25);
        let starts: Vec<&str> = steps.iter().map(|s| s.query[0].1.as_str()).collect();
        assert_eq!(starts, ["1", "11", "21"]);
    }
}
