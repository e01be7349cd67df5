//! The one redactor: every byte scimspec shows or writes passes through a [`Redactor`], which
//! masks each secret (tokens, passwords, client secrets, fetched OAuth tokens, extra header
//! values, URL passwords) in every form a target may echo it in — plain, JSON-escaped,
//! percent-encoded, base64 — and escapes control characters a hostile target could use to
//! drive the terminal ([`Redactor::show`]).

use std::sync::{Arc, RwLock};

use base64::Engine as _;

use crate::scim::text::{percent_encode, Percent};

/// Removes secrets (tokens, passwords, their Basic encodings) from anything shown to a user.
/// Clones share their secrets, so a token fetched during the run (OAuth 2) is masked by every
/// holder of the redactor.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    known: Arc<RwLock<Known>>,
}

/// The secrets a redactor knows, in all their forms, and one matcher for them all.
#[derive(Debug, Default)]
struct Known {
    /// Every form of every secret, longest first.
    forms: Vec<String>,
    /// Matches any form of at least [`MIN_SECRET`] bytes, the longest at a position first.
    matcher: Option<regex::Regex>,
}

impl Known {
    /// Adds forms not known yet; rebuilds the matcher when something was added.
    fn extend(&mut self, forms: impl IntoIterator<Item = String>) {
        let before = self.forms.len();
        for form in forms {
            if !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
        if self.forms.len() == before {
            return;
        }
        // Longest first, so a secret containing another is masked whole.
        self.forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let pattern = self
            .forms
            .iter()
            .filter(|f| f.len() >= MIN_SECRET)
            .map(|f| regex::escape(f))
            .collect::<Vec<_>>()
            .join("|");
        self.matcher = if pattern.is_empty() {
            None
        } else {
            regex::RegexBuilder::new(&pattern)
                .size_limit(1 << 26)
                .build()
                .ok()
        };
    }
}

pub const MASK: &str = "[REDACTED]";

/// Secrets shorter than this are masked as whole header values only: masking them inside
/// other text would mangle transcripts.
const MIN_SECRET: usize = 4;

/// The mark [`crate::scim::text::truncate`] leaves where it cut text.
const CUT: char = '…';

/// `secret` as the inside of a JSON string (RFC 8259 §7), also with `/` escaped as `\/`.
fn json_escaped(secret: &str) -> [String; 2] {
    let quoted = serde_json::Value::String(secret.to_string()).to_string();
    let inner = quoted[1..quoted.len() - 1].to_string();
    let slashes = inner.replace('/', "\\/");
    [inner, slashes]
}

/// Every form a target may echo `secret` in: plain, JSON-escaped (twice, for JSON inside a
/// JSON string), percent-encoded and base64 (standard and URL-safe, padded or not).
pub fn forms_of(secret: &str) -> Vec<String> {
    let b64 = &base64::engine::general_purpose::STANDARD;
    let b64_url = &base64::engine::general_purpose::URL_SAFE;
    let mut forms = vec![secret.to_string()];
    for json in json_escaped(secret) {
        forms.extend(json_escaped(&json));
        forms.push(json);
    }
    // Percent-encoded with upper- or lower-case hex digits, or as a form value.
    for how in [
        Percent::default(),
        Percent {
            lower_hex: true,
            ..Percent::default()
        },
        Percent {
            space_as_plus: true,
            ..Percent::default()
        },
    ] {
        forms.push(percent_encode(secret, how));
    }
    for encoded in [b64.encode(secret), b64_url.encode(secret)] {
        forms.push(encoded.trim_end_matches('=').to_string());
        forms.push(encoded);
    }
    forms.sort();
    forms.dedup();
    forms
}

/// True for the characters a terminal may act on: C0 and C1 controls other than `\n` and
/// `\t` (ESC starts ANSI CSI and OSC sequences), DEL, and the Unicode format characters
/// that reorder or hide text (bidi overrides, isolates, line and paragraph separators).
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every dangerous character shown escaped (`\u{1b}`), so target data printed on
/// a terminal or written to a text report cannot inject escape sequences.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(is_dangerous) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_dangerous(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret; values shorter than 4 characters are still masked when they appear
    /// as a whole header value, but not inside other text (that would mangle transcripts).
    pub fn add(&mut self, secret: impl Into<String>) {
        self.learn(secret);
    }

    /// Adds a secret learnt during the run (shared with every clone), in all its forms.
    pub fn learn(&self, secret: impl Into<String>) {
        let secret = secret.into();
        if secret.is_empty() {
            return;
        }
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        known.extend(forms_of(&secret));
    }

    /// Learns every secret another redactor knows (for reports covering several targets).
    pub fn absorb(&self, other: &Redactor) {
        if Arc::ptr_eq(&self.known, &other.known) {
            return;
        }
        let theirs = other
            .known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .forms
            .clone();
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        known.extend(theirs);
    }

    /// `text` with every form of every secret masked; a text cut in the middle of a secret
    /// (`…`) loses the secret's beginning too.
    pub fn redact(&self, text: &str) -> String {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        let mut out = match &known.matcher {
            Some(m) => m.replace_all(text, MASK).into_owned(),
            None => text.to_string(),
        };
        if out.contains(CUT) {
            out = mask_cut_prefixes(&out, &known.forms);
        }
        out
    }

    /// `text` as it may be shown on a terminal or written to a report: secrets masked and
    /// control characters escaped. Every output path of scimspec goes through this.
    pub fn show(&self, text: &str) -> String {
        escape_controls(&self.redact(text))
    }

    /// A header value for display: credentials headers are always masked.
    pub fn header_value(&self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || lower == "proxy-authorization" {
            match value.split_once(' ') {
                Some((scheme, _)) => format!("{} {MASK}", escape_controls(scheme)),
                None => MASK.to_string(),
            }
        } else if lower == "cookie" || lower == "set-cookie" || self.is_secret(value.trim()) {
            MASK.to_string()
        } else {
            self.show(value)
        }
    }

    /// True when `value` is exactly one of the secrets (in any form), however short.
    fn is_secret(&self, value: &str) -> bool {
        !value.is_empty()
            && self
                .known
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .forms
                .iter()
                .any(|f| f == value)
    }
}

/// Masks, before each `…` cut mark, the end of the text when it is the beginning of a secret
/// (at least [`MIN_SECRET`] characters of it).
fn mask_cut_prefixes(text: &str, forms: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(CUT) {
        let before = &rest[..at];
        let cut = forms
            .iter()
            .filter_map(|form| {
                (MIN_SECRET..form.len())
                    .rev()
                    .filter(|n| form.is_char_boundary(*n))
                    .find(|n| before.ends_with(&form[..*n]))
            })
            .max();
        match cut {
            Some(n) => {
                out.push_str(&before[..before.len() - n]);
                out.push_str(MASK);
            }
            None => out.push_str(before),
        }
        out.push(CUT);
        rest = &rest[at + CUT.len_utf8()..];
    }
    out.push_str(rest);
    out
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

    const AWKWARD: &str = r#"p"a\s/s+w%rd 1"#;

    fn awkward() -> Redactor {
        let r = Redactor::new();
        r.learn(AWKWARD);
        r
    }

    #[test]
    fn masks_the_json_escaped_form() {
        let r = awkward();
        let body = serde_json::json!({ "detail": format!("header was {AWKWARD}") }).to_string();
        assert!(body.contains(r#"p\"a\\s/s+w%rd 1"#), "{body}");
        assert_eq!(r.redact(&body), r#"{"detail":"header was [REDACTED]"}"#);
        assert_eq!(r.redact(r#"p\"a\\s\/s+w%rd 1"#), MASK, "escaped slashes");
        let twice = serde_json::json!({ "echo": body }).to_string();
        assert!(!r.redact(&twice).contains("w%rd"), "{}", r.redact(&twice));
    }

    #[test]
    fn masks_the_percent_encoded_forms() {
        let r = awkward();
        let upper = "p%22a%5Cs%2Fs%2Bw%25rd%201";
        assert_eq!(r.redact(&format!("?q={upper}&x")), "?q=[REDACTED]&x");
        assert_eq!(r.redact(&upper.to_lowercase()), MASK);
        assert_eq!(r.redact("p%22a%5Cs%2Fs%2Bw%25rd+1"), MASK, "form encoding");
    }

    #[test]
    fn masks_the_base64_forms() {
        let r = awkward();
        let std = base64::engine::general_purpose::STANDARD.encode(AWKWARD);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(AWKWARD);
        assert_eq!(r.redact(&format!("x {std} y")), "x [REDACTED] y");
        assert_eq!(r.redact(&format!("x {url} y")), "x [REDACTED] y");
    }

    #[test]
    fn masks_a_secret_cut_by_truncation() {
        let r = awkward();
        let cut = format!("body {}…", &AWKWARD[..7]);
        assert_eq!(r.redact(&cut), "body [REDACTED]…");
        assert_eq!(r.redact("nothing secret…"), "nothing secret…");
    }

    #[test]
    fn short_secrets_are_masked_only_as_whole_values() {
        let r = Redactor::new();
        r.learn("pw");
        assert_eq!(r.redact("a pw b"), "a pw b");
        assert_eq!(r.header_value("X-Key", "pw"), MASK);
    }

    #[test]
    fn control_characters_are_escaped() {
        let r = awkward();
        assert_eq!(
            r.show("a\u{1b}[31mred\u{7}\0\u{9b}x\n\tz\u{202e}"),
            "a\\u{1b}[31mred\\u{7}\\u{0}\\u{9b}x\n\tz\\u{202e}"
        );
        assert_eq!(r.show("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(
            r.header_value("X-Echo", "v\u{1b}[2J"),
            "v\\u{1b}[2J",
            "header values too"
        );
        assert_eq!(escape_controls("plain ✓"), "plain ✓");
    }
}
