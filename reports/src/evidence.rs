//! The evidence bundle (`faascan scan --evidence DIR`): the inventory, the JSON and HTML
//! reports, one summary per compliance framework, the scan's metadata, and `MANIFEST.sha256`
//! (verifiable with `sha256sum -c`). Passing results are kept: evidence needs proof of what
//! passed. This module only builds the files; the binary writes them.

use crate::report::Report;
use faascan_checks::check::Status;
use faascan_checks::registry::REGISTRY;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub struct BundleFile {
    /// Relative to the bundle directory, `/`-separated.
    pub path: String,
    pub contents: Vec<u8>,
}

fn slug(framework: &str) -> String {
    framework
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Per framework, per control: the checks mapped to it and what they found.
pub fn framework_summaries(report: &Report) -> BTreeMap<&'static str, Value> {
    let mut controls: BTreeMap<&'static str, BTreeMap<&'static str, Vec<&'static str>>> =
        BTreeMap::new();
    for check in REGISTRY {
        for c in check.meta.compliance {
            controls
                .entry(c.framework)
                .or_default()
                .entry(c.control)
                .or_default()
                .push(check.meta.id);
        }
    }
    controls
        .into_iter()
        .map(|(framework, controls)| {
            let rows: Vec<Value> = controls
                .into_iter()
                .map(|(control, checks)| {
                    let results: Vec<_> = report.results.iter().filter(|r| checks.contains(&&*r.check_id)).collect();
                    let n = |s: Status| results.iter().filter(|r| r.status == s).count();
                    let mut failing: Vec<&str> =
                        results.iter().filter(|r| r.status == Status::Fail).map(|r| &*r.resource.arn).collect();
                    failing.sort_unstable();
                    failing.dedup();
                    let mut evaluated: Vec<&str> = results.iter().map(|r| &*r.resource.arn).collect();
                    evaluated.sort_unstable();
                    evaluated.dedup();
                    json!({
                        "control": control,
                        "checks": checks,
                        "resources_evaluated": evaluated.len(),
                        "pass": n(Status::Pass), "fail": n(Status::Fail), "unknown": n(Status::Unknown), "muted": n(Status::Muted),
                        "status": if n(Status::Fail) > 0 { "fail" } else if n(Status::Unknown) > 0 || results.is_empty() { "unknown" } else { "pass" },
                        "failing_resources": failing,
                    })
                })
                .collect();
            (framework, json!({
                "framework": framework, "account": report.account, "scan_finished": report.scan_finished,
                "incomplete": report.incomplete, "scan_complete": report.coverage.scan_complete,
                "not_read_in_full": report.coverage.shortfall_lines(!report.accounts.is_empty()),
                "controls": rows,
            }))
        })
        .collect()
}

fn markdown_summary(summary: &Value) -> String {
    let mut out = format!(
        "# {} — account {}\n\nScan finished {}.\n\n",
        summary["framework"].as_str().unwrap_or_default(),
        crate::markdown::md_escape(summary["account"].as_str().unwrap_or_default()),
        summary["scan_finished"].as_str().unwrap_or_default()
    );
    // An auditor must see what the scan did not read before any control's status.
    let shortfalls: Vec<&str> = summary["not_read_in_full"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !shortfalls.is_empty() {
        let mut warning = String::from(if summary["scan_complete"] == Value::Bool(false) {
            "> **Incomplete scan**: parts of the account could not be read, so resources may be missing below.\n>\n"
        } else {
            "> **Incomplete scan**: some reads failed, so the results that needed them are unknown, not passed.\n>\n"
        });
        for line in shortfalls {
            warning.push_str(&format!("> - {}\n", crate::markdown::md_escape(line)));
        }
        warning.push('\n');
        out.push_str(&warning);
    }
    out.push_str("| control | status | pass | fail | unknown | resources | checks |\n|---|---|---:|---:|---:|---:|---|\n");
    for c in summary["controls"].as_array().into_iter().flatten() {
        let checks: Vec<&str> = c["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            c["control"].as_str().unwrap_or_default(),
            c["status"].as_str().unwrap_or_default(),
            c["pass"],
            c["fail"],
            c["unknown"],
            c["resources_evaluated"],
            checks.join(", ")
        ));
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file of the bundle, the manifest last.
pub fn bundle(report: &Report, inventory_json: &str) -> Vec<BundleFile> {
    let mut files = vec![
        BundleFile {
            path: "inventory.json".to_owned(),
            contents: inventory_json.as_bytes().to_vec(),
        },
        BundleFile {
            path: "report.json".to_owned(),
            contents: (report.to_json() + "\n").into_bytes(),
        },
        BundleFile {
            path: "report.html".to_owned(),
            contents: crate::html::render(report).into_bytes(),
        },
    ];
    let summaries = framework_summaries(report);
    for (framework, summary) in &summaries {
        let name = slug(framework);
        files.push(BundleFile {
            path: format!("compliance/{name}.json"),
            contents: (serde_json::to_string_pretty(summary).unwrap_or_default() + "\n")
                .into_bytes(),
        });
        files.push(BundleFile {
            path: format!("compliance/{name}.md"),
            contents: markdown_summary(summary).into_bytes(),
        });
    }
    let metadata = json!({
        "tool": "faascan",
        "tool_version": report.tool_version,
        "catalogue_version": report.catalogue_version,
        "report_schema_version": report.schema_version,
        "caller_arn": report.caller_arn,
        "account": report.account,
        "partition": report.partition,
        "regions": report.regions,
        "scan_started": report.scan_started,
        "scan_finished": report.scan_finished,
        "incomplete": report.incomplete,
        "scan_complete": report.coverage.scan_complete,
        "coverage": report.coverage.rows,
        "checks_run": report.summary.checks_run,
        "results": report.results.len(),
        "gaps": report.gaps.len(),
        "frameworks": summaries.keys().collect::<Vec<_>>(),
    });
    files.push(BundleFile {
        path: "metadata.json".to_owned(),
        contents: (serde_json::to_string_pretty(&metadata).unwrap_or_default() + "\n").into_bytes(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest: String = files
        .iter()
        .map(|f| format!("{}  {}\n", sha256_hex(&f.contents), f.path))
        .collect();
    files.push(BundleFile {
        path: "MANIFEST.sha256".to_owned(),
        contents: manifest.into_bytes(),
    });
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_hashes() {
        assert_eq!(slug("NIST 800-53 r5"), "nist-800-53-r5");
        assert_eq!(slug("CIS AWS Foundations v3.0"), "cis-aws-foundations-v3-0");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
