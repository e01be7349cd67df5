//! The verdict of a load run against the published thresholds, each with the figures behind
//! it: Microsoft's gallery asks an endpoint to sustain 25 requests per second per tenant and to
//! answer overload with 429 and `Retry-After`, as the OpenID IPSIE SCIM profile requires; the
//! Entra client gives up on a request after its timeout. Correctness under load (the final
//! state) and the cleanup are criteria too.

use std::time::Duration;

use serde::Serialize;

use super::final_state::FinalState;
use super::stats::Throttling;

/// Entra's published sustained rate, per second.
pub const ENTRA_RATE: f64 = 25.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Judgement {
    Pass,
    Fail,
    /// The run could not tell (e.g. it asked for less than the threshold, or saw no 429).
    NotAssessed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub id: &'static str,
    pub title: &'static str,
    pub outcome: Judgement,
    /// The figures behind the outcome, in words.
    pub figures: String,
}

/// The figures the verdict reads.
#[derive(Debug, Clone)]
pub struct Figures<'a> {
    /// Requested rate per second (`None`: closed loop, as fast as answered).
    pub requested: Option<f64>,
    pub achieved: f64,
    pub p95: Duration,
    pub client_timeout: Duration,
    pub throttling: &'a Throttling,
    pub final_state: Option<&'a FinalState>,
    pub leftovers: usize,
}

pub fn judge(f: &Figures) -> Vec<Criterion> {
    let rate = {
        let achieved = format!("achieved {:.1} req/s", f.achieved);
        let (outcome, figures) = if f.achieved >= ENTRA_RATE {
            (Judgement::Pass, format!("{achieved} ≥ {ENTRA_RATE} req/s"))
        } else if f.requested.is_some_and(|r| r < ENTRA_RATE) {
            (
                Judgement::NotAssessed,
                format!(
                    "{achieved}, but {:.1} req/s was asked for: run with --rate 25/s or more",
                    f.requested.unwrap_or_default()
                ),
            )
        } else {
            (Judgement::Fail, format!("{achieved} < {ENTRA_RATE} req/s"))
        };
        Criterion {
            id: "entra-rate",
            title: "Entra: sustains 25 requests per second",
            outcome,
            figures,
        }
    };
    let p95_ms = f.p95.as_secs_f64() * 1000.0;
    let timeout_ms = f.client_timeout.as_secs_f64() * 1000.0;
    let latency = Criterion {
        id: "entra-latency",
        title: "Entra: p95 latency under the client's timeout",
        outcome: if p95_ms < timeout_ms {
            Judgement::Pass
        } else {
            Judgement::Fail
        },
        figures: format!("p95 {p95_ms:.1} ms, timeout {timeout_ms:.0} ms"),
    };
    let t = f.throttling;
    let throttle = Criterion {
        id: "ipsie-429-retry-after",
        title: "IPSIE / Entra: overload answered with 429 and Retry-After",
        outcome: if t.responses == 0 {
            Judgement::NotAssessed
        } else if t.with_retry_after == t.responses {
            Judgement::Pass
        } else {
            Judgement::Fail
        },
        figures: if t.responses == 0 {
            "no 429 at this rate: the target was not overloaded (raise --rate)".to_string()
        } else {
            format!(
                "{} of {} 429 answers carried Retry-After; scimspec paused {} times, {:.1} s in all",
                t.with_retry_after, t.responses, t.pauses, t.paused_seconds
            )
        },
    };
    let state = Criterion {
        id: "final-state",
        title: "Correct under load: users found once, groups with exactly the members sent",
        outcome: match f.final_state {
            None => Judgement::NotAssessed,
            Some(s) if s.holds() => Judgement::Pass,
            Some(_) => Judgement::Fail,
        },
        figures: match f.final_state {
            None => "not checked (the run was interrupted)".to_string(),
            Some(s) => format!(
                "{} users and {} groups checked, {} not as sent",
                s.users_checked, s.groups_checked, s.mismatches
            ),
        },
    };
    let cleanup = Criterion {
        id: "cleanup",
        title: "Everything the run created was deleted",
        outcome: if f.leftovers == 0 {
            Judgement::Pass
        } else {
            Judgement::Fail
        },
        figures: format!("{} left behind", f.leftovers),
    };
    vec![rate, latency, throttle, state, cleanup]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures<'a>(t: &'a Throttling, s: Option<&'a FinalState>) -> Figures<'a> {
        Figures {
            requested: Some(30.0),
            achieved: 29.5,
            p95: Duration::from_millis(40),
            client_timeout: Duration::from_secs(30),
            throttling: t,
            final_state: s,
            leftovers: 0,
        }
    }

    fn outcome(v: &[Criterion], id: &str) -> Judgement {
        v.iter()
            .find(|c| c.id == id)
            .map(|c| c.outcome)
            .unwrap_or(Judgement::Fail)
    }

    #[test]
    fn the_rate_passes_at_25_and_is_not_assessed_when_less_was_asked() {
        let t = Throttling::default();
        let state = FinalState::default();
        let v = judge(&figures(&t, Some(&state)));
        assert_eq!(outcome(&v, "entra-rate"), Judgement::Pass);
        assert_eq!(outcome(&v, "entra-latency"), Judgement::Pass);
        assert_eq!(outcome(&v, "final-state"), Judgement::Pass);
        assert_eq!(outcome(&v, "cleanup"), Judgement::Pass);
        let slow = Figures {
            achieved: 12.0,
            ..figures(&t, None)
        };
        assert_eq!(outcome(&judge(&slow), "entra-rate"), Judgement::Fail);
        let low = Figures {
            requested: Some(10.0),
            achieved: 10.0,
            ..figures(&t, None)
        };
        assert_eq!(outcome(&judge(&low), "entra-rate"), Judgement::NotAssessed);
        assert_eq!(outcome(&judge(&low), "final-state"), Judgement::NotAssessed);
    }

    #[test]
    fn p95_at_the_timeout_fails() {
        let t = Throttling::default();
        let late = Figures {
            p95: Duration::from_secs(30),
            ..figures(&t, None)
        };
        assert_eq!(outcome(&judge(&late), "entra-latency"), Judgement::Fail);
    }

    #[test]
    fn every_429_must_carry_retry_after() {
        let none = Throttling::default();
        assert_eq!(
            outcome(&judge(&figures(&none, None)), "ipsie-429-retry-after"),
            Judgement::NotAssessed
        );
        let all = Throttling {
            responses: 4,
            with_retry_after: 4,
            ..Throttling::default()
        };
        assert_eq!(
            outcome(&judge(&figures(&all, None)), "ipsie-429-retry-after"),
            Judgement::Pass
        );
        let some = Throttling {
            responses: 4,
            with_retry_after: 3,
            ..Throttling::default()
        };
        assert_eq!(
            outcome(&judge(&figures(&some, None)), "ipsie-429-retry-after"),
            Judgement::Fail
        );
    }

    #[test]
    fn lost_members_and_leftovers_fail() {
        let t = Throttling::default();
        let lost = FinalState {
            mismatches: 1,
            ..FinalState::default()
        };
        assert_eq!(
            outcome(&judge(&figures(&t, Some(&lost))), "final-state"),
            Judgement::Fail
        );
        let left = Figures {
            leftovers: 2,
            ..figures(&t, None)
        };
        assert_eq!(outcome(&judge(&left), "cleanup"), Judgement::Fail);
    }
}
