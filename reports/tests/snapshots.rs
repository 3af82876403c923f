//! Snapshot tests: every renderer on one canonical report (the demo inventory, six checks, a
//! fixed evaluation time). A change in output shows up as a diff of the files under
//! `tests/snapshots/`; after reviewing it, `FAASCAN_BLESS=1 cargo test -p faascan-reports`
//! rewrites them. Re-recording the demo inventory changes them too.
#![allow(clippy::unwrap_used, clippy::panic)]

use faascan_checks::Options;
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::Inventory;
use faascan_reports::report::Report;
use std::path::PathBuf;

fn canonical() -> Report {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("../mocks/demo/inventory.json")).unwrap();
    let inventory: Inventory = serde_json::from_str(&text).unwrap();
    let selection = Selection {
        checks: [
            "apigateway-method-unauthenticated",
            "iam-role-admin-access",
            "kms-key-rotation-disabled",
            "lambda-function-url-unauthenticated",
            "path-public-function-privileged-role",
            "s3-bucket-public-policy",
        ]
        .map(str::to_owned)
        .to_vec(),
        ..Selection::default()
    };
    let checks = selection.resolve().unwrap();
    let options = Options {
        now: time::macros::datetime!(2026-11-22 12:00 UTC),
        ..Options::default()
    };
    let results = evaluate(&inventory, &options, &checks);
    Report::new(&inventory, results, checks.len(), catalogue_version())
}

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("FAASCAN_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} changed (first difference at line {}):\n- {}\n+ {}\nreview, then FAASCAN_BLESS=1 cargo test -p faascan-reports",
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>")
        );
    }
}

#[test]
fn every_renderer_matches_its_snapshot() {
    let report = canonical();
    assert!(
        report.results.len() > 20,
        "the canonical report has substance"
    );
    snapshot("report.json", &(report.to_json() + "\n"));
    snapshot(
        "report.txt",
        &faascan_reports::table::render(&report, Some(140), false, false),
    );
    snapshot("report.csv", &faascan_reports::csv::render(&report));
    snapshot("report.junit.xml", &faascan_reports::junit::render(&report));
    snapshot("report.md", &faascan_reports::markdown::render(&report));
    snapshot("report.sarif", &faascan_reports::sarif::render(&report));
    snapshot("report.ocsf.json", &faascan_reports::ocsf::render(&report));
    snapshot("report.asff.json", &faascan_reports::asff::render(&report));
}
