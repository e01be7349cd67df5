//! What the product writes, compared with the golden files in `tests/golden/`: the reports
//! built from hand-made runs ([`reports`]) and the console of a whole run of the real binary
//! ([`console`]). Regenerate them with `SCIMSPEC_BLESS=1 cargo test --test product golden`.

mod console;
mod reports;
pub mod run_reports;

use regex::Regex;

use crate::support::golden::diff;
use crate::support::reports::SECRET;

/// Replaces every match of `pattern` in `text` with `with`.
pub fn mask(text: &str, pattern: &str, with: &str) -> String {
    Regex::new(pattern)
        .expect("pattern")
        .replace_all(text, with)
        .into_owned()
}

/// JUnit as written, without what changes from run to run or release to release.
pub fn stable_junit(bytes: Vec<u8>) -> String {
    let xml = String::from_utf8(bytes).expect("JUnit is UTF-8");
    let xml = mask(&xml, r#"timestamp="[^"]*""#, r#"timestamp="[timestamp]""#);
    let xml = mask(
        &xml,
        r#"name="timestamp" value="[^"]*""#,
        r#"name="timestamp" value="[timestamp]""#,
    );
    mask(
        &xml,
        r#"name="scimspec.version" value="[^"]*""#,
        r#"name="scimspec.version" value="[version]""#,
    )
}

/// Asserts that the token of the hand-built runs and of the console run appears nowhere in `text`.
pub fn no_secret(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET),
        "the token leaked to {what}:\n{text}"
    );
}

#[test]
fn a_golden_mismatch_shows_the_lines_that_differ() {
    let golden = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";
    let now = "one\ntwo\nthree\nFOUR\nfive\nsix\nseven\neight\n";
    assert_eq!(
        diff(golden, now),
        "@@ golden line 2 @@\n  two\n  three\n- four\n+ FOUR\n  five\n  six\n  seven\n+ eight\n"
    );
}
