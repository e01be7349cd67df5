//! The readiness verdicts a run earns (Entra ID's and Okta's), as the page shows them: a state,
//! a headline and the verdict's text. [`readiness_verdicts`] is the one place the page asks
//! for them.

use crate::load::CaseInfo;
use crate::report::verdict::{verdicts, Readiness};
use crate::run::CaseResult;

/// One verdict, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownVerdict {
    /// The CSS class of its state: `ready`, `not-ready` or `not-verified`.
    pub state: &'static str,
    /// Its first line, e.g. `Entra ID readiness — Ready for Entra provisioning`.
    pub headline: String,
    /// The rest of its text (findings, gallery requirements, dialects).
    pub details: String,
}

fn state(readiness: Readiness) -> &'static str {
    match readiness {
        Readiness::Ready => "ready",
        Readiness::NotReady => "not-ready",
        Readiness::NotVerified => "not-verified",
        Readiness::NotJudged => "not-verified",
    }
}

/// Every readiness verdict the run's cases support; empty when none applies.
pub fn readiness_verdicts(results: &[(CaseInfo, CaseResult)]) -> Vec<ShownVerdict> {
    verdicts(results)
        .into_iter()
        .map(|v| {
            let headline = v.headline();
            let text = v.render();
            // The console text is the headline, then the details.
            let details = text.trim_start().strip_prefix(&headline).unwrap_or(&text);
            ShownVerdict {
                state: state(v.readiness),
                details: details.trim_matches('\n').trim_end().to_string(),
                headline,
            }
        })
        .collect()
}
