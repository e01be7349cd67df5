//! A load run as one self-contained HTML page (`scimspec load --report-html DIR` writes
//! `DIR/index.html`), made from the same [`LoadReport`] as the console and the JSON: the
//! verdict with the figures behind each criterion, requested and achieved rate, the latency
//! plot over time ([`super::plot`]), the per-kind latency table, statuses, error classes, the
//! 429 behaviour, the final-state check and leftovers. Inline CSS and SVG, no script, nothing
//! fetched; every text passes through the run's redactor, then is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::plot;
use super::report::LoadReport;
use super::verdict::Judgement;
use crate::http::Redactor;
use crate::report::html::badge;
use crate::report::html::escape::esc;

/// The file written in the report's directory.
pub const INDEX: &str = "index.html";

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;margin:0;color:#1f2328;background:#fff}\
header{padding:1.2rem 2rem .6rem;border-bottom:1px solid #d0d7de;background:#f6f8fa}main{padding:0 2rem 3rem}\
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}\
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0}.facts dt{color:#57606a}.facts dd{margin:0}\
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.notes{color:#57606a}.problem{color:#cf222e}code{font-family:ui-monospace,Menlo,Consolas,\"DejaVu Sans Mono\",monospace;font-size:12.5px}";

/// The badge of a criterion's outcome, in the run report's badge styles.
fn outcome_badge(outcome: Judgement) -> &'static str {
    match outcome {
        Judgement::Pass => "<span class=\"badge pass\">PASS</span>",
        Judgement::Fail => "<span class=\"badge fail\">FAIL</span>",
        Judgement::NotAssessed => "<span class=\"badge skip\">N/A</span>",
    }
}

fn counts_table(
    out: &mut String,
    id: &str,
    what: &str,
    counts: &BTreeMap<String, u64>,
    show: &dyn Fn(&str) -> String,
) {
    let _ = writeln!(
        out,
        "<table id=\"{id}\"><tr><th>{what}</th><th>requests</th></tr>"
    );
    for (name, n) in counts {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{n}</td></tr>",
            esc(&show(name))
        );
    }
    out.push_str("</table>\n");
}

fn facts(out: &mut String, rows: &[(&str, String)]) {
    out.push_str("<dl class=\"facts\">\n");
    for (name, value) in rows {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n");
}

/// The page. `generated` is the time the report was written.
pub fn render(report: &LoadReport, redactor: &Redactor, generated: &str) -> String {
    let show = |text: &str| redactor.show(text);
    let text = |t: &str| esc(&show(t));
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>scimspec load: {} against {}</title>\n<style>\n{STYLE}{}{}\n</style></head>\n<body>\n",
        text(&report.scenario),
        text(&report.target),
        badge::STYLE,
        plot::STYLE
    );
    let failed = report.failed();
    let _ = writeln!(
        out,
        "<header><h1>scimspec load: {} {}</h1>",
        text(&report.scenario),
        if failed {
            "<span class=\"badge fail\">FAIL</span>"
        } else {
            "<span class=\"badge pass\">PASS</span>"
        }
    );
    facts(
        &mut out,
        &[
            ("target", format!("<code>{}</code>", text(&report.target))),
            ("run prefix", format!("<code>{}</code>", text(&report.run))),
            ("virtual users", report.users.to_string()),
            (
                "window",
                format!(
                    "{:.1} s (schedule {:.1} s)",
                    report.window_seconds, report.schedule_seconds
                ),
            ),
            ("written", text(generated)),
        ],
    );
    out.push_str("</header>\n<main>\n");

    out.push_str("<section id=\"verdict\"><h2>Verdict</h2>\n<table><tr><th>outcome</th><th>criterion</th><th>figures</th></tr>\n");
    for c in &report.verdict {
        let _ = writeln!(
            out,
            "<tr data-criterion=\"{}\"><td>{}</td><td>{}<br><code>{}</code></td><td>{}</td></tr>",
            esc(c.id),
            outcome_badge(c.outcome),
            esc(c.title),
            esc(c.id),
            text(&c.figures)
        );
    }
    out.push_str("</table>\n</section>\n");

    out.push_str("<section id=\"rate\"><h2>Rate</h2>\n");
    let requested = report
        .requested_rate
        .map_or("max (closed loop)".to_string(), |r| format!("{r:.1} req/s"));
    let mut rows = vec![
        ("requested", requested),
        (
            "achieved",
            format!(
                "{:.1} req/s served (answered with anything but 429, per second of the hold at the rate)",
                report.achieved_rate
            ),
        ),
        ("requests sent", report.requests.to_string()),
        ("answered", report.answered.to_string()),
        ("arrivals missed", report.missed_arrivals.to_string()),
        ("cut at the hard stop", report.cut_at_hard_stop.to_string()),
        (
            "flows",
            format!(
                "{} started, {} finished, {} ended early by an error",
                report.flows.started, report.flows.finished, report.flows.abandoned
            ),
        ),
    ];
    if report.population > 0 {
        rows.push(("users created first", report.population.to_string()));
    }
    if let Some(why) = &report.stopped {
        rows.push(("stopped early", text(why)));
    }
    facts(&mut out, &rows);
    out.push_str("</section>\n");

    out.push_str("<section id=\"timeline\"><h2>Latency and throughput over time</h2>\n");
    out.push_str(&plot::svg(&report.timeline));
    out.push_str("<p class=\"notes\">Latency counts from when a request was due (open model). Each second's percentiles come from the requests that completed in it.</p>\n</section>\n");

    out.push_str("<section id=\"latency\"><h2>Latency per request kind</h2>\n<table><tr><th>request</th><th>count</th><th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n");
    for k in &report.kinds {
        let _ = writeln!(
            out,
            "<tr data-kind=\"{0}\"><td>{0}</td><td class=\"n\">{1}</td><td class=\"n\">{2}</td><td class=\"n\">{3:.2}</td><td class=\"n\">{4:.2}</td><td class=\"n\">{5:.2}</td><td class=\"n\">{6:.2}</td><td class=\"n\">{7:.2}</td></tr>",
            text(&k.kind),
            k.requests,
            k.errors,
            k.p50_ms,
            k.p90_ms,
            k.p95_ms,
            k.p99_ms,
            k.max_ms
        );
    }
    out.push_str("</table>\n</section>\n");

    out.push_str("<section id=\"answers\"><h2>Statuses and errors</h2>\n");
    counts_table(&mut out, "statuses", "status", &report.statuses, &show);
    if report.errors.is_empty() {
        out.push_str("<p>No errors: every request was answered, none with a 4xx (other than 429) or 5xx.</p>\n");
    } else {
        counts_table(&mut out, "errors", "error class", &report.errors, &show);
    }
    out.push_str("</section>\n");

    let t = &report.throttling;
    out.push_str("<section id=\"throttling\"><h2>429 behaviour</h2>\n");
    if t.responses == 0 {
        out.push_str("<p>No 429 at this rate: the target was not overloaded.</p>\n");
    } else {
        facts(
            &mut out,
            &[
                ("429 answers", t.responses.to_string()),
                ("with Retry-After", t.with_retry_after.to_string()),
                (
                    "scimspec paused",
                    format!("{} times, {:.1} s in all", t.pauses, t.paused_seconds),
                ),
                (
                    "arrivals not sent while paused",
                    t.not_sent_while_paused.to_string(),
                ),
                ("sent again", t.retried.to_string()),
                ("flows given up", t.gave_up.to_string()),
            ],
        );
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"final-state\"><h2>Final state and leftovers</h2>\n");
    match &report.final_state {
        None => out.push_str("<p>Not checked.</p>\n"),
        Some(s) => {
            let _ = writeln!(
                out,
                "<p>{} users and {} groups checked; {} not as sent.</p>",
                s.users_checked, s.groups_checked, s.mismatches
            );
            if !s.problems.is_empty() {
                out.push_str("<ul>\n");
                for p in &s.problems {
                    let _ = writeln!(out, "<li class=\"problem\">{}</li>", text(p));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    if report.leftovers.is_empty() {
        out.push_str("<p>Nothing left behind: everything the run created was deleted.</p>\n");
    } else {
        out.push_str("<table id=\"leftovers\"><tr><th>resource</th><th>id</th><th>why</th></tr>\n");
        for l in &report.leftovers {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                text(&l.resource),
                text(&l.id),
                text(&l.why)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n</main>\n</body></html>\n");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::stress::report::Flows;
    use crate::stress::stats::{KindSummary, Second, Throttling};
    use crate::stress::verdict::Criterion;
    use crate::stress::{FinalState, Leftover};

    pub(crate) fn report(target: &str) -> LoadReport {
        LoadReport {
            version: crate::stress::report::REPORT_VERSION,
            target: target.to_string(),
            scenario: "lifecycle".into(),
            run: "load1234".into(),
            requested_rate: Some(25.0),
            achieved_rate: 24.9,
            schedule_seconds: 2.0,
            window_seconds: 2.0,
            users: 50,
            requests: 50,
            answered: 50,
            missed_arrivals: 0,
            cut_at_hard_stop: 0,
            flows: Flows {
                started: 10,
                finished: 10,
                abandoned: 0,
            },
            kinds: vec![KindSummary {
                kind: "create <user>".into(),
                requests: 50,
                errors: 1,
                p50_ms: 1.5,
                p90_ms: 2.0,
                p95_ms: 3.0,
                p99_ms: 4.0,
                max_ms: 5.0,
                statuses: BTreeMap::new(),
            }],
            statuses: BTreeMap::from([("201".to_string(), 49), ("500".to_string(), 1)]),
            errors: BTreeMap::from([("HTTP 500".to_string(), 1)]),
            throttling: Throttling {
                responses: 3,
                with_retry_after: 2,
                pauses: 1,
                paused_seconds: 1.0,
                retried: 3,
                gave_up: 0,
                not_sent_while_paused: 4,
            },
            timeline: vec![Second {
                second: 0,
                requests: 50,
                errors: 1,
                throttled: 3,
                p50_ms: Some(1.5),
                p95_ms: Some(3.0),
                p99_ms: Some(4.0),
                max_ms: Some(5.0),
            }],
            population: 0,
            final_state: Some(FinalState {
                users_checked: 2,
                groups_checked: 0,
                mismatches: 1,
                problems: vec!["user <b>x</b> found twice".into()],
            }),
            leftovers: vec![Leftover {
                resource: "User".into(),
                id: "<img src=x>".into(),
                why: "DELETE answered 500 \"secret-token\"".into(),
            }],
            stopped: None,
            verdict: vec![Criterion {
                id: "cleanup",
                title: "Everything the run created was deleted",
                outcome: Judgement::Fail,
                figures: "1 left behind".into(),
            }],
        }
    }

    #[test]
    fn target_text_is_escaped_and_redacted() {
        let redactor = Redactor::new();
        redactor.learn("secret-token");
        let page = render(
            &report("http://127.0.0.1:1/v2?a=<script>&t=secret-token"),
            &redactor,
            "2026-01-01T00:00:00Z",
        );
        assert!(!page.contains("secret-token"), "the redactor masks secrets");
        assert!(!page.contains("<script"), "nothing runs");
        assert!(!page.contains("<img"), "markup from the target is text");
        assert!(page.contains("&lt;img src=x&gt;"));
        assert!(page.contains("user &lt;b&gt;x&lt;/b&gt; found twice"));
        assert!(page.contains("<td>create &lt;user&gt;</td>"));
    }

    #[test]
    fn the_page_is_self_contained_and_has_every_section() {
        let target = "https://scim.example.com/v2";
        let page = render(&report(target), &Redactor::new(), "now");
        assert!(!page.contains(" src=\""), "no resource is loaded");
        assert!(!page.contains(" href=\""), "no link");
        assert!(!page.contains("<script"), "no script");
        assert!(!page.contains("url("), "no CSS resource");
        let without_target = page.replace(target, "");
        assert!(
            !without_target.contains("http:") && !without_target.contains("https:"),
            "only the target's text names a URL"
        );
        assert!(
            !page
                .chars()
                .any(|c| ('\u{1F300}'..='\u{1FAFF}').contains(&c)
                    || ('\u{2600}'..='\u{27BF}').contains(&c)),
            "no emoji"
        );
        for id in [
            "verdict",
            "rate",
            "timeline",
            "latency",
            "statuses",
            "errors",
            "throttling",
            "final-state",
            "leftovers",
        ] {
            assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(page.contains("<svg class=\"plot\""));
        assert!(page
            .contains("<tr data-criterion=\"cleanup\"><td><span class=\"badge fail\">FAIL</span>"));
        assert!(page.contains("2 of 3") || page.contains("<dt>with Retry-After</dt><dd>2</dd>"));
        assert!(page.contains("25.0 req/s") && page.contains("24.9 req/s served"));
    }
}
