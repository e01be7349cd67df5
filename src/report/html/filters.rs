//! The filter controls above the cases: outcome and level checkboxes, section and tag
//! selects, and the count of cases shown. They start `hidden`: the script shows them, so a
//! page read without JavaScript lists every case and offers no control that does nothing.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::badge::badge;
use super::escape::esc;
use crate::load::{CaseInfo, Level};
use crate::run::{CaseResult, Outcome};

const OUTCOMES: [Outcome; 5] = [
    Outcome::Fail,
    Outcome::Error,
    Outcome::Warn,
    Outcome::Skip,
    Outcome::Pass,
];

const LEVELS: [Level; 3] = [Level::Must, Level::Should, Level::May];

/// Sorts `RFC7644 §3.10` after `RFC7644 §3.9`: by document, then each number of the section.
fn section_key(section: &str) -> (String, Vec<u32>, String) {
    let (doc, number) = section.split_once('§').unwrap_or((section, ""));
    let parts = number
        .trim()
        .split('.')
        .map(|p| p.parse().unwrap_or(u32::MAX))
        .collect();
    (doc.trim().to_string(), parts, section.to_string())
}

/// Every section cases cite, with its parent sections (`RFC7644 §3.4.2` brings `§3.4` and
/// `§3`): choosing a section shows its subsections too.
pub fn sections<'a>(sections: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut all = BTreeSet::new();
    for section in sections {
        all.insert(section.to_string());
        if let Some((doc, number)) = section.split_once('§') {
            let parts: Vec<&str> = number.trim().split('.').collect();
            for n in 1..parts.len() {
                all.insert(format!("{doc}§{}", parts[..n].join(".")));
            }
        }
    }
    let mut list: Vec<String> = all.into_iter().collect();
    list.sort_by_key(|s| section_key(s));
    list
}

/// The controls, for the cases of `results`; `show` is the run's redactor.
pub fn render(results: &[(CaseInfo, CaseResult)], show: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    out.push_str("<form id=\"filters\" hidden>\n<fieldset><legend>Outcome</legend>");
    for o in OUTCOMES {
        let n = results.iter().filter(|(_, r)| r.outcome == o).count();
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"outcome\" value=\"{}\" checked> {} {n}</label> ",
            o.as_str(),
            badge(o)
        );
    }
    out.push_str("</fieldset>\n<fieldset><legend>Level</legend>");
    for l in LEVELS {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"level\" value=\"{l}\" checked> {l}</label> "
        );
    }
    out.push_str(
        "</fieldset>\n<label>Section <select name=\"section\"><option value=\"\">all</option>",
    );
    for s in sections(results.iter().map(|(c, _)| c.section())) {
        let s = esc(&show(&s));
        let _ = write!(out, "<option value=\"{s}\">{s}</option>");
    }
    out.push_str(
        "</select></label>\n<label>Tag <select name=\"tag\"><option value=\"\">all</option>",
    );
    let tags: BTreeSet<&str> = results
        .iter()
        .flat_map(|(c, _)| c.tags.iter().map(String::as_str))
        .collect();
    for t in tags {
        let t = esc(&show(t));
        let _ = write!(out, "<option value=\"{t}\">{t}</option>");
    }
    let _ = writeln!(
        out,
        "</select></label>\n<output id=\"shown\" data-total=\"{}\"></output>\n</form>",
        results.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::case::tests::{case, result};
    use super::*;

    #[test]
    fn sections_bring_their_parents_in_numeric_order() {
        let list =
            sections(["RFC7644 §3.10", "RFC7644 §3.4.2", "RFC7643 §4.1", "Entra"].into_iter());
        assert_eq!(
            list,
            [
                "Entra",
                "RFC7643 §4",
                "RFC7643 §4.1",
                "RFC7644 §3",
                "RFC7644 §3.4",
                "RFC7644 §3.4.2",
                "RFC7644 §3.10"
            ]
        );
    }

    #[test]
    fn the_controls_are_hidden_until_the_script_runs_and_name_what_the_cases_carry() {
        let results = vec![
            (
                case("a", "RFC7644 §3.3 L623-627", &["users", "x<y"]),
                result(Outcome::Fail, "m", ""),
            ),
            (
                case("b", "RFC7644 §3.4.2", &["users"]),
                result(Outcome::Pass, "m", ""),
            ),
        ];
        let html = render(&results, &|t| t.to_string());
        assert!(html.starts_with("<form id=\"filters\" hidden>"), "{html}");
        assert!(html.contains("value=\"fail\" checked> <span class=\"badge fail\">FAIL</span> 1"));
        assert!(html.contains("value=\"pass\" checked> <span class=\"badge pass\">PASS</span> 1"));
        assert!(html.contains("<option value=\"RFC7644 §3.4\">"));
        assert!(
            html.contains("<option value=\"x&lt;y\">x&lt;y</option>"),
            "{html}"
        );
        assert!(html.contains("<output id=\"shown\" data-total=\"2\"></output>"));
    }
}
