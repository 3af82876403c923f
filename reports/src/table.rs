//! The console report, for a security team reading it top down: what was not read, then the
//! summary (counts by severity and status, attack paths, gaps, what changed since the
//! baseline), then attack paths, then failures grouped by resource or by check with one line
//! per finding (evidence and remediation behind `--verbose`), then unknown results and gaps.
//! Every line fits the width; every string from the account is sanitised and cut to a display
//! length before it is laid out, so a hostile 100,000-character name costs what a short one
//! does.

use crate::compliance;
use crate::context;
use crate::coverage::CoverageStatus;
use crate::report::Report;
use crate::text::{display, sanitize, width as text_width};
use faascan_checks::check::{Category, CheckResult, Severity, Status};
use faascan_checks::registry::REGISTRY;
use std::collections::BTreeMap;

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// How failures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    /// Under each resource, its failing checks: what to fix where.
    #[default]
    Resource,
    /// Under each check, the resources that fail it: one fix applied everywhere.
    Check,
}

#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Terminal columns.
    pub width: usize,
    pub verbose: bool,
    /// ANSI colour for headings and severities; the caller enables it only for a terminal
    /// and never when NO_COLOR is set. Account strings are never coloured.
    pub colour: bool,
    pub group_by: GroupBy,
    /// `--compliance FRAMEWORK`: the framework's controls with their status.
    pub compliance: Option<&'a str>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            width: 100,
            verbose: false,
            colour: false,
            group_by: GroupBy::Resource,
            compliance: None,
        }
    }
}

/// Narrowest layout faascan keeps to, whatever the terminal says.
const MIN_WIDTH: usize = 60;
/// How many unknown results and gaps are listed without `--verbose`.
const SHOWN: usize = 20;

struct Out<'a> {
    text: String,
    options: Options<'a>,
}

impl Out<'_> {
    fn width(&self) -> usize {
        self.options.width.max(MIN_WIDTH)
    }
    /// Columns a check id may take in a line: at most half the width.
    fn id_width(&self) -> usize {
        (self.width() / 2).min(48)
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.options.colour {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_owned()
        }
    }
    fn line(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push('\n');
    }
    fn blank(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }
    /// Static text in parts joined by ` · `, wrapped at the width.
    fn wrapped(&mut self, indent: usize, text: &str) {
        let mut line = " ".repeat(indent);
        let mut first = true;
        for part in text.split(" · ") {
            let sep = if first { "" } else { " · " };
            if !first && text_width(&line) + sep.len() + text_width(part) > self.width() {
                self.line(&line);
                line = " ".repeat(indent + 2);
                line.push_str(part);
            } else {
                line.push_str(sep);
                line.push_str(part);
            }
            first = false;
        }
        self.line(&line);
    }
    /// Account text, sanitised, cut to `max` columns, and wrapped at word boundaries.
    fn paragraph(&mut self, indent: usize, text: &str, max: usize) {
        self.painted_paragraph(None, indent, text, max);
    }
    fn painted_paragraph(&mut self, code: Option<&str>, indent: usize, text: &str, max: usize) {
        let text = display(text, max);
        let room = self.width().saturating_sub(indent).max(20);
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let word = display(word, room);
            if !line.is_empty() && text_width(&line) + 1 + text_width(&word) > room {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        for line in lines {
            let line = match code {
                Some(code) => self.paint(code, &line),
                None => line,
            };
            let full = format!("{}{line}", " ".repeat(indent));
            self.line(&full);
        }
    }
    fn heading(&mut self, code: &str, text: &str) {
        self.blank();
        let painted = self.paint(code, text);
        self.line(&painted);
    }
    /// `indent` + already-safe `lead` + account text cut to what remains of the width.
    fn fitted(&mut self, indent: usize, lead: &str, rest: &str) {
        let used = indent + visible_width(lead);
        let room = self.width().saturating_sub(used).max(10);
        let line = format!("{}{lead}{}", " ".repeat(indent), display(rest, room));
        self.line(&line);
    }
}

/// Columns a line takes on screen: ANSI colour sequences take none.
fn visible_width(s: &str) -> usize {
    let mut width = 0;
    let mut rest = s;
    while let Some(start) = rest.find('\u{1b}') {
        width += text_width(&rest[..start]);
        rest = &rest[start..];
        rest = rest.find('m').map_or("", |end| &rest[end + 1..]);
    }
    width + text_width(rest)
}

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;35",
        Severity::High => "1;31",
        Severity::Medium => "1;33",
        Severity::Low => "1;34",
        Severity::Info => "1",
    }
}

fn severity_label(out: &Out<'_>, s: Severity) -> String {
    let label = format!("{:<8}", s.as_str().to_uppercase());
    out.paint(severity_code(s), &label)
}

fn is_path(check_id: &str) -> bool {
    REGISTRY
        .iter()
        .any(|c| c.meta.id == check_id && c.meta.category == Category::AttackPath)
}

fn message(r: &CheckResult) -> String {
    let first = r
        .findings
        .first()
        .map(|f| f.message.as_str())
        .unwrap_or_default();
    if r.findings.len() > 1 {
        format!("{first} (+{} more)", r.findings.len() - 1)
    } else {
        first.to_owned()
    }
}

fn new_mark(report: &Report, r: &CheckResult) -> &'static str {
    if report.is_new_failure(r) { "NEW " } else { "" }
}

/// The whole message, evidence and remediation under a finding, with `--verbose`.
fn details(out: &mut Out<'_>, r: &CheckResult, indent: usize) {
    if !out.options.verbose {
        return;
    }
    for f in &r.findings {
        out.paragraph(indent + 2, &f.message, 2000);
        for e in &f.evidence {
            out.paragraph(indent + 4, &format!("{} = {}", e.path, e.value), 1000);
        }
    }
    // By check, the remediation is printed once under the check.
    if out.options.group_by == GroupBy::Resource || is_path(&r.check_id) {
        fix(out, &r.check_id, indent);
    }
}

fn fix(out: &mut Out<'_>, check_id: &str, indent: usize) {
    if let Some(c) = context::of(check_id) {
        out.line(&format!("{}fix:", " ".repeat(indent + 2)));
        for step in c.remediation_text.lines() {
            out.paragraph(indent + 4, step, 600);
        }
        out.fitted(indent + 2, "more: ", &format!("faascan explain {}", c.id));
    }
}

fn summary(out: &mut Out<'_>, report: &Report) {
    out.heading("1", "SUMMARY");
    let n = |s: Status, sev: Option<Severity>| report.count(s, sev);
    let by_sev: Vec<String> = SEVERITIES
        .iter()
        .filter(|s| n(Status::Fail, Some(**s)) > 0)
        .map(|s| format!("{} {}", n(Status::Fail, Some(*s)), s.as_str()))
        .collect();
    out.wrapped(
        2,
        &format!(
            "{} failing{} · {} pass · {} unknown · {} muted",
            n(Status::Fail, None),
            if by_sev.is_empty() {
                String::new()
            } else {
                format!(" ({})", by_sev.join(", "))
            },
            n(Status::Pass, None),
            n(Status::Unknown, None),
            n(Status::Muted, None)
        ),
    );
    let paths: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail && is_path(&r.check_id))
        .collect();
    if !paths.is_empty() {
        let mut by_check: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &paths {
            *by_check.entry(&r.check_id).or_default() += 1;
        }
        let list: Vec<String> = by_check.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        out.fitted(
            2,
            &format!("attack paths: {} ", paths.len()),
            &format!("({})", list.join(", ")),
        );
    }
    if !report.gaps.is_empty() {
        let mut by_op: BTreeMap<String, usize> = BTreeMap::new();
        for g in &report.gaps {
            *by_op
                .entry(display(&format!("{}:{}", g.service, g.operation), 60))
                .or_default() += 1;
        }
        let mut ops: Vec<(String, usize)> = by_op.into_iter().collect();
        ops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let list: Vec<String> = ops
            .iter()
            .take(4)
            .map(|(op, n)| format!("{op} ×{n}"))
            .collect();
        out.fitted(
            2,
            &format!("gaps: {} call(s) not completed: ", report.gaps.len()),
            &list.join(", "),
        );
    }
    if let Some(diff) = &report.diff {
        out.wrapped(2, &format!(
            "since the baseline: {} new failure(s) (marked NEW) · {} resolved · {} new result(s) · {} gone · {} changed",
            diff.new_failures,
            diff.resolved_failures,
            diff.new.len(),
            diff.removed.len(),
            diff.changed.len()
        ));
    }
    let verdict = if !report.coverage.scan_complete {
        "INCOMPLETE SCAN (resources may be missing)"
    } else if report.incomplete {
        "incomplete (some results unknown)"
    } else {
        "complete"
    };
    let rows = |status| {
        report
            .coverage
            .rows
            .iter()
            .filter(|r| r.status == status)
            .count()
    };
    out.wrapped(2, &format!(
        "coverage: {verdict} · {} complete · {} partially read · {} incomplete · {} not read · {} not selected",
        rows(CoverageStatus::Complete),
        rows(CoverageStatus::Partial),
        rows(CoverageStatus::Incomplete),
        rows(CoverageStatus::NotRead),
        rows(CoverageStatus::NotSelected),
    ));
    out.wrapped(
        2,
        &format!(
            "{} checks · {} results · {} gaps · {} calls · {:.1} s",
            report.summary.checks_run,
            report.results.len(),
            report.gaps.len(),
            report.calls.operations,
            report.summary.duration_seconds
        ),
    );
    if let Some(pacing) = report.calls.pacing_summary() {
        out.wrapped(2, &format!("quotas: {pacing}"));
    }
    out.blank();
    out.line(&format!(
        "  {:<10}{:>7}{:>7}{:>9}{:>7}",
        "severity", "fail", "pass", "unknown", "muted"
    ));
    for s in SEVERITIES {
        let counts =
            [Status::Fail, Status::Pass, Status::Unknown, Status::Muted].map(|st| n(st, Some(s)));
        if counts.iter().all(|c| *c == 0) {
            continue;
        }
        out.line(&format!(
            "  {:<10}{:>7}{:>7}{:>9}{:>7}",
            s.as_str(),
            counts[0],
            counts[1],
            counts[2],
            counts[3]
        ));
    }
}

fn attack_paths(out: &mut Out<'_>, report: &Report) {
    let paths: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail && is_path(&r.check_id))
        .collect();
    if paths.is_empty() {
        return;
    }
    out.heading("1;31", &format!("ATTACK PATHS ({})", paths.len()));
    for r in paths {
        let lead = format!(
            "{} {}{}  ",
            severity_label(out, r.severity),
            new_mark(report, r),
            display(&r.check_id, out.id_width())
        );
        out.fitted(2, &lead, &message(r));
        details(out, r, 4);
    }
}

fn failures(out: &mut Out<'_>, report: &Report) {
    let failing: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail && !is_path(&r.check_id))
        .collect();
    if failing.is_empty() {
        return;
    }
    // Groups keep the report's order (most severe first); a group sorts by its worst finding,
    // then by how many it has.
    let mut groups: Vec<(&str, Vec<&CheckResult>)> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for r in failing.iter().copied() {
        let key: &str = match out.options.group_by {
            GroupBy::Resource => &r.resource.arn,
            GroupBy::Check => &r.check_id,
        };
        let i = *index.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    groups.sort_by(|a, b| {
        let worst = |g: &[&CheckResult]| g.iter().map(|r| r.severity).max();
        worst(&b.1)
            .cmp(&worst(&a.1))
            .then(b.1.len().cmp(&a.1.len()))
            .then(a.0.cmp(b.0))
    });
    let what = match out.options.group_by {
        GroupBy::Resource => "by resource",
        GroupBy::Check => "by check",
    };
    out.heading(
        "1",
        &format!(
            "FAILURES ({} in {} {}, {what})",
            failing.len(),
            groups.len(),
            match out.options.group_by {
                GroupBy::Resource => "resources",
                GroupBy::Check => "checks",
            }
        ),
    );
    for (key, results) in groups {
        out.blank();
        match out.options.group_by {
            GroupBy::Resource => {
                let r = results[0];
                let kind = serde_json::to_value(r.resource.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let tail = format!("  ({kind}, {})", display(&r.resource.region, 20));
                let room = out.width().saturating_sub(text_width(&tail) + 2).max(20);
                let head = format!("  {}{tail}", display(&r.resource.name, room));
                out.line(&head);
                out.fitted(2, "", key);
                // Template-declared resources: where to fix them.
                if let Some(at) = report.sources.get(key) {
                    out.fitted(2, "at ", &format!("{}:{}:{}", at.file, at.line, at.column));
                }
                let id_width = results
                    .iter()
                    .map(|r| text_width(&display(&r.check_id, out.id_width())))
                    .max()
                    .unwrap_or(0);
                for r in results {
                    let id = display(&r.check_id, out.id_width());
                    let pad = " ".repeat(id_width.saturating_sub(text_width(&id)));
                    let lead = format!(
                        "{} {}{id}{pad}  ",
                        severity_label(out, r.severity),
                        new_mark(report, r)
                    );
                    out.fitted(4, &lead, &message(r));
                    if let Some(at) = location(report, r) {
                        out.fitted(6, "at ", &at);
                    }
                    details(out, r, 6);
                }
            }
            GroupBy::Check => {
                let title = context::of(key).map_or("", |c| c.title);
                let head = format!("  {} · {} ({})", display(key, 48), title, results.len());
                let head = display(&head, out.width());
                out.line(&head);
                if out.options.verbose {
                    fix(out, key, 2);
                }
                for r in results {
                    let lead = format!(
                        "{} {}{}  ",
                        severity_label(out, r.severity),
                        new_mark(report, r),
                        display(&r.resource.name, 40)
                    );
                    out.fitted(4, &lead, &message(r));
                    if out.options.verbose {
                        out.fitted(6, "resource: ", &r.resource.arn);
                    }
                    if let Some(at) = location(report, r) {
                        out.fitted(6, "at ", &at);
                    }
                    details(out, r, 6);
                }
            }
        }
    }
}

fn unknowns(out: &mut Out<'_>, report: &Report) {
    let unknown: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Unknown)
        .collect();
    if unknown.is_empty() {
        return;
    }
    let title = format!("UNKNOWN ({})", unknown.len());
    let painted = out.paint("1;35", &title);
    out.blank();
    out.line(&format!(
        "{painted}: these could not be evaluated; they are not passes."
    ));
    let shown = if out.options.verbose {
        unknown.len()
    } else {
        unknown.len().min(SHOWN)
    };
    for r in &unknown[..shown] {
        let lead = format!("{}  ", display(&r.check_id, out.id_width()));
        out.fitted(2, &lead, &r.resource.arn);
        out.fitted(6, "why: ", r.unknown_reason.as_deref().unwrap_or_default());
    }
    if shown < unknown.len() {
        out.line(&format!(
            "  … {} more (use --verbose or --format json)",
            unknown.len() - shown
        ));
    }
}

fn gaps(out: &mut Out<'_>, report: &Report) {
    if report.gaps.is_empty() {
        return;
    }
    out.heading(
        "1",
        &format!(
            "GAPS ({}): calls that could not be completed",
            report.gaps.len()
        ),
    );
    let shown = if out.options.verbose {
        report.gaps.len()
    } else {
        report.gaps.len().min(SHOWN / 2)
    };
    for g in &report.gaps[..shown] {
        let lead = format!(
            "{} {} {}  ",
            display(&g.service, 20),
            g.region
                .as_deref()
                .map_or_else(|| "global".to_owned(), |r| display(r, 20)),
            display(&g.operation, 40)
        );
        let rest = format!(
            "{}{}: {}",
            g.resource
                .as_deref()
                .map_or_else(String::new, |r| format!("{r} ")),
            g.error_code,
            g.message
        );
        out.fitted(2, &lead, &rest);
    }
    if shown < report.gaps.len() {
        out.line(&format!(
            "  … {} more (use --verbose or --format json)",
            report.gaps.len() - shown
        ));
    }
}

fn suppressions(out: &mut Out<'_>, report: &Report) {
    let muted: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Muted)
        .collect();
    if muted.is_empty() && report.suppressions.is_none() {
        return;
    }
    out.heading("1", &format!("MUTED ({})", muted.len()));
    let shown = if out.options.verbose {
        muted.len()
    } else {
        muted.len().min(SHOWN)
    };
    for r in &muted[..shown] {
        let m = context::muted(r);
        let lead = format!(
            "{} ({})  ",
            display(&r.check_id, out.id_width()),
            m.as_ref().map_or("fail", |m| context::status_name(m.was))
        );
        out.fitted(2, &lead, &r.resource.arn);
        out.fitted(6, "reason: ", m.as_ref().map_or("", |m| m.reason.as_str()));
        if let Some(owner) = m.as_ref().and_then(|m| m.owner.as_deref()) {
            out.fitted(6, "owner: ", owner);
        }
        if let Some(expires) = m.as_ref().and_then(|m| m.expires.as_deref()) {
            out.fitted(6, "expires: ", expires);
        }
    }
    if shown < muted.len() {
        out.line(&format!("  … {} more (use --verbose)", muted.len() - shown));
    }
    if let Some(s) = &report.suppressions {
        for (key, label) in [
            ("expired", "expired, no longer applied: "),
            ("stale", "stale, matches nothing: "),
            (
                "undetermined",
                "not applied, tags unread on resources it may match: ",
            ),
        ] {
            for x in s[key].as_array().into_iter().flatten() {
                let text = format!(
                    "{} ({})",
                    x["check"].as_str().unwrap_or_default(),
                    x["reason"].as_str().unwrap_or_default()
                );
                out.fitted(2, label, &text);
            }
        }
    }
}

fn compliance_view(out: &mut Out<'_>, report: &Report, name: &str) {
    let Some(framework) = compliance::find_framework(name) else {
        out.heading(
            "1",
            &format!("COMPLIANCE: no framework matches `{}`", sanitize(name)),
        );
        out.line(&format!("  known: {}", compliance::frameworks().join(", ")));
        return;
    };
    let controls = compliance::controls(report, framework);
    let failing = controls.iter().filter(|c| c.status == "fail").count();
    out.heading("1", &format!("COMPLIANCE: {framework}"));
    out.wrapped(
        2,
        &format!(
            "{} controls · {} fail · {} pass · {} unknown · {} without resources · {} not run",
            controls.len(),
            failing,
            controls.iter().filter(|c| c.status == "pass").count(),
            controls.iter().filter(|c| c.status == "unknown").count(),
            controls
                .iter()
                .filter(|c| c.status == "no_resources")
                .count(),
            controls
                .iter()
                .filter(|c| c.status == "not_evaluated")
                .count()
        ),
    );
    out.line(&format!(
        "  {:<14}{:<9}{:>6}{:>6}{:>9}{:>7}  checks",
        "control", "status", "fail", "pass", "unknown", "muted"
    ));
    for c in &controls {
        let status = match c.status {
            "fail" => out.paint("1;31", "FAIL    "),
            "pass" => out.paint("1;32", "PASS    "),
            "unknown" => out.paint("1;33", "UNKNOWN "),
            "no_resources" => "NONE    ".to_owned(),
            "not_assessed" => out.paint("1;33", "LOOSE   "),
            _ => "NOT RUN ".to_owned(),
        };
        let lead = format!(
            "{:<14}{status} {:>5}{:>6}{:>9}{:>7}  ",
            c.control, c.fail, c.pass, c.unknown, c.muted
        );
        out.fitted(2, &lead, &c.checks.join(", "));
        if c.status == "not_assessed" || out.options.verbose {
            for note in &c.notes {
                out.paragraph(6, note, 600);
            }
        }
    }
    out.paragraph(
        2,
        "Resources per control, each counted once by its worst result. NONE: the checks ran and found no resource; NOT RUN: none of the control's checks was selected; LOOSE: the scan's threshold is looser than the control's.",
        400,
    );
}

pub fn render(report: &Report, options: &Options<'_>) -> String {
    let mut out = Out {
        text: String::new(),
        options: *options,
    };
    let regions: Vec<String> = report.regions.iter().map(|r| display(r, 30)).collect();
    let head = format!(
        "faascan {} · account {} · regions {}",
        display(&report.tool_version, 20),
        display(&report.account, 60),
        regions.join(", ")
    );
    let head = display(&head, out.width());
    out.line(&head);
    out.fitted(2, "as ", &report.caller_arn);
    // Before any result: what was not read, so no one reads the rest as the whole account.
    if let Some(headline) = report.coverage.headline() {
        out.blank();
        out.painted_paragraph(Some("1;31"), 0, headline, 400);
        let lines = report.coverage.shortfall_lines(!report.accounts.is_empty());
        let shown = if options.verbose {
            lines.len()
        } else {
            lines.len().min(SHOWN)
        };
        for line in &lines[..shown] {
            out.fitted(2, "", line);
        }
        if shown < lines.len() {
            out.line(&format!(
                "  … {} more (use --verbose or --format json)",
                lines.len() - shown
            ));
        }
    }
    summary(&mut out, report);
    if let Some(name) = options.compliance {
        compliance_view(&mut out, report, name);
    }
    attack_paths(&mut out, report);
    failures(&mut out, report);
    unknowns(&mut out, report);
    gaps(&mut out, report);
    suppressions(&mut out, report);
    if let Some(diff) = &report.diff {
        let resolved: Vec<_> = diff
            .removed
            .iter()
            .filter(|e| e.status == Status::Fail)
            .collect();
        let fixed: Vec<_> = diff
            .changed
            .iter()
            .filter(|c| c.old_status == Status::Fail && c.new_status != Status::Fail)
            .collect();
        if !resolved.is_empty() || !fixed.is_empty() {
            out.heading(
                "1;32",
                &format!(
                    "RESOLVED SINCE THE BASELINE ({})",
                    resolved.len() + fixed.len()
                ),
            );
            for e in resolved.iter().take(SHOWN) {
                let lead = format!("{} (gone)  ", display(&e.check_id, 48));
                out.fitted(2, &lead, &e.resource_arn);
            }
            for c in fixed.iter().take(SHOWN) {
                let lead = format!(
                    "{} (now {})  ",
                    display(&c.check_id, 48),
                    context::status_name(c.new_status)
                );
                out.fitted(2, &lead, &c.resource_arn);
            }
        }
    }
    out.text
}

/// `file:line:column` of what a template-declared result is about: the attribute its first
/// evidence names when the template locates it, else the resource.
fn location(report: &Report, r: &CheckResult) -> Option<String> {
    let at = report.sources.get(&*r.resource.arn)?;
    let evidence = r
        .findings
        .first()
        .and_then(|f| f.evidence.first())
        .map_or("", |e| &*e.path);
    let p = at.position_for(evidence);
    Some(format!("{}:{}:{}", at.file, p.line, p.column))
}
