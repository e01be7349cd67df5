//! Generated documents kept in the repository (`suites/FAULTS.md`, `suites/VARIANTS.md`):
//! written with `SCIMSPEC_BLESS`, otherwise compared with what the tests found.

/// Writes (with `SCIMSPEC_BLESS`) or checks the document at `relative` (from the repository
/// root); `false` when it is out of date. `bless` is the command that regenerates it.
pub fn write_or_check(doc: &str, relative: &str, bless: &str) -> bool {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("SCIMSPEC_BLESS").is_some() {
        std::fs::write(&path, doc).unwrap_or_else(|e| panic!("write {relative}: {e}"));
        println!("{relative} written");
        return true;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == doc {
        println!("{relative} is up to date");
        true
    } else {
        eprintln!("{relative} is out of date: run {bless} and review the difference");
        false
    }
}
