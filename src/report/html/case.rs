//! One case of the report as an `<article>`: its outcome badge, level, id, title and section;
//! why it did not pass; its requirement, spec reference and the RFC text cited; its leftovers;
//! and its transcript, collapsed. The `data-*` attributes are what the page's filters read.

use std::fmt::Write as _;

use super::badge::badge;
use super::citation::cited_text;
use super::escape::esc;
use crate::load::CaseInfo;
use crate::run::CaseResult;

/// How the case is shown: every text passes through `show` (the run's redactor) before it is
/// escaped. `known` is the baseline's reason when the outcome is a known deviation.
pub fn render(
    case: &CaseInfo,
    result: &CaseResult,
    known: Option<&str>,
    show: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let outcome = result.outcome.as_str();
    let _ = writeln!(
        out,
        "<article class=\"case {outcome}\" id=\"case-{id}\" data-outcome=\"{outcome}\" \
         data-level=\"{level}\" data-section=\"{section}\" data-tags=\"{tags}\">",
        id = esc(&show(&case.id)),
        level = case.level.as_str(),
        section = esc(&show(case.section())),
        tags = esc(&show(&case.tags.join(" "))),
    );
    let _ = writeln!(
        out,
        "<h3>{badge} <span class=\"level\">{level}</span> <code class=\"id\">{id}</code> \
         <span class=\"title\">{title}</span>{known_mark}</h3>",
        badge = badge(result.outcome),
        level = case.level.as_str(),
        id = esc(&show(&case.id)),
        title = esc(&show(&case.title)),
        known_mark = if known.is_some() {
            " <span class=\"known-mark\">known deviation</span>"
        } else {
            ""
        },
    );
    if let Some(message) = result.message.as_deref().filter(|m| !m.is_empty()) {
        let _ = writeln!(out, "<p class=\"message\">{}</p>", esc(&show(message)));
    }
    if result.problems.len() > 1 {
        out.push_str("<ul class=\"problems\">");
        for p in &result.problems {
            let _ = write!(out, "<li>{}</li>", esc(&show(p)));
        }
        out.push_str("</ul>\n");
    }
    if let Some(reason) = known {
        let _ = writeln!(
            out,
            "<p class=\"known\">Known deviation (baseline): {}</p>",
            esc(&show(reason))
        );
    }
    out.push_str("<dl>");
    if let Some(requirement) = &case.requirement {
        let _ = write!(
            out,
            "<dt>Requirement</dt><dd>{}</dd>",
            esc(&show(requirement))
        );
    }
    let _ = write!(out, "<dt>Spec</dt><dd>{}", esc(&show(&case.spec)));
    if !case.tags.is_empty() {
        let _ = write!(
            out,
            " <span class=\"tags\">tags: {}</span>",
            esc(&show(&case.tags.join(", ")))
        );
    }
    out.push_str("</dd>");
    if !case.also.is_empty() {
        let _ = write!(
            out,
            "<dt>Also</dt><dd>{}</dd>",
            esc(&show(&case.also.join(", ")))
        );
    }
    out.push_str("</dl>\n");
    if let Some(cited) = cited_text(&case.spec) {
        let range = if cited.first == cited.last {
            format!("line {}", cited.first)
        } else {
            format!("lines {}–{}", cited.first, cited.last)
        };
        let _ = writeln!(
            out,
            "<blockquote class=\"rfc\"><pre>{}{}</pre><cite>{}, {range}</cite></blockquote>",
            esc(&show(&cited.text)),
            if cited.cut { "\n[…]" } else { "" },
            cited.document,
        );
    }
    if !result.leftovers.is_empty() {
        out.push_str("<p class=\"leftovers\">Left behind on the target:</p><ul>");
        for l in &result.leftovers {
            let _ = write!(out, "<li>{}</li>", esc(&show(&l.to_string())));
        }
        out.push_str("</ul>\n");
    }
    let transcript = show(&result.transcript);
    if !transcript.trim().is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"transcript\"><summary>HTTP transcript ({} lines, {} ms)</summary>\
             <pre>{}</pre></details>",
            transcript.lines().count(),
            result.duration.as_millis(),
            esc(&transcript)
        );
    }
    out.push_str("</article>\n");
    out
}

#[cfg(test)]
pub(super) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::load::{Level, Origin};
    use crate::run::Outcome;

    pub(crate) fn case(id: &str, spec: &str, tags: &[&str]) -> CaseInfo {
        CaseInfo {
            id: id.into(),
            title: "POST /Users <twice> & \"more\"".into(),
            requirement: Some("A duplicate userName MUST be refused.".into()),
            consequence: None,
            spec: spec.into(),
            also: vec![],
            level: Level::Must,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            origin: Origin {
                file: "x.yaml".into(),
                line: Some(1),
            },
        }
    }

    pub(crate) fn result(outcome: Outcome, message: &str, transcript: &str) -> CaseResult {
        CaseResult {
            id: "x".into(),
            outcome,
            message: Some(message.into()),
            problems: vec![],
            transcript: transcript.into(),
            duration: Duration::from_millis(12),
            unreachable: false,
            leftovers: vec![],
        }
    }

    #[test]
    fn the_filters_read_the_data_attributes() {
        let html = render(
            &case("dup-409", "RFC7644 §3.3 L623-627", &["errors", "users"]),
            &result(Outcome::Fail, "expected 409, got 201", "POST /Users"),
            None,
            &|t| t.to_string(),
        );
        assert!(
            html.starts_with(
                "<article class=\"case fail\" id=\"case-dup-409\" data-outcome=\"fail\" \
             data-level=\"MUST\" data-section=\"RFC7644 §3.3\" data-tags=\"errors users\">"
            ),
            "{html}"
        );
        assert!(html.contains("<span class=\"badge fail\">FAIL</span>"));
        assert!(
            html.contains("MUST return HTTP"),
            "the cited RFC text: {html}"
        );
        assert!(html.contains("<cite>RFC 7644, lines 623–627</cite>"));
        assert!(html.contains("<details class=\"transcript\"><summary>"));
    }

    #[test]
    fn every_text_is_shown_through_the_redactor_then_escaped() {
        let html = render(
            &case("c", "RFC7644 §3.3", &[]),
            &result(
                Outcome::Error,
                "got <b>s3cret</b>",
                "Authorization: s3cret\n<script>alert(1)</script>",
            ),
            Some("known <i>"),
            &|t| t.replace("s3cret", "[REDACTED]"),
        );
        assert!(!html.contains("s3cret"), "{html}");
        assert!(html.contains("got &lt;b&gt;[REDACTED]&lt;/b&gt;"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script"));
        assert!(html.contains("POST /Users &lt;twice&gt; &amp; &quot;more&quot;"));
        assert!(html.contains("Known deviation (baseline): known &lt;i&gt;"));
        assert!(!html.contains("<blockquote"), "no lines cited, no quote");
    }
}
