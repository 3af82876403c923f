//! Compliance views: per framework and control, the resources its checks evaluated and what
//! they found. Counts are per resource, so they reconcile: every evaluated resource has exactly
//! one status for a control (fail if any of its results for the control fails, else unknown,
//! else muted, else pass), and the failing resources listed are the failures counted.

use crate::context;
use crate::mappings;
use crate::report::Report;
use faascan_checks::check::Status;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct MutedResource {
    pub arn: String,
    pub check_id: String,
    /// What the result would have been.
    pub status: &'static str,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The suppression's expiry (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub control: &'static str,
    pub checks: Vec<&'static str>,
    /// `fail`; `unknown` (some resource could not be evaluated); `pass`; `no_resources`
    /// (the checks ran and found nothing to judge); `not_evaluated` (none of its checks was
    /// selected for this scan); `not_assessed` (the scan's threshold is looser than the
    /// control's, so its passes prove nothing).
    pub status: &'static str,
    /// Resources evaluated = pass + fail + unknown + muted.
    pub resources_evaluated: usize,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub muted: usize,
    /// Exactly `fail` resources.
    pub failing_resources: Vec<String>,
    pub unknown_resources: Vec<String>,
    /// Exactly `muted` resources (those whose every result for the control passed or was
    /// muted), with the suppression's reason.
    pub muted_resources: Vec<MutedResource>,
    /// Every muted result of the control's checks, with the reason, whatever the resource's
    /// status (a muted result on a resource that fails another check stays visible).
    pub muted_results: Vec<MutedResource>,
    /// Results behind the counts, per status (several checks may judge one resource).
    pub results: BTreeMap<&'static str, usize>,
    /// Where the control's text is.
    pub source: String,
    /// What the mapping review changed for this control, and thresholds the scan did not meet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Every framework the catalogue maps to (after the mapping review), sorted.
pub fn frameworks() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = mappings::all().iter().map(|m| m.framework).collect();
    all.sort_unstable();
    all.dedup();
    all
}

fn slug(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A framework by a name a person types: `fsbp`, `cis`, `nist`, `nist-800-53`, or the full
/// name, case and punctuation ignored.
pub fn find_framework(name: &str) -> Option<&'static str> {
    let wanted = slug(name);
    if wanted.is_empty() {
        return None;
    }
    let all = frameworks();
    all.iter()
        .find(|f| slug(f) == wanted)
        .or_else(|| {
            let matching: Vec<_> = all.iter().filter(|f| slug(f).contains(&wanted)).collect();
            (matching.len() == 1).then(|| matching[0])
        })
        .copied()
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Fail => 3,
        Status::Unknown => 2,
        Status::Muted => 1,
        Status::Pass => 0,
    }
}

/// The framework's controls, sorted by control id.
pub fn controls(report: &Report, framework: &str) -> Vec<Control> {
    let mut checks_of: BTreeMap<&'static str, Vec<mappings::Mapping>> = BTreeMap::new();
    for m in mappings::all()
        .into_iter()
        .filter(|m| m.framework == framework)
    {
        checks_of.entry(m.control).or_default().push(m);
    }
    let option = |name: &str| -> Option<i64> {
        report
            .parameters
            .as_ref()?
            .get("options")?
            .get(name)?
            .as_i64()
    };
    checks_of
        .into_iter()
        .map(|(control, maps)| {
            let checks: Vec<&'static str> = maps.iter().map(|m| m.check_id).collect();
            let counts = |r: &faascan_checks::CheckResult| {
                maps.iter().any(|m| {
                    m.check_id == &*r.check_id
                        && m.only_kinds.is_none_or(|kinds| kinds.contains(&r.resource.kind))
                })
            };
            let mut per_resource: BTreeMap<&str, Status> = BTreeMap::new();
            let mut results: BTreeMap<&'static str, usize> = BTreeMap::new();
            let mut muted_resources = Vec::new();
            for r in report.results.iter().filter(|r| counts(r)) {
                *results.entry(context::status_name(r.status)).or_default() += 1;
                let entry = per_resource.entry(&r.resource.arn).or_insert(r.status);
                if rank(r.status) > rank(*entry) {
                    *entry = r.status;
                }
                if let Some(m) = context::muted(r) {
                    let m = m.into_owned();
                    muted_resources.push(MutedResource {
                        arn: r.resource.arn.to_string(),
                        check_id: r.check_id.to_string(),
                        status: context::status_name(m.was),
                        reason: m.reason,
                        owner: m.owner,
                        expires: m.expires,
                    });
                }
            }
            let with = |s: Status| -> Vec<String> {
                per_resource
                    .iter()
                    .filter(|(_, st)| **st == s)
                    .map(|(arn, _)| (*arn).to_owned())
                    .collect()
            };
            let failing = with(Status::Fail);
            let unknown = with(Status::Unknown);
            let muted = with(Status::Muted);
            let pass = with(Status::Pass).len();
            // A muted result on a resource that fails another check of the control is not an
            // exception to report for this control's count.
            muted_resources.sort_by(|a, b| a.arn.cmp(&b.arn).then(a.check_id.cmp(&b.check_id)));
            let muted_results = muted_resources.clone();
            // By the per-resource status (what `muted` lists), not a scan of `muted` each.
            muted_resources
                .retain(|m| per_resource.get(m.arn.as_str()) == Some(&Status::Muted));
            let ran = report
                .selected_checks
                .as_ref()
                .is_none_or(|selected| checks.iter().any(|c| selected.iter().any(|s| s == c)));
            let mut notes: Vec<String> = mappings::CORRECTIONS
                .iter()
                .filter(|c| c.framework == framework && c.control == control)
                .map(|c| format!("mapping review: {} counts {}: {}", c.check_id, if c.only_kinds.is_empty() { "for no resource".to_owned() } else { format!("only for {}", c.only_kinds.iter().map(|k| serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()).collect::<Vec<_>>().join(", ")) }, c.finding))
                .collect();
            let mut too_loose = false;
            for t in mappings::THRESHOLDS
                .iter()
                .filter(|t| t.framework == framework && t.control == control)
            {
                match option(t.option) {
                    Some(v) if v > t.at_most => {
                        too_loose = true;
                        notes.push(format!(
                            "{}; the scan ran with {} = {v}, so its passes do not show the control met (set it to {} or less)",
                            t.requirement, t.option, t.at_most
                        ));
                    }
                    Some(_) => {}
                    None => notes.push(format!(
                        "{}; the scan's {} is not recorded",
                        t.requirement, t.option
                    )),
                }
            }
            let status = if !failing.is_empty() {
                "fail"
            } else if !unknown.is_empty() {
                "unknown"
            } else if !ran {
                "not_evaluated"
            } else if too_loose {
                "not_assessed"
            } else if per_resource.is_empty() {
                "no_resources"
            } else {
                "pass"
            };
            Control {
                control,
                checks,
                status,
                resources_evaluated: per_resource.len(),
                pass,
                fail: failing.len(),
                unknown: unknown.len(),
                muted: muted.len(),
                failing_resources: failing,
                unknown_resources: unknown,
                muted_resources,
                muted_results,
                results,
                source: mappings::control_source(framework, control),
                notes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frameworks_are_found_by_short_names() {
        assert_eq!(find_framework("fsbp"), Some("AWS FSBP"));
        assert_eq!(find_framework("CIS"), Some("CIS AWS Foundations v3.0"));
        assert_eq!(find_framework("nist-800-53"), Some("NIST 800-53 r5"));
        assert_eq!(find_framework("nist 800-53 r5"), Some("NIST 800-53 r5"));
        assert_eq!(find_framework("iso27001"), None);
        assert_eq!(find_framework(""), None);
    }
}
