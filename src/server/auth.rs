//! Authentication (RFC 7644 §2, §7.4): a bearer token (RFC 6750) or HTTP Basic (RFC 7617);
//! failures answer 401 with a SCIM error and `WWW-Authenticate`. Discovery endpoints are
//! protected too, as RFC 7644 §4 allows.

use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use super::error::ScimError;
use super::faults::Fault;
use super::state::AppState;
use super::ServerConfig;

/// The realm announced in `WWW-Authenticate`.
const REALM: &str = "scimspec";

/// Lets the request through when its credentials are accepted.
pub async fn require(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = state.config();
    if !cfg.requires_auth() || cfg.has(Fault::NoAuth) || is_public(&req) {
        return next.run(req).await;
    }
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if header.is_some_and(|h| accepted(cfg, h)) {
        return next.run(req).await;
    }
    let detail = if header.is_some() {
        "invalid credentials"
    } else {
        "authentication required"
    };
    let status = if cfg.has(Fault::Auth403) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut res = ScimError::new(status, None, detail).into_response();
    if !cfg.has(Fault::NoWwwAuthenticate) {
        if cfg.token.is_some() {
            let v = format!("Bearer realm=\"{REALM}\"");
            if let Ok(v) = HeaderValue::from_str(&v) {
                res.headers_mut().append(WWW_AUTHENTICATE, v);
            }
        }
        if cfg.basic.is_some() {
            let v = format!("Basic realm=\"{REALM}\", charset=\"UTF-8\"");
            if let Ok(v) = HeaderValue::from_str(&v) {
                res.headers_mut().append(WWW_AUTHENTICATE, v);
            }
        }
    }
    res
}

/// True when the `Authorization` header carries a configured credential.
/// Discovery is readable without credentials: RFC 7643 §5 says the service provider SHOULD
/// make `authenticationSchemes` "publicly accessible without prior authentication", and a
/// client needs the resource types and schemas to know what to send.
fn is_public(req: &Request) -> bool {
    if req.method() != axum::http::Method::GET {
        return false;
    }
    let Some(rest) = req.uri().path().strip_prefix(super::BASE_PATH) else {
        return false;
    };
    rest == "/ServiceProviderConfig"
        || rest == "/ResourceTypes"
        || rest.starts_with("/ResourceTypes/")
        || rest == "/Schemas"
        || rest.starts_with("/Schemas/")
}

fn accepted(cfg: &ServerConfig, header: &str) -> bool {
    let (scheme, credentials) = header.trim().split_once(' ').unwrap_or((header, ""));
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return cfg.token.as_deref().is_some_and(|t| t == credentials);
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let Some((user, password)) = &cfg.basic else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credentials) else {
            return false;
        };
        let Ok(text) = String::from_utf8(decoded) else {
            return false;
        };
        return text
            .split_once(':')
            .is_some_and(|(u, p)| u == user && p == password);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ServerConfig {
        ServerConfig {
            token: Some("t0k".into()),
            basic: Some(("admin".into(), "pw:x".into())),
            ..ServerConfig::default()
        }
    }

    #[test]
    fn accepts_either_credential() {
        assert!(accepted(&cfg(), "Bearer t0k"));
        assert!(accepted(&cfg(), "bearer  t0k"));
        assert!(!accepted(&cfg(), "Bearer nope"));
        let basic = base64::engine::general_purpose::STANDARD.encode("admin:pw:x");
        assert!(accepted(&cfg(), &format!("Basic {basic}")));
        let wrong = base64::engine::general_purpose::STANDARD.encode("admin:pw");
        assert!(!accepted(&cfg(), &format!("Basic {wrong}")));
        assert!(!accepted(&cfg(), "Basic !!!"));
        assert!(!accepted(&cfg(), "Digest x"));
    }
}
