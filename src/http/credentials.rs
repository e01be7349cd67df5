//! How requests authenticate: the one place credentials live. The client turns them into
//! `Authorization` headers and gives every secret to the redactor.

use base64::Engine as _;

/// How requests authenticate. The single place credentials live: the client turns them into
/// `Authorization` headers and gives every secret to the [`Redactor`].
#[derive(Clone, Default)]
pub enum Credentials {
    #[default]
    None,
    Bearer(String),
    Basic {
        user: String,
        password: String,
    },
    /// OAuth 2 client credentials grant (RFC 6749 §4.4): the client fetches a bearer token from
    /// the token endpoint, caches it and fetches a new one when it expires (or is refused).
    OAuth2(OAuth2),
}

/// The settings of an OAuth 2 client credentials grant.
#[derive(Clone, Default)]
pub struct OAuth2 {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scope: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, [REDACTED])"),
            Credentials::OAuth2(o) => write!(
                f,
                "OAuth2({}, client {}, [REDACTED])",
                o.token_url, o.client_id
            ),
        }
    }
}

impl Credentials {
    pub fn is_some(&self) -> bool {
        !matches!(self, Credentials::None)
    }

    /// The secrets a transcript must never show.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::None => Vec::new(),
            Credentials::Bearer(token) => vec![token.clone()],
            Credentials::Basic { user, password } => vec![
                password.clone(),
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")),
            ],
            Credentials::OAuth2(o) => vec![
                o.client_secret.clone(),
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{}", o.client_id, o.client_secret)),
            ],
        }
    }

    /// A short description without secrets: `bearer token`, `basic (admin)`, `oauth2 (…)`.
    pub fn describe(&self) -> String {
        match self {
            Credentials::None => "none".into(),
            Credentials::Bearer(_) => "bearer token".into(),
            Credentials::Basic { user, .. } => format!("basic ({user})"),
            Credentials::OAuth2(o) => format!("oauth2 client credentials ({})", o.token_url),
        }
    }

    /// The `Authorization` value for static credentials (OAuth 2 tokens are fetched by the client).
    pub(super) fn header(&self) -> Option<String> {
        match self {
            Credentials::None | Credentials::OAuth2(_) => None,
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
            Credentials::Basic { user, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::Bearer("tok-123456".into());
        assert!(!format!("{c:?}").contains("tok-123456"));
        let o = Credentials::OAuth2(OAuth2 {
            token_url: "http://t/token".into(),
            client_id: "cid".into(),
            client_secret: "very-secret-1".into(),
            scope: None,
        });
        assert!(!format!("{o:?}").contains("very-secret-1"));
        assert!(!o.describe().contains("very-secret-1"));
        assert!(o.secrets().contains(&"very-secret-1".to_string()));
    }
}
