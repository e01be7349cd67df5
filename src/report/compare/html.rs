//! The comparison matrix as one self-contained HTML page: inline CSS, no script, no external
//! asset; every value is escaped. Outcomes are text badges (PASS, FAIL, …), readable without
//! an emoji font; each target has a section of its own, linked from the matrix.

use std::fmt::Write as _;

use super::{Cell, Matrix, Section, OUTCOMES};
use crate::report::html::badge::{self, badge};
use crate::run::Outcome;

pub use crate::report::html::escape::esc;

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;margin:.3rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right}code{font-size:.9em}
.pass{background:#dafbe1}.fail{background:#ffd8d3}.warn{background:#fff1c2}.skip{background:#eef1f4;color:#57606a}.error{background:#f5d0ff}.none{color:#8c959f}
.why{color:#57606a;font-size:.85em;margin:0 0 1rem 1rem}details{margin:.3rem 0}summary{cursor:pointer}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}.target li{margin:.15rem 0}
";

fn class(outcome: Outcome) -> &'static str {
    outcome.as_str()
}

fn td(c: &Option<Cell>) -> String {
    match c {
        None => "<td class=\"none\">—</td>".into(),
        Some(c) => {
            let title = c.message.as_deref().map(esc).unwrap_or_default();
            let known = if c.known { " (known)" } else { "" };
            format!(
                "<td class=\"{}\" title=\"{title}\">{}{known}</td>",
                class(c.outcome),
                badge(c.outcome)
            )
        }
    }
}

/// The anchor of the `i`th target's section.
fn target_id(i: usize) -> String {
    format!("target-{}", i + 1)
}

/// A target's name, linking to its section.
fn target_link(i: usize, name: &str) -> String {
    format!("<a href=\"#{}\">{}</a>", target_id(i), esc(name))
}

/// One target's section: its URL, counts, and the cases that did not pass on it, with why
/// (skips folded).
fn target_section(out: &mut String, m: &Matrix, i: usize) {
    let Some(c) = m.columns.get(i) else {
        return;
    };
    let _ = writeln!(
        out,
        "<section class=\"target\" id=\"{}\"><h2>Target {}</h2><p><code>{}</code> · ",
        target_id(i),
        esc(&c.name),
        esc(&c.url)
    );
    for o in OUTCOMES {
        let _ = write!(
            out,
            "{} {} ",
            badge(o),
            c.counts.get(&o).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(out, "</p>");
    if let Some(problem) = &c.problem {
        let _ = writeln!(
            out,
            "<p class=\"fail\">Could not be run: {}</p>",
            esc(problem)
        );
    }
    let cell = |row: &super::Row| row.cells.get(i).cloned().flatten();
    let item = |row: &super::Row, cell: &Cell| {
        format!(
            "<li>{}{} <code>{}</code> {}{}</li>\n",
            badge(cell.outcome),
            if cell.known { " (known)" } else { "" },
            esc(&row.id),
            esc(&row.title),
            cell.message
                .as_deref()
                .filter(|m| !m.is_empty())
                .map(|m| format!("<br><small>{}</small>", esc(m)))
                .unwrap_or_default()
        )
    };
    let not_passing: Vec<String> = [Outcome::Fail, Outcome::Error, Outcome::Warn]
        .iter()
        .flat_map(|o| {
            m.rows
                .iter()
                .filter_map(move |row| cell(row).filter(|c| c.outcome == *o).map(|c| item(row, &c)))
        })
        .collect();
    if not_passing.is_empty() && c.problem.is_none() {
        let _ = writeln!(out, "<p>Every case it ran passed.</p>");
    } else if !not_passing.is_empty() {
        let _ = writeln!(out, "<ul>\n{}</ul>", not_passing.concat());
    }
    let skipped: Vec<String> = m
        .rows
        .iter()
        .filter_map(|row| {
            cell(row)
                .filter(|c| c.outcome == Outcome::Skip)
                .map(|c| item(row, &c))
        })
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Skipped ({})</summary><ul>\n{}</ul></details>",
            skipped.len(),
            skipped.concat()
        );
    }
    let _ = writeln!(out, "</section>");
}

fn difference_table(out: &mut String, m: &Matrix, section: &Section<'_>) {
    let _ = writeln!(out, "<h3>{}</h3>", esc(section.name));
    let _ = write!(out, "<table><tr><th>case</th><th>level</th>");
    for (i, c) in m.columns.iter().enumerate() {
        let _ = write!(out, "<th>{}</th>", target_link(i, &c.name));
    }
    let _ = writeln!(out, "</tr>");
    let mut why = String::new();
    for row in &section.rows {
        let _ = write!(
            out,
            "<tr><td><code>{}</code><br><small>{}</small></td><td>{}</td>",
            esc(&row.id),
            esc(&row.title),
            row.level
        );
        for (c, col) in row.cells.iter().zip(&m.columns) {
            out.push_str(&td(c));
            if let Some(msg) = c
                .as_ref()
                .and_then(|c| c.message.as_deref())
                .filter(|s| !s.is_empty())
            {
                let _ = writeln!(
                    why,
                    "<li><code>{}</code> on <b>{}</b>: {}</li>",
                    esc(&row.id),
                    esc(&col.name),
                    esc(msg)
                );
            }
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</table>");
    if !why.is_empty() {
        let _ = writeln!(out, "<ul class=\"why\">\n{why}</ul>");
    }
}

pub fn render(m: &Matrix) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>scimspec comparison</title><style>{STYLE}{}</style></head><body>",
        badge::STYLE
    );
    let _ = writeln!(out, "<h1>scimspec comparison</h1>");
    let _ = writeln!(
        out,
        "<p>{} cases on {} targets; <b>{} differ</b>, {} of them between targets that ran \
         them (the others are skipped where a target lacks what they need). Generated {}.</p>",
        m.rows.len(),
        m.columns.len(),
        m.difference_count(),
        m.disagreement_count(),
        esc(&m.generated)
    );
    let _ = writeln!(
        out,
        "<table><tr><th>target</th><th>URL</th><th>profile</th><th>auth</th>\
         <th>pass</th><th>fail</th><th>warn</th><th>skip</th><th>error</th></tr>"
    );
    for (i, c) in m.columns.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td><b>{}</b></td><td><code>{}</code></td><td>{}</td><td>{}</td>",
            target_link(i, &c.name),
            esc(&c.url),
            c.profile.as_deref().map(esc).unwrap_or_else(|| "—".into()),
            esc(&c.auth)
        );
        for o in OUTCOMES {
            let _ = write!(
                out,
                "<td class=\"n {}\">{}</td>",
                class(o),
                c.counts.get(&o).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</table>");
    for c in m.columns.iter().filter(|c| c.problem.is_some()) {
        let _ = writeln!(
            out,
            "<p class=\"fail\"><b>{}</b> could not be run: {}</p>",
            esc(&c.name),
            esc(c.problem.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        out,
        "<h2>Cases whose outcome differs ({})</h2>",
        m.difference_count()
    );
    let diff = m.differences();
    if diff.is_empty() {
        let _ = writeln!(
            out,
            "<p>Every case has the same outcome on every target.</p>"
        );
    }
    for section in &diff {
        difference_table(&mut out, m, section);
    }
    let same = m.agreements();
    let count: usize = same.iter().map(|s| s.rows.len()).sum();
    let _ = writeln!(out, "<h2>Same outcome on every target ({count})</h2>");
    for section in &same {
        let _ = writeln!(
            out,
            "<details><summary>{} — {} cases</summary><table><tr><th>case</th><th>level</th><th>every target</th></tr>",
            esc(section.name),
            section.rows.len()
        );
        for row in &section.rows {
            let first = row.cells.first().cloned().flatten();
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code> <small>{}</small></td><td>{}</td>{}</tr>",
                esc(&row.id),
                esc(&row.title),
                row.level,
                td(&first)
            );
        }
        let _ = writeln!(out, "</table></details>");
    }
    for i in 0..m.columns.len() {
        target_section(&mut out, m, i);
    }
    let _ = writeln!(out, "</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::matrix;
    use super::*;

    #[test]
    fn self_contained_and_escaped() {
        let html = render(&matrix());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            !html.contains("src=") && !html.contains("href=\"http") && !html.contains("<script")
        );
        assert!(html.contains("title of c2 &lt;b&gt;&amp;"), "{html}");
        assert!(!html.contains("<b>&"));
        assert!(html.contains("expected 201, got 200 &lt;x&gt; [REDACTED]"));
        assert!(
            html.contains("<span class=\"badge fail\">FAIL</span>"),
            "{html}"
        );
        assert!(
            !html
                .chars()
                .any(|c| ('\u{1F300}'..='\u{1FAFF}').contains(&c)
                    || ('\u{2600}'..='\u{27BF}').contains(&c)
                    || c == '\u{FE0F}'),
            "outcomes are text, not emoji"
        );
        assert!(html.contains("<a href=\"#target-1\">"));
        assert!(html.contains("<section class=\"target\" id=\"target-1\">"));
        assert!(!html.contains("secret-abcdef"));
        let diff = html.find("Cases whose outcome differs").unwrap();
        let same = html.find("Same outcome on every target").unwrap();
        assert!(diff < same);
    }
}
