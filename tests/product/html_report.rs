//! The HTML report (`run --report-html DIR`) opened in a real browser: the binary runs against
//! the reference server with a fault, then headless Chromium loads `DIR/index.html` from disk
//! with a filter in the URL's fragment; the DOM it dumps shows the script ran (the count is
//! filled in, the controls shown) and only the chosen cases are visible; a screenshot is taken.
//! Without Chromium the test says it was skipped, and fails when `CI` or
//! `SCIMSPEC_REQUIRE_BROWSER` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scimspec::server::{Fault, ServerConfig};

use crate::support::{scimspec, Reference, RunExt, TempDir};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser, or `None` (after saying so) when it is missing and not required.
pub(crate) fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    let required = ["CI", "SCIMSPEC_REQUIRE_BROWSER"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    assert!(
        !required,
        "{CHROMIUM} is missing and CI or SCIMSPEC_REQUIRE_BROWSER is set: \
         install it (apt-get install chromium)"
    );
    eprintln!("skipped: {CHROMIUM} is missing (apt-get install chromium)");
    None
}

/// Runs headless Chromium on `url` with `args` (at most 90 s); what it printed on stdout.
pub(crate) fn browse(browser: &Path, profile: &TempDir, url: &str, args: &[&str]) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stdout }, &mut text);
        text
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().expect("read chromium's output")
}

/// Each case element's opening tag in `html`.
fn case_tags(html: &str) -> Vec<&str> {
    html.match_indices("<article ")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap_or(0)])
        .collect()
}

fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

fn is_hidden(tag: &str) -> bool {
    tag.contains(" hidden=\"\"")
}

#[test]
fn the_report_filters_in_a_real_browser_and_lists_everything_without_script() {
    let Some(browser) = chromium() else {
        return;
    };
    let server = Reference::start(ServerConfig {
        fault: Some(
            "duplicate-returns-400"
                .parse::<Fault>()
                .expect("fault exists"),
        ),
        ..ServerConfig::default()
    });
    let dir = TempDir::new("html-report");
    scimspec()
        .args(["run", "--quiet", "--target", server.base_url()])
        .arg("--report-html")
        .arg(dir.join("html"))
        .junit_in(&dir)
        .exits(1);
    let index = dir.join("html").join("index.html");
    let html = std::fs::read_to_string(&index).expect("index.html written");

    // As written (what a reader without script sees): every case listed, the controls hidden.
    let written = case_tags(&html);
    assert!(written.len() > 100, "{} cases", written.len());
    assert!(written.iter().all(|t| !is_hidden(t)));
    assert!(html.contains("<form id=\"filters\" hidden>"));
    assert!(html.contains("<output id=\"shown\" data-total=\""));
    let failed = written
        .iter()
        .filter(|t| attr(t, "data-outcome") == Some("fail"))
        .count();
    assert!(failed > 0, "the fault makes cases fail");

    let profile = TempDir::new("html-report-chromium");
    let url = format!("file://{}", index.display());
    for (fragment, wanted) in [
        (
            "#outcome=fail",
            Box::new(|t: &str| attr(t, "data-outcome") == Some("fail"))
                as Box<dyn Fn(&str) -> bool>,
        ),
        (
            "#outcome=fail,warn,pass&level=SHOULD&section=RFC7644%20%C2%A73",
            Box::new(|t: &str| {
                matches!(attr(t, "data-outcome"), Some("fail" | "warn" | "pass"))
                    && attr(t, "data-level") == Some("SHOULD")
                    && attr(t, "data-section").is_some_and(|s| s.starts_with("RFC7644 §3"))
            }),
        ),
    ] {
        let dom = browse(
            &browser,
            &profile,
            &format!("{url}{fragment}"),
            &["--dump-dom"],
        );
        let tags = case_tags(&dom);
        assert_eq!(
            tags.len(),
            written.len(),
            "{fragment}: every case is in the DOM"
        );
        let visible = tags.iter().filter(|t| !is_hidden(t)).count();
        let expected = tags.iter().filter(|t| wanted(t)).count();
        assert!(expected > 0, "{fragment} chooses some cases");
        assert_eq!(visible, expected, "{fragment}: visible cases");
        assert!(
            tags.iter().all(|t| is_hidden(t) != wanted(t)),
            "{fragment}: exactly the chosen cases are visible"
        );
        assert!(
            dom.contains(&format!(
                "data-shown=\"{expected}\">{expected} of {} cases shown</output>",
                written.len()
            )),
            "{fragment}: the script filled in the count"
        );
        assert!(
            dom.contains("<form id=\"filters\">"),
            "the script shows the controls"
        );
    }

    let screenshot = dir.join("report.png");
    browse(
        &browser,
        &profile,
        &url,
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2000",
        ],
    );
    let png = std::fs::read(&screenshot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        png.len() > 50_000,
        "a rendered page, not a blank one: {} bytes",
        png.len()
    );
}
