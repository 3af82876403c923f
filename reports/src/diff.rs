//! Baseline comparison: which results are new, gone, or changed (status or severity) between two
//! reports, matched by fingerprint, so a nightly job can alert only on what changed; and a
//! template report against a live one (`drift`).

pub mod drift;

use crate::text::display;
use faascan_checks::check::{CheckResult, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The part of a JSON report a comparison needs.
#[derive(Debug, Deserialize)]
pub struct SavedReport {
    pub schema_version: u32,
    pub results: Vec<CheckResult>,
    /// `template` for a report read from templates.
    #[serde(default)]
    pub caller_arn: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    /// Logical ids by ARN (reports written before they were added have none).
    #[serde(default)]
    pub identities: std::collections::BTreeMap<String, drift::Identity>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub check_id: String,
    pub resource_arn: String,
    #[serde(with = "faascan_checks::check::hex_u64")]
    pub fingerprint: u64,
    pub old_status: Status,
    pub new_status: Status,
    pub old_severity: Severity,
    pub new_severity: Severity,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub check_id: String,
    pub resource_arn: String,
    #[serde(with = "faascan_checks::check::hex_u64")]
    pub fingerprint: u64,
    pub status: Status,
    pub severity: Severity,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Only in the new report.
    pub new: Vec<Entry>,
    /// Only in the old report (the resource or check is gone).
    pub removed: Vec<Entry>,
    /// In both, with another status or severity.
    pub changed: Vec<Change>,
    pub unchanged: usize,
    /// Failures that appeared: new results that fail, and results that changed to fail.
    pub new_failures: usize,
    /// Failures that went away: failing results that now pass or are gone.
    pub resolved_failures: usize,
}

fn entry(r: &CheckResult) -> Entry {
    Entry {
        check_id: r.check_id.to_string(),
        resource_arn: r.resource.arn.to_string(),
        fingerprint: r.fingerprint,
        status: r.status,
        severity: r.severity,
    }
}

pub fn diff(old: &[CheckResult], new: &[CheckResult]) -> Diff {
    let old_by: HashMap<u64, &CheckResult> = old.iter().map(|r| (r.fingerprint, r)).collect();
    let new_by: HashMap<u64, &CheckResult> = new.iter().map(|r| (r.fingerprint, r)).collect();
    let mut out = Diff {
        new: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
        new_failures: 0,
        resolved_failures: 0,
    };
    for r in new {
        match old_by.get(&r.fingerprint) {
            None => {
                if r.status == Status::Fail {
                    out.new_failures += 1;
                }
                out.new.push(entry(r));
            }
            Some(o) if o.status != r.status || o.severity != r.severity => {
                if r.status == Status::Fail && o.status != Status::Fail {
                    out.new_failures += 1;
                }
                if o.status == Status::Fail && r.status != Status::Fail {
                    out.resolved_failures += 1;
                }
                out.changed.push(Change {
                    check_id: r.check_id.to_string(),
                    resource_arn: r.resource.arn.to_string(),
                    fingerprint: r.fingerprint,
                    old_status: o.status,
                    new_status: r.status,
                    old_severity: o.severity,
                    new_severity: r.severity,
                });
            }
            Some(_) => out.unchanged += 1,
        }
    }
    for r in old.iter().filter(|r| !new_by.contains_key(&r.fingerprint)) {
        if r.status == Status::Fail {
            out.resolved_failures += 1;
        }
        out.removed.push(entry(r));
    }
    out
}

fn status(s: Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Diff {
    /// The fingerprints of the failures that appeared: new failing results and results that
    /// changed to fail.
    pub fn new_failure_fingerprints(&self) -> std::collections::HashSet<u64> {
        self.new
            .iter()
            .filter(|e| e.status == Status::Fail)
            .map(|e| e.fingerprint)
            .chain(
                self.changed
                    .iter()
                    .filter(|c| c.new_status == Status::Fail && c.old_status != Status::Fail)
                    .map(|c| c.fingerprint),
            )
            .collect()
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Compared with the baseline: {} new failure(s), {} resolved, {} new result(s), {} gone, {} changed, {} unchanged\n",
            self.new_failures,
            self.resolved_failures,
            self.new.len(),
            self.removed.len(),
            self.changed.len(),
            self.unchanged
        );
        for e in self.new.iter().filter(|e| e.status == Status::Fail) {
            out.push_str(&format!(
                "  + NEW {} {} {} ({})\n",
                status(e.status),
                display(&e.check_id, 100),
                display(&e.resource_arn, 300),
                e.severity.as_str()
            ));
        }
        for c in &self.changed {
            out.push_str(&format!(
                "  ~ {}{} {}: {} -> {}, {} -> {}\n",
                if c.new_status == Status::Fail && c.old_status != Status::Fail {
                    "NEW failure "
                } else {
                    ""
                },
                display(&c.check_id, 100),
                display(&c.resource_arn, 300),
                status(c.old_status),
                status(c.new_status),
                c.old_severity.as_str(),
                c.new_severity.as_str()
            ));
        }
        for e in self.removed.iter().filter(|e| e.status == Status::Fail) {
            out.push_str(&format!(
                "  - {} {} {} (gone)\n",
                status(e.status),
                display(&e.check_id, 100),
                display(&e.resource_arn, 300)
            ));
        }
        out
    }

    pub fn to_json(&self) -> Result<String, crate::RenderError> {
        serde_json::to_string_pretty(self)
            .map(|text| text + "\n")
            .map_err(crate::RenderError::json("diff"))
    }
}
