//! The crate's layers (see the top of `src/lib.rs`): every `crate::`/`super::` path in a
//! module's non-test code points to a module of its own layer or one above it in that list, no
//! check imports another check, and the file-level import graph has no cycle.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SERVICES: &[&str] = &["apigateway", "iam", "kms", "lambda", "path", "s3"];

/// The layer of a source file (relative to `src/`, `/`-separated); `None` for files outside
/// the layering (the crate root and test-only modules).
fn layer(file: &str) -> Option<u8> {
    let top = file.split('/').next().unwrap_or_default();
    Some(match file {
        "lib.rs"
        | "registry_tests.rs"
        | "unread_answers_tests.rs"
        | "fixtures.rs"
        | "iam/corpus_tests.rs" => return None,
        _ if top == "model" => 1,
        _ if top == "policy" || file == "secrets.rs" => 2,
        "result.rs" => 3,
        "options.rs" | "lambda/runtimes.rs" => 4,
        "context.rs" => 5,
        _ if top == "analysis" => 6,
        "check.rs" => 7,
        _ if SERVICES.contains(&top) => 8,
        "registry.rs" | "evaluate.rs" => 9,
        other => panic!("{other}: no layer; add it to this test and to the list in lib.rs"),
    })
}

/// A check's own file (as opposed to a helper module of its service).
fn is_check(src: &Path, file: &str) -> bool {
    std::fs::read_to_string(src.join(file)).is_ok_and(|t| t.contains("static CHECK: Check"))
}

fn sources(dir: &Path, src: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "snapshots") {
                sources(&path, src, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The file a module path names: `a/b.rs`, `a.rs` or `a/mod.rs`, most specific first.
fn resolve(src: &Path, parts: &[&str]) -> Option<String> {
    for n in (1..=parts.len()).rev() {
        let stem = parts[..n].join("/");
        for candidate in [format!("{stem}.rs"), format!("{stem}/mod.rs")] {
            if src.join(&candidate).is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The files a module's code (before its `#[cfg(test)]` part) refers to.
fn references(src: &Path, file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(src.join(file)).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let own_dir: Vec<&str> = match file.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let mut out = BTreeSet::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", own_dir)] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            // `crate::{a, b::c}`: each name of the group.
            let heads: Vec<Vec<&str>> = if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                group
                    .split(',')
                    .map(|p| p.trim().split("::").map(identifier).collect())
                    .collect()
            } else {
                let mut parts = Vec::new();
                let mut tail = rest;
                loop {
                    let name = identifier(tail);
                    if name.is_empty() {
                        break;
                    }
                    parts.push(name);
                    match tail[name.len()..].strip_prefix("::") {
                        Some(next) => tail = next,
                        None => break,
                    }
                }
                vec![parts]
            };
            for head in heads {
                let mut parts = base.clone();
                parts.extend(head.into_iter().filter(|p| !p.is_empty() && *p != "self"));
                if let Some(target) = resolve(src, &parts)
                    && target != file
                    && target != "lib.rs"
                {
                    out.insert(target);
                }
            }
        }
    }
    out
}

#[test]
fn modules_import_only_their_layer_and_those_above_and_never_in_a_circle() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    files.sort();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in &files {
        let Some(own) = layer(file) else { continue };
        let targets = references(&src, file);
        for target in &targets {
            let Some(theirs) = layer(target) else {
                problems.push(format!("{file} uses the test-only module {target}"));
                continue;
            };
            if theirs > own {
                problems.push(format!(
                    "{file} (layer {own}) uses {target} (layer {theirs}), a lower layer"
                ));
            }
            if own == 8 && is_check(&src, target) {
                problems.push(format!(
                    "{file} uses the check {target}: move what they share to analysis/"
                ));
            }
        }
        graph.insert(file.clone(), targets);
    }
    // Any cycle among the files, whatever the layers say.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        cycles: &mut Vec<String>,
    ) {
        match state.get(node) {
            Some(2) => return,
            Some(1) => {
                let from = stack.iter().position(|n| n == node).unwrap_or(0);
                cycles.push(format!("{} -> {node}", stack[from..].join(" -> ")));
                return;
            }
            _ => {}
        }
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, state, stack, cycles);
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for node in graph.keys() {
        visit(node, &graph, &mut state, &mut Vec::new(), &mut cycles);
    }
    problems.extend(cycles.into_iter().map(|c| format!("cycle: {c}")));
    assert!(
        graph.len() > 100,
        "only {} modules found: the walk is broken",
        graph.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
