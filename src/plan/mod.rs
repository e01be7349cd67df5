//! Stage 2: which cases run. Selection by tag and spec section, then a skip reason for every
//! case whose required capability the target does not advertise, or that does not fit the
//! target's profile (`profile_fit`, reading the attribute uses of its requests: `attr_uses`),
//! that reads back what the target alters or lacks (`kept`), that filters with an operator
//! it refuses (`filters`), or that expects a larger page than the target answers (`pages`).

mod attr_uses;
mod capabilities;
mod discovery;
mod filters;
mod kept;
mod names;
mod pages;
mod profile_fit;
mod required;
mod required_fit;

pub use capabilities::Capabilities;
pub use discovery::{discover, Discovery};
pub use filters::filters_a_list;
pub use names::NameFilter;
pub use profile_fit::restrict_capabilities;
pub use required::{Required, RequiredAttribute};

use crate::load::{Case, Suite};
use crate::profile::Profile;

/// A case with the reason it will not run, if any.
#[derive(Debug, Clone)]
pub struct PlannedCase {
    pub case: Case,
    pub skip: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub cases: Vec<PlannedCase>,
}

/// What the user selected, beyond name filters (those are applied by the trial harness).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Keep cases with at least one of these tags (empty: all).
    pub tags: Vec<String>,
    /// Keep cases whose spec starts with one of these prefixes, e.g. `RFC7644 §3.4` (empty: all).
    pub sections: Vec<String>,
}

impl Selection {
    pub fn keeps(&self, case: &Case) -> bool {
        let tag_ok = self.tags.is_empty() || case.tags.iter().any(|t| self.tags.contains(t));
        let section_ok = self.sections.is_empty()
            || self.sections.iter().any(|s| section_matches(&case.spec, s));
        tag_ok && section_ok
    }
}

/// `RFC7644 §3.4` selects `RFC7644 §3.4`, `RFC7644 §3.4.2` … but not `RFC7644 §3.40`.
/// The prefix may omit the RFC (`3.4`) or the `§`.
fn section_matches(spec: &str, prefix: &str) -> bool {
    // Split "RFC7644 §3.4 L12" into ("rfc7644", "3.4"); a prefix may lack either part.
    fn parts(s: &str) -> (Option<String>, String) {
        let s = s.to_ascii_lowercase().replace("rfc ", "rfc");
        let mut doc = None;
        let mut section = String::new();
        for word in s.split_whitespace() {
            if word.starts_with("rfc") {
                doc = Some(word.to_string());
            } else if section.is_empty() && !word.starts_with('l') {
                section = word.trim_start_matches('§').to_string();
            }
        }
        (doc, section)
    }
    let (spec_doc, spec_section) = parts(spec);
    let (want_doc, want_section) = parts(prefix);
    if want_doc.is_some() && want_doc != spec_doc {
        return false;
    }
    want_section.is_empty()
        || spec_section
            .strip_prefix(&want_section)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

pub fn plan(suite: &Suite, selection: &Selection, capabilities: &Capabilities) -> Plan {
    plan_for_profile(suite, selection, capabilities, None)
}

/// [`plan`] for a target with a profile: a case needing an attribute, value type or test data
/// the profile excludes is skipped with the reason. `capabilities` are taken as they are: what
/// the profile excludes (groups, the Enterprise User extension) is marked unsupported by
/// [`restrict_capabilities`] beforehand, once, so that the reports show the same evidence.
pub fn plan_for_profile(
    suite: &Suite,
    selection: &Selection,
    capabilities: &Capabilities,
    profile: Option<&Profile>,
) -> Plan {
    Plan {
        cases: suite
            .cases
            .iter()
            .filter(|c| selection.keeps(c))
            .map(|case| PlannedCase {
                skip: capabilities
                    .skip_reason(&case.requires)
                    .or_else(|| profile.and_then(|p| profile_fit::skip_reason(p, case)))
                    .or_else(|| kept::skip_reason(case, capabilities))
                    .or_else(|| filters::skip_reason(case, capabilities))
                    .or_else(|| pages::skip_reason(case, capabilities))
                    .or_else(|| required_fit::skip_reason(case, capabilities)),
                case: case.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite_with_a_case_requiring_groups() -> Suite {
        let text = "cases:\n  - id: c\n    title: t\n    spec: RFC7644 §3.3\n    level: MUST\n    requires: [groups]\n    steps:\n      - request: { method: GET, path: /Users }\n";
        crate::load::load_sources([("x.yaml".to_string(), text.to_string())])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn planning_takes_the_capabilities_as_restricted_by_the_caller() {
        let suite = suite_with_a_case_requiring_groups();
        let samanage = crate::profile::load("samanage").unwrap_or_else(|e| panic!("{e}"));
        // The profile does not provision groups, but planning does not restrict again: the
        // capabilities it is given are the ones the skip reasons (and the reports) use.
        let unrestricted = Capabilities::default();
        let planned = plan_for_profile(
            &suite,
            &Selection::default(),
            &unrestricted,
            Some(&samanage),
        );
        assert_eq!(planned.cases[0].skip, None);

        let mut restricted = Capabilities::default();
        restrict_capabilities(&samanage, &mut restricted);
        let before = format!("{restricted:?}");
        let planned = plan_for_profile(&suite, &Selection::default(), &restricted, Some(&samanage));
        assert_eq!(
            planned.cases[0].skip.as_deref(),
            Some("requires groups: profile samanage does not provision groups")
        );
        assert_eq!(format!("{restricted:?}"), before);
    }

    #[test]
    fn section_prefixes() {
        assert!(section_matches("RFC7644 §3.4.2", "RFC7644 §3.4"));
        assert!(section_matches("RFC7644 §3.4", "RFC7644 §3.4"));
        assert!(section_matches("RFC7644 §3.4 L1200", "3.4"));
        assert!(!section_matches("RFC7644 §3.40", "RFC7644 §3.4"));
        assert!(!section_matches("RFC7643 §3.4", "RFC7644 §3.4"));
        assert!(section_matches("RFC7643 §3.4", "§3.4"));
    }
}
