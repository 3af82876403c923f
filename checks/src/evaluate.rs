//! Running the catalogue: selection by id, service and severity, and parallel evaluation over
//! one shared context (role permissions are computed once, whichever check asks first).

use crate::check::{Check, CheckResult, fingerprint};
use crate::context::{Context, Options};
use crate::model::{Gap, GapKind, Inventory};
use crate::registry::REGISTRY;

/// Which checks to run. Empty lists mean "all".
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub checks: Vec<String>,
    pub skip_checks: Vec<String>,
    /// Service prefixes (`lambda`, `iam`, `s3`, `apigateway`, `kms`); attack paths count as lambda.
    pub services: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("unknown check id `{0}`{1}")]
    UnknownCheck(String, String),
}

fn service_of(id: &str) -> &str {
    match id.split('-').next().unwrap_or_default() {
        "path" => "lambda",
        other => other,
    }
}

/// The closest known id, for "did you mean".
fn suggestion(unknown: &str) -> String {
    let best = REGISTRY
        .iter()
        .map(|c| c.meta.id)
        .min_by_key(|id| strsim::levenshtein(unknown, id));
    best.filter(|id| strsim::levenshtein(unknown, id) <= unknown.len() / 3 + 2)
        .map_or_else(String::new, |id| format!(" (did you mean `{id}`?)"))
}

impl Selection {
    /// Validates the ids against the registry and returns the selected checks.
    pub fn resolve(&self) -> Result<Vec<&'static Check>, SelectionError> {
        for id in self.checks.iter().chain(&self.skip_checks) {
            if !REGISTRY.iter().any(|c| c.meta.id == id) {
                return Err(SelectionError::UnknownCheck(id.clone(), suggestion(id)));
            }
        }
        Ok(REGISTRY
            .iter()
            .copied()
            .filter(|c| self.checks.is_empty() || self.checks.iter().any(|id| id == c.meta.id))
            .filter(|c| !self.skip_checks.iter().any(|id| id == c.meta.id))
            .filter(|c| {
                self.services.is_empty() || self.services.iter().any(|s| s == service_of(c.meta.id))
            })
            .collect())
    }
}

/// Evaluates `checks` on the inventory, in parallel on the available cores. A check that
/// panics yields one `unknown` result (an internal error, which marks the report incomplete)
/// and never takes another check's results with it.
pub fn evaluate(
    inventory: &Inventory,
    options: &Options,
    checks: &[&'static Check],
) -> Vec<CheckResult> {
    use rayon::prelude::*;
    let cx = Context::new(inventory, options);
    // A wave of checks at a time runs in parallel, and its batches are moved into the results
    // as it ends: at the peak the results are held once plus one wave's batches. Joining all
    // the batches at the end held every result twice (24 MB at 10,000 functions).
    let mut results = Vec::new();
    for checks in checks.chunks(wave_size()) {
        let batches: Vec<Vec<CheckResult>> = checks
            .par_iter()
            .map(|check| run_guarded(check, &cx))
            .collect();
        append(&mut results, batches);
    }
    results
}

/// The most checks a wave holds at once: beyond it, more cores would raise the peak (one
/// wave's batches of 10,000 results each) more than they shorten an evaluation that takes
/// seconds.
const MAX_WAVE: usize = 8;

/// Checks per wave: two per core (a check's batch varies in cost), at most `MAX_WAVE`.
fn wave_size() -> usize {
    (rayon::current_num_threads().max(1) * 2).min(MAX_WAVE)
}

/// Moves the batches into `results` in order, fingerprints deduplicated per check; each batch
/// is freed as soon as it is moved.
fn append(results: &mut Vec<CheckResult>, batches: Vec<Vec<CheckResult>>) {
    results.reserve(batches.iter().map(Vec::len).sum());
    for mut batch in batches {
        dedupe_fingerprints(&mut batch);
        results.extend(batch);
    }
}

/// Runs one check; a panic becomes one unknown result that names it.
fn run_guarded(check: &Check, cx: &Context<'_>) -> Vec<CheckResult> {
    // The context's caches tolerate a panic mid-way (poisoned locks are skipped, unfinished
    // cells retried), so going on after one is sound.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (check.run)(cx))) {
        Ok(results) => results,
        Err(payload) => {
            let text = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            vec![crashed(check, cx, text)]
        }
    }
}

fn crashed(check: &Check, cx: &Context<'_>, panic: &str) -> CheckResult {
    let message: String = panic
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    let gap = Gap {
        service: "faascan".to_owned(),
        region: None,
        operation: check.meta.id.to_owned(),
        resource: None,
        kind: GapKind::InternalError,
        error_code: "CheckPanicked".to_owned(),
        message: format!("the check stopped with an internal error: {message}"),
        request_id: None,
    };
    // One result standing for every resource the check would have judged.
    let resource = cx.resource(
        check.meta.resource_kind,
        "*",
        "every resource of this check (it crashed)",
        "global",
    );
    check.meta.unknown(
        resource,
        format!(
            "internal error: {} could not run ({message}); please report it",
            check.meta.id
        ),
        Some(&gap),
    )
}

/// Several results of one check on one resource keep distinct, stable fingerprints.
/// Fingerprints include the check id, so only results of the same check can collide.
fn dedupe_fingerprints(results: &mut [CheckResult]) {
    let mut seen = std::collections::HashSet::with_capacity(results.len());
    let duplicates: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| !seen.insert(r.fingerprint))
        .map(|(i, _)| i)
        .collect();
    drop(seen);
    for (n, i) in duplicates.into_iter().enumerate() {
        let r = &mut results[i];
        r.fingerprint = fingerprint(
            &r.check_id,
            &r.resource.arn,
            &format!("{}#{}", r.resource.name, n + 1),
        );
    }
}

/// A short hash of the catalogue (ids, severities, titles).
pub fn catalogue_version() -> String {
    let text: String = REGISTRY
        .iter()
        .map(|c| {
            format!(
                "{}|{}|{}\n",
                c.meta.id,
                c.meta.severity.as_str(),
                c.meta.title
            )
        })
        .collect();
    format!("{:016x}", fingerprint("catalogue", &text, ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    #[test]
    fn selection_filters_and_validates() {
        let all = Selection::default().resolve().unwrap_or_default();
        assert_eq!(all.len(), REGISTRY.len());
        let s3 = Selection {
            services: vec!["s3".into()],
            ..Selection::default()
        }
        .resolve()
        .unwrap_or_default();
        assert!(!s3.is_empty() && s3.iter().all(|c| c.meta.id.starts_with("s3-")));
        let err = Selection {
            checks: vec!["lambda-function-url-unauthenticate".into()],
            ..Selection::default()
        }
        .resolve();
        let message = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("did you mean `lambda-function-url-unauthenticated`"),
            "{message}"
        );
        let paths = Selection {
            services: vec!["lambda".into()],
            ..Selection::default()
        }
        .resolve()
        .unwrap_or_default();
        assert!(paths.iter().any(|c| c.meta.id == "path-denial-of-wallet"));
    }

    /// Checks run a wave at a time; the results keep the check order and every result.
    #[test]
    fn results_keep_the_check_order_across_waves() {
        let inventory = crate::fixtures::inventory(&serde_json::json!({
            "lambda_functions": [{"name": "ok-a"}, {"name": "ok-b"}, {"name": "ok-c"}]
        }));
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        let checks: Vec<&'static Check> = REGISTRY
            .iter()
            .copied()
            .filter(|c| c.meta.id.starts_with("lambda-"))
            .collect();
        assert!(checks.len() > wave_size(), "one wave only");
        assert!(wave_size() <= MAX_WAVE);
        let mut expected: Vec<CheckResult> = Vec::new();
        for check in &checks {
            let mut batch = (check.run)(&cx);
            dedupe_fingerprints(&mut batch);
            expected.extend(batch);
        }
        assert!(expected.len() > checks.len());
        assert_eq!(evaluate(&inventory, &options, &checks), expected);
        assert!(evaluate(&inventory, &options, &[]).is_empty());
    }

    fn panics(_: &Context<'_>) -> Vec<CheckResult> {
        panic!("boom at the test check")
    }

    static PANICKING: Check = Check {
        meta: crate::check::CheckMeta {
            id: "test-check-panics",
            title: "A check that panics",
            severity: Severity::High,
            category: crate::check::Category::Monitoring,
            resource_kind: crate::check::ResourceKind::LambdaFunction,
            references: &[],
            compliance: &[],
            docs: "",
        },
        run: panics,
    };

    #[test]
    fn a_panicking_check_keeps_the_others_results_and_is_unknown() {
        let inventory = crate::fixtures::inventory(&serde_json::json!({
            "lambda_functions": [{"name": "ok-a"}, {"name": "ok-b"}]
        }));
        let options = Options::default();
        let others: Vec<&'static Check> = REGISTRY
            .iter()
            .copied()
            .filter(|c| c.meta.id.starts_with("lambda-"))
            .collect();
        let clean = evaluate(&inventory, &options, &others);
        let mut with_panic = others.clone();
        with_panic.insert(others.len() / 2, &PANICKING);
        let results = evaluate(&inventory, &options, &with_panic);
        // Every other check's results are there, unchanged.
        let without: Vec<_> = results
            .iter()
            .filter(|r| r.check_id != "test-check-panics")
            .collect();
        assert_eq!(without.len(), clean.len());
        assert!(without.iter().zip(&clean).all(|(a, b)| *a == b));
        // The panicking check gives one unknown with an internal-error gap.
        let crashed: Vec<_> = results
            .iter()
            .filter(|r| r.check_id == "test-check-panics")
            .collect();
        assert_eq!(crashed.len(), 1);
        assert_eq!(crashed[0].status, crate::check::Status::Unknown);
        let gap = crashed[0]
            .gap
            .as_deref()
            .unwrap_or_else(|| panic!("no gap"));
        assert_eq!(gap.kind, GapKind::InternalError);
        assert!(
            gap.message.contains("boom at the test check"),
            "{}",
            gap.message
        );
    }
}
