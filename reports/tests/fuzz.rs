//! Mutation fuzzing in the default test run: the demo inventory and a report mutated at random
//! (hostile and huge strings, extreme numbers, missing keys, wrong types, flipped bytes), read
//! back, evaluated and rendered in every format. No case may panic, take longer than its time
//! bound, or put a control character on a terminal or in a CSV cell. The seed is fixed, so a
//! failure reproduces; `FAASCAN_FUZZ_CASES` and `FAASCAN_FUZZ_SEED` widen a local run.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stderr)]

use faascan_checks::Options;
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::Inventory;
use faascan_reports::report::Report;
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Per case, in a debug build on a shared 2-core machine.
const TIME_BOUND: Duration = Duration::from_secs(20);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn hostile(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => "\u{1b}[2J\u{1b}[31mred\u{1b}]52;c;ZXZpbA==\u{7}".to_owned(),
        1 => "A".repeat(100_000),
        2 => "漢".repeat(20_000),
        3 => "\u{202e}gnp.exe\u{2066}\u{2028}\u{2029}\u{200b}\u{feff}\u{2060}\u{ad}\u{61c}"
            .to_owned(),
        4 => "</script><script>alert(1)</script><!--".to_owned(),
        5 => "=HYPERLINK(\"http://evil\")|cmd".to_owned(),
        6 => "\u{0}\u{7}\u{8}\u{9b}\u{85}\r\n\t".to_owned(),
        7 => String::new(),
        8 => "arn:aws:lambda:us-east-1:123456789012:function:../../etc/passwd*".to_owned(),
        9 => "x ".repeat(50_000),
        10 => "\u{10FFFF}\u{E0041}\u{FE0F}".repeat(1000),
        _ => format!("{}", rng.next()),
    }
}

/// Every JSON pointer in the document, with whether it is a string, a number or other.
fn pointers(value: &Value, at: String, out: &mut Vec<(String, u8)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        Value::String(_) => out.push((at, 0)),
        Value::Number(_) => out.push((at, 1)),
        _ => out.push((at, 2)),
    }
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let strings: Vec<&(String, u8)> = all.iter().filter(|(_, k)| *k == 0).collect();
    for _ in 0..1 + rng.below(6) {
        // Mostly hostile text where text belongs (the model reads it); sometimes a structural
        // change the reader must reject cleanly.
        if rng.below(5) != 0 {
            let (pointer, _) = strings[rng.below(strings.len())];
            if let Some(target) = doc.pointer_mut(pointer) {
                *target = Value::from(hostile(rng));
            }
            continue;
        }
        let (pointer, kind) = all[rng.below(all.len())].clone();
        let Some(target) = doc.pointer_mut(&pointer) else {
            continue;
        };
        *target = match (kind, rng.below(5)) {
            (1, 0) => Value::from(i64::MIN),
            (1, 1) => Value::from(u64::MAX),
            (1, 2) => Value::from(-1),
            (_, 3) => Value::Null,
            (_, 4) => serde_json::json!({"unexpected": hostile(rng)}),
            _ => serde_json::json!([hostile(rng)]),
        };
    }
}

fn flip_bytes(text: &str, rng: &mut Rng) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(8) {
        let i = rng.below(bytes.len());
        bytes[i] = (rng.next() & 0xff) as u8;
    }
    if rng.below(3) == 0 {
        bytes.truncate(rng.below(bytes.len()));
    }
    bytes
}

fn assert_terminal_safe(what: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|c| (c.is_control() && *c != '\n') || faascan_reports::text::is_hidden(*c))
    {
        panic!("{what} carries {:?} to the terminal", c);
    }
}

fn render_everything(report: &Report) {
    let table = faascan_reports::table::render(
        report,
        &faascan_reports::table::Options {
            width: 80,
            verbose: true,
            ..Default::default()
        },
    );
    assert_terminal_safe("the table", &table);
    for line in table.lines() {
        assert!(faascan_reports::text::width(line) <= 80, "{line}");
    }
    let by_check = faascan_reports::table::render(
        report,
        &faascan_reports::table::Options {
            width: 120,
            group_by: faascan_reports::table::GroupBy::Check,
            compliance: Some("cis"),
            ..Default::default()
        },
    );
    assert_terminal_safe("the table by check", &by_check);
    let csv = faascan_reports::csv::render(report).unwrap();
    for row in csv.split("\r\n") {
        assert!(
            !row.chars().any(char::is_control),
            "a CSV row carries a control character"
        );
    }
    let _: Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    let _: Value = serde_json::from_str(&faascan_reports::sarif::render(report).unwrap()).unwrap();
    let _: Value = serde_json::from_str(&faascan_reports::ocsf::render(report).unwrap()).unwrap();
    for line in faascan_reports::asff::render(report).unwrap().lines() {
        let batch: Value = serde_json::from_str(line).unwrap();
        assert!(batch["Findings"].as_array().unwrap().len() <= 100);
    }
    let junit = faascan_reports::junit::render(report).unwrap();
    assert!(!junit.contains('\u{1b}') && !junit.contains('\u{0}'));
    let md = faascan_reports::markdown::render(report).unwrap();
    assert!(!md.contains("<script>"));
    let html = faascan_reports::html::render(report).unwrap();
    assert!(!html.contains("<script>alert"));
    let _ = faascan_reports::evidence::bundle(report, "{}", None).unwrap();
}

#[test]
fn mutated_inventories_and_baselines_never_panic_hang_or_leak_controls() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let demo = std::fs::read_to_string(root.join("../mocks/demo/inventory.json")).unwrap();
    let base: Value = serde_json::from_str(&demo).unwrap();
    let cases: usize = std::env::var("FAASCAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let seed: u64 = std::env::var("FAASCAN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_f00d_cafe_b0ba);
    let mut rng = Rng(seed);
    let checks = Selection::default().resolve().unwrap();
    let options = Options {
        now: time::macros::datetime!(2026-11-22 12:00 UTC),
        ..Options::default()
    };
    let clean = {
        let inventory: Inventory = serde_json::from_value(base.clone()).unwrap();
        let results = evaluate(&inventory, &options, &checks);
        Report::new(&inventory, results, checks.len(), catalogue_version())
    };
    let clean_json = clean.to_json().unwrap();
    let (mut parsed, mut rejected) = (0, 0);
    for case in 0..cases {
        let start = Instant::now();
        // The inventory reader.
        let mut doc = base.clone();
        mutate(&mut doc, &mut rng);
        let text = if case % 4 == 3 {
            String::from_utf8_lossy(&flip_bytes(&doc.to_string(), &mut rng)).into_owned()
        } else {
            doc.to_string()
        };
        match serde_json::from_str::<Inventory>(&text) {
            Ok(inventory) => {
                parsed += 1;
                let results = evaluate(&inventory, &options, &checks);
                let mut report =
                    Report::new(&inventory, results, checks.len(), catalogue_version());
                // The baseline reader: a mutated report compared with this one.
                let mut old: Value = serde_json::from_str(&clean_json).unwrap();
                mutate(&mut old, &mut rng);
                if let Ok(saved) = serde_json::from_value::<faascan_reports::diff::SavedReport>(old)
                {
                    let diff = faascan_reports::diff::diff(&saved.results, &report.results);
                    assert_terminal_safe("the diff", &diff.to_text());
                    let current: faascan_reports::diff::SavedReport =
                        serde_json::from_str(&report.to_json().unwrap()).unwrap();
                    let drift = faascan_reports::diff::drift::drift(&saved, &current);
                    assert_terminal_safe("the drift", &drift.to_text());
                    report.set_diff(diff);
                }
                render_everything(&report);
            }
            Err(_) => rejected += 1,
        }
        let spent = start.elapsed();
        assert!(
            spent < TIME_BOUND,
            "case {case} (seed {seed:#x}) took {spent:?}"
        );
    }
    eprintln!("fuzz: {cases} cases, {parsed} read, {rejected} rejected");
    assert!(parsed > cases / 4, "most mutations should still parse");
}

#[test]
fn a_huge_unbroken_string_renders_in_linear_time() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let demo = std::fs::read_to_string(root.join("../mocks/demo/inventory.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&demo).unwrap();
    // Every function named with 200,000 unbroken characters.
    for region in doc["regions"].as_array_mut().unwrap() {
        if let Some(functions) = region["lambda_functions"]["known"].as_array_mut() {
            for f in functions {
                f["name"] = Value::from("N".repeat(200_000));
            }
        }
    }
    let inventory: Inventory = serde_json::from_value(doc).unwrap();
    let checks = Selection::default().resolve().unwrap();
    let results = evaluate(&inventory, &Options::default(), &checks);
    let report = Report::new(&inventory, results, checks.len(), catalogue_version());
    let start = Instant::now();
    let table = faascan_reports::table::render(
        &report,
        &faascan_reports::table::Options {
            width: 80,
            verbose: true,
            ..Default::default()
        },
    );
    let spent = start.elapsed();
    assert!(spent < Duration::from_secs(5), "the table took {spent:?}");
    assert!(table.lines().all(|l| faascan_reports::text::width(l) <= 80));
    let json = report.to_json().unwrap();
    assert!(
        json.contains(&"N".repeat(200_000)),
        "JSON keeps the full text"
    );
}
