//! Typed suppressions in every format: a muted result carries `MutedBy` (the status it would
//! have, the reason, the owner, the expiry) and each renderer writes those fields as its
//! format types them; a report written before suppressions were typed (the note only) still
//! renders them. The SARIF, OCSF and JUnit outputs are validated against the vendored schemas
//! (`tests/schemas/`) with the moto virtualenv's Python (`mocks/.venv`).
#![allow(clippy::unwrap_used, clippy::panic)]

use faascan_checks::Options;
use faascan_checks::check::{CheckResult, MutedBy, Severity, Status};
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::Inventory;
use faascan_reports::report::Report;
use serde_json::{Value, json};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> Inventory {
    let text = std::fs::read_to_string(root().join("../mocks/demo/inventory.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

const REASON: &str = "public website by design, <b>reviewed</b> | \"ok\"";
const OWNER: &str = "platform-team";
const EXPIRES: &str = "2027-03-31";

/// The demo report with three failures muted: one typed with an owner and expiry, one typed
/// with neither, one as an older report carries it (the note only).
struct Muted {
    report: Report,
    typed: CheckResult,
    bare: CheckResult,
    legacy: CheckResult,
}

fn muted_report() -> Muted {
    let inventory = demo();
    let selection = Selection {
        checks: [
            "iam-role-admin-access",
            "kms-key-rotation-disabled",
            "lambda-function-url-unauthenticated",
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
    let mut results = evaluate(&inventory, &options, &checks);
    let failing: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == Status::Fail)
        .map(|(i, _)| i)
        .collect();
    assert!(failing.len() >= 3, "the demo has failures to mute");
    let mute = |r: &mut CheckResult, owner: Option<&str>, expires: Option<&str>| {
        r.muted = Some(Box::new(MutedBy {
            was: r.status,
            reason: REASON.to_owned(),
            owner: owner.map(str::to_owned),
            expires: expires.map(str::to_owned),
        }));
        r.status = Status::Muted;
    };
    mute(&mut results[failing[0]], Some(OWNER), Some(EXPIRES));
    mute(&mut results[failing[1]], None, None);
    let legacy = &mut results[failing[2]];
    legacy.note = Some(faascan_reports::context::muted_note(
        Status::Fail,
        "legacy reason",
        Some("old-owner"),
        Some("2026-12-31"),
    ));
    legacy.status = Status::Muted;
    let (typed, bare, legacy) = (
        results[failing[0]].clone(),
        results[failing[1]].clone(),
        results[failing[2]].clone(),
    );
    let mut report = Report::new(&inventory, results, checks.len(), catalogue_version());
    report.selected_checks = Some(checks.iter().map(|c| c.meta.id.to_owned()).collect());
    Muted {
        report,
        typed,
        bare,
        legacy,
    }
}

fn hex(r: &CheckResult) -> String {
    format!("{:016x}", r.fingerprint)
}

#[test]
fn json_keeps_the_muted_object_and_types_an_older_note() {
    let m = muted_report();
    let json: Value = serde_json::from_str(&m.report.to_json().unwrap()).unwrap();
    let by_fp = |r: &CheckResult| {
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["fingerprint"] == hex(r))
            .unwrap()
            .clone()
    };
    let typed = by_fp(&m.typed);
    assert_eq!(typed["status"], "muted");
    assert_eq!(
        typed["muted"],
        json!({"was": "fail", "reason": REASON, "owner": OWNER, "expires": EXPIRES})
    );
    assert!(typed.get("note").is_none(), "no prose note is needed");
    assert_eq!(
        by_fp(&m.bare)["muted"],
        json!({"was": "fail", "reason": REASON})
    );
    // Read from the note, written typed, and the note kept as it was.
    let legacy = by_fp(&m.legacy);
    assert_eq!(
        legacy["muted"],
        json!({"was": "fail", "reason": "legacy reason", "owner": "old-owner", "expires": "2026-12-31"})
    );
    assert!(legacy["note"].as_str().unwrap().starts_with("muted (fail)"));
    // Exactly one `muted` key per result (the typed one is not written twice).
    let text = m.report.to_json().unwrap();
    assert_eq!(text.matches("\"muted\": {").count(), 3);
}

#[test]
fn sarif_types_the_suppression_and_keeps_the_failure_level() {
    let m = muted_report();
    let sarif: Value =
        serde_json::from_str(&faascan_reports::sarif::render(&m.report).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let by_fp = |r: &CheckResult| {
        results
            .iter()
            .find(|x| x["partialFingerprints"]["faascan/v1"] == hex(r))
            .unwrap_or_else(|| panic!("{} is in the SARIF", r.check_id))
    };
    let level = |s: Severity| match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    };
    let typed = by_fp(&m.typed);
    assert_eq!(
        typed["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": REASON,
            "properties": {"was": "fail", "owner": OWNER, "expires": EXPIRES},
        }])
    );
    assert_eq!(
        typed["level"],
        level(m.typed.severity),
        "the real status's level"
    );
    assert_eq!(
        by_fp(&m.bare)["suppressions"][0]["properties"],
        json!({"was": "fail"})
    );
    assert_eq!(
        by_fp(&m.legacy)["suppressions"][0],
        json!({
            "kind": "external",
            "status": "accepted",
            "justification": "legacy reason",
            "properties": {"was": "fail", "owner": "old-owner", "expires": "2026-12-31"},
        })
    );
    let failures = m
        .report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .count();
    assert_eq!(results.len(), failures + 3, "failures and muted failures");
    assert_eq!(
        results
            .iter()
            .filter(|x| x.get("suppressions").is_some())
            .count(),
        3
    );
}

#[test]
fn markdown_lists_the_muted_results_with_their_suppressions() {
    let m = muted_report();
    let md = faascan_reports::markdown::render(&m.report).unwrap();
    assert!(md.contains("### Muted (3)"), "{md}");
    assert!(md.contains("| severity | check | resource | was | reason | owner | expires |"));
    let escaped = faascan_reports::markdown::md_escape(REASON);
    let row = md
        .lines()
        .find(|l| {
            l.contains(&faascan_reports::markdown::md_escape(&m.typed.resource.arn))
                && l.contains("| fail |")
        })
        .unwrap_or_else(|| panic!("no muted row for the typed result:\n{md}"));
    assert!(
        row.ends_with(&format!(
            "| fail | {escaped} | {} | {EXPIRES} |",
            faascan_reports::markdown::md_escape(OWNER)
        )),
        "{row}"
    );
    assert!(!md.contains("<b>"), "the reason cannot inject markup");
    assert!(
        md.contains("| fail | legacy reason | old-owner | 2026-12-31 |"),
        "{md}"
    );
}

/// RFC 4180 rows (quoted cells may hold commas, quotes and line breaks).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[test]
fn csv_has_a_column_per_suppression_field() {
    let m = muted_report();
    let rows = csv_rows(&faascan_reports::csv::render(&m.report).unwrap());
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let row = |r: &CheckResult| {
        rows.iter()
            .find(|row| row[col("fingerprint")] == hex(r))
            .unwrap()
    };
    let typed = row(&m.typed);
    assert_eq!(typed[col("status")], "muted");
    assert_eq!(typed[col("muted_was")], "fail");
    assert_eq!(typed[col("muted_reason")], REASON);
    assert_eq!(typed[col("muted_owner")], OWNER);
    assert_eq!(typed[col("muted_expires")], EXPIRES);
    let bare = row(&m.bare);
    assert_eq!(
        (
            bare[col("muted_was")].as_str(),
            bare[col("muted_owner")].as_str()
        ),
        ("fail", "")
    );
    assert_eq!(row(&m.legacy)[col("muted_owner")], "old-owner");
    let unmuted = rows
        .iter()
        .skip(1)
        .filter(|r| r[col("status")] != "muted" && r[col("check_id")] != "coverage");
    assert!(unmuted.clone().count() > 0);
    assert!(
        unmuted
            .clone()
            .all(|r| r[col("muted_was")].is_empty() && r[col("muted_reason")].is_empty())
    );
}

#[test]
fn ocsf_and_asff_type_the_suppression() {
    let m = muted_report();
    let ocsf: Vec<Value> =
        serde_json::from_str(&faascan_reports::ocsf::render(&m.report).unwrap()).unwrap();
    let record = ocsf
        .iter()
        .find(|x| x["metadata"]["uid"] == hex(&m.typed))
        .unwrap();
    assert_eq!(
        (&record["status_id"], &record["status"]),
        (&json!(3), &json!("Suppressed"))
    );
    assert_eq!(record["unmapped"]["muted_status"], "fail");
    assert_eq!(record["unmapped"]["muted_reason"], REASON);
    assert_eq!(record["unmapped"]["muted_owner"], OWNER);
    assert_eq!(record["unmapped"]["muted_expires"], EXPIRES);
    let bare = ocsf
        .iter()
        .find(|x| x["metadata"]["uid"] == hex(&m.bare))
        .unwrap();
    assert!(
        bare["unmapped"].get("muted_owner").is_none(),
        "absent, not null"
    );

    let asff: Vec<Value> = faascan_reports::asff::render(&m.report)
        .unwrap()
        .lines()
        .flat_map(|line| {
            let batch: Value = serde_json::from_str(line).unwrap();
            batch["Findings"].as_array().unwrap().clone()
        })
        .collect();
    let finding = asff
        .iter()
        .find(|f| f["Id"].as_str().unwrap().ends_with(&hex(&m.typed)))
        .unwrap();
    assert_eq!(finding["Workflow"]["Status"], "SUPPRESSED");
    assert_eq!(
        finding["Compliance"]["Status"], "FAILED",
        "from the real status"
    );
    let fields = &finding["ProductFields"];
    assert_eq!(fields["faascan/muted_was"], "fail");
    assert_eq!(fields["faascan/muted_reason"], REASON);
    assert_eq!(fields["faascan/muted_owner"], OWNER);
    assert_eq!(fields["faascan/muted_expires"], EXPIRES);
    let note = finding["Note"]["Text"].as_str().unwrap();
    assert!(
        note.contains(REASON) && note.contains(OWNER) && note.contains(EXPIRES),
        "{note}"
    );
    assert_eq!(
        asff.iter()
            .filter(|f| f["Workflow"]["Status"] == "SUPPRESSED")
            .count(),
        3
    );
}

#[test]
fn junit_html_table_and_evidence_type_the_suppression() {
    let m = muted_report();
    let junit = faascan_reports::junit::render(&m.report).unwrap();
    let case = junit
        .split("<testcase ")
        .find(|c| {
            c.contains(&format!("name=\"{}\"", m.typed.resource.arn))
                && c.contains(&format!("classname=\"{}\"", m.typed.check_id))
        })
        .unwrap();
    assert!(case.contains("<skipped type=\"muted\" message=\"muted (fail): public website by design, &lt;b&gt;reviewed&lt;/b&gt; | &quot;ok&quot;\">"), "{case}");
    assert!(
        case.contains(&format!("owner: {OWNER}")) && case.contains(&format!("expires: {EXPIRES}")),
        "{case}"
    );

    let html = faascan_reports::html::render(&m.report).unwrap();
    let start = html
        .find("<script id=\"faascan-data\" type=\"application/json\">")
        .unwrap();
    let data = &html[start..];
    let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
    assert!(
        !data.contains("<b>"),
        "the embedded data cannot start markup"
    );
    let data: Value = serde_json::from_str(data).unwrap();
    let resources = data["resources"].as_array().unwrap();
    let row = data["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| {
            let resource = row[3].as_u64().unwrap() as usize;
            resources[resource][0] == *m.typed.resource.arn
                && data["checks"][row[0].as_u64().unwrap() as usize]["id"] == *m.typed.check_id
        })
        .unwrap();
    assert_eq!(row[1], 3, "muted");
    assert_eq!(
        row[8],
        json!({"was": "fail", "reason": REASON, "owner": OWNER, "expires": EXPIRES})
    );

    let table = faascan_reports::table::render(
        &m.report,
        &faascan_reports::table::Options {
            width: 200,
            verbose: true,
            ..Default::default()
        },
    );
    let section = &table[table.find("MUTED (3)").unwrap()..];
    assert!(section.contains(&format!("owner: {OWNER}")), "{section}");
    assert!(
        section.contains(&format!("expires: {EXPIRES}")),
        "{section}"
    );

    let bundle = faascan_reports::evidence::bundle(&m.report, "{}", None).unwrap();
    let muted = bundle.iter().find(|f| f.path == "muted.json").unwrap();
    let muted: Vec<Value> = serde_json::from_slice(&muted.contents).unwrap();
    assert_eq!(muted.len(), 3);
    assert!(
        muted
            .iter()
            .any(|x| x["owner"] == OWNER && x["expires"] == EXPIRES && x["status"] == "fail")
    );
}

/// SARIF against the OASIS 2.1.0 schema, OCSF records against the 1.3.0 Detection Finding
/// schema and JUnit against the strict Ant schema, with the muted results in them.
#[test]
fn the_outputs_with_muted_results_are_valid_against_their_schemas() {
    let m = muted_report();
    let dir = std::env::temp_dir().join(format!("faascan-muted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).unwrap();
    };
    write(
        "report.sarif",
        faascan_reports::sarif::render(&m.report).unwrap(),
    );
    write(
        "report.ocsf.json",
        faascan_reports::ocsf::render(&m.report).unwrap(),
    );
    write(
        "report.junit.xml",
        faascan_reports::junit::render(&m.report).unwrap(),
    );
    let python = root().join("../mocks/.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: create the moto virtualenv (see README, running the tests)",
        python.display()
    );
    let script = r#"
import json, sys
import jsonschema
from lxml import etree
out, schemas = sys.argv[1], sys.argv[2]
sarif = json.load(open(out + "/report.sarif"))
jsonschema.Draft4Validator(json.load(open(schemas + "/sarif-schema-2.1.0.json"))).validate(sarif)
assert sum("suppressions" in r for r in sarif["runs"][0]["results"]) == 3
ocsf = jsonschema.Draft202012Validator(json.load(open(schemas + "/ocsf-1.3.0-detection_finding-cloud.schema.json")))
records = json.load(open(out + "/report.ocsf.json"))
errors = [(i, e.message[:120]) for i, r in enumerate(records) for e in ocsf.iter_errors(r)]
assert not errors, errors[:5]
assert sum(r["status_id"] == 3 for r in records) == 3
xsd = etree.XMLSchema(etree.parse(schemas + "/JUnit.xsd"))
junit = etree.parse(out + "/report.junit.xml")
assert xsd.validate(junit), xsd.error_log
assert len(junit.getroot().findall("./testsuite/testcase/skipped[@type='muted']")) == 3
print("ok")
"#;
    let run = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&dir)
        .arg(root().join("tests/schemas"))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        run.status.success() && String::from_utf8_lossy(&run.stdout).trim() == "ok",
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A writer that takes `room` bytes, then fails.
struct Full {
    room: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left",
            ));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failed_write_is_an_error_in_every_format_not_an_empty_report() {
    let m = muted_report();
    type Writer = fn(&Report, &mut dyn std::io::Write) -> Result<(), faascan_reports::RenderError>;
    let formats: [(&str, Writer); 8] = [
        ("json", |r, out| r.write_json(out)),
        ("csv", faascan_reports::csv::write),
        ("junit", faascan_reports::junit::write),
        ("markdown", faascan_reports::markdown::write),
        ("html", faascan_reports::html::write),
        ("ocsf", faascan_reports::ocsf::write),
        ("asff", faascan_reports::asff::write),
        ("sarif", faascan_reports::sarif::write),
    ];
    for (name, write) in formats {
        let mut whole = Vec::new();
        write(&m.report, &mut whole).unwrap();
        for room in [0, 100, whole.len() / 2, whole.len() - 1] {
            let err = write(&m.report, &mut Full { room }).expect_err(name);
            assert_eq!(
                err.io_kind(),
                Some(std::io::ErrorKind::StorageFull),
                "{name} at {room} bytes: {err}"
            );
        }
        assert!(
            write(&m.report, &mut Full { room: whole.len() }).is_ok(),
            "{name} fits exactly"
        );
    }
}
