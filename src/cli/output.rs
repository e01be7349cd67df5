//! Everything the command layer prints goes through here: [`out`] (standard output) and
//! [`err`] (standard error) show the text through every redactor the command has
//! [`protect`]ed — secrets masked in all their forms, control characters escaped — so no
//! message, report summary or error can print a secret or drive the terminal. A closed pipe
//! (`scimspec serve --list-faults | head`) ends the output quietly instead of panicking.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use crate::http::Redactor;

/// The redactors of this process's command (clones sharing their secrets, so a token
/// fetched later is masked too).
fn guards() -> &'static Mutex<Vec<Redactor>> {
    static GUARDS: OnceLock<Mutex<Vec<Redactor>>> = OnceLock::new();
    GUARDS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Masks `redactor`'s secrets, now and learnt later, in everything printed from now on.
pub fn protect(redactor: &Redactor) {
    let mut guards = guards().lock().unwrap_or_else(|e| e.into_inner());
    guards.push(redactor.clone());
}

/// `text` as it may be printed: every protected secret masked, control characters escaped.
pub fn shown(text: &str) -> String {
    let mut text = text.to_string();
    for r in guards().lock().unwrap_or_else(|e| e.into_inner()).iter() {
        text = r.redact(&text);
    }
    Redactor::new().show(&text)
}

pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(shown(text).as_bytes())
        .and_then(|()| stdout.flush());
}

/// Writes `before`, `word` in `colour` (an ANSI colour sequence, or none) and `after`, then a
/// line break, to standard output; only the colour escapes are not shown escaped.
pub fn out_coloured(before: &str, word: &str, colour: Option<&str>, after: &str) {
    let word = match colour {
        Some(colour) => format!("{colour}{}\u{1b}[0m", shown(word)),
        None => shown(word),
    };
    let mut stdout = std::io::stdout().lock();
    let _ =
        writeln!(stdout, "{}{word}{}", shown(before), shown(after)).and_then(|()| stdout.flush());
}

/// Replaces the terminal's current line on standard error with `text` (no line break): a
/// status line redrawn in place. An empty `text` clears it.
pub fn status_line(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "\r\u{1b}[2K{}", shown(text)).and_then(|()| stderr.flush());
}

/// Writes `text` and a line break to standard error.
pub fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", shown(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_text_is_redacted_and_escaped() {
        let r = Redactor::new();
        protect(&r);
        r.learn("learnt-after-protect");
        assert_eq!(
            shown("tok learnt-after-protect \u{1b}[2J"),
            "tok [REDACTED] \\u{1b}[2J"
        );
    }
}
