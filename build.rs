//! Embeds the case files under `suites/` and the resource schemas under `schemas/resources/`
//! into the binary, so `scimspec run` works from any directory. `--suites DIR` loads cases
//! from disk instead.

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
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes `pub static FILES: &[(&str, &str)]` of (relative name, contents) to `OUT_DIR/target`.
fn embed(
    dir: &Path,
    target: &str,
    name_of: fn(&Path) -> String,
    exts: &[&str],
) -> std::io::Result<()> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    if dir.is_dir() {
        collect(dir, &mut files)?;
    }
    files.retain(|f| f.extension().is_some_and(|e| exts.iter().any(|x| e == *x)));
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let mut out = fs::File::create(out_dir.join(target))?;
    writeln!(out, "pub static FILES: &[(&str, &str)] = &[")?;
    for file in files {
        let rel = file.strip_prefix(dir).unwrap_or(&file);
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            name_of(rel),
            file.to_string_lossy()
        )?;
    }
    writeln!(out, "];")?;
    Ok(())
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    embed(
        &root.join("suites"),
        "embedded_suites.rs",
        |rel| rel.to_string_lossy().replace('\\', "/"),
        &["yaml", "yml"],
    )?;
    embed(
        &root.join("schemas/resources"),
        "embedded_resource_schemas.rs",
        |rel| {
            rel.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        },
        &["json"],
    )
}
