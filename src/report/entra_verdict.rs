//! The Entra ID readiness verdict: read the outcomes of a run's `entra`-tagged cases and say
//! whether Entra provisioning will work against the target, and if not, what breaks in Entra.
//! It reads results only; it never sends requests.

use std::fmt::Write as _;

use crate::load::{CaseInfo, Level};
use crate::run::{CaseResult, Outcome};
use crate::scim::text::{single_line, truncate};

/// The tag every Entra case carries.
pub const TAG: &str = "entra";
/// Cases Entra sends in its default (non-RFC) PATCH dialect.
pub const TAG_DEFAULT: &str = "entra-default";
/// Cases Entra sends with the `aadOptscim062020` flag on the Tenant URL.
pub const TAG_FLAG: &str = "entra-aadoptscim062020";
/// Gallery-onboarding requirements.
pub const TAG_GALLERY: &str = "entra-gallery";

/// One Entra case that did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub spec: String,
    /// What happens in Entra (from the case's `consequence`, else its requirement).
    pub consequence: String,
    /// Why the case did not pass (the runner's message).
    pub detail: String,
    /// Which PATCH dialect sends the request, when only one does.
    pub dialect: Option<&'static str>,
}

/// A gallery requirement and whether it was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryCheck {
    pub title: String,
    pub id: String,
    pub outcome: Outcome,
}

/// How many cases of one dialect ran and passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DialectCount {
    pub ran: usize,
    pub passed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// No MUST case failed or errored.
    Ready,
    /// A MUST case failed: Entra provisioning breaks.
    NotReady,
    /// Nothing failed, but some MUST cases could not be evaluated.
    NotVerified,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub readiness: Readiness,
    /// MUST cases that failed.
    pub blocking: Vec<Finding>,
    /// MUST cases that could not be evaluated.
    pub unverified: Vec<Finding>,
    /// SHOULD cases that warned (gallery requirements excluded; they are listed apart).
    pub degraded: Vec<Finding>,
    /// Cases not run, with the reason.
    pub skipped: Vec<Finding>,
    pub gallery: Vec<GalleryCheck>,
    pub default_dialect: DialectCount,
    pub flag_dialect: DialectCount,
    pub total: usize,
}

fn has(case: &CaseInfo, tag: &str) -> bool {
    case.tags.iter().any(|t| t == tag)
}

fn dialect_of(case: &CaseInfo) -> Option<&'static str> {
    match (has(case, TAG_DEFAULT), has(case, TAG_FLAG)) {
        (true, false) => Some("default dialect"),
        (false, true) => Some("aadOptscim062020 dialect"),
        _ => None,
    }
}

fn finding(case: &CaseInfo, result: &CaseResult) -> Finding {
    // The runner's message starts with "<spec> (<level>) broken at "; the verdict names the
    // spec already.
    let message = result.message.clone().unwrap_or_default();
    let prefix = format!("{} ({}) broken at ", case.spec, case.level);
    let detail = message
        .strip_prefix(&prefix)
        .map_or(message.clone(), str::to_string);
    Finding {
        id: case.id.clone(),
        title: case.title.clone(),
        spec: case.spec.clone(),
        consequence: case
            .consequence
            .clone()
            .or_else(|| case.requirement.clone())
            .unwrap_or_else(|| case.title.clone()),
        detail,
        dialect: dialect_of(case),
    }
}

impl Verdict {
    /// The verdict over the `entra`-tagged cases of a run; `None` when the run had none.
    pub fn from_results(results: &[(CaseInfo, CaseResult)]) -> Option<Verdict> {
        let entra: Vec<&(CaseInfo, CaseResult)> =
            results.iter().filter(|(c, _)| has(c, TAG)).collect();
        if entra.is_empty() {
            return None;
        }
        let mut v = Verdict {
            readiness: Readiness::Ready,
            blocking: Vec::new(),
            unverified: Vec::new(),
            degraded: Vec::new(),
            skipped: Vec::new(),
            gallery: Vec::new(),
            default_dialect: DialectCount::default(),
            flag_dialect: DialectCount::default(),
            total: entra.len(),
        };
        for (case, result) in entra {
            let gallery = has(case, TAG_GALLERY);
            if gallery {
                v.gallery.push(GalleryCheck {
                    title: case.title.clone(),
                    id: case.id.clone(),
                    outcome: result.outcome,
                });
            }
            for (tag, count) in [
                (TAG_DEFAULT, &mut v.default_dialect),
                (TAG_FLAG, &mut v.flag_dialect),
            ] {
                if has(case, tag) && result.outcome != Outcome::Skip {
                    count.ran += 1;
                    if result.outcome == Outcome::Pass {
                        count.passed += 1;
                    }
                }
            }
            match (result.outcome, case.level) {
                (Outcome::Fail, _) => v.blocking.push(finding(case, result)),
                (Outcome::Error, Level::Must) => v.unverified.push(finding(case, result)),
                (Outcome::Warn, _) | (Outcome::Error, _) if !gallery => {
                    v.degraded.push(finding(case, result))
                }
                (Outcome::Skip, _) => v.skipped.push(finding(case, result)),
                _ => {}
            }
        }
        v.readiness = if !v.blocking.is_empty() {
            Readiness::NotReady
        } else if !v.unverified.is_empty() {
            Readiness::NotVerified
        } else {
            Readiness::Ready
        };
        Some(v)
    }

    /// The verdict as console text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let headline = match self.readiness {
            Readiness::Ready => "Ready for Entra provisioning".to_string(),
            Readiness::NotReady => format!(
                "NOT ready for Entra provisioning: {}",
                plural(self.blocking.len(), "blocking failure")
            ),
            Readiness::NotVerified => format!(
                "Entra readiness not established: {} could not be evaluated",
                plural(self.unverified.len(), "essential check")
            ),
        };
        let _ = writeln!(out, "\nEntra ID readiness — {headline}");
        let section = |out: &mut String, heading: &str, items: &[Finding], with_detail: bool| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(out, "  {heading}:");
            for f in items {
                let dialect = f.dialect.map(|d| format!(", {d}")).unwrap_or_default();
                let _ = writeln!(out, "    - {} ({}{dialect})", f.id, f.spec);
                let _ = writeln!(out, "        in Entra: {}", f.consequence);
                if with_detail && !f.detail.is_empty() {
                    let _ = writeln!(
                        out,
                        "        seen: {}",
                        truncate(&single_line(&f.detail), 400)
                    );
                }
            }
        };
        section(
            &mut out,
            "Blocking (Entra provisioning breaks)",
            &self.blocking,
            true,
        );
        section(
            &mut out,
            "Could not be evaluated (a precondition failed)",
            &self.unverified,
            true,
        );
        section(
            &mut out,
            "Degraded (SHOULD; provisioning works with these gaps)",
            &self.degraded,
            false,
        );
        if !self.gallery.is_empty() {
            let _ = writeln!(out, "  Gallery requirements:");
            for g in &self.gallery {
                let state = match g.outcome {
                    Outcome::Pass => "met",
                    Outcome::Fail | Outcome::Warn => "NOT met",
                    Outcome::Skip => "not checked",
                    Outcome::Error => "could not be evaluated",
                };
                let _ = writeln!(out, "    - {state}: {} ({})", g.title, g.id);
            }
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "  Not checked:");
            for f in &self.skipped {
                let _ = writeln!(out, "    - {} — {}", f.id, f.detail);
            }
            if self
                .skipped
                .iter()
                .any(|f| f.detail.contains("requires groups"))
            {
                let _ = writeln!(
                    out,
                    "    (no groups: turn off the group mapping in Entra's provisioning settings)"
                );
            }
        }
        let dialect = |c: DialectCount| {
            if c.ran == 0 {
                "not run".to_string()
            } else {
                format!("{}/{} passed", c.passed, c.ran)
            }
        };
        let _ = writeln!(
            out,
            "  Cases per dialect: default {}; aadOptscim062020 {}",
            dialect(self.default_dialect),
            dialect(self.flag_dialect)
        );
        if self.default_dialect.ran == 0 || self.flag_dialect.ran == 0 {
            let _ = writeln!(
                out,
                "  Only one dialect ran: `scimspec run --tag entra` checks both (Entra sends the \
                 default one unless the Tenant URL carries ?aadOptscim062020)."
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Origin;
    use std::time::Duration;

    fn case(id: &str, level: Level, tags: &[&str]) -> CaseInfo {
        CaseInfo {
            id: id.into(),
            title: format!("title of {id}"),
            requirement: None,
            consequence: Some(format!("consequence of {id}")),
            spec: "Entra E-X".into(),
            also: Vec::new(),
            level,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            origin: Origin {
                file: "x.yaml".into(),
                line: None,
            },
        }
    }

    fn result(id: &str, outcome: Outcome) -> CaseResult {
        CaseResult {
            id: id.into(),
            outcome,
            message: (outcome != Outcome::Pass).then(|| format!("why {id}")),
            problems: Vec::new(),
            transcript: String::new(),
            duration: Duration::ZERO,
            unreachable: false,
            leftovers: Vec::new(),
        }
    }

    #[test]
    fn no_entra_cases_no_verdict() {
        let results = vec![(
            case("rfc", Level::Must, &["users"]),
            result("rfc", Outcome::Fail),
        )];
        assert!(Verdict::from_results(&results).is_none());
    }

    #[test]
    fn all_pass_is_ready_with_both_dialects() {
        let results = vec![
            (
                case("a", Level::Must, &["entra", "entra-default"]),
                result("a", Outcome::Pass),
            ),
            (
                case("b", Level::Must, &["entra", "entra-aadoptscim062020"]),
                result("b", Outcome::Pass),
            ),
            (
                case("g", Level::Should, &["entra", "entra-gallery"]),
                result("g", Outcome::Pass),
            ),
        ];
        let v = Verdict::from_results(&results).unwrap();
        assert_eq!(v.readiness, Readiness::Ready);
        let text = v.render();
        assert!(text.contains("Ready for Entra provisioning"), "{text}");
        assert!(text.contains("met: title of g"), "{text}");
        assert!(
            text.contains("default 1/1 passed; aadOptscim062020 1/1 passed"),
            "{text}"
        );
        assert!(!text.contains("Only one dialect"), "{text}");
    }

    #[test]
    fn a_must_failure_blocks_with_its_consequence() {
        let results = vec![
            (
                case("disable", Level::Must, &["entra", "entra-default"]),
                result("disable", Outcome::Fail),
            ),
            (
                case("email", Level::Should, &["entra", "entra-default"]),
                result("email", Outcome::Warn),
            ),
            (
                case("batch", Level::Should, &["entra", "entra-gallery"]),
                result("batch", Outcome::Warn),
            ),
        ];
        let v = Verdict::from_results(&results).unwrap();
        assert_eq!(v.readiness, Readiness::NotReady);
        assert_eq!(v.blocking.len(), 1);
        assert_eq!(v.degraded.len(), 1, "gallery warnings are listed apart");
        let text = v.render();
        assert!(
            text.contains("NOT ready for Entra provisioning: 1 blocking failure"),
            "{text}"
        );
        assert!(text.contains("in Entra: consequence of disable"), "{text}");
        assert!(text.contains("default dialect"), "{text}");
        assert!(text.contains("NOT met: title of batch"), "{text}");
        assert!(text.contains("Only one dialect ran"), "{text}");
    }

    #[test]
    fn must_errors_leave_readiness_unverified() {
        let results = vec![(
            case("a", Level::Must, &["entra"]),
            result("a", Outcome::Error),
        )];
        let v = Verdict::from_results(&results).unwrap();
        assert_eq!(v.readiness, Readiness::NotVerified);
        assert!(v.render().contains("could not be evaluated"));
    }

    #[test]
    fn skipped_groups_suggest_turning_the_mapping_off() {
        let mut r = result("g", Outcome::Skip);
        r.message = Some("requires groups: ResourceTypes lists no Group resource type".into());
        let v = Verdict::from_results(&[(case("g", Level::Must, &["entra"]), r)]).unwrap();
        assert_eq!(v.readiness, Readiness::Ready);
        assert!(v.render().contains("turn off the group mapping"));
    }
}
