//! The integration tests, one binary: the CLI without AWS, `--template` scans, the HTML report
//! in headless Chromium, and live scans against moto, which `common` starts once for the
//! whole binary on first use.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod cli;
mod common;
mod html;
mod live;
mod templates;

/// Every Rust file under tests/ (fixtures aside) is a module of this binary: a file outside
/// tests/integration/, or one its parent does not declare with `mod`, would never run and
/// never fail.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    fn rust_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    let tests = common::repo_root().join("tests");
    let integration = tests.join("integration");
    let mut files = Vec::new();
    rust_files(&tests, &mut files);
    files.retain(|file| !file.starts_with(tests.join("fixtures")));
    let mut orphans = Vec::new();
    for file in &files {
        let Ok(relative) = file.strip_prefix(&integration) else {
            orphans.push(format!("{} is outside tests/integration/", file.display()));
            continue;
        };
        if relative == std::path::Path::new("main.rs") {
            continue;
        }
        let stem = file.file_stem().unwrap().to_str().unwrap();
        // `a/b.rs` is declared in `a.rs`; a top-level file in main.rs.
        let parent = match relative.parent() {
            Some(dir) if dir.as_os_str().is_empty() => integration.join("main.rs"),
            Some(dir) => integration.join(dir).with_extension("rs"),
            None => integration.join("main.rs"),
        };
        let declared = std::fs::read_to_string(&parent)
            .is_ok_and(|text| text.lines().any(|l| l.trim() == format!("mod {stem};")));
        if !declared {
            orphans.push(format!(
                "{} is not declared (`mod {stem};`) in {}",
                file.display(),
                parent.display()
            ));
        }
    }
    assert!(files.len() > 10, "found only {files:?}");
    assert!(orphans.is_empty(), "{}", orphans.join("\n"));
}
