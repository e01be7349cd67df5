//! `suites/COVERAGE.md`: which cases cover which RFC section, and the sections no case
//! covers with the recorded reason (`spec/gaps.yaml`). Section titles come from the RFC texts
//! kept in `spec/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;
use thiserror::Error;

use crate::load::Case;

pub(crate) const RFC7643: &str = include_str!("../../spec/rfc7643.txt");
pub(crate) const RFC7644: &str = include_str!("../../spec/rfc7644.txt");
const GAPS: &str = include_str!("../../spec/gaps.yaml");

#[derive(Debug, Error)]
pub enum CoverageError {
    #[error("spec/gaps.yaml: {0}")]
    Gaps(String),
}

/// A numbered section of an RFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub number: String,
    pub title: String,
}

/// The numbered section headings of an RFC text (the table of contents is skipped).
pub fn sections(text: &str) -> Vec<Section> {
    text.lines()
        .filter(|l| !l.contains("...."))
        .filter_map(|line| {
            let (number, title) = line.split_once(".  ")?;
            let ok = !number.is_empty()
                && number
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            (ok && !title.starts_with(' ')).then(|| Section {
                number: number.to_string(),
                title: title.trim().to_string(),
            })
        })
        .collect()
}

/// `RFC7644 §3.4.2 L12` → (`RFC7644`, `3.4.2`).
fn cited(spec: &str) -> Option<(String, String)> {
    let (doc, rest) = spec.split_once('§')?;
    let doc = doc.trim().replace(' ', "");
    let section = rest.split_whitespace().next()?.to_string();
    Some((doc, section))
}

#[derive(Debug, Deserialize)]
struct Gaps {
    #[serde(rename = "RFC7643", default)]
    rfc7643: BTreeMap<String, String>,
    #[serde(rename = "RFC7644", default)]
    rfc7644: BTreeMap<String, String>,
}

fn is_within(section: &str, parent: &str) -> bool {
    section == parent || section.starts_with(&format!("{parent}."))
}

/// Renders the coverage document; problems (a gap listed for a covered section) are returned
/// as errors so the document cannot contradict itself.
pub fn render(cases: &[Case]) -> Result<String, CoverageError> {
    let gaps: Gaps =
        serde_yaml_ng::from_str(GAPS).map_err(|e| CoverageError::Gaps(e.to_string()))?;
    let mut by_section: BTreeMap<(String, String), Vec<&Case>> = BTreeMap::new();
    let mut other = Vec::new();
    let mut also: BTreeMap<(String, String), Vec<&Case>> = BTreeMap::new();
    for case in cases {
        match cited(&case.spec) {
            Some(key) => by_section.entry(key).or_default().push(case),
            None => other.push(case),
        }
        for extra in &case.also {
            if let Some(key) = cited(extra) {
                also.entry(key).or_default().push(case);
            }
        }
    }

    let mut out = String::new();
    out.push_str("# Coverage of RFC 7643 and RFC 7644, by section\n\n");
    out.push_str(
        "Generated from the case files by `scimspec coverage --out suites/COVERAGE.md`; do not edit by hand.\n\
         A section is covered when a case cites it or one of its subsections. Reasons for the\n\
         sections no case covers are kept in `spec/gaps.yaml`.\n\n",
    );
    let rfc_cases = cases.len() - other.len();
    let _ = writeln!(
        out,
        "{} cases in all: {rfc_cases} cite an RFC section, {} cite Entra ID or Okta behaviour.\n",
        cases.len(),
        other.len()
    );

    let mut problems = Vec::new();
    for (doc, text, gap) in [
        ("RFC7643", RFC7643, &gaps.rfc7643),
        ("RFC7644", RFC7644, &gaps.rfc7644),
    ] {
        let secs = sections(text);
        let direct = |number: &str| -> Vec<&Case> {
            by_section
                .get(&(doc.to_string(), number.to_string()))
                .cloned()
                .unwrap_or_default()
        };
        let also_of = |number: &str| -> Vec<&Case> {
            also.get(&(doc.to_string(), number.to_string()))
                .cloned()
                .unwrap_or_default()
        };
        let covered = |number: &str| -> usize {
            by_section
                .iter()
                .chain(also.iter())
                .filter(|((d, s), _)| d == doc && is_within(s, number))
                .map(|(_, c)| c.len())
                .sum()
        };
        let total = secs.len();
        let covered_count = secs.iter().filter(|s| covered(&s.number) > 0).count();
        let _ = writeln!(out, "## {doc}\n");
        let _ = writeln!(
            out,
            "{covered_count} of {total} sections covered; {} cases cite {doc}.\n",
            by_section
                .iter()
                .filter(|((d, _), _)| d == doc)
                .map(|(_, c)| c.len())
                .sum::<usize>()
        );
        out.push_str("| § | title | cases citing it | case ids (and cases that also exercise it) |\n|---|---|---:|---|\n");
        for s in &secs {
            let mine = direct(&s.number);
            let within = covered(&s.number);
            if within == 0 {
                continue;
            }
            if gap.contains_key(&s.number) {
                problems.push(format!(
                    "{doc} §{} has cases but is listed as a gap",
                    s.number
                ));
            }
            let extra = also_of(&s.number);
            let mut ids: Vec<String> = mine.iter().map(|c| format!("`{}`", c.id)).collect();
            ids.extend(extra.iter().map(|c| format!("(also `{}`)", c.id)));
            let ids = if ids.is_empty() {
                "(see subsections)".to_string()
            } else {
                ids.join(" ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {ids} |",
                s.number,
                s.title.replace('|', "\\|"),
                mine.len()
            );
        }
        let _ = writeln!(out, "\n### {doc}: sections not covered\n");
        out.push_str("| § | title | why |\n|---|---|---|\n");
        for s in secs.iter().filter(|s| covered(&s.number) == 0) {
            let why = gap
                .get(&s.number)
                .map_or("**no reason recorded**", String::as_str);
            let _ = writeln!(
                out,
                "| {} | {} | {why} |",
                s.number,
                s.title.replace('|', "\\|")
            );
        }
        out.push('\n');
        for ((d, number), list) in &by_section {
            if d == doc && !secs.iter().any(|s| &s.number == number) {
                problems.push(format!(
                    "{} case(s) cite {doc} §{number}, which is not a section of {doc} (e.g. {})",
                    list.len(),
                    list[0].id
                ));
            }
        }
    }
    if !other.is_empty() {
        let mut groups: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
        for c in &other {
            groups.entry(c.spec.as_str()).or_default().push(c);
        }
        out.push_str(
            "## Entra ID and Okta behaviours\n\n| behaviour | cases | case ids |\n|---|---:|---|\n",
        );
        for (spec, list) in groups {
            let ids = list
                .iter()
                .map(|c| format!("`{}`", c.id))
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                out,
                "| {} | {} | {ids} |",
                spec.replace('|', "\\|"),
                list.len()
            );
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(CoverageError::Gaps(problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sections_of_both_rfcs() {
        let s = sections(RFC7644);
        assert!(s
            .iter()
            .any(|s| s.number == "3.4.2.2" && s.title == "Filtering"));
        assert!(s.iter().any(|s| s.number == "3.11"));
        let s = sections(RFC7643);
        assert!(s.iter().any(|s| s.number == "4.1"));
        assert!(!s.iter().any(|s| s.title.contains("....")));
    }

    #[test]
    fn parses_citations() {
        assert_eq!(
            cited("RFC7644 §3.4.2 L880-890"),
            Some(("RFC7644".into(), "3.4.2".into()))
        );
        assert_eq!(cited("Entra E-TESTCONN-PROBE"), None);
    }
}
