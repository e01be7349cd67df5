//! The latency-over-time plot of a load run as inline SVG: one panel with the p50, p95 and p99
//! latency of each second, one with the requests completed (and the 429s and errors) in each
//! second, on a shared time axis, with scales, tick labels and a legend. No script, no font
//! or image fetched.

use std::fmt::Write as _;

use super::stats::Second;

const WIDTH: f64 = 1000.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const PANEL: f64 = 200.0;
/// Top of the latency panel and of the throughput panel.
const LATENCY_TOP: f64 = 40.0;
const THROUGHPUT_TOP: f64 = 310.0;
const HEIGHT: f64 = 560.0;
const TICKS: u32 = 4;

/// The smallest of 1, 2, 5 × 10ⁿ at or above `value` (1 for nothing to show).
pub fn nice_ceiling(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 || value.is_infinite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= value * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// The horizontal position of second `index` of `count`: the first at the left edge, the
/// last at the right (a single second in the middle).
pub fn x_of(index: usize, count: usize) -> f64 {
    let span = WIDTH - LEFT - RIGHT;
    if count <= 1 {
        LEFT + span / 2.0
    } else {
        LEFT + span * index as f64 / (count - 1) as f64
    }
}

/// The vertical position of `value` in a panel whose top is `top` and whose scale ends at
/// `max`.
pub fn y_of(value: f64, max: f64, top: f64) -> f64 {
    top + PANEL - PANEL * (value / max).clamp(0.0, 1.0)
}

/// A tick's label: at most two decimals, trailing zeros dropped (`12.5`, `5`, `0.05`).
fn label(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A panel's frame, horizontal grid lines with their labels, and the axis title.
fn frame(out: &mut String, top: f64, max: f64, title: &str) {
    let right = WIDTH - RIGHT;
    for i in 0..=TICKS {
        let value = max * f64::from(i) / f64::from(TICKS);
        let y = y_of(value, max, top);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y + 4.0,
            label(value)
        );
    }
    let _ = writeln!(
        out,
        "<rect class=\"frame\" x=\"{LEFT}\" y=\"{top}\" width=\"{}\" height=\"{PANEL}\"/>\
         <text class=\"axis\" x=\"{LEFT}\" y=\"{:.1}\">{title}</text>",
        WIDTH - LEFT - RIGHT,
        top - 10.0
    );
}

/// The time axis under the throughput panel: a tick and label every few seconds.
fn time_axis(out: &mut String, count: usize) {
    let bottom = THROUGHPUT_TOP + PANEL;
    let step = nice_ceiling((count as f64 / 10.0).max(1.0)) as usize;
    for second in (0..count.max(1)).step_by(step.max(1)) {
        let x = x_of(second, count);
        let _ = writeln!(
            out,
            "<line class=\"frame\" x1=\"{x:.1}\" y1=\"{bottom}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{second}</text>",
            bottom + 5.0,
            bottom + 18.0
        );
    }
    let _ = writeln!(
        out,
        "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">seconds since the start (requests counted in the second they completed)</text>",
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        bottom + 38.0
    );
}

/// A polyline through the seconds that have a value; `class` names the series.
fn polyline(
    out: &mut String,
    class: &str,
    points: &[(usize, f64)],
    count: usize,
    max: f64,
    top: f64,
) {
    let coordinates: Vec<String> = points
        .iter()
        .map(|(i, v)| format!("{:.1},{:.1}", x_of(*i, count), y_of(*v, max, top)))
        .collect();
    let _ = writeln!(
        out,
        "<polyline class=\"series {class}\" data-series=\"{class}\" points=\"{}\"/>",
        coordinates.join(" ")
    );
}

/// A legend entry at (`x`, `y`).
fn legend(out: &mut String, class: &str, text: &str, x: f64, y: f64) {
    let _ = writeln!(
        out,
        "<line class=\"series {class}\" x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
         <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\">{text}</text>",
        x + 22.0,
        x + 27.0,
        y + 4.0
    );
}

/// The styles of the plot, for the page's stylesheet.
pub const STYLE: &str =
    "svg.plot{max-width:100%;height:auto;font:12px system-ui,\"DejaVu Sans\",sans-serif}\
.plot .frame{fill:none;stroke:#57606a;stroke-width:1}.plot .grid{stroke:#d0d7de;stroke-width:1}\
.plot .tick{fill:#57606a}.plot .axis{fill:#1f2328;font-weight:bold}\
.plot .series{fill:none;stroke-width:2;stroke-linejoin:round}\
.plot .p50{stroke:#0969da}.plot .p95{stroke:#bf8700}.plot .p99{stroke:#cf222e}\
.plot .requests{stroke:#1a7f37}.plot .throttled{stroke:#8250df;stroke-dasharray:5 3}\
.plot .errors{stroke:#cf222e;stroke-dasharray:2 3}.plot .empty{fill:#57606a;font-size:16px}";

/// Picks one latency series out of a second.
type LatencyOf = fn(&Second) -> Option<f64>;
/// Picks one count series out of a second.
type CountOf = fn(&Second) -> u64;

/// The plot of `timeline` as an `<svg>` element.
pub fn svg(timeline: &[Second]) -> String {
    let count = timeline.len();
    let mut out = String::with_capacity(4096 + 200 * count);
    let _ = writeln!(
        out,
        "<svg class=\"plot\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" \
         aria-label=\"Latency (p50, p95, p99) and requests per second over the run\">"
    );
    let latency_max = nice_ceiling(timeline.iter().filter_map(|s| s.p99_ms).fold(0.0, f64::max));
    let rate_max = nice_ceiling(
        timeline
            .iter()
            .map(|s| s.requests as f64)
            .fold(0.0, f64::max),
    );
    frame(&mut out, LATENCY_TOP, latency_max, "latency, ms");
    frame(
        &mut out,
        THROUGHPUT_TOP,
        rate_max,
        "requests completed per second",
    );
    time_axis(&mut out, count);
    if count == 0 {
        let _ = writeln!(
            out,
            "<text class=\"empty\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">no request completed</text>",
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            LATENCY_TOP + PANEL / 2.0
        );
    } else {
        let latencies: [(&str, LatencyOf); 3] = [
            ("p50", |s| s.p50_ms),
            ("p95", |s| s.p95_ms),
            ("p99", |s| s.p99_ms),
        ];
        for (class, pick) in latencies {
            let points: Vec<(usize, f64)> = timeline
                .iter()
                .enumerate()
                .filter_map(|(i, s)| pick(s).map(|v| (i, v)))
                .collect();
            polyline(&mut out, class, &points, count, latency_max, LATENCY_TOP);
        }
        let counts: [(&str, CountOf); 3] = [
            ("requests", |s| s.requests),
            ("throttled", |s| s.throttled),
            ("errors", |s| s.errors),
        ];
        for (class, pick) in counts {
            if class != "requests" && timeline.iter().all(|s| pick(s) == 0) {
                continue;
            }
            let points: Vec<(usize, f64)> = timeline
                .iter()
                .enumerate()
                .map(|(i, s)| (i, pick(s) as f64))
                .collect();
            polyline(&mut out, class, &points, count, rate_max, THROUGHPUT_TOP);
        }
    }
    let right = WIDTH - RIGHT;
    for (i, (class, text)) in [("p50", "p50"), ("p95", "p95"), ("p99", "p99")]
        .into_iter()
        .enumerate()
    {
        legend(
            &mut out,
            class,
            text,
            right - 240.0 + 80.0 * i as f64,
            LATENCY_TOP - 14.0,
        );
    }
    for (i, (class, text)) in [
        ("requests", "requests"),
        ("throttled", "429s"),
        ("errors", "errors"),
    ]
    .into_iter()
    .enumerate()
    {
        legend(
            &mut out,
            class,
            text,
            right - 330.0 + 110.0 * i as f64,
            THROUGHPUT_TOP - 14.0,
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn second(n: u64, requests: u64, p50: f64) -> Second {
        Second {
            second: n,
            requests,
            errors: 0,
            throttled: 0,
            p50_ms: Some(p50),
            p95_ms: Some(p50 * 2.0),
            p99_ms: Some(p50 * 4.0),
            max_ms: Some(p50 * 5.0),
        }
    }

    /// The `points` of the polyline of `series`, as numbers.
    fn points(svg: &str, series: &str) -> Vec<(f64, f64)> {
        let tag = format!("data-series=\"{series}\" points=\"");
        let Some(start) = svg.find(&tag).map(|i| i + tag.len()) else {
            return Vec::new();
        };
        let end = start + svg[start..].find('"').unwrap_or(0);
        svg[start..end]
            .split_whitespace()
            .filter_map(|p| {
                let (x, y) = p.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            })
            .collect()
    }

    #[test]
    fn scales_end_at_a_round_value_above_the_largest() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(10.0), 10.0);
        assert_eq!(nice_ceiling(13.0), 20.0);
        assert_eq!(nice_ceiling(0.03), 0.05);
        assert_eq!(nice_ceiling(420.0), 500.0);
    }

    #[test]
    fn tick_labels_keep_the_decimals_that_matter() {
        assert_eq!(label(12.5), "12.5");
        assert_eq!(label(37.5), "37.5");
        assert_eq!(label(5.0), "5");
        assert_eq!(label(100.0), "100");
        assert_eq!(label(0.0), "0");
        assert_eq!(label(0.05), "0.05");
    }

    #[test]
    fn values_are_scaled_into_the_panels_and_seconds_across_the_width() {
        let timeline = vec![second(0, 10, 10.0), second(1, 20, 25.0), second(2, 5, 5.0)];
        let svg = svg(&timeline);
        // p99 peaks at 100 ms: the scale ends at 100, the peak touches the panel's top.
        let p99 = points(&svg, "p99");
        assert_eq!(p99.len(), 3);
        assert_eq!(p99[1], (x_of(1, 3), LATENCY_TOP));
        assert!(
            (p99[0].1 - (LATENCY_TOP + PANEL * 0.6)).abs() < 0.1,
            "{p99:?}"
        );
        assert_eq!(p99[0].0, LEFT);
        assert_eq!(p99[2].0, WIDTH - RIGHT);
        let requests = points(&svg, "requests");
        assert_eq!(requests.len(), 3);
        assert_eq!(
            requests[1].1, THROUGHPUT_TOP,
            "20 requests is the top of a 20 scale"
        );
        assert_eq!(requests[2].1, THROUGHPUT_TOP + PANEL * 0.75);
        for series in ["p50", "p95"] {
            assert_eq!(points(&svg, series).len(), 3, "{series}");
        }
        assert!(svg.contains(">latency, ms</text>"));
        assert!(
            svg.contains(">100</text>"),
            "the latency scale's top is labelled"
        );
        assert!(
            points(&svg, "throttled").is_empty(),
            "no 429 line when there was none"
        );
    }

    #[test]
    fn an_empty_timeline_draws_the_axes_and_says_so() {
        let svg = svg(&[]);
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("no request completed"));
        assert!(!svg.contains("<polyline"));
        assert!(svg.contains("class=\"frame\""));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn one_second_is_one_point_in_the_middle() {
        let svg = svg(&[second(0, 3, 2.0)]);
        let p50 = points(&svg, "p50");
        assert_eq!(
            p50,
            vec![(
                LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
                y_of(2.0, 10.0, LATENCY_TOP)
            )]
        );
        assert_eq!(points(&svg, "requests").len(), 1);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn a_second_without_completions_has_no_latency_point_but_a_zero_count() {
        let mut quiet = second(1, 0, 1.0);
        (quiet.p50_ms, quiet.p95_ms, quiet.p99_ms, quiet.max_ms) = (None, None, None, None);
        let svg = svg(&[second(0, 4, 1.0), quiet, second(2, 4, 1.0)]);
        assert_eq!(points(&svg, "p95").len(), 2);
        let requests = points(&svg, "requests");
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[1].1, THROUGHPUT_TOP + PANEL);
    }
}
