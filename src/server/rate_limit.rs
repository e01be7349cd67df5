//! An optional request-rate limit of the reference server: above `N` requests in one second it
//! answers 429 with `Retry-After`, as a gallery endpoint must when overloaded (RFC 6585 §4: the
//! 429 response "MAY include a Retry-After header"; Microsoft's gallery and the IPSIE SCIM
//! profile ask for it). `scimspec load` measures what a client sees of it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, RETRY_AFTER};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ScimError;
use super::state::AppState;

/// At most `per_second` requests in each one-second window; more answer 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `50/s`, `50` (per second) or `3000/m` (rounded up to whole requests per second).
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (number, per) = text.split_once('/').unwrap_or((text, "s"));
        let n: u32 = number
            .trim()
            .parse()
            .map_err(|_| format!("rate limit '{text}' is not N/s or N/m"))?;
        let per_second = match per.trim() {
            "s" => n,
            "m" => n.div_ceil(60),
            _ => return Err(format!("rate limit '{text}' is not N/s or N/m")),
        };
        if per_second == 0 {
            return Err(format!("rate limit '{text}' must be at least 1/s"));
        }
        Ok(Self { per_second })
    }
}

/// The requests counted in the current one-second window.
#[derive(Debug)]
pub struct Window(Mutex<(Instant, u32)>);

impl Default for Window {
    fn default() -> Self {
        Self(Mutex::new((Instant::now(), 0)))
    }
}

impl Window {
    /// Counts one request; `Err(wait)` when it is over the limit, with the time left in the
    /// window.
    pub fn admit(&self, limit: RateLimit, now: Instant) -> Result<(), Duration> {
        let mut window = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = now.saturating_duration_since(window.0);
        if elapsed >= Duration::from_secs(1) {
            *window = (now, 0);
        }
        if window.1 >= limit.per_second {
            return Err(
                Duration::from_secs(1).saturating_sub(now.saturating_duration_since(window.0))
            );
        }
        window.1 += 1;
        Ok(())
    }
}

/// Middleware: 429 with `Retry-After` (whole seconds, at least 1) above the configured rate.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(limit) = state.config().limits.rate_limit else {
        return next.run(req).await;
    };
    match state.rate_window().admit(limit, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            let mut res = ScimError::new(
                StatusCode::TOO_MANY_REQUESTS,
                None,
                format!(
                    "more than {} requests per second; retry after {seconds} s",
                    limit.per_second
                ),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                res.headers_mut().insert(RETRY_AFTER, v);
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_per_second_and_per_minute() {
        assert_eq!("50/s".parse(), Ok(RateLimit { per_second: 50 }));
        assert_eq!("7".parse(), Ok(RateLimit { per_second: 7 }));
        assert_eq!("90/m".parse(), Ok(RateLimit { per_second: 2 }));
        assert!("0/s".parse::<RateLimit>().is_err());
        assert!("fast".parse::<RateLimit>().is_err());
        assert!("5/h".parse::<RateLimit>().is_err());
    }

    #[test]
    fn a_window_admits_the_limit_then_refuses_until_it_ends() {
        let window = Window::default();
        let limit = RateLimit { per_second: 3 };
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(window.admit(limit, start), Ok(()));
        }
        let refused = window.admit(limit, start + Duration::from_millis(400));
        assert!(matches!(refused, Err(w) if w <= Duration::from_millis(600)));
        assert_eq!(
            window.admit(limit, start + Duration::from_millis(1000)),
            Ok(())
        );
    }
}
