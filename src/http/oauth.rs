//! OAuth 2 client credentials (RFC 6749 §4.4): the access token is fetched from the token
//! endpoint, cached for every clone of the client, renewed before it expires and forgotten
//! after a 401.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use super::credentials::OAuth2;
use super::redact::Redactor;
use super::url::encode_component;
use super::HttpError;

/// A fetched OAuth 2 access token and when to stop using it.
#[derive(Debug, Clone)]
struct CachedToken {
    value: String,
    renew_at: Option<Instant>,
}

/// The token of a client, shared by every clone; the lock also makes concurrent cases wait
/// for one fetch instead of each fetching a token.
#[derive(Debug, Clone, Default)]
pub(super) struct TokenCache(Arc<tokio::sync::Mutex<Option<CachedToken>>>);

/// Tokens are renewed this long before they expire, or at 90% of a short lifetime.
const TOKEN_MARGIN: Duration = Duration::from_secs(30);

fn renew_at(fetched: Instant, expires_in: Option<u64>) -> Option<Instant> {
    let lifetime = Duration::from_secs(expires_in?);
    let margin = TOKEN_MARGIN.min(lifetime / 10);
    Some(fetched + lifetime.saturating_sub(margin))
}

impl TokenCache {
    /// `Bearer <token>`, fetching a token when none is cached or it is due for renewal.
    pub(super) async fn authorization(
        &self,
        http: &reqwest::Client,
        oauth: &OAuth2,
        redactor: &Redactor,
    ) -> Result<String, HttpError> {
        let mut cached = self.0.lock().await;
        if let Some(token) = cached.as_ref() {
            if token.renew_at.is_none_or(|at| Instant::now() < at) {
                return Ok(format!("Bearer {}", token.value));
            }
        }
        let token = fetch_token(http, oauth, redactor).await?;
        let header = format!("Bearer {}", token.value);
        *cached = Some(token);
        Ok(header)
    }

    /// Forgets the cached token, so the next request fetches a new one.
    pub(super) async fn forget(&self) {
        *self.0.lock().await = None;
    }
}

/// The largest token endpoint answer read: a token answer is a few hundred bytes.
const MAX_TOKEN_ANSWER: usize = 64 * 1024;

/// RFC 6749 §4.4.2: `grant_type=client_credentials`, the client authenticated with HTTP
/// Basic (§2.3.1), the scope if any.
async fn fetch_token(
    http: &reqwest::Client,
    oauth: &OAuth2,
    redactor: &Redactor,
) -> Result<CachedToken, HttpError> {
    let err = |detail: String| HttpError::Token {
        url: oauth.token_url.clone(),
        detail: redactor.redact(&detail),
    };
    let mut form = vec![format!(
        "grant_type={}",
        encode_component("client_credentials")
    )];
    if let Some(scope) = oauth.scope.as_deref().filter(|s| !s.is_empty()) {
        form.push(format!("scope={}", encode_component(scope)));
    }
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        encode_component(&oauth.client_id),
        encode_component(&oauth.client_secret)
    ));
    redactor.learn(basic.clone());
    let fetched = Instant::now();
    let response = http
        .post(&oauth.token_url)
        .header("Authorization", format!("Basic {basic}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(form.join("&"))
        .send()
        .await
        .map_err(|e| err(e.to_string()))?;
    let status = response.status().as_u16();
    let mut response = response;
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| err(e.to_string()))? {
        if bytes.len() + chunk.len() > MAX_TOKEN_ANSWER {
            return Err(err(format!(
                "status {status}, the answer is larger than {MAX_TOKEN_ANSWER} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    let body: Value = serde_json::from_slice(&bytes)
        .map_err(|e| err(format!("status {status}, the answer is not JSON: {e}")))?;
    if status != 200 {
        let reason = ["error", "error_description"]
            .iter()
            .filter_map(|k| body.get(*k).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(": ");
        return Err(err(format!("status {status} {reason}")));
    }
    let value = body
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| err("the answer has no access_token".into()))?
        .to_string();
    redactor.learn(value.clone());
    let expires_in = body.get("expires_in").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    });
    Ok(CachedToken {
        value,
        renew_at: renew_at(fetched, expires_in),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_before_they_expire() {
        let now = Instant::now();
        assert_eq!(renew_at(now, None), None);
        assert_eq!(
            renew_at(now, Some(3600)),
            Some(now + Duration::from_secs(3570))
        );
        assert_eq!(renew_at(now, Some(10)), Some(now + Duration::from_secs(9)));
        assert_eq!(renew_at(now, Some(0)), Some(now));
    }
}
