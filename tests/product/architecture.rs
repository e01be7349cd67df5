//! The house's rules, checked on the source: imports between the top-level modules of `src/`
//! form no cycle, only the command layer knows clap, and the reference server depends on the
//! SCIM grammar and profiles alone. `cargo test --test architecture -- --nocapture` prints the
//! import graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file under `dir` with its text, test modules cut off.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path.components().any(|c| c.as_os_str() == "tests")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Inline test modules may reach anywhere; `#[cfg(test)] mod tests;` files are
            // skipped by name below.
            let code = match text.find("#[cfg(test)]\nmod tests {") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            let rel = path
                .strip_prefix("src")
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            out.push((rel, code));
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for lib.rs and main.rs).
fn module_of(rel: &str) -> Option<String> {
    let first = rel.split(['/', '\\']).next()?;
    let name = first.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The modules named after `crate::` in `code`, including `use crate::{a, b::c}`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name = item.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() && name != "self" {
                    out.insert(name.to_string());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn graph() -> Graph {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    assert!(files.len() > 20, "run from the repository root");
    let mut graph = Graph::new();
    for (rel, code) in &files {
        let Some(module) = module_of(rel) else {
            continue;
        };
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(imports(code).into_iter().filter(|m| *m != module));
    }
    graph
}

/// The groups of modules that import each other, directly or through others (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let next: Vec<&'g str> = s
            .graph
            .get(v)
            .map(|e| e.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for w in next {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

fn render(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(m, to)| {
            format!(
                "  {m} -> {}\n",
                to.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect()
}

#[test]
fn top_level_modules_import_each_other_one_way() {
    let graph = graph();
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    let found = cycles(&graph);
    println!(
        "{} modules, {edges} imports, {} cycles\n{}",
        graph.len(),
        found.len(),
        render(&graph)
    );
    assert!(
        found.is_empty(),
        "import cycles between top-level modules: {found:?}\n{}",
        render(&graph)
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        imports("use crate::{http::X, load};\nlet a = crate::run::go();"),
        ["http", "load", "run"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

#[test]
fn only_the_command_layer_knows_clap() {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let offenders: Vec<&str> = files
        .iter()
        .filter(|(rel, code)| !rel.starts_with("cli") && code.contains("clap::"))
        .map(|(rel, _)| rel.as_str())
        .collect();
    assert!(offenders.is_empty(), "clap outside src/cli: {offenders:?}");
}

#[test]
fn the_reference_server_stands_apart() {
    let graph = graph();
    let allowed: BTreeSet<String> = ["scim", "profile", "template"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let server = graph.get("server").cloned().unwrap_or_default();
    let extra: Vec<&String> = server.difference(&allowed).collect();
    assert!(extra.is_empty(), "the server imports {extra:?}");
    // Nothing but the command layer, the target and the tests may start it.
    let users: Vec<&String> = graph
        .iter()
        .filter(|(m, to)| to.contains("server") && !matches!(m.as_str(), "cli" | "target"))
        .map(|(m, _)| m)
        .collect();
    assert!(users.is_empty(), "modules using the server: {users:?}");
}

#[test]
fn the_load_generator_is_a_feature_only_the_command_layer_uses() {
    let graph = graph();
    let users: Vec<&String> = graph
        .iter()
        .filter(|(m, to)| to.contains("stress") && m.as_str() != "cli")
        .map(|(m, _)| m)
        .collect();
    assert!(users.is_empty(), "modules using stress: {users:?}");
    // A feature: it reaches the stages below it, never the reference server or another feature.
    let stress = graph.get("stress").cloned().unwrap_or_default();
    for other in ["server", "compare", "entra", "harness", "cli"] {
        assert!(!stress.contains(other), "stress imports {other}");
    }
}
