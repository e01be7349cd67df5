//! The top of the report: what was run against what and when, the counts (each a link that
//! filters the cases), the readiness verdicts, the baseline comparison, the leftovers, and
//! what discovery and calibration found.

use std::fmt::Write as _;

use super::badge::badge;
use super::escape::esc;
use super::verdict::readiness_verdicts;
use crate::baseline::Comparison;
use crate::report::RunReport;
use crate::run::Outcome;

/// The heading, the run's facts and its counts.
pub fn facts(report: &RunReport, baseline: Option<&Comparison>, generated: &str) -> String {
    let show = |t: &str| esc(&report.redactor.show(t));
    let passed = report.count(Outcome::Fail) + report.count(Outcome::Error) == 0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<header><h1>scimspec report <span class=\"verdict {}\">{}</span></h1>",
        if passed { "ready" } else { "not-ready" },
        if passed {
            "no MUST broken"
        } else {
            "MUST requirements broken or not evaluated"
        }
    );
    let _ = writeln!(
        out,
        "<dl class=\"facts\"><dt>Target</dt><dd><code>{}</code></dd><dt>Run id</dt><dd><code>{}</code></dd>\
         <dt>Date</dt><dd>{}</dd><dt>Duration</dt><dd>{:.2} s</dd><dt>Tool</dt><dd>scimspec {}</dd></dl>",
        show(&report.target),
        show(&report.run_id),
        show(generated),
        report.duration.as_secs_f64(),
        env!("CARGO_PKG_VERSION"),
    );
    out.push_str("<p class=\"counts\">");
    let total = report.results.len();
    let _ = write!(out, "<a href=\"#\">{total} cases</a>: ");
    for (o, n) in report.counts() {
        let _ = write!(
            out,
            "<a class=\"count\" href=\"#outcome={}\">{} {n}</a> ",
            o.as_str(),
            badge(o)
        );
    }
    match baseline {
        Some(b) => {
            let _ = write!(out, "· known deviations {} ", b.expected.len());
        }
        None => out.push_str("· known deviations 0 (no baseline) "),
    }
    let _ = write!(
        out,
        "· leftovers {}</p>\n</header>\n",
        report.leftovers().count()
    );
    out
}

/// The readiness verdicts, when the run's cases earn one.
pub fn verdicts(report: &RunReport) -> String {
    let show = |t: &str| esc(&report.redactor.show(t));
    let mut out = String::new();
    for v in readiness_verdicts(&report.results) {
        let _ = writeln!(
            out,
            "<section class=\"readiness {}\"><h2>{}</h2><pre>{}</pre></section>",
            v.state,
            show(&v.headline),
            show(&v.details)
        );
    }
    out
}

/// The baseline comparison and the leftovers, when there are any.
pub fn problems(report: &RunReport, baseline: Option<&Comparison>) -> String {
    let show = |t: &str| esc(&report.redactor.show(t));
    let mut out = String::new();
    if let Some(b) = baseline {
        let _ = writeln!(
            out,
            "<section id=\"baseline\"><h2>Baseline: {}</h2>",
            if b.is_clean() {
                "every known deviation holds, nothing new"
            } else {
                "new problems or stale entries"
            }
        );
        if !b.unexpected.is_empty() {
            out.push_str("<p>Not in the baseline:</p><ul>");
            for id in &b.unexpected {
                let id = show(id);
                let _ = write!(out, "<li><a href=\"#case-{id}\"><code>{id}</code></a></li>");
            }
            out.push_str("</ul>");
        }
        if !b.stale.is_empty() {
            out.push_str("<p>Stale (the listed outcome no longer holds):</p><ul>");
            for (id, now) in &b.stale {
                let _ = write!(out, "<li><code>{}</code>: {}</li>", show(id), show(now));
            }
            out.push_str("</ul>");
        }
        out.push_str("</section>\n");
    }
    let leftovers: Vec<_> = report.leftovers().collect();
    if !leftovers.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"leftovers\"><h2>Left behind on the target ({}): delete them by hand</h2><ul>",
            leftovers.len()
        );
        for (owner, l) in leftovers {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                show(owner),
                show(&l.to_string())
            );
        }
        out.push_str("</ul></section>\n");
    }
    out
}

/// The capabilities discovery found, with their evidence, and the discovery and calibration
/// notes.
pub fn discovery(report: &RunReport) -> String {
    let show = |t: &str| esc(&report.redactor.show(t));
    let Some(d) = &report.discovery else {
        return String::new();
    };
    let mut out = String::from(
        "<section id=\"discovery\"><details><summary><h2>Capabilities, discovery and calibration</h2></summary>\n\
         <table><tr><th>capability</th><th>supported</th><th>evidence</th></tr>\n",
    );
    for (c, supported, evidence) in d.capabilities.iter() {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"{}\">{}</td><td>{}</td></tr>",
            c.as_str(),
            if supported { "yes" } else { "no" },
            if supported { "yes" } else { "no" },
            show(evidence)
        );
    }
    out.push_str("</table>\n<ul class=\"notes\">");
    for note in &d.notes {
        let _ = write!(out, "<li>{}</li>", show(note));
    }
    out.push_str("</ul></details></section>\n");
    out
}
