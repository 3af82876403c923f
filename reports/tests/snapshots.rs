//! Snapshot tests: every renderer on one canonical report (the demo inventory, six checks, a
//! fixed evaluation time). A change in output shows up as a diff of the files under
//! `tests/snapshots/` (`insta`): `cargo insta review` shows each difference to accept or reject
//! (without cargo-insta: `INSTA_UPDATE=always cargo test -p faascan-reports` and `git diff`).
//! Re-recording the demo inventory changes them too.
#![allow(clippy::unwrap_used, clippy::panic)]

use faascan_checks::Options;
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::{Attr, Gap, GapKind, Inventory};
use faascan_reports::report::Report;
use std::path::PathBuf;

fn demo() -> Inventory {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("../mocks/demo/inventory.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn canonical() -> Report {
    report_of(&demo())
}

/// The demo as a scan that lost parts of the account: `ListFunctions` denied in us-east-1
/// (with a hostile error code), `ListKeys` throttled after a page in eu-west-1.
fn incomplete_inventory() -> Inventory {
    let mut inventory = demo();
    let denied = Gap {
        service: "lambda".to_owned(),
        region: Some("us-east-1".to_owned()),
        operation: "ListFunctions".to_owned(),
        resource: None,
        kind: GapKind::AccessDenied,
        error_code: "AccessDenied<script>alert(1)</script>\u{1b}[2J|=cmd".to_owned(),
        message: "User is not authorized to perform lambda:ListFunctions".to_owned(),
        request_id: Some("0f1e2d3c".to_owned()),
    };
    inventory.regions[0].lambda_functions = Attr::Unavailable(Box::new(denied.clone()));
    inventory.gaps.push(denied);
    inventory.gaps.push(Gap {
        service: "kms".to_owned(),
        region: Some("eu-west-1".to_owned()),
        operation: "ListKeys".to_owned(),
        resource: None,
        kind: GapKind::Throttled,
        error_code: "ThrottlingException".to_owned(),
        message: "Rate exceeded".to_owned(),
        request_id: None,
    });
    inventory
}

fn report_of(inventory: &Inventory) -> Report {
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
    let results = evaluate(inventory, &options, &checks);
    let mut report = Report::new(inventory, results, checks.len(), catalogue_version());
    report.selected_checks = Some(checks.iter().map(|c| c.meta.id.to_owned()).collect());
    report
}

fn table_options(width: usize) -> faascan_reports::table::Options<'static> {
    faascan_reports::table::Options {
        width,
        ..Default::default()
    }
}

/// One renderer's output as an `insta` snapshot, `tests/snapshots/<name>.snap` (the name keeps
/// the format's extension, so a reviewer sees which output moved).
fn snapshot(name: &str, actual: &str) {
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, actual);
    });
}

fn snapshots(stem: &str, report: &Report) {
    snapshot(&format!("{stem}.json"), &(report.to_json().unwrap()));
    snapshot(
        &format!("{stem}.txt"),
        &faascan_reports::table::render(report, &table_options(100)),
    );
    snapshot(
        &format!("{stem}.csv"),
        &faascan_reports::csv::render(report).unwrap(),
    );
    snapshot(
        &format!("{stem}.junit.xml"),
        &faascan_reports::junit::render(report).unwrap(),
    );
    snapshot(
        &format!("{stem}.md"),
        &faascan_reports::markdown::render(report).unwrap(),
    );
    snapshot(
        &format!("{stem}.sarif"),
        &faascan_reports::sarif::render(report).unwrap(),
    );
    snapshot(
        &format!("{stem}.ocsf.json"),
        &faascan_reports::ocsf::render(report).unwrap(),
    );
    snapshot(
        &format!("{stem}.asff.jsonl"),
        &faascan_reports::asff::render(report).unwrap(),
    );
}

#[test]
fn every_renderer_matches_its_snapshot() {
    let report = canonical();
    assert!(
        report.results.len() > 20,
        "the canonical report has substance"
    );
    // The demo's four GetBucketVersioning gaps (moto): attribute-level only.
    assert!(report.incomplete && report.coverage.scan_complete);
    snapshots("report", &report);
    // The console at 80 columns, by check, with evidence and a framework's controls.
    let narrow = faascan_reports::table::render(
        &report,
        &faascan_reports::table::Options {
            width: 80,
            verbose: true,
            group_by: faascan_reports::table::GroupBy::Check,
            compliance: Some("fsbp"),
            ..Default::default()
        },
    );
    snapshot("report.by-check.80.txt", &narrow);
    for line in narrow.lines() {
        assert!(
            faascan_reports::text::width(line) <= 80,
            "wider than 80 columns: {line}"
        );
    }
    let wide = faascan_reports::table::render(&report, &table_options(100));
    let summary = wide.find("SUMMARY").unwrap();
    let paths = wide.find("ATTACK PATHS").unwrap();
    let failures = wide.find("FAILURES").unwrap();
    assert!(
        summary < paths && paths < failures,
        "summary, then attack paths, then failures"
    );
    for line in wide.lines() {
        assert!(faascan_reports::text::width(line) <= 100, "{line}");
    }
}

#[test]
fn an_incomplete_scan_says_so_and_where_in_every_format() {
    let report = report_of(&incomplete_inventory());
    assert!(report.incomplete && !report.coverage.scan_complete);
    snapshots("incomplete", &report);

    let table = faascan_reports::table::render(&report, &table_options(100));
    let first_result = table.find("SUMMARY").unwrap_or(table.len());
    let banner = table.find("INCOMPLETE SCAN").unwrap();
    assert!(
        banner < first_result,
        "the verdict comes before the results"
    );
    assert!(table.contains("lambda us-east-1: not read (ListFunctions)"));
    assert!(table.contains("kms eu-west-1: incomplete (ListKeys)"));
    assert!(table.contains("s3 global: partially read (GetBucketVersioning)"));
    assert!(
        !table.contains('\u{1b}'),
        "no raw escape reaches the terminal"
    );

    let json: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    assert_eq!(json["incomplete"], true);
    assert_eq!(json["coverage"]["scan_complete"], false);

    let md = faascan_reports::markdown::render(&report).unwrap();
    assert!(md.starts_with("## faascan") && md.contains("> [!WARNING]"));
    assert!(!md.contains("<script>"));

    let html = faascan_reports::html::render(&report).unwrap();
    let start = html.find("<section class=\"incomplete\"").unwrap();
    let banner = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(banner.contains("lambda us-east-1: not read (ListFunctions)"));
    assert!(banner.contains("&lt;script&gt;") && !banner.contains("<script>"));
    assert!(!banner.contains('\u{1b}'));

    let sarif: serde_json::Value =
        serde_json::from_str(&faascan_reports::sarif::render(&report).unwrap()).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[2]["level"], "warning", "partial reads are warnings");

    let junit = faascan_reports::junit::render(&report).unwrap();
    assert_eq!(junit.matches("<error type=").count(), 3);
    assert!(junit.contains("name=\"coverage lambda us-east-1\""));
    assert!(!junit.contains("<script>"));

    let csv = faascan_reports::csv::render(&report).unwrap();
    assert_eq!(
        csv.lines()
            .filter(|l| l.starts_with("coverage,incomplete,"))
            .count(),
        3
    );

    let ocsf: Vec<serde_json::Value> =
        serde_json::from_str(&faascan_reports::ocsf::render(&report).unwrap()).unwrap();
    assert!(ocsf.iter().all(|r| r["unmapped"]["incomplete"] == true
        && r["unmapped"]["coverage"][0] == "lambda us-east-1: not_read (ListFunctions)"));
    let asff: Vec<serde_json::Value> = faascan_reports::asff::render(&report)
        .unwrap()
        .lines()
        .flat_map(|line| {
            let batch: serde_json::Value = serde_json::from_str(line).unwrap();
            batch["Findings"].as_array().unwrap().clone()
        })
        .collect();
    assert!(
        asff.iter()
            .all(|r| r["ProductFields"]["faascan/scan_complete"] == "false")
    );

    let bundle = faascan_reports::evidence::bundle(&report, "{}", None).unwrap();
    let metadata = bundle.iter().find(|f| f.path == "metadata.json").unwrap();
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.contents).unwrap();
    assert_eq!(metadata["scan_complete"], false);
    assert!(metadata["coverage"].as_array().unwrap().len() > 3);
    let framework = bundle
        .iter()
        .find(|f| f.path.starts_with("compliance/") && f.path.ends_with(".md"))
        .unwrap();
    assert!(String::from_utf8_lossy(&framework.contents).contains("**Incomplete scan**"));
}

#[test]
fn a_failed_account_is_in_the_combined_coverage() {
    let report = Report::combine(
        vec![canonical()],
        vec![(
            "222222222222".to_owned(),
            "AccessDenied: sts:AssumeRole".to_owned(),
        )],
    )
    .unwrap();
    assert!(report.incomplete && !report.coverage.scan_complete);
    let table = faascan_reports::table::render(&report, &table_options(100));
    assert!(
        table.contains("222222222222 account global: not read: the account could not be scanned"),
        "{table}"
    );
    assert!(table.contains("123456789012 s3 global: partially read"));
}

#[test]
fn the_table_says_what_the_quotas_cost() {
    let quiet = faascan_reports::table::render(&canonical(), &table_options(100));
    assert!(!quiet.contains("quotas:"), "nothing to say: {quiet}");
    let mut inventory = demo();
    inventory.calls.pacing = vec![faascan_checks::model::ServicePacing {
        service: "lambda".to_owned(),
        throttled: 12,
        backoffs: 3,
        waited_ms: 40_100,
    }];
    let table = faascan_reports::table::render(&report_of(&inventory), &table_options(100));
    assert!(
        table.contains("quotas: lambda 12 throttled, 40.1 s waiting"),
        "{table}"
    );
}
