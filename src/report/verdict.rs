//! Client readiness verdicts: read the outcomes of a run's cases for one provisioning client
//! (Entra ID, Okta: the cases carrying its tag) and say whether provisioning from that client
//! will work against the target, and if not, what breaks in the client. A verdict appears only
//! when the client's cases ran, counts the cases that were not run and why, and never says
//! "Ready" while an essential (MUST) case was not evaluated. It reads results only; it never
//! sends requests. [`verdicts`] is the one call the reporters make.

use std::fmt::Write as _;

use crate::load::{CaseInfo, Level};
use crate::run::{CaseResult, Outcome};
use crate::scim::text::{single_line, truncate};

/// The tag every Entra case carries.
pub const ENTRA_TAG: &str = "entra";
/// Cases Entra sends in its default (non-RFC) PATCH dialect.
pub const ENTRA_TAG_DEFAULT: &str = "entra-default";
/// Cases Entra sends with the `aadOptscim062020` flag on the Tenant URL.
pub const ENTRA_TAG_FLAG: &str = "entra-aadoptscim062020";
/// Entra gallery-onboarding requirements.
pub const ENTRA_TAG_GALLERY: &str = "entra-gallery";
/// The tag every Okta case carries.
pub const OKTA_TAG: &str = "okta";

/// One way a client sends its requests, when it has several (Entra's PATCH dialects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub tag: &'static str,
    pub label: &'static str,
}

/// A provisioning client the suite has cases for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// `Entra ID`, `Okta`: the heading's name.
    pub name: &'static str,
    /// `Entra`, `Okta`: the name in running text ("in Okta: …").
    pub short: &'static str,
    /// The tag selecting its cases.
    pub tag: &'static str,
    /// Its request dialects, each a tag; empty when it has one way of sending.
    pub dialects: &'static [Dialect],
    /// What to do when only some dialects ran.
    pub dialect_hint: &'static str,
    /// The tag of its onboarding requirements, listed apart.
    pub gallery_tag: Option<&'static str>,
    /// What to do when its group cases were skipped because the target has no groups.
    pub no_groups_hint: &'static str,
}

pub const ENTRA: Client = Client {
    name: "Entra ID",
    short: "Entra",
    tag: ENTRA_TAG,
    dialects: &[
        Dialect {
            tag: ENTRA_TAG_DEFAULT,
            label: "default",
        },
        Dialect {
            tag: ENTRA_TAG_FLAG,
            label: "aadOptscim062020",
        },
    ],
    dialect_hint: "`scimspec run --tag entra` checks both (Entra sends the default one unless \
                   the Tenant URL carries ?aadOptscim062020).",
    gallery_tag: Some(ENTRA_TAG_GALLERY),
    no_groups_hint: "no groups: turn off the group mapping in Entra's provisioning settings",
};

pub const OKTA: Client = Client {
    name: "Okta",
    short: "Okta",
    tag: OKTA_TAG,
    dialects: &[],
    dialect_hint: "",
    gallery_tag: None,
    no_groups_hint: "no groups: leave Group Push off for this app in Okta",
};

/// Every client with a verdict, in the order the verdicts are shown.
pub const CLIENTS: [Client; 2] = [ENTRA, OKTA];

/// The verdict of every client whose cases the run holds, in [`CLIENTS`] order.
pub fn verdicts(results: &[(CaseInfo, CaseResult)]) -> Vec<Verdict> {
    CLIENTS
        .iter()
        .filter_map(|client| Verdict::from_results(*client, results))
        .collect()
}

/// Every verdict of the run as console text; empty when the run had no client cases.
pub fn render_all(results: &[(CaseInfo, CaseResult)]) -> String {
    verdicts(results).iter().map(Verdict::render).collect()
}

/// One client case that did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub spec: String,
    /// What happens in the client (from the case's `consequence`, else its requirement).
    pub consequence: String,
    /// Why the case did not pass (the runner's message).
    pub detail: String,
    /// Which dialect sends the request, when only one does.
    pub dialect: Option<&'static str>,
    pub level: Level,
}

/// An onboarding requirement and whether it was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryCheck {
    pub title: String,
    pub id: String,
    pub outcome: Outcome,
}

/// How many cases of one dialect ran and passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialectCount {
    pub label: &'static str,
    pub ran: usize,
    pub passed: usize,
}

/// Why some cases were not run, and which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipGroup {
    /// The reason, without its evidence: `requires groups`, `profile alexishr …`.
    pub reason: String,
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Every MUST case ran and none failed or errored.
    Ready,
    /// A case failed: provisioning from the client breaks.
    NotReady,
    /// Nothing failed, but some MUST cases could not be evaluated.
    NotVerified,
    /// Nothing failed, but some MUST cases were not run.
    NotJudged,
}

impl Readiness {
    /// The readiness as the JSON report names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::NotReady => "not-ready",
            Readiness::NotVerified => "not-verified",
            Readiness::NotJudged => "not-judged",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub client: Client,
    pub readiness: Readiness,
    /// Cases that failed.
    pub blocking: Vec<Finding>,
    /// MUST cases that could not be evaluated.
    pub unverified: Vec<Finding>,
    /// SHOULD cases that warned or errored (onboarding requirements are listed apart).
    pub degraded: Vec<Finding>,
    /// Cases not run, with the reason.
    pub skipped: Vec<Finding>,
    pub gallery: Vec<GalleryCheck>,
    pub dialects: Vec<DialectCount>,
    /// The client's cases in the run.
    pub total: usize,
}

fn has(case: &CaseInfo, tag: &str) -> bool {
    case.tags.iter().any(|t| t == tag)
}

/// The dialect label of a case sent in only one of the client's dialects.
fn dialect_of(client: &Client, case: &CaseInfo) -> Option<&'static str> {
    let mut sent = client.dialects.iter().filter(|d| has(case, d.tag));
    match (sent.next(), sent.next()) {
        (Some(d), None) => Some(d.label),
        _ => None,
    }
}

fn finding(client: &Client, case: &CaseInfo, result: &CaseResult) -> Finding {
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
        dialect: dialect_of(client, case),
        level: case.level,
    }
}

/// A skip reason without its evidence, so that cases skipped for the same reason group:
/// `requires groups: ResourceTypes lists no Group` → `requires groups`, `the target refuses
/// filters with `sw` (calibration: …)` → `the target refuses filters with `sw``.
fn reason_of(detail: &str) -> String {
    let cut = detail
        .find([':', '(', ';'])
        .map_or(detail, |i| &detail[..i])
        .trim()
        .trim_end_matches(',');
    let reason = if cut.is_empty() { detail.trim() } else { cut };
    truncate(&single_line(reason), 100)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Verdict {
    /// The verdict over `client`'s cases of a run; `None` when the run had none.
    pub fn from_results(client: Client, results: &[(CaseInfo, CaseResult)]) -> Option<Verdict> {
        let cases: Vec<&(CaseInfo, CaseResult)> =
            results.iter().filter(|(c, _)| has(c, client.tag)).collect();
        if cases.is_empty() {
            return None;
        }
        let mut v = Verdict {
            client,
            readiness: Readiness::Ready,
            blocking: Vec::new(),
            unverified: Vec::new(),
            degraded: Vec::new(),
            skipped: Vec::new(),
            gallery: Vec::new(),
            dialects: client
                .dialects
                .iter()
                .map(|d| DialectCount {
                    label: d.label,
                    ran: 0,
                    passed: 0,
                })
                .collect(),
            total: cases.len(),
        };
        for (case, result) in cases {
            let gallery = client.gallery_tag.is_some_and(|t| has(case, t));
            if gallery {
                v.gallery.push(GalleryCheck {
                    title: case.title.clone(),
                    id: case.id.clone(),
                    outcome: result.outcome,
                });
            }
            for (dialect, count) in client.dialects.iter().zip(v.dialects.iter_mut()) {
                if has(case, dialect.tag) && result.outcome != Outcome::Skip {
                    count.ran += 1;
                    if result.outcome == Outcome::Pass {
                        count.passed += 1;
                    }
                }
            }
            match (result.outcome, case.level) {
                (Outcome::Fail, _) => v.blocking.push(finding(&client, case, result)),
                (Outcome::Error, Level::Must) => v.unverified.push(finding(&client, case, result)),
                (Outcome::Warn, _) | (Outcome::Error, _) if !gallery => {
                    v.degraded.push(finding(&client, case, result))
                }
                (Outcome::Skip, _) => v.skipped.push(finding(&client, case, result)),
                _ => {}
            }
        }
        v.readiness = if !v.blocking.is_empty() {
            Readiness::NotReady
        } else if !v.unverified.is_empty() {
            Readiness::NotVerified
        } else if v.skipped.iter().any(|f| f.level == Level::Must) {
            Readiness::NotJudged
        } else {
            Readiness::Ready
        };
        Some(v)
    }

    /// The cases not run, grouped by reason, the largest group first.
    pub fn skip_groups(&self) -> Vec<SkipGroup> {
        let mut groups: Vec<SkipGroup> = Vec::new();
        for f in &self.skipped {
            let reason = reason_of(&f.detail);
            match groups.iter_mut().find(|g| g.reason == reason) {
                Some(g) => g.ids.push(f.id.clone()),
                None => groups.push(SkipGroup {
                    reason,
                    ids: vec![f.id.clone()],
                }),
            }
        }
        groups.sort_by_key(|g| std::cmp::Reverse(g.ids.len()));
        groups
    }

    /// The verdict in one line: `Okta readiness — Not judged: 3 of 16 cases were not run
    /// (requires groups)`.
    pub fn headline(&self) -> String {
        let short = self.client.short;
        let verdict = match self.readiness {
            Readiness::Ready => format!("Ready for {short} provisioning"),
            Readiness::NotReady => format!(
                "NOT ready for {short} provisioning: {}",
                plural(self.blocking.len(), "blocking failure")
            ),
            Readiness::NotVerified => format!(
                "{short} readiness not established: {} could not be evaluated",
                plural(self.unverified.len(), "essential check")
            ),
            Readiness::NotJudged => {
                let reasons: Vec<String> =
                    self.skip_groups().into_iter().map(|g| g.reason).collect();
                format!(
                    "Not judged: {} of {} cases were not run ({})",
                    self.skipped.len(),
                    self.total,
                    reasons.join("; ")
                )
            }
        };
        format!("{} readiness — {verdict}", self.client.name)
    }

    /// The verdict as console text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let short = self.client.short;
        let _ = writeln!(out, "\n{}", self.headline());
        let section = |out: &mut String, heading: &str, items: &[Finding], with_detail: bool| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(out, "  {heading}:");
            for f in items {
                let dialect = f
                    .dialect
                    .map(|d| format!(", {d} dialect"))
                    .unwrap_or_default();
                let _ = writeln!(out, "    - {} ({}{dialect})", f.id, f.spec);
                let _ = writeln!(out, "        in {short}: {}", f.consequence);
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
            &format!("Blocking ({short} provisioning breaks)"),
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
            let _ = writeln!(
                out,
                "  Not run: {} of {} cases",
                self.skipped.len(),
                self.total
            );
            for g in self.skip_groups() {
                let _ = writeln!(
                    out,
                    "    - {} ({}): {}",
                    g.reason,
                    g.ids.len(),
                    g.ids.join(", ")
                );
            }
            if self
                .skipped
                .iter()
                .any(|f| f.detail.contains("requires groups"))
            {
                let _ = writeln!(out, "    ({})", self.client.no_groups_hint);
            }
        }
        if !self.dialects.is_empty() {
            let counts: Vec<String> = self
                .dialects
                .iter()
                .map(|c| {
                    let state = if c.ran == 0 {
                        "not run".to_string()
                    } else {
                        format!("{}/{} passed", c.passed, c.ran)
                    };
                    format!("{} {state}", c.label)
                })
                .collect();
            let _ = writeln!(out, "  Cases per dialect: {}", counts.join("; "));
            if self.dialects.iter().any(|c| c.ran == 0) {
                let _ = writeln!(
                    out,
                    "  Only some dialects ran: {}",
                    self.client.dialect_hint
                );
            }
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

    fn skipped(id: &str, level: Level, tags: &[&str], why: &str) -> (CaseInfo, CaseResult) {
        let mut r = result(id, Outcome::Skip);
        r.message = Some(why.into());
        (case(id, level, tags), r)
    }

    #[test]
    fn no_client_cases_no_verdict() {
        let results = vec![(
            case("rfc", Level::Must, &["users"]),
            result("rfc", Outcome::Fail),
        )];
        assert!(verdicts(&results).is_empty());
        assert_eq!(render_all(&results), "");
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
        let v = Verdict::from_results(ENTRA, &results).expect("entra cases ran");
        assert_eq!(v.readiness, Readiness::Ready);
        let text = v.render();
        assert!(
            text.contains("Entra ID readiness — Ready for Entra provisioning"),
            "{text}"
        );
        assert!(text.contains("met: title of g"), "{text}");
        assert!(
            text.contains("default 1/1 passed; aadOptscim062020 1/1 passed"),
            "{text}"
        );
        assert!(!text.contains("Only some dialects"), "{text}");
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
        let v = Verdict::from_results(ENTRA, &results).expect("entra cases ran");
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
        assert!(text.contains("Only some dialects ran"), "{text}");
    }

    #[test]
    fn must_errors_leave_readiness_unverified() {
        let results = vec![(
            case("a", Level::Must, &["entra"]),
            result("a", Outcome::Error),
        )];
        let v = Verdict::from_results(ENTRA, &results).expect("entra cases ran");
        assert_eq!(v.readiness, Readiness::NotVerified);
        assert!(v.render().contains("could not be evaluated"));
    }

    #[test]
    fn skipped_must_cases_are_not_judged_with_grouped_reasons() {
        let results = vec![
            (
                case("a", Level::Must, &["okta"]),
                result("a", Outcome::Pass),
            ),
            skipped(
                "g1",
                Level::Must,
                &["okta"],
                "requires groups: ResourceTypes lists no Group resource type",
            ),
            skipped(
                "g2",
                Level::Must,
                &["okta"],
                "requires groups: ResourceTypes lists no Group resource type",
            ),
            skipped(
                "p",
                Level::Should,
                &["okta"],
                "profile alexishr: the case sends title",
            ),
        ];
        let v = Verdict::from_results(OKTA, &results).expect("okta cases ran");
        assert_eq!(v.readiness, Readiness::NotJudged);
        assert_eq!(
            v.headline(),
            "Okta readiness — Not judged: 3 of 4 cases were not run (requires groups; profile alexishr)"
        );
        let text = v.render();
        assert!(text.contains("Not run: 3 of 4 cases"), "{text}");
        assert!(text.contains("- requires groups (2): g1, g2"), "{text}");
        assert!(text.contains("leave Group Push off"), "{text}");
        assert!(!text.contains("Cases per dialect"), "{text}");
    }

    #[test]
    fn skipped_should_cases_alone_still_allow_ready() {
        let results = vec![
            (
                case("a", Level::Must, &["okta"]),
                result("a", Outcome::Pass),
            ),
            skipped(
                "s",
                Level::Should,
                &["okta"],
                "requires etag: not supported",
            ),
        ];
        let v = Verdict::from_results(OKTA, &results).expect("okta cases ran");
        assert_eq!(v.readiness, Readiness::Ready);
        assert!(v.render().contains("Not run: 1 of 2 cases"));
    }

    #[test]
    fn each_client_judges_only_its_own_cases_in_catalogue_order() {
        let results = vec![
            (
                case("o", Level::Must, &["okta"]),
                result("o", Outcome::Fail),
            ),
            (
                case("e", Level::Must, &["entra"]),
                result("e", Outcome::Pass),
            ),
        ];
        let all = verdicts(&results);
        let names: Vec<&str> = all.iter().map(|v| v.client.name).collect();
        assert_eq!(names, ["Entra ID", "Okta"]);
        assert_eq!(all[0].readiness, Readiness::Ready);
        assert_eq!(all[1].readiness, Readiness::NotReady);
        let text = render_all(&results);
        assert!(text.contains("in Okta: consequence of o"), "{text}");
        assert!(
            text.find("Entra ID readiness") < text.find("Okta readiness"),
            "{text}"
        );
    }
}
