//! The contract between a clean and a faulted scan of the same account, as functions over
//! the two reports (tested here on made-up reports): nothing became `pass` that was `fail` or
//! `unknown`, nothing vanished without a covering `unknown`, an incomplete scan says so, and
//! no Rust debug text reaches a person.

use crate::common::TimedOutput;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// Debug renderings of SDK errors that must never reach a person.
const DEBUG_TEXT: &[&str] = &[
    "StartEl",
    "ErrorMetadata",
    "Error {",
    "Some(",
    "DispatchFailure",
];

/// One scan through the proxy.
pub(super) struct Run {
    pub(super) label: String,
    pub(super) out: TimedOutput,
    pub(super) report: Option<Value>,
    /// The proxy's counters for this scan's access key.
    pub(super) stats: Value,
}

impl Run {
    pub(super) fn report(&self) -> &Value {
        self.report.as_ref().unwrap_or_else(|| {
            panic!(
                "{}: no JSON report (exit {:?})\nstderr: {}\nstdout: {}",
                self.label,
                self.out.code,
                tail(&self.out.stderr),
                tail(&self.out.stdout)
            )
        })
    }

    /// (check id, resource ARN) -> status.
    pub(super) fn results(&self) -> BTreeMap<(String, String), String> {
        results(self.report())
    }

    /// How often the proxy saw `operation` of `service` from this scan.
    pub(super) fn requests(&self, service: &str, operation: &str) -> u64 {
        self.counter(service, operation, "requests")
    }

    /// How many of those the proxy faulted.
    pub(super) fn faulted(&self, service: &str, operation: &str) -> u64 {
        self.counter(service, operation, "faulted")
    }

    fn counter(&self, service: &str, operation: &str, counter: &str) -> u64 {
        self.stats["operations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["service"] == service && r["operation"] == operation)
            .map(|r| r[counter].as_u64().unwrap())
            .sum()
    }
}

pub(super) fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(3000);
    let start = (start..=s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len());
    &s[start..]
}

pub(super) fn results(report: &Value) -> BTreeMap<(String, String), String> {
    report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results[] in the report"))
        .iter()
        .map(|r| {
            (
                (
                    r["check_id"].as_str().unwrap_or_default().to_owned(),
                    r["resource"]["arn"].as_str().unwrap_or_default().to_owned(),
                ),
                r["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// `pattern` with `*` matching any run of characters (none included) matches `text`.
pub(super) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The contract between a clean and a faulted report: nothing became `pass` that was `fail`
/// or `unknown`, and nothing vanished without an `unknown` of its check whose ARN pattern
/// covers it.
pub(super) fn compare(clean: &Run, faulted: &Run) -> Vec<String> {
    let before = clean.results();
    let after = faulted.results();
    let unknowns: Vec<(&str, &str)> = after
        .iter()
        .filter(|(_, status)| *status == "unknown")
        .map(|((check, arn), _)| (check.as_str(), arn.as_str()))
        .collect();
    let mut violations = Vec::new();
    let mut passed: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    let mut vanished: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ((check, arn), status) in &before {
        match after.get(&(check.clone(), arn.clone())) {
            Some(now) if now == "pass" && (status == "fail" || status == "unknown") => {
                passed.entry((check, status)).or_default().push(arn);
            }
            Some(_) => {}
            None => {
                let covered = unknowns
                    .iter()
                    .any(|(c, pattern)| c == check && pattern.contains('*') && glob(pattern, arn));
                if !covered {
                    vanished.entry(check).or_default().push(arn);
                }
            }
        }
    }
    for ((check, status), arns) in passed {
        violations.push(format!(
            "{check}: {} result(s) {status} -> pass ({})",
            arns.len(),
            arns.join(", ")
        ));
    }
    for (check, arns) in vanished {
        violations.push(format!(
            "{check}: {} clean result(s) vanished without a covering unknown ({})",
            arns.len(),
            arns.join(", ")
        ));
    }
    violations
}

/// Every Rust debug rendering in the run's output, as "pattern in stream: ...excerpt...".
pub(super) fn debug_excerpts(run: &Run) -> Vec<String> {
    let mut found = Vec::new();
    for (stream, text) in [("stdout", &run.out.stdout), ("stderr", &run.out.stderr)] {
        for pattern in DEBUG_TEXT {
            for (at, _) in text.match_indices(pattern).take(20) {
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(60)
                    .map_or(0, |(i, _)| i);
                let excerpt: String = text[from..].chars().take(140).collect();
                let line = format!(
                    "debug text {pattern:?} in {stream}: ...{}...",
                    excerpt.replace('\n', " ")
                );
                if !found.contains(&line) {
                    found.push(line);
                }
            }
        }
    }
    found
}

/// The report says it is incomplete: the flag, at least one gap, a coverage row that is not
/// `complete`.
pub(super) fn incomplete(run: &Run) -> Vec<String> {
    let mut violations = Vec::new();
    let Some(report) = &run.report else {
        return vec![format!(
            "no JSON report on stdout (exit {:?}; stderr: {})",
            run.out.code,
            tail(&run.out.stderr).trim()
        )];
    };
    if report["incomplete"] != true {
        violations.push(format!(
            "`incomplete` is {} (want true)",
            report["incomplete"]
        ));
    }
    if report["gaps"].as_array().is_none_or(Vec::is_empty) {
        violations.push("`gaps` is empty".to_owned());
    }
    match report["coverage"]["rows"].as_array() {
        None => violations.push("no `coverage.rows` array".to_owned()),
        Some(rows) => {
            if !rows.iter().any(|r| r["status"] != "complete") {
                violations.push("every `coverage.rows` row says complete".to_owned());
            }
        }
    }
    violations
}

/// Reports all violations at once: what was faulted -> what went wrong.
pub(super) fn assert_no_violations(what: &str, violations: &BTreeMap<String, Vec<String>>) {
    let bad: Vec<String> = violations
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}:\n    - {}", v.join("\n    - ")))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: {} of {} faulted scans broke the contract\n{}",
        bad.len(),
        violations.len(),
        bad.join("\n")
    );
}

/// A run made of a report, for testing the contract checks themselves.
fn synthetic(results: &[(&str, &str, &str)], extra: Value) -> Run {
    let mut report = json!({
        "results": results
            .iter()
            .map(|(check, arn, status)| {
                json!({"check_id": check, "status": status, "resource": {"arn": arn}})
            })
            .collect::<Vec<_>>(),
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        report[k] = v.clone();
    }
    Run {
        label: "synthetic".to_owned(),
        out: TimedOutput {
            code: Some(0),
            stdout: report.to_string(),
            stderr: String::new(),
            elapsed: Duration::ZERO,
            timed_out: false,
        },
        report: Some(report),
        stats: json!({"operations": [], "unidentified": []}),
    }
}

#[test]
fn the_contract_checks_accept_placeholders_and_catch_losses() {
    assert!(glob(
        "arn:aws:lambda:us-east-1:1:function:*",
        "arn:aws:lambda:us-east-1:1:function:a"
    ));
    assert!(glob(
        "arn:aws:apigateway:us-east-1::/restapis/*",
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/prod"
    ));
    assert!(glob(
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/*",
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/prod"
    ));
    assert!(!glob(
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/*",
        "arn:aws:apigateway:us-east-1::/restapis/y/stages/prod"
    ));
    assert!(!glob("arn:aws:s3:::*", "arn:aws:iam::1:role/r"));
    assert!(glob("a*b*c", "abc") && glob("a*b*c", "a-b-b-c") && !glob("a*b*c", "a-c-b"));

    let clean = synthetic(
        &[
            ("lambda-x", "arn:aws:lambda:us-east-1:1:function:a", "fail"),
            ("lambda-x", "arn:aws:lambda:us-east-1:1:function:b", "pass"),
            ("s3-y", "arn:aws:s3:::b1", "unknown"),
            ("s3-y", "arn:aws:s3:::b2", "fail"),
        ],
        json!({}),
    );
    // A listing placeholder covers the functions; a bucket became unknown; fine.
    let good = synthetic(
        &[
            (
                "lambda-x",
                "arn:aws:lambda:us-east-1:1:function:*",
                "unknown",
            ),
            ("s3-y", "arn:aws:s3:::b1", "unknown"),
            ("s3-y", "arn:aws:s3:::b2", "unknown"),
        ],
        json!({"incomplete": true, "gaps": [{"operation": "ListFunctions"}],
               "coverage": {"rows": [{"service": "lambda", "region": "us-east-1", "status": "not_read"}]}}),
    );
    assert_eq!(compare(&clean, &good), Vec::<String>::new());
    assert_eq!(incomplete(&good), Vec::<String>::new());
    // fail -> pass, unknown -> pass, a result lost, a placeholder of another check or without
    // a wildcard covering nothing.
    let bad = synthetic(
        &[
            ("lambda-x", "arn:aws:lambda:us-east-1:1:function:a", "pass"),
            ("s3-y", "arn:aws:s3:::b1", "pass"),
            ("s3-z", "arn:aws:s3:::*", "unknown"),
            ("lambda-x", "arn:aws:lambda:us-east-1:1", "unknown"),
        ],
        json!({"incomplete": false, "gaps": [],
               "coverage": {"rows": [{"service": "s3", "region": "us-east-1", "status": "complete"}]}}),
    );
    let violations = compare(&clean, &bad);
    assert_eq!(violations.len(), 4, "{violations:#?}");
    assert!(violations[0].contains("lambda-x") && violations[0].contains("fail -> pass"));
    assert!(violations[1].contains("s3-y") && violations[1].contains("unknown -> pass"));
    assert!(violations[2].contains("lambda-x") && violations[2].contains("function:b"));
    assert!(violations[3].contains("s3-y") && violations[3].contains("arn:aws:s3:::b2"));
    assert_eq!(incomplete(&bad).len(), 3, "{:?}", incomplete(&bad));

    let mut noisy = synthetic(&[], json!({}));
    noisy.out.stderr = "error: AccessDenied: Error { code: \"AccessDenied\" } Some(1)".to_owned();
    assert_eq!(debug_excerpts(&noisy).len(), 2);
}
