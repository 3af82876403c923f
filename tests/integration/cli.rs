//! The binary's behaviour without AWS: the demo inventory, permissions, and the exit codes and
//! messages for the usual failures.

use crate::common::{faascan, repo_root};
use std::time::{Duration, Instant};

#[test]
fn the_demo_inventory_scans_offline() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo = demo.to_str().unwrap();
    let out = faascan(&["scan", "--fail-on", "none", "--inventory", demo], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("123456789012"));
    assert!(
        stdout.contains("CRITICAL"),
        "failures are grouped by severity"
    );
    assert!(stdout.contains("lambda-function-url-unauthenticated"));
    // Counted from the registry, so adding a check does not break this test.
    let checks = format!("{} checks", faascan_checks::REGISTRY.len());
    assert!(
        stdout.contains(&checks),
        "the summary line counts the checks run ({checks})"
    );
    assert!(
        out.stderr.is_empty(),
        "no progress output when stderr is not a terminal"
    );

    let summary = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--format",
            "summary",
        ],
        &[],
    );
    assert!(
        String::from_utf8(summary.stdout)
            .unwrap()
            .contains("functions")
    );

    let json = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--format",
            "json",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    let results = report["results"].as_array().unwrap();
    let find = |check: &str, name: &str| {
        results
            .iter()
            .find(|r| r["check_id"] == check && r["resource"]["name"] == name)
            .unwrap_or_else(|| panic!("no {check} result for {name}"))
    };
    // The demo's deliberate misconfigurations fail, and their clean look-alikes pass.
    assert_eq!(
        find("lambda-function-url-unauthenticated", "legacy-billing")["status"],
        "fail"
    );
    assert_eq!(
        find("lambda-function-url-unauthenticated", "webhook-receiver")["status"],
        "pass"
    );
    assert_eq!(
        find("iam-role-admin-access", "legacy-admin-role")["status"],
        "fail"
    );
    assert_eq!(
        find("iam-role-admin-access", "bounded-role")["status"],
        "pass",
        "the boundary caps PowerUserAccess"
    );
    assert_eq!(
        find(
            "iam-role-trust-cross-account-no-external-id",
            "partner-access-role"
        )["status"],
        "fail"
    );
    assert_eq!(
        find(
            "iam-role-trust-cross-account-no-external-id",
            "vendor-role-with-external-id"
        )["status"],
        "pass"
    );
    assert_eq!(
        find("s3-bucket-public-policy", "demo-public-website")["status"],
        "fail"
    );
    assert_eq!(
        find("s3-bucket-public-policy", "demo-orders-data")["status"],
        "pass"
    );
    assert_eq!(
        find("path-public-function-privileged-role", "legacy-billing")["status"],
        "fail"
    );
    let r = find("lambda-function-env-secrets", "legacy-billing");
    assert_eq!(r["status"], "fail");
    assert_eq!(
        r["resource"]["arn"],
        "arn:aws:lambda:us-east-1:123456789012:function:legacy-billing"
    );
    assert_eq!(r["resource"]["kind"], "lambda-function");
    assert!(r["fingerprint"].as_str().unwrap().len() == 16);
    for result in results {
        assert!(["pass", "fail", "unknown", "muted"].contains(&result["status"].as_str().unwrap()));
        for key in ["check_id", "severity", "resource", "findings"] {
            assert!(result.get(key).is_some(), "a result lacks {key}");
        }
    }
}

#[test]
fn the_catalogue_lists_every_check_and_explains_each() {
    let out = faascan(&["checks", "--format", "json"], &[]);
    assert!(out.status.success());
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = faascan_checks::REGISTRY.iter().map(|c| c.meta.id).collect();
    assert_eq!(ids, registry);
    assert!(
        list.iter()
            .all(|c| c["title"].is_string() && c["severity"].is_string())
    );

    let explain = faascan(&["explain", "s3-bucket-public-policy"], &[]);
    let text = String::from_utf8(explain.stdout).unwrap();
    assert!(text.contains("## Remediation") && text.contains("**Terraform**"));
    let typo = faascan(&["explain", "s3-bucket-public-polcy"], &[]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&typo.stderr).contains("did you mean `s3-bucket-public-policy`")
    );
}

#[test]
fn scan_filters_select_checks() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo = demo.to_str().unwrap();
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--format",
            "json",
            "--services",
            "kms",
            "--min-severity",
            "high",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: std::collections::BTreeSet<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["check_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        ["kms-key-pending-deletion", "kms-key-public-policy"]
    );
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--format",
            "json",
            "--checks",
            "kms-key-disabled",
            "--skip-checks",
            "kms-key-disabled",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"], serde_json::json!([]));
    let bad = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--checks",
            "no-such-check",
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    let bad = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--trusted-account",
            "12345",
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_demo_inventory_holds_no_planted_secret() {
    let text = std::fs::read_to_string(repo_root().join("mocks/demo/inventory.json")).unwrap();
    let seed = std::fs::read_to_string(repo_root().join("mocks/seed_demo.py")).unwrap();
    for secret in [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG",
        "sk_live_4eC39",
        "S3cr3tPassw0rd",
        "ghp_0123456789",
        "xK9#mP2vL8",
    ] {
        assert!(seed.contains(secret), "the demo seeds {secret}");
        assert!(
            !text.contains(secret),
            "{secret} is in the recorded demo inventory"
        );
    }
}

#[test]
fn permissions_prints_an_iam_policy_of_reads() {
    let out = faascan(&["permissions"], &[]);
    assert!(out.status.success());
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
        })
        .collect();
    assert!(actions.contains(&"lambda:ListFunctions".to_owned()));
    assert!(actions.contains(&"iam:GetAccountAuthorizationDetails".to_owned()));
    for action in &actions {
        let verb = action.split_once(':').unwrap().1;
        assert!(
            verb == "GET"
                || ["List", "Get", "Describe"]
                    .iter()
                    .any(|p| verb.starts_with(p)),
            "{action} is not a read"
        );
    }
}

#[test]
fn no_credentials_fails_fast_with_a_clear_message() {
    let started = Instant::now();
    let out = faascan(
        &[
            "inventory",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no AWS credentials"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_unreachable_endpoint_fails_fast_with_a_clear_message() {
    // A port nothing listens on: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let out = faascan(
        &[
            "inventory",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &endpoint,
            "--max-attempts",
            "2",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach the AWS endpoint"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = faascan(
        &["inventory", "--region", "us-east"],
        &[("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "y")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an AWS region name"));
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            "/nonexistent/inventory.json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = faascan(&["scan", "--fail-on", "none", "--bogus-flag"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// The demo inventory with `ListFunctions` denied in its first region (us-east-1): a whole kind
/// of resource in a region could not be listed.
fn inventory_without_lambda_listing(name: &str) -> std::path::PathBuf {
    let demo = std::fs::read_to_string(repo_root().join("mocks/demo/inventory.json")).unwrap();
    let mut inventory: serde_json::Value = serde_json::from_str(&demo).unwrap();
    inventory["regions"][0]["lambda_functions"] = serde_json::json!({"unavailable": {
        "service": "lambda",
        "region": "us-east-1",
        "operation": "ListFunctions",
        "kind": "access_denied",
        "error_code": "AccessDeniedException",
        "message": "User is not authorized to perform: lambda:ListFunctions",
        "request_id": "8f7e6d5c-0000-4000-8000-000000000001"
    }});
    let path = std::env::temp_dir().join(format!("faascan-{name}-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string(&inventory).unwrap()).unwrap();
    path
}

/// The JSON report validates against the committed schema, and the XML and CSV outputs parse,
/// for a complete scan and for one that could not list Lambda functions in a region.
#[test]
fn report_formats_are_valid() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    formats_validate(&demo, 0, "formats");
    let lost = inventory_without_lambda_listing("formats-lost");
    formats_validate(&lost, 4, "formats-lost");
    let _ = std::fs::remove_file(&lost);
}

/// The file --output-dir wrote for a format, by its extension (`json`, `ocsf.json`, ...).
fn written(dir: &std::path::Path, extension: &str) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split_once('.'))
                .is_some_and(|(_, ext)| ext == extension)
        })
        .unwrap_or_else(|| panic!("no .{extension} file in {}", dir.display()))
}

/// A configuration that mutes one failure and escalates one check, so every format shows a
/// suppression and a result whose severity is not its check's default.
fn formats_config(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("faascan-{name}-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        r#"[checks.severity]
"s3-bucket-versioning-disabled" = "critical"

[[suppressions]]
check = "s3-bucket-public-policy"
resource = "arn:aws:s3:::demo-public-website"
reason = "public website by design"
owner = "web-team"
"#,
    )
    .unwrap();
    path
}

fn formats_validate(inventory: &std::path::Path, exit: i32, name: &str) {
    let demo = inventory;
    let dir = std::env::temp_dir().join(format!("faascan-{name}-{}", std::process::id()));
    let config = formats_config(name);
    // A baseline that knew only one check: everything else failing is new.
    let baseline = std::env::temp_dir().join(format!(
        "faascan-{name}-baseline-{}.json",
        std::process::id()
    ));
    let made = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo.to_str().unwrap(),
            "--checks",
            "kms-key-disabled",
            "--output",
            baseline.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(
        made.status.code(),
        Some(exit),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--config",
            config.to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
            "--inventory",
            demo.to_str().unwrap(),
            "--format",
            "json",
            "--format",
            "junit",
            "--format",
            "csv",
            "--format",
            "markdown",
            "--format",
            "ocsf",
            "--format",
            "asff",
            "--format",
            "sarif",
            "--output-dir",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    let _ = std::fs::remove_file(&config);
    let _ = std::fs::remove_file(&baseline);
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every file written is printed, one path per line.
    let printed: Vec<std::path::PathBuf> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(std::path::PathBuf::from)
        .collect();
    assert_eq!(printed.len(), 7, "{printed:?}");
    let files: serde_json::Map<String, serde_json::Value> = printed
        .iter()
        .map(|p| {
            assert!(p.exists(), "{}", p.display());
            let name = p.file_name().unwrap().to_str().unwrap();
            assert!(name.starts_with("faascan-123456789012-"), "{name}");
            let (_, ext) = name.split_once('.').unwrap();
            (ext.to_owned(), serde_json::Value::from(p.to_str().unwrap()))
        })
        .collect();
    let files = serde_json::Value::Object(files);
    let script = r#"
import csv, json, os, sys
import jsonschema
from lxml import etree
schema = json.load(open(sys.argv[1]))
files = json.loads(sys.argv[2])
vendored = sys.argv[3]
report = json.load(open(files["json"]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)
results = report["results"]
muted = [r for r in results if r["status"] == "muted"]
new = [r for r in results if r.get("new_since_baseline")]
assert new and all(r["status"] == "fail" and r["check_id"] != "kms-key-disabled" for r in new), len(new)
assert all("new_since_baseline" in r for r in results) and report["diff"]["new_failures"] == len(new)
assert all(r["title"] and r["documentation"].startswith("https://") for r in results)
assert all(m["muted"]["was"] == "fail" and "public website by design" in m["muted"]["reason"] for m in muted)
assert set(report["checks"]) == {r["check_id"] for r in results}
assert report["parameters"]["options"]["access_key_max_age_days"] == 90
assert muted and all("note" not in r and r["muted"]["reason"].startswith("public website by design") for r in muted), muted
shortfalls = [r for r in report["coverage"]["rows"] if r["status"] not in ("complete", "not_selected")]
assert report["incomplete"] == bool(shortfalls), report["coverage"]

# JUnit: the strict Ant schema.
xsd = etree.XMLSchema(etree.parse(vendored + "/JUnit.xsd"))
junit = etree.parse(files["junit.xml"])
assert xsd.validate(junit), xsd.error_log
suites = junit.getroot()
cases = [c for c in suites.findall("./testsuite/testcase") if c.get("classname") != "coverage"]
assert len(cases) == len(results), (len(cases), len(results))
assert len(suites.findall("./testsuite/testcase/failure")) == sum(r["status"] == "fail" for r in results)
skips = [s.get("message") for s in suites.findall("./testsuite/testcase/skipped")]
assert any(m.startswith("muted (fail): public website by design") for m in skips), skips
coverage_cases = suites.findall("./testsuite[@name='coverage']/testcase")
assert len(coverage_cases) == len(shortfalls) and all(c.find("error") is not None for c in coverage_cases)
broken = etree.fromstring(etree.tostring(junit))
del broken[0].attrib["timestamp"]
assert not xsd.validate(etree.ElementTree(broken)), "the XSD bites"

# CSV
rows = list(csv.DictReader(open(files["csv"], newline="")))
coverage_rows = [r for r in rows if r["check_id"] == "coverage"]
assert len(coverage_rows) == len(shortfalls) and all(r["status"] == "incomplete" for r in coverage_rows)
rows = [r for r in rows if r["check_id"] != "coverage"]
assert len(rows) == len(results)
assert sum(r["new_since_baseline"] == "true" for r in rows) == len(new)
assert all(r["title"] and r["remediation"] and r["documentation"].startswith("https://") for r in rows)
assert sum(bool(r["muted_reason"]) for r in rows) == len(muted)
assert {r["check_id"] for r in rows} == {r["check_id"] for r in results}

# OCSF: every record against the official schema of the version it declares.
records = json.load(open(files["ocsf.json"]))
assert len(records) == len(results)
versions = {r["metadata"]["version"] for r in records}
assert len(versions) == 1, versions
version = versions.pop()
ocsf_schema = json.load(open(vendored + "/ocsf-" + version + "-detection_finding-cloud.schema.json"))
assert "/" + version + "/classes/detection_finding" in ocsf_schema["$id"], ocsf_schema["$id"]
validator = jsonschema.Draft202012Validator(ocsf_schema)
invalid = [(i, e.json_path, e.message[:120]) for i, r in enumerate(records) for e in validator.iter_errors(r)]
assert not invalid, (len(invalid), invalid[:5])
assert all(r["metadata"]["profiles"] == ["cloud"] for r in records)
assert all(r["cloud"]["region"] in report["regions"] for r in records), {r["cloud"]["region"] for r in records}
assert {r["class_uid"] for r in records} == {2004}
assert all(not r["remediation"]["desc"].startswith("See ") and len(r["remediation"]["desc"]) > 40 for r in records)
assert all(r["remediation"]["references"][0].startswith("https://") for r in records)
assert all(r["unmapped"]["incomplete"] == report["incomplete"] for r in records)
assert all(r["unmapped"]["scan_complete"] == report["coverage"]["scan_complete"] for r in records)
assert all(len(r["unmapped"]["coverage"]) == len(shortfalls) for r in records)
statuses = {(r["status_code"], r["status_id"]) for r in records}
assert ("FAIL", 1) in statuses and ("PASS", 4) in statuses and ("MUTED", 3) in statuses, statuses
broken = dict(records[0]); broken["evidences"] = [{"name": "x", "data": {}}]
assert list(validator.iter_errors(broken)), "the OCSF schema bites (evidences[].name is 1.5.0)"

# ASFF: JSON Lines of batches of at most 100 findings, one region per batch, each valid input
# for BatchImportFindings.
import botocore.session
from botocore.validate import ParamValidator
shape = botocore.session.get_session().get_service_model("securityhub").operation_model("BatchImportFindings").input_shape
batches = [json.loads(line) for line in open(files["asff.jsonl"])]
asff = [f for b in batches for f in b["Findings"]]
assert len(asff) == len(results)
for b in batches:
    assert set(b) == {"Findings"} and 1 <= len(b["Findings"]) <= 100
    regions = {f["Region"] for f in b["Findings"]}
    assert len(regions) == 1 and all(f["ProductArn"].split(":")[3] in regions for f in b["Findings"]), regions
    problems = ParamValidator().validate(b, shape)
    assert not problems.has_errors(), problems.generate_report()
assert all(f["FindingProviderFields"]["Severity"]["Label"] == f["Severity"]["Label"] and f["FindingProviderFields"]["Types"] for f in asff)
suppressed = [f for f in asff if f["Workflow"]["Status"] == "SUPPRESSED"]
assert len(suppressed) == len(muted) and all("public website by design" in f["Note"]["Text"] and f["Compliance"]["Status"] == "FAILED" for f in suppressed)
assert all(not f["Remediation"]["Recommendation"]["Text"].startswith("See ") for f in asff)
assert all(f["ProductFields"]["faascan/incomplete"] == str(report["incomplete"]).lower() for f in asff)
broken = dict(asff[0]); del broken["ProductArn"]
assert ParamValidator().validate({"Findings": [broken]}, shape).has_errors(), "the ASFF validator bites"

# SARIF: the OASIS schema, then GitHub code scanning's documented requirements and limits.
sarif = json.load(open(files["sarif"]))
sarif_schema = json.load(open(vendored + "/sarif-schema-2.1.0.json"))
jsonschema.Draft4Validator(sarif_schema, format_checker=jsonschema.FormatChecker()).validate(sarif)
assert len(sarif["runs"]) <= 20
run = sarif["runs"][0]
ids = sys.argv[4].split()
rules = run["tool"]["driver"]["rules"]
assert [rule["id"] for rule in rules] == ids, "one rule per check"
assert len(rules) <= 25000 and len(run["results"]) <= 25000
for rule in rules:
    assert rule["name"] != rule["id"] and rule["shortDescription"]["text"] != rule["fullDescription"]["text"], rule["id"]
    assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
    assert len(rule["properties"]["tags"]) <= 20 and rule["helpUri"].startswith("https://")
category = run["automationDetails"]["id"]
assert category.startswith("faascan/" + report["account"] + "/") and category.count("/") >= 2, category
failing = [r for r in results if r["status"] == "fail"]
assert len(run["results"]) == len(failing) + len(muted)
sev = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
by_fp = {r["fingerprint"]: r for r in results}
for x in run["results"]:
    r = by_fp[x["partialFingerprints"]["faascan/v1"]]
    assert x["ruleId"] == r["check_id"] and x["message"]["text"]
    assert x["properties"]["security-severity"] == sev[r["severity"]], (x["ruleId"], r["severity"])
    assert 1 <= len(x["locations"]) <= 1000 and len(x.get("relatedLocations", [])) <= 1000
    loc = x["locations"][0]
    uri = loc["physicalLocation"]["artifactLocation"]["uri"]
    assert uri and ":" not in uri and not uri.startswith("/") and ".." not in uri.split("/"), uri
    assert loc["physicalLocation"]["region"]["startLine"] >= 1
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == r["resource"]["arn"]
    for flow in x.get("codeFlows", []):
        for thread in flow["threadFlows"]:
            assert 1 <= len(thread["locations"]) <= 10000
    if r["status"] == "muted":
        assert x["suppressions"][0]["kind"] == "external" and "public website by design" in x["suppressions"][0]["justification"]
    else:
        assert "suppressions" not in x
escalated = [x for x in run["results"] if x["ruleId"] == "s3-bucket-versioning-disabled"]
assert all(x["properties"]["security-severity"] == "9.5" and x["level"] == "error" for x in escalated)
assert any("codeFlows" in x and "relatedLocations" in x for x in run["results"]), "attack paths carry their flow"
invocation = run["invocations"][0]
assert invocation["executionSuccessful"] == report["coverage"]["scan_complete"]
notes = invocation.get("toolExecutionNotifications", [])
assert len(notes) == len(shortfalls), notes
assert all(n["level"] == ("warning" if n["properties"]["status"] == "partial" else "error") for n in notes)
bad = json.loads(json.dumps(sarif)); bad["runs"][0]["results"][0]["level"] = "catastrophic"
assert list(jsonschema.Draft4Validator(sarif_schema).iter_errors(bad)), "the SARIF schema bites"
print("ok", len(results))
"#;
    let check = std::process::Command::new(crate::common::venv().join("bin/python"))
        .args(["-c", script])
        .arg(repo_root().join("docs/report.schema.json"))
        .arg(files.to_string())
        .arg(repo_root().join("reports/tests/schemas"))
        .arg(
            faascan_checks::REGISTRY
                .iter()
                .map(|c| c.meta.id)
                .collect::<Vec<_>>()
                .join(" "),
        )
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("ok "));
    let markdown = std::fs::read_to_string(written(&dir, "md")).unwrap();
    assert!(markdown.contains("### Failures"));
    let _ = std::fs::remove_dir_all(&dir);
    let several = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo.to_str().unwrap(),
            "--format",
            "json",
            "--format",
            "csv",
        ],
        &[],
    );
    assert_eq!(
        several.status.code(),
        Some(2),
        "several formats need --output-dir"
    );
}

/// Outputs and inputs that are not what they should be: an --output-dir that is a file, a full
/// device, a FIFO given as a template or an inventory. Each is one clear line and its exit code;
/// none hangs.
#[cfg(target_os = "linux")]
#[test]
fn odd_paths_are_refused_clearly_and_at_once() {
    use crate::common::faascan_within;
    use std::time::Duration;
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo = demo.to_str().unwrap();
    let scratch = std::env::temp_dir().join(format!("faascan-odd-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let file = scratch.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--output-dir",
            file.to_str().unwrap(),
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("exists and is not a directory"), "{stderr}");
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--format",
            "json",
            "-o",
            "/dev/full",
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr.matches("No space left on device").count(),
        1,
        "{stderr}"
    );
    let fifo = scratch.join("template.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.to_str().unwrap();
    let limit = Duration::from_secs(30);
    let out = faascan_within(&["scan", "--template", fifo], &[], limit);
    assert!(!out.timed_out, "--template on a FIFO hung");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("neither a file nor a directory"),
        "{}",
        out.stderr
    );
    let out = faascan_within(&["scan", "--inventory", fifo], &[], limit);
    assert!(
        !out.timed_out,
        "--inventory on a FIFO without a writer hung"
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Every ASFF batch imports into (moto's) Security Hub in its region, and reads back whole:
/// severity and types from `FindingProviderFields`, suppressed results with their note.
#[test]
fn asff_batches_import_into_security_hub() {
    let moto = crate::common::moto();
    let dir = std::env::temp_dir().join(format!("faascan-asff-{}", std::process::id()));
    let config = formats_config("asff");
    let demo = repo_root().join("mocks/demo/inventory.json");
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--config",
            config.to_str().unwrap(),
            "--inventory",
            demo.to_str().unwrap(),
            "--format",
            "asff",
            "--output-dir",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    let _ = std::fs::remove_file(&config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = r#"
import json, sys, boto3
endpoint, path = sys.argv[1], sys.argv[2]
sent = {}
lines = open(path).read().splitlines()
assert len(lines) > 1, "more than one batch: the demo has more than 100 results"
for line in lines:
    batch = json.loads(line)
    region = batch["Findings"][0]["Region"]
    hub = boto3.client("securityhub", region_name=region, endpoint_url=endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    r = hub.batch_import_findings(**batch)
    assert r["FailedCount"] == 0 and r["SuccessCount"] == len(batch["Findings"]), r
    for f in batch["Findings"]:
        sent[f["Id"]] = f
got = {}
for region in sorted({f["Region"] for f in sent.values()}):
    hub = boto3.client("securityhub", region_name=region, endpoint_url=endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    for page in hub.get_paginator("get_findings").paginate():
        for f in page["Findings"]:
            got[f["Id"]] = f
assert set(got) == set(sent), (len(got), len(sent))
for id, f in sent.items():
    back = got[id]
    assert back["FindingProviderFields"]["Severity"]["Label"] == f["Severity"]["Label"]
    assert back["Workflow"]["Status"] == f["Workflow"]["Status"]
    assert back["Compliance"]["Status"] == f["Compliance"]["Status"]
suppressed = [f for f in got.values() if f["Workflow"]["Status"] == "SUPPRESSED"]
assert suppressed and all("public website by design" in f["Note"]["Text"] for f in suppressed)
print("ok", len(lines), len(got))
"#;
    let check = std::process::Command::new(crate::common::venv().join("bin/python"))
        .args(["-c", script])
        .arg(&moto.endpoint)
        .arg(written(&dir, "asff.jsonl"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_evidence_bundle_verifies_with_sha256sum() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let dir = std::env::temp_dir().join(format!("faascan-evidence-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // A user-supplied Ed25519 key signs the manifest.
    let key = std::env::temp_dir().join(format!("faascan-evidence-key-{}.pem", std::process::id()));
    let made = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let config = formats_config("evidence");
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--config",
            config.to_str().unwrap(),
            "--inventory",
            demo.to_str().unwrap(),
            "--evidence",
            dir.to_str().unwrap(),
            "--evidence-key",
            key.to_str().unwrap(),
        ],
        &[],
    );
    let _ = std::fs::remove_file(&config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check = std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "MANIFEST.sha256"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // The manifest covers every file of the bundle but itself.
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.sha256")).unwrap();
    let listed: std::collections::BTreeSet<String> = manifest
        .lines()
        .map(|l| l.split_once("  ").unwrap().1.to_owned())
        .collect();
    let mut present = std::collections::BTreeSet::new();
    for sub in ["", "compliance"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let name = entry.file_name().into_string().unwrap();
                present.insert(if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                });
            }
        }
    }
    for unlisted in [
        "MANIFEST.sha256",
        "MANIFEST.sha256.sig",
        "MANIFEST.sha256.pub.pem",
    ] {
        assert!(present.remove(unlisted), "{unlisted} is in the bundle");
    }
    assert_eq!(listed, present);
    // The signature verifies with openssl against the signer's public key...
    let public = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&public.stdout),
        std::fs::read_to_string(dir.join("MANIFEST.sha256.pub.pem")).unwrap(),
        "the bundle names the signer's public key"
    );
    let verify = |manifest: &std::path::Path| {
        std::process::Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
            .arg(dir.join("MANIFEST.sha256.pub.pem"))
            .args(["-rawin", "-in"])
            .arg(manifest)
            .arg("-sigfile")
            .arg(dir.join("MANIFEST.sha256.sig"))
            .output()
            .unwrap()
    };
    let good = verify(&dir.join("MANIFEST.sha256"));
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
    // ...and not for a changed manifest.
    let forged = dir.join("forged.sha256");
    std::fs::write(&forged, manifest.replace("report.json", "report.jsonx")).unwrap();
    assert!(!verify(&forged).status.success());
    std::fs::remove_file(&forged).unwrap();
    let _ = std::fs::remove_file(&key);
    // Per control, the counts reconcile: resources = pass + fail + unknown + muted, and the
    // listed resources are the ones counted; the mapping review's sources are there.
    for entry in std::fs::read_dir(dir.join("compliance")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let summary: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            faascan_reports::evidence::reconcile(&summary)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(summary["source"].as_str().unwrap().contains("https://"));
            for c in summary["controls"].as_array().unwrap() {
                assert!(!c["source"].as_str().unwrap().is_empty());
            }
            assert_eq!(
                summary["parameters"]["options"]["access_key_unused_days"],
                90
            );
        }
    }
    let cis: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("compliance/cis-aws-foundations-v3-0.json")).unwrap(),
    )
    .unwrap();
    let unused = cis["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "1.12")
        .unwrap();
    assert!(
        unused["status"] == "not_assessed" || unused["status"] == "fail",
        "a 90-day scan cannot show CIS 1.12 (45 days) passed: {unused}"
    );
    assert!(
        dir.join("compliance/pci-dss-v4-0.json").exists(),
        "PCI DSS v4.0 where controls apply"
    );
    // Muted results stay visible, with their reasons, in the summaries and muted.json.
    let muted: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("muted.json")).unwrap()).unwrap();
    assert!(
        !muted.is_empty()
            && muted.iter().all(|m| m["reason"]
                .as_str()
                .unwrap()
                .contains("public website by design"))
    );
    let fsbp_md = std::fs::read_to_string(dir.join("compliance/aws-fsbp.md")).unwrap();
    assert!(fsbp_md.contains("Muted results") && fsbp_md.contains("public website by design"));
    assert!(fsbp_md.contains("## Run parameters") && fsbp_md.contains("**Incomplete scan**"));
    for required in [
        "inventory.json",
        "report.json",
        "report.html",
        "metadata.json",
        "compliance/aws-fsbp.json",
    ] {
        assert!(
            listed.contains(required),
            "{required} is missing from the bundle"
        );
    }
    // Evidence keeps passes, and the framework summary counts them.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert!(
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "pass")
    );
    let fsbp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("compliance/aws-fsbp.json")).unwrap(),
    )
    .unwrap();
    let s3_2 = fsbp["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "S3.2")
        .unwrap();
    assert!(s3_2["fail"].as_u64().unwrap() > 0 && s3_2["pass"].as_u64().unwrap() > 0);
    assert!(
        s3_2["failing_resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "arn:aws:s3:::demo-public-website")
    );
    let metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(metadata["account"], "123456789012");
    assert!(metadata["catalogue_version"].is_string() && metadata["caller_arn"].is_string());
    // Tampering is detected.
    std::fs::write(dir.join("report.json"), "{}").unwrap();
    let check = std::process::Command::new("sha256sum")
        .args(["-c", "MANIFEST.sha256"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!check.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_reports_new_resolved_and_changed_results() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let dir = std::env::temp_dir().join(format!("faascan-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Yesterday: the demo. Today: one function gets reserved concurrency, another a public URL,
    // and a bucket is deleted.
    let mut inventory: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&demo).unwrap()).unwrap();
    for f in inventory["regions"][0]["lambda_functions"]["known"]
        .as_array_mut()
        .unwrap()
    {
        match f["name"].as_str().unwrap() {
            "image-resizer" => f["reserved_concurrency"] = serde_json::json!({"known": 5}),
            "deployer" => {
                f["function_url"] = serde_json::json!({"known": {"url": "https://x", "auth_type": "NONE", "invoke_mode": null, "cors": null}});
                // The statement the console adds with AuthType NONE (urls-auth.html).
                f["resource_policy"] = serde_json::json!({"known": r#"{"Version":"2012-10-17","Statement":[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}"#});
            }
            _ => {}
        }
    }
    let buckets = inventory["s3"]["buckets"]["known"].as_array_mut().unwrap();
    buckets.retain(|b| b["name"] != "demo-partner-exchange");
    let today = dir.join("today.json");
    std::fs::write(&today, serde_json::to_string(&inventory).unwrap()).unwrap();
    let old = dir.join("old.json");
    let new = dir.join("new.json");
    for (inv, out) in [(&demo, &old), (&today, &new)] {
        let run = faascan(
            &[
                "scan",
                "--fail-on",
                "none",
                "--inventory",
                inv.to_str().unwrap(),
                "--format",
                "json",
                "--output",
                out.to_str().unwrap(),
            ],
            &[],
        );
        assert!(run.status.success());
    }
    let out = faascan(
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "new failures exit 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let same = faascan(&["diff", old.to_str().unwrap(), old.to_str().unwrap()], &[]);
    assert_eq!(same.status.code(), Some(0), "nothing new: exit 0");
    let resolved_only = faascan(&["diff", new.to_str().unwrap(), old.to_str().unwrap()], &[]);
    assert_eq!(
        resolved_only.status.code(),
        Some(1),
        "the reverse comparison has its own new failures (the deleted bucket's)"
    );
    // A crafted baseline cannot reach the terminal raw: escapes in ids are shown, not run.
    let mut hostile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    for r in hostile["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .take(3)
    {
        r["check_id"] = serde_json::json!("\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{202e}x");
        r["fingerprint"] = serde_json::json!("00000000000000ff");
        r["status"] = serde_json::json!("fail");
    }
    let hostile_path = dir.join("hostile.json");
    std::fs::write(&hostile_path, hostile.to_string()).unwrap();
    let shown = faascan(
        &[
            "diff",
            old.to_str().unwrap(),
            hostile_path.to_str().unwrap(),
        ],
        &[],
    );
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(text.contains("NEW") && text.contains("\\u{1b}"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        diff["new_failures"], 4,
        "URL unauthenticated and public policy (new), and two attack paths pass -> fail"
    );
    assert_eq!(
        diff["resolved_failures"], 7,
        "six failures of the deleted bucket, one reserved concurrency"
    );
    let changed = diff["changed"].as_array().unwrap();
    let resizer = changed
        .iter()
        .find(|c| {
            c["check_id"] == "lambda-function-no-reserved-concurrency"
                && c["resource_arn"]
                    .as_str()
                    .unwrap()
                    .ends_with(":image-resizer")
        })
        .unwrap();
    assert_eq!(
        (
            resizer["old_status"].as_str(),
            resizer["new_status"].as_str()
        ),
        (Some("fail"), Some("pass"))
    );
    let escalated = changed
        .iter()
        .find(|c| {
            c["check_id"] == "lambda-function-no-reserved-concurrency"
                && c["resource_arn"].as_str().unwrap().ends_with(":deployer")
        })
        .unwrap();
    assert_eq!(
        (
            escalated["old_severity"].as_str(),
            escalated["new_severity"].as_str()
        ),
        (Some("medium"), Some("high"))
    );
    assert!(
        diff["removed"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["resource_arn"] == "arn:aws:s3:::demo-partner-exchange")
    );
    assert!(diff["unchanged"].as_u64().unwrap() > 400);
    // The same comparison inside a scan, in the JSON report and the table.
    let scan = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            today.to_str().unwrap(),
            "--baseline",
            old.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(report["diff"]["new_failures"], 4);
    let table = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            today.to_str().unwrap(),
            "--baseline",
            old.to_str().unwrap(),
        ],
        &[],
    );
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("since the baseline: 4 new failure(s) (marked NEW) · 7 resolved"),
        "{table}"
    );
    assert!(table.find("since the baseline").unwrap() < table.find("FAILURES").unwrap());
    assert_eq!(
        table.lines().filter(|l| l.contains(" NEW ")).count(),
        4,
        "each new failure is marked"
    );
    assert!(table.contains("RESOLVED SINCE THE BASELINE (7)"));
    let bad = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            today.to_str().unwrap(),
            "--baseline",
            demo.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2), "an inventory is not a report");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes_follow_fail_on_and_strict() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo = demo.to_str().unwrap();
    let code = |extra: &[&str]| {
        let mut args = vec!["scan", "--inventory", demo, "--format", "json"];
        args.extend(extra);
        faascan(&args, &[]).status.code()
    };
    assert_eq!(
        code(&[]),
        Some(1),
        "the demo has high findings and --fail-on defaults to high"
    );
    assert_eq!(code(&["--fail-on", "none"]), Some(0));
    assert_eq!(
        code(&["--checks", "kms-key-disabled"]),
        Some(0),
        "a low finding is below the default threshold"
    );
    assert_eq!(
        code(&["--checks", "kms-key-disabled", "--fail-on", "low"]),
        Some(1)
    );
    // The versioning check is unknown on every demo bucket (a moto gap, attribute-level): the
    // scan is complete, so only --strict fails it, and then as incomplete (4).
    assert_eq!(
        code(&[
            "--checks",
            "s3-bucket-versioning-disabled",
            "--fail-on",
            "low"
        ]),
        Some(0)
    );
    assert_eq!(
        code(&[
            "--checks",
            "s3-bucket-versioning-disabled",
            "--fail-on",
            "low",
            "--strict"
        ]),
        Some(4)
    );
    assert_eq!(code(&["--fail-on", "bogus"]), Some(2));
}

/// A scan that could not list a whole kind of resource in a region exits 4 and says so in the
/// table (before the results), the JSON and the summary; attribute-level gaps alone do not
/// change the exit code unless --strict.
#[test]
fn an_incomplete_scan_exits_4_and_says_where() {
    let lost = inventory_without_lambda_listing("incomplete");
    let lost = lost.to_str().unwrap();
    let table = faascan(&["scan", "--fail-on", "none", "--inventory", lost], &[]);
    assert_eq!(
        table.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&table.stderr)
    );
    let text = String::from_utf8(table.stdout).unwrap();
    let verdict = text
        .find("INCOMPLETE SCAN")
        .expect("the table says INCOMPLETE");
    assert!(
        verdict < text.find("CRITICAL").unwrap(),
        "the verdict comes before the results"
    );
    assert!(
        text.contains("lambda us-east-1: not read (ListFunctions)"),
        "{text}"
    );
    assert_eq!(
        faascan(&["scan", "--inventory", lost], &[]).status.code(),
        Some(4),
        "4 wins over findings (1)"
    );

    let json = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            lost,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(json.status.code(), Some(4));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["incomplete"], true);
    assert_eq!(report["coverage"]["scan_complete"], false);
    let row = report["coverage"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "lambda" && r["region"] == "us-east-1")
        .unwrap();
    assert_eq!(row["status"], "not_read");
    assert_eq!(row["operations"], serde_json::json!(["ListFunctions"]));

    let summary = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            lost,
            "--format",
            "summary",
        ],
        &[],
    );
    assert_eq!(summary.status.code(), Some(4), "the summary-only path too");
    assert!(String::from_utf8_lossy(&summary.stdout).contains("INCOMPLETE SCAN"));
    let _ = std::fs::remove_file(lost);

    // The demo: four GetBucketVersioning gaps (moto), attribute-level. The scan is complete,
    // the report is not.
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo = demo.to_str().unwrap();
    let json = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(json.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["incomplete"], true);
    assert_eq!(report["coverage"]["scan_complete"], true);
    let s3 = report["coverage"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "s3")
        .unwrap();
    assert_eq!(s3["status"], "partial");
    assert_eq!(s3["gaps"], 4);
    let table = faascan(&["scan", "--fail-on", "none", "--inventory", demo], &[]);
    assert_eq!(table.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&table.stdout)
            .contains("s3 global: partially read (GetBucketVersioning)")
    );
    let strict = faascan(
        &["scan", "--fail-on", "none", "--strict", "--inventory", demo],
        &[],
    );
    assert_eq!(
        strict.status.code(),
        Some(4),
        "--strict: any gap is incomplete"
    );
    let summary = faascan(
        &[
            "scan",
            "--inventory",
            demo,
            "--format",
            "summary",
            "--strict",
        ],
        &[],
    );
    assert_eq!(summary.status.code(), Some(4));
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let bash = faascan(&["completions", "bash"], &[]);
    assert!(bash.status.success());
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(
        script.contains("--fail-on")
            && script.contains("permissions")
            && script.contains("explain")
    );
    let man = faascan(&["man"], &[]);
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH"),
        "roff output"
    );
    assert!(page.contains("faascan"));
    // Every subcommand with its options, and the exit status.
    for sub in [
        "INVENTORY",
        "SCAN",
        "PERMISSIONS",
        "INIT",
        "COMPLETIONS",
        "MAN",
        "CHECKS",
        "DIFF",
        "EXPLAIN",
    ] {
        assert!(page.contains(&format!(".SH \"FAASCAN {sub}\"")), "{sub}");
    }
    let scan = &page[page.find(".SH \"FAASCAN SCAN\"").unwrap()..];
    for option in [
        "fail\\-on",
        "output\\-dir",
        "baseline",
        "strict",
        "evidence",
        "region",
    ] {
        assert!(scan.contains(option), "scan option {option}");
    }
    let exit = &page[page.find(".SH \"EXIT STATUS\"").unwrap()..];
    for code in [
        "\\fB0\\fR",
        "\\fB1\\fR",
        "\\fB2\\fR",
        "\\fB3\\fR",
        "\\fB4\\fR",
    ] {
        assert!(exit.contains(code), "exit status {code}");
    }
    assert!(exit.contains("faascan diff: the later report has new failures"));
    let help = faascan(&["scan", "--help"], &[]);
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("Examples:"),
        "help texts show examples"
    );
}

#[test]
fn configuration_suppresses_remaps_and_is_validated() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let dir = std::env::temp_dir().join(format!("faascan-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("faascan.toml");
    std::fs::write(
        &config,
        r#"
[checks]
disable = ["lambda-function-code-signing-disabled"]

[checks.severity]
"lambda-function-tracing-disabled" = "high"

[[suppressions]]
check = "s3-bucket-*"
resource = "arn:aws:s3:::demo-access-logs"
reason = "the log bucket"
owner = "platform"

[[suppressions]]
check = "lambda-function-no-reserved-concurrency"
tags = { team = "ord*" }
reason = "orders team accepts it"
expires = "2099-01-01"

[[suppressions]]
check = "kms-key-rotation-disabled"
reason = "expired exception"
expires = "2020-01-01"

[[suppressions]]
check = "iam-role-unused"
resource = "arn:aws:iam::*:role/no-such-role"
reason = "matches nothing"
"#,
    )
    .unwrap();
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    let find = |check: &str, name: &str| {
        results
            .iter()
            .find(|r| r["check_id"] == check && r["resource"]["name"] == name)
            .unwrap_or_else(|| panic!("{check} {name}"))
    };
    // Muted by check glob + resource, with the real status, reason and owner typed.
    let muted = find("s3-bucket-logging-disabled", "demo-access-logs");
    assert_eq!(muted["status"], "muted");
    assert_eq!(muted["muted"]["was"], "fail");
    assert!(
        muted["muted"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("the log bucket")
    );
    assert_eq!(muted["muted"]["owner"], "platform");
    assert!(muted.get("note").is_none(), "no prose note: {muted}");
    assert_eq!(
        find("s3-bucket-logging-disabled", "demo-public-website")["status"],
        "fail",
        "other buckets are not muted"
    );
    // Muted by tags (orders-api is tagged team=orders, image-resizer is not tagged).
    assert_eq!(
        find("lambda-function-no-reserved-concurrency", "queue-worker")["status"],
        "muted"
    );
    assert_eq!(
        find("lambda-function-no-reserved-concurrency", "image-resizer")["status"],
        "fail"
    );
    // The expired suppression does not apply and is reported; the stale one is reported.
    assert!(
        results
            .iter()
            .any(|r| r["check_id"] == "kms-key-rotation-disabled" && r["status"] == "fail")
    );
    assert_eq!(
        report["suppressions"]["expired"][0]["check"],
        "kms-key-rotation-disabled"
    );
    assert_eq!(
        report["suppressions"]["stale"][0]["check"],
        "iam-role-unused"
    );
    // Severity remap and disabled check.
    assert!(
        results
            .iter()
            .filter(|r| r["check_id"] == "lambda-function-tracing-disabled")
            .all(|r| r["severity"] == "high")
    );
    assert!(
        !results
            .iter()
            .any(|r| r["check_id"] == "lambda-function-code-signing-disabled")
    );
    // The table reports the expired and stale suppressions.
    let table = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            demo.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
    );
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("expired, no longer applied: kms-key-rotation-disabled"),
        "{text}"
    );
    assert!(text.contains("stale, matches nothing: iam-role-unused"));

    // Validation: unknown key, unknown id (with a suggestion), bad glob: exit 2.
    for (content, expected) in [
        ("[checks]\nenabel = []\n", "unknown field"),
        (
            "[checks]\ndisable = [\"kms-key-disabeld\"]\n",
            "did you mean `kms-key-disabled`",
        ),
        (
            "[[suppressions]]\ncheck = \"s3-**\"\nreason = \"x\"\n",
            "not a valid glob",
        ),
    ] {
        std::fs::write(&config, content).unwrap();
        let out = faascan(
            &[
                "scan",
                "--inventory",
                demo.to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{content}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(expected),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // `faascan init` writes a valid starting file, and refuses to overwrite it.
    let init_dir = dir.join("init");
    std::fs::create_dir_all(&init_dir).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_faascan"))
            .args(args)
            .current_dir(&init_dir)
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    assert_eq!(run(&["init"]).status.code(), Some(2));
    let scan = run(&[
        "scan",
        "--fail-on",
        "none",
        "--inventory",
        demo.to_str().unwrap(),
    ]);
    assert!(
        scan.status.success(),
        "the template is picked up from the working directory and valid"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quiet_and_json_logs_for_schedulers() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo = demo.to_str().unwrap();
    let dir = std::env::temp_dir().join(format!("faascan-quiet-{}", std::process::id()));
    let out = faascan(
        &[
            "scan",
            "--inventory",
            demo,
            "--quiet",
            "--output-dir",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "the exit code still tells");
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "--quiet prints nothing"
    );
    assert!(written(&dir, "json").exists(), "files are still written");
    let _ = std::fs::remove_dir_all(&dir);
    let quiet_stdout = faascan(&["scan", "--inventory", demo, "--quiet"], &[]);
    assert!(quiet_stdout.stdout.is_empty());

    // Errors as JSON lines on stderr.
    let out = faascan(
        &[
            "scan",
            "--inventory",
            "/nonexistent.json",
            "--log-format",
            "json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line: serde_json::Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();
    assert_eq!(line["level"], "error");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent.json")
    );
    assert!(line["time"].is_string());

    // Progress as JSON lines (even off a terminal) for a live scan that fails fast.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let out = faascan(
        &[
            "inventory",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &endpoint,
            "--max-attempts",
            "1",
            "--log-format",
            "json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.first().unwrap()["level"], "info");
    assert_eq!(lines.last().unwrap()["level"], "error");

    // Excluding every region is a usage error.
    let out = faascan(
        &[
            "inventory",
            "--region",
            "us-east-1",
            "--exclude-region",
            "us-east-1",
            "--endpoint-url",
            &endpoint,
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_wrong_profile_is_named_in_the_error() {
    let home = std::env::temp_dir().join(format!("faascan-profile-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("config"), "[profile real]\nregion = us-east-1\n").unwrap();
    let config = home.join("config");
    let out = faascan(
        &[
            "inventory",
            "--profile",
            "prodd",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &[("AWS_CONFIG_FILE", config.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the AWS profile `prodd` is not defined"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn output_settings_come_from_the_configuration_when_the_command_line_is_silent() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let dir = std::env::temp_dir().join(format!("faascan-output-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("faascan.toml");
    let out_dir = dir.join("reports");
    std::fs::write(
        &config,
        format!(
            "[output]\nformats = [\"json\", \"csv\"]\noutput_dir = {:?}\nfail_on = \"none\"\n",
            out_dir.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = faascan(
        &[
            "scan",
            "--inventory",
            demo.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "fail_on = none from the file");
    assert!(written(&out_dir, "json").exists() && written(&out_dir, "csv").exists());
    // The command line still wins.
    let out = faascan(
        &[
            "scan",
            "--inventory",
            demo.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--fail-on",
            "high",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The edges a scheduled job trips on: a closed pipe, --output's extension, hostile and
/// oversized input, out-of-range values, a profile that does not exist.
#[test]
fn cli_edges_end_cleanly() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let demo_s = demo.to_str().unwrap();
    let dir = std::env::temp_dir().join(format!("faascan-edges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // `faascan scan | head`: the reader goes away; faascan ends quietly with 0.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_faascan"))
        .args(["scan", "--inventory", demo_s, "--format", "json"])
        .env_clear()
        .env("HOME", &dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // --output infers the format from the extension, or says it cannot.
    for (name, starts) in [
        ("r.json", "{"),
        ("r.sarif", "{"),
        ("r.junit.xml", "<?xml"),
        ("r.csv", "check_id,"),
        ("r.html", "<!DOCTYPE html>"),
        ("r.md", "## faascan"),
    ] {
        let path = dir.join(name);
        let out = faascan(
            &[
                "scan",
                "--fail-on",
                "none",
                "--inventory",
                demo_s,
                "--output",
                path.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(0), "{name}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(starts),
            "{name}: {}",
            &text[..40.min(text.len())]
        );
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let unknown = faascan(
        &[
            "scan",
            "--inventory",
            demo_s,
            "--output",
            dir.join("r.pdf").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("cannot tell the format"));

    // A time budget that would overflow is a usage error, not a panic.
    let out = faascan(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--timeout",
            "18446744073709551615",
        ],
        &[("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "y")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--timeout 18446744073709551615"));

    // An explicit profile that does not exist is an error even with keys in the environment.
    let out = faascan(
        &[
            "scan",
            "--profile",
            "prodd",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &[("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "y")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the AWS profile `prodd` is not defined")
    );

    // A byte-order mark is accepted; a string schema version is named as such.
    let text = std::fs::read_to_string(&demo).unwrap();
    let bom = dir.join("bom.json");
    std::fs::write(&bom, format!("\u{feff}{text}")).unwrap();
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            bom.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["schema_version"] = serde_json::json!("1");
    let stringy = dir.join("stringy.json");
    std::fs::write(&stringy, value.to_string()).unwrap();
    let out = faascan(&["scan", "--inventory", stringy.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("schema_version \"1\" (a string)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A device that never ends is refused by its first bytes (the size limit is the backstop).
    let out = faascan(&["diff", "/dev/zero", demo_s], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not start like JSON"));

    // Error messages never echo a raw escape from an argument or a file.
    let out = faascan(
        &[
            "scan",
            "--inventory",
            "/nonexistent/\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J.json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}') && stderr.contains("\\u{1b}"),
        "{stderr}"
    );

    // clap's own messages go through the same sanitiser.
    let out = faascan(&["scan", "--format", "\u{1b}]52;c;ZXZpbA==\u{7}x"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
    let out = faascan(
        &[
            "scan",
            "--profile",
            "\u{1b}[2Jevil",
            "--region",
            "us-east-1",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && stderr.contains("is not defined"),
        "{stderr}"
    );

    // Out-of-range configuration values are errors (exit 2) naming the key.
    let config = dir.join("range.toml");
    std::fs::write(&config, "[options]\naccess_key_max_age_days = -5\n").unwrap();
    let out = faascan(
        &[
            "scan",
            "--inventory",
            demo_s,
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("access_key_max_age_days = -5 is out of range")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The console in a pseudo-terminal 80 columns wide: the width comes from the terminal (no
/// COLUMNS), every line fits, the summary comes first, colour only on a terminal and never
/// with NO_COLOR.
#[test]
fn the_console_fits_an_80_column_terminal() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let run = |no_color: bool| {
        let command = format!(
            "stty cols 80 rows 50; exec {} scan --inventory {} --fail-on none",
            env!("CARGO_BIN_EXE_faascan"),
            demo.display()
        );
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .env("TERM", "xterm");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let coloured = run(false);
    assert!(coloured.contains("\u{1b}[1m"), "colour on a terminal");
    let plain: String = {
        let mut text = String::new();
        let mut rest = coloured.as_str();
        while let Some(start) = rest.find('\u{1b}') {
            text.push_str(&rest[..start]);
            rest = &rest[start..];
            rest = rest.find('m').map_or("", |end| &rest[end + 1..]);
        }
        text.push_str(rest);
        text
    };
    for line in plain.lines() {
        let line = line.trim_end_matches('\r');
        assert!(
            line.chars().count() <= 80,
            "wider than the terminal: {line}"
        );
    }
    let summary = plain.find("SUMMARY").unwrap();
    assert!(summary < plain.find("ATTACK PATHS").unwrap());
    assert!(plain.find("ATTACK PATHS").unwrap() < plain.find("FAILURES").unwrap());
    assert!(!run(true).contains("\u{1b}["), "NO_COLOR is honoured");
}

/// A scratch directory for one test's reports.
fn merge_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("faascan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The demo inventory as another account's (its ARNs too), written into `dir`.
fn demo_of_account(dir: &std::path::Path, account: &str) -> std::path::PathBuf {
    let demo = std::fs::read_to_string(repo_root().join("mocks/demo/inventory.json")).unwrap();
    let path = dir.join(format!("inventory-{account}.json"));
    std::fs::write(&path, demo.replace("123456789012", account)).unwrap();
    path
}

/// `faascan scan --inventory INVENTORY --format json --output OUTPUT` with `extra` arguments.
fn scan_to(inventory: &std::path::Path, output: &std::path::Path, extra: &[&str]) -> Option<i32> {
    let mut args = vec![
        "scan",
        "--fail-on",
        "none",
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend(extra);
    let out = faascan(&args, &[]);
    assert!(output.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    out.status.code()
}

fn merge_of(reports: &[&std::path::Path]) -> std::process::Output {
    let mut args = vec!["merge", "--fail-on", "none", "--format", "json"];
    args.extend(reports.iter().map(|p| p.to_str().unwrap()));
    faascan(&args, &[])
}

/// Reports scanned with different parameters (here: the whole catalogue and three checks) are
/// not one run's: the merge is refused, naming both files and the field, while reports of two
/// accounts scanned alike merge.
#[test]
fn merge_refuses_reports_of_different_runs() {
    let dir = merge_dir("merge-runs");
    let demo = repo_root().join("mocks/demo/inventory.json");
    let other = demo_of_account(&dir, "210000000077");
    let (all, also_all, three) = (
        dir.join("all.json"),
        dir.join("other-all.json"),
        dir.join("other-three.json"),
    );
    let scanned = scan_to(&demo, &all, &[]);
    scan_to(&other, &also_all, &[]);
    scan_to(
        &other,
        &three,
        &[
            "--checks",
            "kms-key-disabled,kms-key-pending-deletion,kms-key-public-policy",
        ],
    );

    let refused = merge_of(&[&all, &three]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(all.to_str().unwrap())
            && stderr.contains(three.to_str().unwrap())
            && stderr.contains("parameters.checks"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());

    // The same parameters, another account: merged, each account's rows once.
    let merged = merge_of(&[&all, &also_all]);
    assert_eq!(
        merged.status.code(),
        scanned,
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged: serde_json::Value = serde_json::from_slice(&merged.stdout).unwrap();
    let one: serde_json::Value = serde_json::from_slice(&std::fs::read(&all).unwrap()).unwrap();
    let rows = |r: &serde_json::Value| r["inventory"].as_array().unwrap().len();
    assert_eq!(rows(&merged), 2 * rows(&one));
    assert_eq!(merged["account"], "123456789012,210000000077");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An account in two reports would have its inventory and calls counted twice: refused,
/// naming the account and both files (the same report under two names, or twice over).
#[test]
fn merge_refuses_an_account_in_two_reports() {
    let dir = merge_dir("merge-twice");
    let demo = repo_root().join("mocks/demo/inventory.json");
    let (first, again) = (dir.join("first.json"), dir.join("again.json"));
    scan_to(&demo, &first, &[]);
    scan_to(&demo, &again, &[]);
    for (a, b) in [(&first, &again), (&first, &first)] {
        let refused = merge_of(&[a, b]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("account 123456789012 is in two reports")
                && stderr.contains(&format!("{} and {}", a.display(), b.display())),
            "{stderr}"
        );
        assert!(refused.stdout.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
