//! When requests are due: an open-model arrival schedule. Requests are released at a rate that
//! does not depend on how fast the target answers (so a slow answer cannot hold back the next
//! request and hide its own delay — no coordinated omission), in stages: each stage ramps
//! linearly from the previous stage's rate to its own over its duration (`--ramp 10s:25/s`),
//! and the last rate holds for `--duration`. `--rate max` is a closed loop instead: every
//! virtual user sends its next request as soon as its previous answer is in.

use std::fmt;
use std::time::Duration;

use super::StressError;

/// Requests per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate(pub f64);

impl Rate {
    /// `25/s`, `25` (per second), `1500/m`.
    pub fn parse(text: &str) -> Result<Self, StressError> {
        let bad = || StressError::Usage(format!("rate '{text}' is not N/s, N/m or max"));
        let (number, per) = text.trim().split_once('/').unwrap_or((text.trim(), "s"));
        let n: f64 = number.trim().parse().map_err(|_| bad())?;
        let per_second = match per.trim() {
            "s" => n,
            "m" => n / 60.0,
            _ => return Err(bad()),
        };
        if !per_second.is_finite() || per_second <= 0.0 {
            return Err(bad());
        }
        Ok(Self(per_second))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/s", (self.0 * 100.0).round() / 100.0)
    }
}

/// One ramp stage: from the previous rate to `rate`, linearly, over `duration`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    pub duration: Duration,
    pub rate: Rate,
}

impl Stage {
    /// `10s:25/s` (a duration in s, m or ms, a colon, a rate).
    pub fn parse(text: &str) -> Result<Self, StressError> {
        let (duration, rate) = text.split_once(':').ok_or_else(|| {
            StressError::Usage(format!(
                "ramp stage '{text}' is not DURATION:RATE, e.g. 10s:25/s"
            ))
        })?;
        Ok(Self {
            duration: parse_duration(duration)?,
            rate: Rate::parse(rate)?,
        })
    }
}

/// `10s`, `2m`, `500ms`, `10` (seconds).
pub fn parse_duration(text: &str) -> Result<Duration, StressError> {
    let t = text.trim();
    let bad = || StressError::Usage(format!("duration '{text}' is not e.g. 10s, 2m or 500ms"));
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: f64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60.0,
        "ms" => n / 1000.0,
        _ => return Err(bad()),
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The arrival schedule of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// Open model: ramp stages, then `rate` for `hold`.
    Open {
        stages: Vec<Stage>,
        rate: Rate,
        hold: Duration,
    },
    /// Closed loop for `duration`: as fast as the virtual users get answers.
    Max { duration: Duration },
}

/// Step of the numeric integration of a ramp (arrivals within a step are placed exactly for a
/// constant rate and to within this step for a ramp).
const RAMP_STEP: Duration = Duration::from_millis(1);

impl Schedule {
    /// How long arrivals go on.
    pub fn length(&self) -> Duration {
        match self {
            Schedule::Open { stages, hold, .. } => {
                stages.iter().map(|s| s.duration).sum::<Duration>() + *hold
            }
            Schedule::Max { duration } => *duration,
        }
    }

    /// How long the ramp stages last (zero without a ramp).
    pub fn ramp_length(&self) -> Duration {
        match self {
            Schedule::Open { stages, .. } => stages.iter().map(|s| s.duration).sum(),
            Schedule::Max { .. } => Duration::ZERO,
        }
    }

    /// The rate the schedule asks for at the end (what the verdict holds the target to);
    /// `None` for a closed loop.
    pub fn requested(&self) -> Option<Rate> {
        match self {
            Schedule::Open { rate, .. } => Some(*rate),
            Schedule::Max { .. } => None,
        }
    }

    /// Requests the schedule releases in all (the integral of its rate).
    pub fn expected_requests(&self) -> Option<f64> {
        let Schedule::Open { stages, rate, hold } = self else {
            return None;
        };
        let mut previous = 0.0;
        let mut total = 0.0;
        for s in stages {
            total += (previous + s.rate.0) / 2.0 * s.duration.as_secs_f64();
            previous = s.rate.0;
        }
        Some(total + rate.0 * hold.as_secs_f64())
    }

    /// The arrival times, from the start of the run, in order.
    pub fn arrivals(&self) -> Arrivals {
        Arrivals {
            schedule: self.clone(),
            stage: 0,
            stage_start: Duration::ZERO,
            previous_rate: 0.0,
            at: Duration::ZERO,
            credit: 0.0,
        }
    }
}

/// Iterator over arrival times (see [`Schedule::arrivals`]); empty for a closed loop.
#[derive(Debug, Clone)]
pub struct Arrivals {
    schedule: Schedule,
    stage: usize,
    stage_start: Duration,
    previous_rate: f64,
    at: Duration,
    /// Requests owed but not yet released (fraction of the next one).
    credit: f64,
}

impl Iterator for Arrivals {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let Schedule::Open { stages, rate, hold } = &self.schedule else {
            return None;
        };
        loop {
            if let Some(stage) = stages.get(self.stage) {
                let end = self.stage_start + stage.duration;
                if self.at >= end {
                    self.stage += 1;
                    self.stage_start = end;
                    self.previous_rate = stage.rate.0;
                    continue;
                }
                let fraction =
                    (self.at - self.stage_start).as_secs_f64() / stage.duration.as_secs_f64();
                let now_rate = self.previous_rate + (stage.rate.0 - self.previous_rate) * fraction;
                let step = RAMP_STEP.min(end - self.at);
                let gained = now_rate * step.as_secs_f64();
                if self.credit + gained >= 1.0 && now_rate > 0.0 {
                    let needed = (1.0 - self.credit) / now_rate;
                    let arrival = self.at + Duration::from_secs_f64(needed);
                    self.at = arrival;
                    self.credit = 0.0;
                    return Some(arrival);
                }
                self.credit += gained;
                self.at += step;
                continue;
            }
            // The hold at the final rate: exact spacing.
            let end = self.stage_start + *hold;
            let needed = (1.0 - self.credit) / rate.0;
            let arrival = self.at + Duration::from_secs_f64(needed);
            if arrival > end {
                return None;
            }
            self.at = arrival;
            self.credit = 0.0;
            return Some(arrival);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(stages: Vec<Stage>, rate: f64, hold: u64) -> Schedule {
        Schedule::Open {
            stages,
            rate: Rate(rate),
            hold: Duration::from_secs(hold),
        }
    }

    #[test]
    fn rates_and_durations_parse() {
        assert_eq!(Rate::parse("25/s").ok(), Some(Rate(25.0)));
        assert_eq!(Rate::parse("120/m").ok(), Some(Rate(2.0)));
        assert_eq!(Rate::parse("7").ok(), Some(Rate(7.0)));
        assert!(Rate::parse("0/s").is_err());
        assert!(Rate::parse("fast").is_err());
        assert_eq!(parse_duration("2m").ok(), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_duration("500ms").ok(),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_duration("3").ok(), Some(Duration::from_secs(3)));
        assert!(parse_duration("3h").is_err());
        let stage = Stage::parse("10s:25/s").ok();
        assert_eq!(
            stage,
            Some(Stage {
                duration: Duration::from_secs(10),
                rate: Rate(25.0)
            })
        );
        assert!(Stage::parse("10s").is_err());
    }

    #[test]
    fn a_constant_rate_spaces_arrivals_evenly() {
        let times: Vec<Duration> = open(vec![], 10.0, 2).arrivals().collect();
        assert_eq!(times.len(), 20);
        assert_eq!(times[0], Duration::from_millis(100));
        let gaps: Vec<u128> = times
            .windows(2)
            .map(|w| (w[1] - w[0]).as_millis())
            .collect();
        assert!(gaps.iter().all(|g| *g == 100), "{gaps:?}");
    }

    #[test]
    fn a_ramp_releases_the_integral_of_its_rate() {
        let ramp = Stage {
            duration: Duration::from_secs(4),
            rate: Rate(50.0),
        };
        let schedule = open(vec![ramp], 50.0, 2);
        let times: Vec<Duration> = schedule.arrivals().collect();
        // 4 s from 0 to 50/s: 100 requests; then 2 s at 50/s: 100 more.
        assert_eq!(schedule.expected_requests(), Some(200.0));
        assert!((199..=201).contains(&times.len()), "{}", times.len());
        let first_half = times
            .iter()
            .filter(|t| **t < Duration::from_secs(2))
            .count();
        // The first half of a linear ramp holds a quarter of its requests.
        assert!((23..=27).contains(&first_half), "{first_half}");
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(schedule.length(), Duration::from_secs(6));
    }

    #[test]
    fn a_closed_loop_has_no_arrivals() {
        let max = Schedule::Max {
            duration: Duration::from_secs(1),
        };
        assert_eq!(max.arrivals().next(), None);
        assert_eq!(max.requested(), None);
    }
}
