//! Writing to standard output: a closed pipe (`scimspec serve --list-faults | head`) ends the
//! output quietly instead of panicking.

use std::io::Write;

pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
