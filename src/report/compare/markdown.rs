//! The comparison matrix as Markdown (GitHub-flavoured tables).

use std::fmt::Write as _;

use super::{label, Cell, Matrix, Row, Section, OUTCOMES};

/// Escapes text for a Markdown table cell: no line breaks, no `|`, no raw HTML.
pub(crate) fn cell_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn cell(c: &Option<Cell>) -> String {
    match c {
        None => "—".to_string(),
        Some(c) if c.known => format!("{} (known)", label(c.outcome)),
        Some(c) => label(c.outcome).to_string(),
    }
}

fn difference_table(out: &mut String, m: &Matrix, section: &Section<'_>) {
    let _ = writeln!(out, "### {}\n", cell_text(section.name));
    let mut header = "| case | level |".to_string();
    let mut rule = "|---|---|".to_string();
    for c in &m.columns {
        header.push_str(&format!(" {} |", cell_text(&c.name)));
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for row in &section.rows {
        let mut line = format!("| `{}` | {} |", row.id, row.level);
        for c in &row.cells {
            line.push_str(&format!(" {} |", cell(c)));
        }
        let _ = writeln!(out, "{line}");
    }
    let notes: Vec<String> = section
        .rows
        .iter()
        .flat_map(|row| notes_of(m, row))
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out);
        for n in notes {
            let _ = writeln!(out, "{n}");
        }
    }
    let _ = writeln!(out);
}

/// Why each non-passing cell of a row is what it is.
fn notes_of(m: &Matrix, row: &Row) -> Vec<String> {
    row.cells
        .iter()
        .zip(&m.columns)
        .filter_map(|(c, col)| {
            let c = c.as_ref()?;
            let msg = c.message.as_deref().filter(|s| !s.is_empty())?;
            Some(format!(
                "- `{}` on **{}** — {}: {}",
                row.id,
                cell_text(&col.name),
                c.outcome,
                cell_text(msg)
            ))
        })
        .collect()
}

pub fn render(m: &Matrix) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# scimspec comparison\n");
    let _ = writeln!(
        out,
        "{} cases on {} targets; **{} differ**, {} of them between targets that ran them (the \
         others are skipped where a target lacks what they need). Generated {}.\n",
        m.rows.len(),
        m.columns.len(),
        m.difference_count(),
        m.disagreement_count(),
        m.generated
    );
    let _ = writeln!(
        out,
        "| target | URL | profile | auth | pass | fail | warn | skip | error |"
    );
    let _ = writeln!(out, "|---|---|---|---|---:|---:|---:|---:|---:|");
    for c in &m.columns {
        let mut line = format!(
            "| **{}** | {} | {} | {} |",
            cell_text(&c.name),
            cell_text(&c.url),
            c.profile
                .as_deref()
                .map(cell_text)
                .unwrap_or_else(|| "—".into()),
            cell_text(&c.auth)
        );
        for o in OUTCOMES {
            line.push_str(&format!(" {} |", c.counts.get(&o).copied().unwrap_or(0)));
        }
        let _ = writeln!(out, "{line}");
    }
    for c in m.columns.iter().filter(|c| c.problem.is_some()) {
        let _ = writeln!(
            out,
            "\n> **{}** could not be run: {}",
            cell_text(&c.name),
            cell_text(c.problem.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        out,
        "\n## Cases whose outcome differs ({})\n",
        m.difference_count()
    );
    let diff = m.differences();
    if diff.is_empty() {
        let _ = writeln!(out, "Every case has the same outcome on every target.\n");
    }
    for section in &diff {
        difference_table(&mut out, m, section);
    }
    let same = m.agreements();
    let count: usize = same.iter().map(|s| s.rows.len()).sum();
    let _ = writeln!(out, "## Same outcome on every target ({count})\n");
    for section in &same {
        let _ = writeln!(out, "### {}\n", cell_text(section.name));
        let _ = writeln!(out, "| case | level | every target |\n|---|---|---|");
        for row in &section.rows {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                row.id,
                row.level,
                row.cells.first().map(cell).unwrap_or_default()
            );
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::matrix;
    use super::*;

    #[test]
    fn differences_first_with_reasons() {
        let md = render(&matrix());
        let diff = md.find("## Cases whose outcome differs (2)").unwrap();
        let same = md.find("## Same outcome on every target (1)").unwrap();
        assert!(diff < same);
        assert!(md.contains("| `c2` | MUST | ✅ pass | ❌ fail |"), "{md}");
        assert!(
            md.contains("- `c2` on **beta** — fail: expected 201, got 200 &lt;x&gt; [REDACTED]"),
            "{md}"
        );
        assert!(!md.contains("secret-abcdef"));
        assert!(
            md.contains(
                "| **alpha** | http://a/scim/v2 | xmatters | bearer token | 3 | 0 | 0 | 0 | 0 |"
            ),
            "{md}"
        );
    }
}
