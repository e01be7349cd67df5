//! `scimspec load --export locust DIR`: a Locust script replaying the scenario for runs beyond
//! one machine. `DIR/scenario.json` holds the same request templates `scimspec load` sends
//! (bodies completed with what the target requires, the userName form calibration found) and,
//! for `import` and `mix`, the population to create before the test; `DIR/locustfile.py` (a
//! fixed interpreter of them, `locustfile.py` beside this file) seeds that population once,
//! sends the flows, one Locust user being one virtual user, and deletes the population after.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::{json, Value};

use super::step::StepTemplate;
use super::{scenario, LoadOptions, StressError};
use crate::plan::Required;

const LOCUSTFILE: &str = include_str!("locustfile.py");

/// The users `import` pages through: how many (`--users`), and the create that seeds each
/// (the same step `scimspec load` seeds with).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Population {
    pub users: usize,
    pub seed: StepTemplate,
}

/// What `scenario.json` holds for `options` on a target requiring `required`: the scenario,
/// the userName suffix, the scenario each of ten consecutive flows follows, the steps of
/// every scenario picked, and the population (`null` unless the scenario pages through one).
pub fn spec(options: &LoadOptions, required: &Required) -> Value {
    let scenario = options.scenario;
    let plans = super::plans(options, required);
    let plans: BTreeMap<&str, &Vec<StepTemplate>> =
        plans.iter().map(|(s, steps)| (s.name(), steps)).collect();
    let pick: Vec<&str> = (0..10).map(|n| scenario.pick(n).name()).collect();
    let population = scenario.needs_population().then(|| Population {
        users: options.users,
        seed: scenario::population_step(required),
    });
    json!({
        "scenario": scenario.name(),
        "user_name_suffix": options.user_name_suffix,
        "pick": pick,
        "plans": plans,
        "population": population,
    })
}

/// Writes `locustfile.py` and `scenario.json` into `dir` (created if missing); the paths
/// written.
pub fn export(
    dir: &Path,
    options: &LoadOptions,
    required: &Required,
) -> Result<Vec<String>, StressError> {
    let write = |name: &str, text: &str| -> Result<String, StressError> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| StressError::Write {
            path: path.display().to_string(),
            source,
        })?;
        Ok(path.display().to_string())
    };
    std::fs::create_dir_all(dir).map_err(|source| StressError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let text = serde_json::to_string_pretty(&spec(options, required))
        .map_err(|e| StressError::Usage(e.to_string()))?;
    Ok(vec![
        write("locustfile.py", LOCUSTFILE)?,
        write("scenario.json", &text)?,
    ])
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::plan::RequiredAttribute;
    use crate::stress::{Scenario, Schedule};

    fn options(scenario: Scenario) -> LoadOptions {
        LoadOptions {
            scenario,
            schedule: Schedule::Max {
                duration: Duration::from_secs(1),
            },
            users: 25,
            iterations: None,
            max_requests: 100,
            max_error_rate: 0.5,
            page_size: 10,
            grace: Duration::ZERO,
            client_timeout: Duration::from_secs(30),
            run: "loadtest".into(),
            user_name_suffix: "@example.com".into(),
            check_final_state: true,
        }
    }

    /// A target that requires `title` on Users.
    fn requires_title() -> Required {
        Required {
            user: vec![RequiredAttribute {
                name: "title".into(),
                value: json!("Employee"),
            }],
            group: Vec::new(),
        }
    }

    #[test]
    fn import_and_mix_carry_the_population_and_its_completed_seed_step() {
        for scenario in [Scenario::Import, Scenario::Mix] {
            let spec = spec(&options(scenario), &requires_title());
            let population = &spec["population"];
            assert_eq!(population["users"], 25, "{scenario}");
            let seed = &population["seed"];
            assert_eq!(seed["kind"], "seed user");
            assert_eq!(seed["method"], "POST");
            assert_eq!(seed["path"], "/Users");
            assert_eq!(seed["capture"], json!(["u1", "/id"]));
            assert_eq!(seed["body"]["title"], "Employee", "completed: {seed}");
            assert_eq!(seed["body"]["userName"], "{{uid}}-u1{{sfx}}");
            let pages = spec["plans"]["import"].as_array().map(Vec::len);
            assert_eq!(pages, Some(3), "25 users, 10 a page");
        }
        let mix = spec(&options(Scenario::Mix), &Required::default());
        assert_eq!(mix["pick"].as_array().map(Vec::len), Some(10));
        assert!(mix["pick"]
            .as_array()
            .is_some_and(|p| p.contains(&json!("import"))));
    }

    #[test]
    fn scenarios_without_a_population_export_none() {
        let spec = spec(&options(Scenario::Lifecycle), &requires_title());
        assert_eq!(spec["population"], Value::Null);
        assert_eq!(spec["pick"][0], "lifecycle");
        assert_eq!(spec["plans"]["lifecycle"][0]["body"]["title"], "Employee");
    }

    #[test]
    fn the_export_writes_both_files() {
        let dir = std::env::temp_dir().join(format!("scimspec-locust-{}", std::process::id()));
        let written = export(&dir, &options(Scenario::Import), &Required::default());
        let read = std::fs::read_to_string(dir.join("scenario.json"));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(written.map(|w| w.len()).ok(), Some(2));
        let spec: Value = serde_json::from_str(&read.unwrap_or_default()).unwrap_or_default();
        assert_eq!(spec["population"]["users"], 25);
    }
}
