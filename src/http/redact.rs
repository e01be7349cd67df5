use std::sync::{Arc, RwLock};

/// Removes secrets (tokens, passwords, their Basic encodings) from anything shown to a user.
/// Clones share their secrets, so a token fetched during the run (OAuth 2) is masked by every
/// holder of the redactor.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Arc<RwLock<Vec<String>>>,
}

pub const MASK: &str = "[REDACTED]";

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret; values shorter than 4 characters are still masked when they appear
    /// as a whole header value, but not inside other text (that would mangle transcripts).
    pub fn add(&mut self, secret: impl Into<String>) {
        self.learn(secret);
    }

    /// Adds a secret learnt during the run (shared with every clone).
    pub fn learn(&self, secret: impl Into<String>) {
        let secret = secret.into();
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if !secret.is_empty() && !secrets.contains(&secret) {
            secrets.push(secret);
            // Longest first, so a secret containing another is masked whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Learns every secret another redactor knows (for reports covering several targets).
    pub fn absorb(&self, other: &Redactor) {
        let theirs = other
            .secrets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for secret in theirs {
            self.learn(secret);
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        for secret in secrets.iter() {
            if secret.len() >= 4 && out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// A header value for display: credentials headers are always masked.
    pub fn header_value(&self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || lower == "proxy-authorization" {
            match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} {MASK}"),
                None => MASK.to_string(),
            }
        } else if lower == "cookie" || lower == "set-cookie" {
            MASK.to_string()
        } else {
            self.redact(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_and_auth_headers() {
        let mut r = Redactor::new();
        r.add("s3cr3t-token");
        assert_eq!(r.redact("token=s3cr3t-token&x"), "token=[REDACTED]&x");
        assert_eq!(
            r.header_value("Authorization", "Bearer anything"),
            "Bearer [REDACTED]"
        );
        assert_eq!(r.header_value("X-Echo", "s3cr3t-token"), "[REDACTED]");
    }

    #[test]
    fn clones_share_secrets_learnt_later() {
        let r = Redactor::new();
        let clone = r.clone();
        r.learn("fetched-token-123");
        assert_eq!(clone.redact("a fetched-token-123 b"), "a [REDACTED] b");
    }
}
