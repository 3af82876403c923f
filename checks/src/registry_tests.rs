//! Registry invariants (ids unique, sorted, matching their files, documented, snapshotted) and
//! the fixture-driven test of every check.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stderr)]

use crate::check::{CheckResult, Status};
use crate::context::{Context, Options};
use crate::fixtures;
use crate::registry::REGISTRY;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `lambda-function-url-unauthenticated` -> (`lambda`, `function_url_unauthenticated`).
fn location(id: &str) -> (&str, String) {
    let (service, rest) = id.split_once('-').unwrap();
    (service, rest.replace('-', "_"))
}

#[test]
fn ids_are_unique_sorted_and_match_their_files() {
    let ids: Vec<&str> = REGISTRY.iter().map(|c| c.meta.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "the registry must be sorted and unique");
    for id in ids {
        let (service, stem) = location(id);
        let source = root().join(format!("src/{service}/{stem}.rs"));
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|_| panic!("{id}: {} missing", source.display()));
        assert!(
            text.contains(&format!("id: \"{id}\"")),
            "{id} is not defined in {}",
            source.display()
        );
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id} is not kebab-case"
        );
    }
}

/// Additions and removals show up in review as a diff of this snapshot.
#[test]
fn the_id_list_matches_its_snapshot() {
    let ids: Vec<&str> = REGISTRY.iter().map(|c| c.meta.id).collect();
    snapshots().bind(|| insta::assert_snapshot!("check-ids", ids.join("\n")));
}

#[test]
fn every_check_is_documented() {
    for check in REGISTRY {
        let docs = check.meta.docs;
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Remediation",
            "## Example",
            "## References",
        ] {
            assert!(
                docs.contains(section),
                "{}: docs lack `{section}`",
                check.meta.id
            );
        }
        for how in [
            "**Console**",
            "**AWS CLI**",
            "**CloudFormation",
            "**Terraform**",
        ] {
            assert!(
                docs.contains(how),
                "{}: remediation lacks {how}",
                check.meta.id
            );
        }
        assert!(
            !check.meta.title.is_empty() && !check.meta.title.ends_with('.'),
            "{}: title",
            check.meta.id
        );
        assert!(
            !check.meta.references.is_empty(),
            "{}: no references",
            check.meta.id
        );
        assert!(
            check
                .meta
                .references
                .iter()
                .all(|r| r.starts_with("https://")),
            "{}: references",
            check.meta.id
        );
        for c in check.meta.compliance {
            assert!(
                ["AWS FSBP", "CIS AWS Foundations v3.0", "NIST 800-53 r5"].contains(&c.framework),
                "{}",
                check.meta.id
            );
            assert!(!c.control.is_empty());
        }
    }
}

/// A fixture's scenarios: one, or a list of them (account-wide settings need several).
fn scenarios(id: &str) -> Vec<serde_json::Value> {
    let (service, stem) = location(id);
    let path = root().join(format!("fixtures/{service}/{stem}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{id}: fixture {} missing", path.display()));
    let document: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
    match document {
        serde_json::Value::Array(list) => list,
        single => vec![single],
    }
}

fn run_fixture(id: &str) -> Vec<(String, Status)> {
    scenarios(id)
        .iter()
        .flat_map(|fixture| judge_scenario(id, fixture, &evaluate_scenario(id, fixture)))
        .collect()
}

/// The check's results on one scenario, at the fixtures' fixed time.
fn evaluate_scenario(id: &str, fixture: &serde_json::Value) -> Vec<CheckResult> {
    let inventory = fixtures::inventory(fixture);
    let options = Options {
        now: time::macros::datetime!(2026-11-22 12:00 UTC),
        trusted_accounts: fixture["trusted_accounts"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default(),
        ..Options::default()
    };
    let cx = Context::new(&inventory, &options);
    let check = REGISTRY.iter().find(|c| c.meta.id == id).unwrap();
    (check.run)(&cx)
}

/// Checks the results against the fixture's `bad-`/`ok-`/`unknown-` names and expectations.
fn judge_scenario(
    id: &str,
    fixture: &serde_json::Value,
    results: &[CheckResult],
) -> Vec<(String, Status)> {
    let expect = fixture.get("expect").cloned().unwrap_or_default();
    let mut seen = Vec::new();
    for r in results {
        assert_eq!(r.check_id, id);
        let expected = match expect.get(&*r.resource.name).and_then(|v| v.as_str()) {
            Some("pass") => Status::Pass,
            Some("fail") => Status::Fail,
            Some("unknown") => Status::Unknown,
            Some(other) => panic!("{id}: bad expectation {other}"),
            None => {
                let name = &r.resource.name;
                // The resource's own name, or the first named part of a composite name.
                let position = |p: &'static str| name.find(p).map(|i| (i, p));
                let first = [position("bad-"), position("ok-"), position("unknown-")]
                    .into_iter()
                    .flatten()
                    .min();
                match first.map(|(_, p)| p) {
                    Some("bad-") => Status::Fail,
                    Some("ok-") => Status::Pass,
                    Some("unknown-") => Status::Unknown,
                    _ => panic!(
                        "{id}: result for `{name}` has no bad-/ok-/unknown- name and no expectation"
                    ),
                }
            }
        };
        assert_eq!(r.status, expected, "{id}: {} ({:?})", r.resource.name, r);
        if r.status == Status::Fail {
            assert!(!r.findings.is_empty(), "{id}: a failure without findings");
            assert!(
                r.findings.iter().all(|f| !f.evidence.is_empty()),
                "{id}: a finding without evidence"
            );
        }
        if r.status == Status::Unknown {
            assert!(r.unknown_reason.is_some(), "{id}: unknown without a reason");
        }
        seen.push((r.resource.name.to_string(), r.status));
    }
    // Every resource the fixture names as an expectation must be judged: a check that silently
    // skips one would otherwise pass its own test.
    for named in named_resources(fixture) {
        let judged = seen.iter().any(|(name, _)| name.contains(&named));
        if named.starts_with("skip-") {
            assert!(!judged, "{id}: `{named}` must not be judged by this check");
        } else {
            assert!(judged, "{id}: the fixture's `{named}` yields no result");
        }
    }
    seen
}

/// Names (or ids) of the fixture's resources that start with `bad-`, `ok-`, `unknown-` or
/// `skip-` (a resource the check must not judge, e.g. a container image for a runtime check).
fn named_resources(fixture: &serde_json::Value) -> Vec<String> {
    let mut names = Vec::new();
    let Some(object) = fixture.as_object() else {
        return names;
    };
    // Nested kinds judged on their own (a function's aliases) are named resources too.
    let nested = |item: &serde_json::Value| -> Vec<serde_json::Value> {
        item.get("aliases")
            .and_then(|a| a.get("known"))
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for list in object.values().filter_map(serde_json::Value::as_array) {
        let list: Vec<serde_json::Value> = list
            .iter()
            .flat_map(|item| std::iter::once(item.clone()).chain(nested(item)))
            .collect();
        for item in &list {
            for key in ["name", "id"] {
                if let Some(name) = item.get(key).and_then(serde_json::Value::as_str)
                    && ["bad-", "ok-", "unknown-", "skip-"]
                        .iter()
                        .any(|p| name.starts_with(p))
                    && !names.iter().any(|n| n == name)
                {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn every_check_passes_fails_and_is_unknown_on_its_fixture() {
    let mut failures = Vec::new();
    for check in REGISTRY {
        let id = check.meta.id;
        match std::panic::catch_unwind(|| run_fixture(id)) {
            Ok(seen) => {
                for status in [Status::Fail, Status::Pass] {
                    if !seen.iter().any(|(_, s)| *s == status) {
                        failures.push(format!("{id}: the fixture has no {status:?} result"));
                    }
                }
            }
            Err(e) => failures.push(
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default(),
            ),
        }
    }
    assert!(
        failures.is_empty(),
        "{} check fixture failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every check on an account where every listing failed: results, all unknown, each with the
/// gap that explains it (never an empty result list, never a pass).
#[test]
fn every_check_is_unknown_when_its_listings_fail() {
    let unread = fixtures::gap("listing");
    let fixture = serde_json::json!({
        "iam_unavailable": true, "buckets_unavailable": true, "lambda_functions_unavailable": true,
        "rest_apis_unavailable": true, "usage_plans_unavailable": true, "api_keys_unavailable": true,
        "domain_names_unavailable": true, "http_apis_unavailable": true, "kms_keys_unavailable": true,
        "domain_names_v2_unavailable": true, "lambda_layers_unavailable": true,
        "s3_access_points_unavailable": true, "multi_region_access_points_unavailable": true,
        "account_public_access_block": unread, "apigateway_account": unread
    });
    let inventory = fixtures::inventory(&fixture);
    let options = Options::default();
    let cx = Context::new(&inventory, &options);
    let mut failures = Vec::new();
    for check in REGISTRY {
        let results = (check.run)(&cx);
        if results.is_empty() {
            failures.push(format!("{}: no result at all", check.meta.id));
        }
        for r in results
            .iter()
            .filter(|r| r.status != Status::Unknown || r.gap.is_none())
        {
            failures.push(format!(
                "{}: {} is {:?} (gap: {})",
                check.meta.id,
                r.resource.arn,
                r.status,
                r.gap.is_some()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A listing that failed after some pages: what was listed is judged as usual, and one unknown
/// with a wildcard ARN stands for the rest.
#[test]
fn a_partly_read_listing_adds_an_unknown_for_the_rest() {
    use crate::model::listing::LISTINGS;
    let mut failures = Vec::new();
    for check in REGISTRY {
        if check.meta.resource_kind == crate::check::ResourceKind::Account {
            continue;
        }
        let (service, stem) = location(check.meta.id);
        let text = std::fs::read_to_string(root().join(format!("fixtures/{service}/{stem}.json")))
            .unwrap();
        let document: serde_json::Value = serde_json::from_str(&text).unwrap();
        let first = match document {
            serde_json::Value::Array(list) => list.into_iter().next().unwrap(),
            single => single,
        };
        let mut inventory = fixtures::inventory(&first);
        for listing in LISTINGS.iter().filter(|l| l.enumerates) {
            let global = listing.is_global();
            inventory.gaps.push(crate::model::Gap {
                service: listing.service.to_owned(),
                region: (!global).then(|| "us-east-1".to_owned()),
                operation: listing.operation.to_owned(),
                resource: None,
                kind: crate::model::GapKind::Throttled,
                error_code: "ThrottlingException".to_owned(),
                message: "page 2 could not be read".to_owned(),
                request_id: None,
            });
        }
        let options = Options {
            now: time::macros::datetime!(2026-11-22 12:00 UTC),
            ..Options::default()
        };
        let cx = Context::new(&inventory, &options);
        let results = (check.run)(&cx);
        let judged = results.iter().any(|r| !r.resource.arn.contains('*'));
        let rest = results
            .iter()
            .any(|r| r.status == Status::Unknown && r.resource.arn.contains('*'));
        if !judged || !rest {
            failures.push(format!(
                "{}: listed resources judged: {judged}, unknown for the rest: {rest}",
                check.meta.id
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_generated_catalogue_is_current() {
    let generated = crate::registry::catalogue_markdown();
    let path = root().join("../docs/checks.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is out of date: run `{}`",
        crate::registry::CATALOGUE_COMMAND
    );
}

/// One snapshot per check of its results on its fixture: status, severity, resource, message,
/// evidence, note and unknown reason. Review a change with `cargo insta review` (see
/// `checks/README.md`).
#[test]
fn every_check_matches_its_snapshot() {
    snapshots().bind(|| {
        for check in REGISTRY {
            let id = check.meta.id;
            let text: Vec<String> = scenarios(id)
                .iter()
                .enumerate()
                .map(|(n, fixture)| {
                    format!(
                        "# scenario {}\n{}",
                        n + 1,
                        render(&evaluate_scenario(id, fixture))
                    )
                })
                .collect();
            insta::assert_snapshot!(id, text.join("\n"));
        }
    });
}

/// Snapshots live in `checks/tests/snapshots/`, named by check id.
fn snapshots() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("../tests/snapshots");
    settings
}

/// Results as reviewable text, one block per result.
fn render(results: &[CheckResult]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for r in results {
        let status = serde_json::to_value(r.status).unwrap();
        let _ = writeln!(
            out,
            "{} {} {} ({}, {}, {:016x})",
            status.as_str().unwrap(),
            r.severity.as_str(),
            r.resource.name,
            r.resource.arn,
            r.resource.region,
            r.fingerprint
        );
        if let Some(note) = &r.note {
            let _ = writeln!(out, "  note: {note}");
        }
        if let Some(reason) = &r.unknown_reason {
            let _ = writeln!(out, "  unknown: {reason}");
        }
        if let Some(gap) = &r.gap {
            let _ = writeln!(
                out,
                "  gap: {} {} {}",
                gap.service, gap.operation, gap.error_code
            );
        }
        if let Some(muted) = &r.muted {
            let _ = writeln!(out, "  muted: {muted:?}");
        }
        for f in &r.findings {
            let _ = writeln!(out, "  finding: {}", f.message);
            for e in &f.evidence {
                let _ = writeln!(out, "    {} = {}", e.path, e.value);
            }
            for related in &f.related {
                let _ = writeln!(out, "    related: {related}");
            }
        }
    }
    out
}

/// The serialized size of every check's findings, notes and reasons on `n` functions that
/// share one role, per check.
fn evidence_bytes_on_shared_role(n: usize) -> std::collections::BTreeMap<&'static str, usize> {
    let functions: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "name": format!("bad-shared-{i:05}"),
                "role_arn": "arn:aws:iam::123456789012:role/shared"
            })
        })
        .collect();
    let inventory = fixtures::inventory(&serde_json::json!({ "lambda_functions": functions }));
    let options = Options {
        now: time::macros::datetime!(2026-11-22 12:00 UTC),
        ..Options::default()
    };
    let results = crate::evaluate::evaluate(&inventory, &options, REGISTRY);
    let mut bytes = std::collections::BTreeMap::new();
    for r in &results {
        let size = serde_json::to_string(&r.findings).unwrap().len()
            + r.note.as_deref().map_or(0, str::len)
            + r.unknown_reason.as_deref().map_or(0, str::len);
        *bytes
            .entry(
                REGISTRY
                    .iter()
                    .find(|c| c.meta.id == r.check_id)
                    .unwrap()
                    .meta
                    .id,
            )
            .or_insert(0) += size;
    }
    bytes
}

/// 2,000 functions on one role: what every check says grows with the functions, not with
/// their square (a shared role once listed every sibling on every result: 4 M entries).
#[test]
fn evidence_grows_linearly_with_functions_sharing_a_role() {
    let (small, large) = (
        evidence_bytes_on_shared_role(1_000),
        evidence_bytes_on_shared_role(2_000),
    );
    let mut failures = Vec::new();
    for (id, bytes) in &large {
        let before = small.get(id).copied().unwrap_or(0);
        // Twice the functions: at most about twice the text (names gain a digit or so).
        if *bytes > before * 21 / 10 + 1_000 {
            failures.push(format!(
                "{id}: {before} bytes for 1,000 functions, {bytes} for 2,000"
            ));
        }
    }
    let total: usize = large.values().sum();
    eprintln!("evidence on 2,000 functions sharing a role: {total} bytes; {large:?}");
    assert!(total < 2_000 * 2_000, "{total} bytes for 2,000 functions");
    assert!(
        large["lambda-function-shared-role"] < 2_000 * 1_000,
        "{} bytes",
        large["lambda-function-shared-role"]
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
