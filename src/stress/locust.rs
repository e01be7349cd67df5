//! `scimspec load --export locust DIR`: a Locust script replaying the scenario for runs beyond
//! one machine. `DIR/scenario.json` holds the same request templates `scimspec load` sends
//! (bodies completed with what the target requires, the userName form calibration found);
//! `DIR/locustfile.py` (a fixed interpreter of them, `locustfile.py` beside this file) sends
//! them flow by flow, one Locust user being one virtual user.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use super::step::StepTemplate;
use super::{Scenario, StressError};

const LOCUSTFILE: &str = include_str!("locustfile.py");

/// Writes `locustfile.py` and `scenario.json` into `dir` (created if missing); the paths
/// written.
pub fn export(
    dir: &Path,
    scenario: Scenario,
    plans: &[(Scenario, Vec<StepTemplate>)],
    user_name_suffix: &str,
) -> Result<Vec<String>, StressError> {
    if scenario.needs_population() {
        return Err(StressError::Usage(format!(
            "--export locust does not support '{scenario}': it pages through a population the \
             run creates first (export get, entra-initial-cycle, entra-incremental, okta-push \
             or lifecycle)"
        )));
    }
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
    let plans: BTreeMap<&str, &Vec<StepTemplate>> =
        plans.iter().map(|(s, steps)| (s.name(), steps)).collect();
    let pick: Vec<&str> = (0..10).map(|n| scenario.pick(n).name()).collect();
    let spec = json!({
        "scenario": scenario.name(),
        "user_name_suffix": user_name_suffix,
        "pick": pick,
        "plans": plans,
    });
    let text =
        serde_json::to_string_pretty(&spec).map_err(|e| StressError::Usage(e.to_string()))?;
    Ok(vec![
        write("locustfile.py", LOCUSTFILE)?,
        write("scenario.json", &text)?,
    ])
}
