//! Outcome badges readable without an emoji font: the outcome's name in capitals (PASS, FAIL,
//! WARN, SKIP, ERROR) in a coloured box whose colours come from the page's stylesheet.

use crate::run::Outcome;

/// The outcome's text label: `PASS`, `FAIL`, `WARN`, `SKIP` or `ERROR`.
pub fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "PASS",
        Outcome::Fail => "FAIL",
        Outcome::Warn => "WARN",
        Outcome::Skip => "SKIP",
        Outcome::Error => "ERROR",
    }
}

/// The badge element: `<span class="badge fail">FAIL</span>`.
pub fn badge(outcome: Outcome) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        outcome.as_str(),
        label(outcome)
    )
}

/// The badge styles, for pages that do not include the report's stylesheet.
pub const STYLE: &str =
    ".badge{display:inline-block;min-width:3.6em;padding:0 .35em;border-radius:3px;\
font:bold 11px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:center;\
letter-spacing:.04em;color:#fff;vertical-align:1px}\
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.warn{background:#9a6700}\
.badge.skip{background:#6e7781}.badge.error{background:#8250df}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_are_plain_ascii_text() {
        for outcome in [
            Outcome::Pass,
            Outcome::Fail,
            Outcome::Warn,
            Outcome::Skip,
            Outcome::Error,
        ] {
            let badge = badge(outcome);
            assert!(badge.is_ascii(), "{badge}");
            assert!(badge.contains(&format!("class=\"badge {}\"", outcome.as_str())));
            assert_eq!(label(outcome), outcome.as_str().to_ascii_uppercase());
        }
    }
}
