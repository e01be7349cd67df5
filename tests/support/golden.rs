//! Golden files: what a reporter renders is compared with `tests/golden/NAME`; with
//! `SCIMSPEC_BLESS=1` the file is (re)written instead. A mismatch shows a line diff and says
//! how to bless.

use std::path::PathBuf;

/// The variable that rewrites golden files (and `suites/FAULTS.md`) instead of checking them.
pub const BLESS: &str = "SCIMSPEC_BLESS";

/// Lines of unchanged context shown around each difference.
const CONTEXT: usize = 2;

/// Most diff lines shown before the rest is summarised.
const MAX_SHOWN: usize = 80;

fn path_of(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Checks `actual` against the golden file `name`, or writes it when blessing.
pub fn assert_golden(name: &str, actual: &str) {
    let path = path_of(name);
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&path, actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let how = format!("run {BLESS}=1 cargo test --test product golden to accept the new output");
    let expected = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("golden file tests/golden/{name} cannot be read ({e}): {how}"),
    };
    if expected != actual {
        panic!(
            "tests/golden/{name} differs from what was rendered (- golden, + now):\n{}\n{how}",
            diff(&expected, actual)
        );
    }
}

/// One line of a line diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    Same(&'a str),
    Gone(&'a str),
    Added(&'a str),
}

/// The line diff of `old` and `new` (longest common subsequence), showing each change with
/// [`CONTEXT`] lines around it and the line numbers of the golden file.
pub fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let mut lines = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            lines.push((i, Line::Same(a[i])));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || common[i + 1][j] >= common[i][j + 1]) {
            lines.push((i, Line::Gone(a[i])));
            i += 1;
        } else {
            lines.push((i, Line::Added(b[j])));
            j += 1;
        }
    }
    if old.ends_with('\n') != new.ends_with('\n') {
        lines.push((a.len(), Line::Added("(the last line's line break differs)")));
    }
    let changed: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, (_, l))| !matches!(l, Line::Same(_)))
        .map(|(k, _)| k)
        .collect();
    let near = |k: usize| changed.iter().any(|&c| c.abs_diff(k) <= CONTEXT);
    let mut out = String::new();
    let mut shown = 0;
    let mut gap = false;
    for (k, (at, line)) in lines.iter().enumerate() {
        if !near(k) {
            gap = true;
            continue;
        }
        if shown == MAX_SHOWN {
            let rest = changed.iter().filter(|&&c| c >= k).count();
            out.push_str(&format!("… and {rest} more changed lines\n"));
            break;
        }
        if gap || shown == 0 {
            out.push_str(&format!("@@ golden line {} @@\n", at + 1));
            gap = false;
        }
        match line {
            Line::Same(text) => out.push_str(&format!("  {text}\n")),
            Line::Gone(text) => out.push_str(&format!("- {text}\n")),
            Line::Added(text) => out.push_str(&format!("+ {text}\n")),
        }
        shown += 1;
    }
    out
}
