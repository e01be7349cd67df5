//! Embeds the case files under `suites/` into the binary, so `scimspec run` works from any
//! directory. `--suites DIR` loads cases from disk instead.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let suites = root.join("suites");
    println!("cargo:rerun-if-changed=suites");
    let mut files = Vec::new();
    if suites.is_dir() {
        collect(&suites, &mut files)?;
    }
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let mut out = fs::File::create(out_dir.join("embedded_suites.rs"))?;
    writeln!(out, "pub static FILES: &[(&str, &str)] = &[")?;
    for file in files {
        let rel = file.strip_prefix(&suites).unwrap_or(&file);
        let rel = rel.to_string_lossy().replace('\\', "/");
        writeln!(out, "    ({rel:?}, include_str!({:?})),", file.to_string_lossy())?;
    }
    writeln!(out, "];")?;
    Ok(())
}
