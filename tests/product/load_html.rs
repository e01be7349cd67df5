//! The load report's HTML page (`load --report-html DIR`) opened in a real browser: the
//! binary sends 2 s of load at 20/s to the embedded server, then headless Chromium loads
//! `DIR/index.html` from disk; the DOM it dumps has the plot's polylines with one point per
//! second of the JSON report's timeline, and the verdict and latency table rows; a screenshot
//! is taken. Without Chromium the test says it was skipped, and fails when `CI` or
//! `SCIMSPEC_REQUIRE_BROWSER` is set (as the run report's browser test does).

use serde_json::Value;

use crate::html_report::{browse, chromium};
use crate::support::{scimspec, RunExt, TempDir};

/// The number of points of the polyline of `series` in `dom` (`None`: no such polyline).
fn polyline_points(dom: &str, series: &str) -> Option<usize> {
    let tag_start = dom.find(&format!("data-series=\"{series}\""))?;
    let tag = &dom[dom[..tag_start].rfind('<')?..];
    let tag = &tag[..tag.find('>')?];
    let start = tag.find("points=\"")? + "points=\"".len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].split_whitespace().count())
}

#[test]
fn the_load_page_plots_every_second_in_a_real_browser() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = TempDir::new("load-html");
    let json = dir.join("load.json");
    let html_dir = dir.join("html");
    scimspec()
        .args(["load", "--duration", "2s", "--rate", "20/s"])
        .arg("--report-html")
        .arg(&html_dir)
        .arg("--report-json")
        .arg(&json)
        .exits(0);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("JSON report written"))
            .expect("JSON");
    let seconds = report["timeline"].as_array().map_or(0, Vec::len);
    assert!(
        (2..=4).contains(&seconds),
        "{seconds} seconds in the timeline of a 2 s run"
    );
    let index = html_dir.join("index.html");
    let html = std::fs::read_to_string(&index).expect("index.html written");
    assert!(!html.contains("<script"), "the page needs no script");

    let profile = TempDir::new("load-html-chromium");
    let url = format!("file://{}", index.display());
    let dom = browse(&browser, &profile, &url, &["--dump-dom"]);
    assert!(
        dom.contains("<svg class=\"plot\""),
        "the plot is in the DOM"
    );
    for series in ["p50", "p95", "p99", "requests"] {
        assert_eq!(
            polyline_points(&dom, series),
            Some(seconds),
            "{series}: one point per second of the timeline"
        );
    }
    assert!(
        dom.contains("latency, ms</text>"),
        "the latency axis is labelled"
    );
    assert!(
        dom.contains("seconds since the start"),
        "the time axis is labelled"
    );
    assert_eq!(
        dom.matches("<tr data-criterion=\"").count(),
        5,
        "one verdict row per criterion"
    );
    let kinds = report["kinds"].as_array().map_or(0, Vec::len);
    assert!(kinds >= 2, "the mix sends several kinds");
    assert_eq!(
        dom.matches("<tr data-kind=\"").count(),
        kinds,
        "one latency row per request kind"
    );
    assert!(dom.contains("<tr data-kind=\"all\">"));
    assert!(dom.contains("id=\"statuses\""));

    let screenshot = dir.join("load-report.png");
    browse(
        &browser,
        &profile,
        &url,
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1200,1400",
        ],
    );
    let png = std::fs::read(&screenshot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        png.len() > 30_000,
        "a rendered page, not a blank one: {} bytes",
        png.len()
    );
    if let Some(keep) = std::env::var_os("SCIMSPEC_LOAD_SCREENSHOT") {
        std::fs::copy(&screenshot, keep).expect("copy the screenshot");
    }
}
