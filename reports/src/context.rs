//! What a result means to the person who acts on it, in one place for every format: the
//! check's title, description, risk, remediation, documentation link and compliance controls
//! (taken from its documentation), and a muted result's real status and reason.

use faascan_checks::check::{CheckResult, MutedBy, Severity, Status};
use faascan_checks::registry::REGISTRY;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Where a check's documentation is published (its `.md` beside the code).
pub const DOCS_BASE: &str = "https://github.com/faascan/faascan/blob/main/checks/src";

#[derive(Debug, Clone, Serialize)]
pub struct CheckContext {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// "What it checks", as plain text.
    pub description: String,
    /// "Why it matters", as plain text.
    pub risk: String,
    /// The remediation section as written (Markdown: console, AWS CLI, CloudFormation/SAM,
    /// Terraform).
    pub remediation: String,
    /// The same as plain text, one step per line.
    pub remediation_text: String,
    pub doc_url: String,
    pub references: &'static [&'static str],
    /// `framework control`, e.g. `AWS FSBP S3.2`.
    pub compliance: Vec<String>,
}

/// The text under `## heading`, up to the next heading.
pub fn section<'a>(docs: &'a str, heading: &str) -> &'a str {
    let marker = format!("## {heading}");
    let Some(start) = docs
        .match_indices(&marker)
        .find(|(i, _)| *i == 0 || docs[..*i].ends_with('\n'))
        .map(|(i, _)| i + marker.len())
    else {
        return "";
    };
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].trim()
}

/// Markdown reduced to plain text: emphasis and code marks dropped, list items one per line,
/// paragraphs joined.
pub fn plain(markdown: &str) -> String {
    let mut lines = Vec::new();
    let mut paragraph = String::new();
    for line in markdown.lines() {
        let line = line.trim();
        let item = line.strip_prefix("- ").or_else(|| line.strip_prefix("* "));
        if (line.is_empty() || item.is_some()) && !paragraph.is_empty() {
            lines.push(std::mem::take(&mut paragraph));
        }
        match item {
            Some(item) => lines.push(item.replace("**", "").replace('`', "")),
            None if !line.is_empty() => {
                if !paragraph.is_empty() {
                    paragraph.push(' ');
                }
                paragraph.push_str(&line.replace("**", "").replace('`', ""));
            }
            None => {}
        }
    }
    if !paragraph.is_empty() {
        lines.push(paragraph);
    }
    lines.join("\n")
}

/// `s3-bucket-public-policy` -> `.../checks/src/s3/bucket_public_policy.md`.
pub fn doc_url(id: &str) -> String {
    let (service, stem) = id.split_once('-').unwrap_or((id, id));
    format!("{DOCS_BASE}/{service}/{}.md", stem.replace('-', "_"))
}

fn build(check: &faascan_checks::Check) -> CheckContext {
    let m = &check.meta;
    let remediation = section(m.docs, "Remediation").to_owned();
    CheckContext {
        id: m.id,
        title: m.title,
        severity: m.severity,
        description: plain(section(m.docs, "What it checks")),
        risk: plain(section(m.docs, "Why it matters")),
        remediation_text: plain(&remediation),
        remediation,
        doc_url: doc_url(m.id),
        references: m.references,
        compliance: m
            .compliance
            .iter()
            .map(|c| format!("{} {}", c.framework, c.control))
            .collect(),
    }
}

/// The context of every registered check, built once.
pub fn all() -> &'static HashMap<&'static str, CheckContext> {
    static ALL: OnceLock<HashMap<&'static str, CheckContext>> = OnceLock::new();
    ALL.get_or_init(|| REGISTRY.iter().map(|c| (c.meta.id, build(c))).collect())
}

pub fn of(check_id: &str) -> Option<&'static CheckContext> {
    all().get(check_id)
}

const MUTED_PREFIX: &str = "muted (";

/// The note suppressions wrote on the results they muted before suppressions were typed
/// (`muted (fail): reason; owner X; until Y`); `muted` still reads it from older reports.
pub fn muted_note(real: Status, reason: &str, owner: Option<&str>, until: Option<&str>) -> String {
    format!(
        "{MUTED_PREFIX}{}): {reason}{}{}",
        status_name(real),
        owner.map_or(String::new(), |o| format!("; owner {o}")),
        until.map_or(String::new(), |e| format!("; until {e}"))
    )
}

/// A muted result's suppression: the typed `muted` the scan writes, or for a report written
/// before suppressions were typed, the same read back from its note. `None` for a result that
/// is not muted.
pub fn muted(r: &CheckResult) -> Option<Cow<'_, MutedBy>> {
    if r.status != Status::Muted {
        return None;
    }
    if let Some(by) = &r.muted {
        return Some(Cow::Borrowed(by));
    }
    let note = r.note.as_deref().unwrap_or_default();
    // A muted result without a readable note is taken as a muted failure.
    Some(Cow::Owned(parse_note(note).unwrap_or_else(|| MutedBy {
        was: Status::Fail,
        reason: note.to_owned(),
        owner: None,
        expires: None,
    })))
}

fn parse_note(note: &str) -> Option<MutedBy> {
    let rest = note.strip_prefix(MUTED_PREFIX)?;
    let (status, rest) = rest.split_once("): ")?;
    let was = match status {
        "pass" => Status::Pass,
        "fail" => Status::Fail,
        "unknown" => Status::Unknown,
        _ => return None,
    };
    // The note put the owner, then the expiry, after the reason.
    let (rest, expires) = match rest.rsplit_once("; until ") {
        Some((rest, until)) => (rest, Some(until.to_owned())),
        None => (rest, None),
    };
    let (reason, owner) = match rest.rsplit_once("; owner ") {
        Some((reason, owner)) => (reason, Some(owner.to_owned())),
        None => (rest, None),
    };
    Some(MutedBy {
        was,
        reason: reason.to_owned(),
        owner,
        expires,
    })
}

/// `was=fail; reason: ...; owner: ...; expires: ...`: a suppression on one line, for the text
/// formats.
pub fn muted_line(m: &MutedBy) -> String {
    let mut line = format!("was={}; reason: {}", status_name(m.was), m.reason);
    if let Some(owner) = &m.owner {
        line.push_str(&format!("; owner: {owner}"));
    }
    if let Some(expires) = &m.expires {
        line.push_str(&format!("; expires: {expires}"));
    }
    line
}

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::Muted => "muted",
    }
}

/// The result's severity differs from the check's default (a remap or an escalation).
pub fn regraded(r: &CheckResult) -> bool {
    of(&r.check_id).is_some_and(|c| c.severity != r.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_context_and_a_documentation_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../checks/src");
        for c in REGISTRY {
            let ctx = of(c.meta.id).unwrap_or_else(|| panic!("{}", c.meta.id));
            assert!(!ctx.description.is_empty(), "{}", ctx.id);
            assert!(!ctx.risk.is_empty(), "{}", ctx.id);
            assert!(ctx.remediation_text.lines().count() >= 2, "{}", ctx.id);
            assert!(!ctx.remediation_text.contains("**"), "{}", ctx.id);
            let file = ctx.doc_url.strip_prefix(DOCS_BASE).unwrap_or_default();
            assert!(
                root.join(file.trim_start_matches('/')).is_file(),
                "{} -> {}",
                ctx.id,
                ctx.doc_url
            );
        }
    }

    #[test]
    fn muted_notes_round_trip() {
        let note = muted_note(
            Status::Fail,
            "accepted risk",
            Some("team"),
            Some("2027-01-01"),
        );
        assert_eq!(
            note,
            "muted (fail): accepted risk; owner team; until 2027-01-01"
        );
        let rest = note.strip_prefix(MUTED_PREFIX).unwrap_or_default();
        assert!(rest.starts_with("fail): "));
        let back = parse_note(&note).unwrap_or_else(|| panic!("{note}"));
        assert_eq!(
            back,
            MutedBy {
                was: Status::Fail,
                reason: "accepted risk".to_owned(),
                owner: Some("team".to_owned()),
                expires: Some("2027-01-01".to_owned()),
            }
        );
        let bare = parse_note("muted (unknown): no owner; no expiry").unwrap_or_else(|| panic!());
        assert_eq!(
            (bare.was, bare.reason.as_str(), bare.owner, bare.expires),
            (Status::Unknown, "no owner; no expiry", None, None)
        );
    }
}
