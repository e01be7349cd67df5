//! The run as one self-contained HTML page (`--report-html DIR` writes `DIR/index.html`), fed
//! by the same [`RunReport`] as the JSON and Markdown reports: the run's facts and counts,
//! readiness verdicts, baseline and leftovers, capabilities and discovery notes, then every
//! case with its requirement, the RFC text it cites and its transcript. Inline CSS and a
//! little inline script (filters by outcome, level, section and tag, also read from the URL's
//! `#outcome=fail&level=MUST&section=…&tag=…`); nothing is fetched. Every text is shown
//! through the run's redactor, then escaped.

pub mod badge;
mod case;
pub mod citation;
pub mod escape;
mod filters;
mod overview;
pub mod verdict;

use super::RunReport;
use crate::baseline::Comparison;
use crate::run::Outcome;

/// The file written in the report's directory.
pub const INDEX: &str = "index.html";

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// Where an outcome comes in the page: what needs attention first.
fn rank(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Fail => 0,
        Outcome::Error => 1,
        Outcome::Warn => 2,
        Outcome::Pass => 3,
        Outcome::Skip => 4,
    }
}

/// The page. `generated` is the time the report was written.
pub fn render(report: &RunReport, baseline: Option<&Comparison>, generated: &str) -> String {
    let show = |text: &str| report.redactor.show(text);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    out.push_str(&format!(
        "<title>scimspec report: {}</title>\n<style>\n{STYLE}{}\n</style></head>\n<body>\n",
        escape::esc(&show(&report.target)),
        badge::STYLE
    ));
    out.push_str(&overview::facts(report, baseline, generated));
    out.push_str("<main>\n");
    out.push_str(&overview::verdicts(report));
    out.push_str(&overview::problems(report, baseline));
    out.push_str(&overview::discovery(report));
    out.push_str("<section id=\"cases\"><h2>Cases</h2>\n");
    out.push_str(&filters::render(&report.results, &show));
    let mut ordered: Vec<_> = report.results.iter().collect();
    ordered.sort_by_key(|(_, r)| rank(r.outcome));
    for (info, result) in ordered {
        let known = baseline.and_then(|b| b.known_reason(&info.id));
        out.push_str(&case::render(info, result, known, &show));
    }
    out.push_str("</section>\n</main>\n<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::case::tests::{case, result};
    use super::*;
    use crate::http::Redactor;

    fn report(secret: &str) -> RunReport {
        let mut redactor = Redactor::new();
        redactor.add(secret);
        RunReport {
            target: "http://127.0.0.1:1/scim/v2".into(),
            run_id: "r1".into(),
            discovery: Some(crate::plan::Discovery::default()),
            results: vec![
                (
                    case("passes", "RFC7644 §3.3", &["users"]),
                    result(Outcome::Pass, "", "GET /Users"),
                ),
                (
                    case("fails", "RFC7644 §3.3 L623-627", &["errors"]),
                    result(
                        Outcome::Fail,
                        &format!("echoed {secret}"),
                        &format!("Authorization: {secret}"),
                    ),
                ),
            ],
            duration: Duration::from_millis(1500),
            redactor,
            run_leftovers: vec![],
        }
    }

    #[test]
    fn the_page_is_self_contained() {
        let html = render(&report("s3cr3t-t0ken"), None, "2026-01-02T03:04:05Z");
        assert!(html.starts_with("<!DOCTYPE html>"));
        for external in [
            "src=",
            "href=\"http",
            "href=\"//",
            "@import",
            "url(",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!html.contains(external), "{external}");
        }
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(html.contains("2026-01-02T03:04:05Z"));
        assert_eq!(html.matches("<article class=\"case").count(), 2);
    }

    #[test]
    fn failures_come_first_and_secrets_are_masked() {
        let html = render(&report("s3cr3t-t0ken"), None, "now");
        assert!(!html.contains("s3cr3t-t0ken"));
        assert!(html.contains("echoed [REDACTED]"), "{html}");
        let fails = html.find("id=\"case-fails\"").expect("failed case");
        let passes = html.find("id=\"case-passes\"").expect("passed case");
        assert!(fails < passes);
    }

    #[test]
    fn the_page_has_no_emoji() {
        let html = render(&report("s3cr3t-t0ken"), None, "now");
        assert!(
            !html
                .chars()
                .any(|c| ('\u{1F300}'..='\u{1FAFF}').contains(&c)
                    || ('\u{2600}'..='\u{27BF}').contains(&c)),
            "no emoji"
        );
    }
}
