//! The results stage: everything that happens to the checks' results between evaluation and
//! the report, in one documented order:
//!
//! 1. **severity remaps** (`[checks.severity]` in the configuration): a result takes the
//!    severity the configuration gives its check;
//! 2. **suppressions** (`[[suppressions]]`): a matching result becomes `muted`, with the
//!    suppression that muted it and its real status typed on the result (`MutedBy`);
//! 3. **`--min-severity`**, on the final severity: a remap can raise a result above the
//!    threshold or lower it below;
//! 4. **the exit code** ([`exit_code`]), from the report those results make.

use crate::cli::FailOn;
use crate::config::Suppression;
use crate::error::Exit;
use faascan_checks::check::{CheckResult, MutedBy, Severity, Status};
use faascan_checks::model::Inventory;
use faascan_checks::policy::catalogue::glob_match;
use faascan_reports::coverage::Coverage;
use faascan_reports::report::Report;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::Date;

/// Tags by resource ARN, for suppressions that match on tags.
/// Tags by resource ARN; `None` for a resource whose tags could not be read.
pub(crate) type TagIndex = HashMap<String, Option<BTreeMap<String, String>>>;

/// Steps 1–3 of the stage, as the scan plan resolved them.
pub(crate) struct ResultsStage<'a> {
    pub(crate) severity: &'a BTreeMap<String, Severity>,
    pub(crate) suppressions: &'a [Suppression],
    pub(crate) min_severity: Option<Severity>,
    /// The day suppressions' expiry dates are compared with.
    pub(crate) today: Date,
}

/// What happened to the suppressions in one scan.
#[derive(Debug, Default, Serialize)]
pub(crate) struct SuppressionReport {
    pub(crate) applied: usize,
    pub(crate) expired: Vec<Suppression>,
    pub(crate) stale: Vec<Suppression>,
    /// Matched nothing, but would have matched a result whose resource's tags could not be
    /// read: not stale (it may still be needed), and not applied (unknown tags never mute).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) undetermined: Vec<Suppression>,
}

impl ResultsStage<'_> {
    /// Runs steps 1–3 on `results`; the suppressions' report when the configuration has any.
    pub(crate) fn run(
        &self,
        results: &mut Vec<CheckResult>,
        tags: &TagIndex,
    ) -> Option<SuppressionReport> {
        for r in results.iter_mut() {
            if let Some(severity) = self.severity.get(&*r.check_id) {
                r.severity = *severity;
            }
        }
        let suppressions = (!self.suppressions.is_empty())
            .then(|| apply_suppressions(self.suppressions, results, tags, self.today));
        if let Some(min) = self.min_severity {
            results.retain(|r| r.severity >= min);
        }
        suppressions
    }
}

/// Mutes the results that an active suppression matches (their real status kept in
/// `muted.was`), and reports expired and stale suppressions.
fn apply_suppressions(
    suppressions: &[Suppression],
    results: &mut [CheckResult],
    tags: &TagIndex,
    today: Date,
) -> SuppressionReport {
    let mut out = SuppressionReport::default();
    for s in suppressions {
        if s.expires.is_some_and(|d| d < today) {
            out.expired.push(s.clone());
            continue;
        }
        let (mut matched, mut undetermined) = (0, 0);
        for r in results.iter_mut() {
            let placed = glob_match(&s.check, &r.check_id)
                && s.resource
                    .as_deref()
                    .is_none_or(|g| glob_match(g, &r.resource.arn))
                && s.account
                    .as_deref()
                    .is_none_or(|a| a == &*r.resource.account)
                && s.region
                    .as_deref()
                    .is_none_or(|g| glob_match(g, &r.resource.region));
            if !placed {
                continue;
            }
            let tagged = s.tags.is_empty()
                || match tags.get(&*r.resource.arn) {
                    Some(Some(tags)) => s
                        .tags
                        .iter()
                        .all(|(k, v)| tags.get(k).is_some_and(|actual| glob_match(v, actual))),
                    Some(None) => {
                        undetermined += 1;
                        false
                    }
                    None => false,
                };
            if !tagged {
                continue;
            }
            matched += 1;
            if r.status != Status::Muted {
                r.muted = Some(Box::new(MutedBy {
                    was: r.status,
                    reason: s.reason.clone(),
                    owner: s.owner.clone(),
                    expires: s.expires_text.clone(),
                }));
                r.status = Status::Muted;
            }
        }
        if matched == 0 && undetermined > 0 {
            out.undetermined.push(s.clone());
        } else if matched == 0 {
            out.stale.push(s.clone());
        }
        out.applied += matched;
    }
    out
}

/// Adds the inventory's tags by resource ARN to `index`. An HTTP API's stages and routes
/// carry the API's tags under their own (a stage's own tag wins; routes cannot be tagged), so
/// a suppression by tag covers the API's results on them as well as the API's own.
pub(crate) fn index_tags(inventory: &Inventory, index: &mut TagIndex) {
    for f in inventory.lambda_functions() {
        index.insert(f.arn.clone(), f.tags.known().cloned());
    }
    for b in inventory.buckets() {
        index.insert(b.arn.clone(), b.tags.known().cloned());
    }
    for k in inventory.kms_keys() {
        index.insert(k.arn.clone(), k.tags.known().cloned());
    }
    for api in inventory.rest_apis() {
        index.insert(api.arn.clone(), Some(api.tags.clone()));
        for stage in api.stages.known().into_iter().flatten() {
            index.insert(stage.arn.clone(), Some(stage.tags.clone()));
        }
    }
    for api in inventory.http_apis() {
        index.insert(api.arn.clone(), Some(api.tags.clone()));
        for stage in api.stages.known().into_iter().flatten() {
            let mut tags = api.tags.clone();
            tags.extend(stage.tags.clone());
            index.insert(stage.arn.clone(), Some(tags));
        }
        for route in api.routes.known().into_iter().flatten() {
            index.insert(route.arn.clone(), Some(api.tags.clone()));
        }
    }
    if let Some(iam) = inventory.iam.known() {
        for r in &iam.roles {
            index.insert(r.arn.clone(), Some(r.tags.clone()));
        }
        for u in &iam.users {
            index.insert(u.arn.clone(), Some(u.tags.clone()));
        }
    }
}

/// Step 4: a scan's exit code. Incomplete (4) first: a scan that may have missed resources
/// never exits 0 or 1 as if it were whole, whatever `--fail-on` says; with `--strict`, a gap
/// that left a selected check's result unknown (muted or not) makes it incomplete. Then 1
/// when an unmuted failure is at or above `--fail-on`; 0 otherwise.
pub(crate) fn exit_code(
    report: Option<&Report>,
    coverage: &Coverage,
    fail_on: FailOn,
    strict: bool,
) -> Exit {
    // --strict counts the gaps that touch the selected checks: a gap that left one of their
    // results unknown (a gap elsewhere, for checks not run, does not fail the job).
    let gaps_matter = match report {
        Some(r) => r.results.iter().any(|x| {
            x.status == Status::Unknown
                || faascan_reports::context::muted(x).is_some_and(|m| m.was == Status::Unknown)
        }),
        None => !coverage.complete,
    };
    if !coverage.scan_complete || (strict && gaps_matter) {
        return Exit::Incomplete;
    }
    let Some(report) = report else {
        return Exit::Clean;
    };
    let Some(threshold) = fail_on.threshold() else {
        return Exit::Clean;
    };
    // An unknown result never gets here with --strict (it made the scan incomplete above).
    let failing = report
        .results
        .iter()
        .any(|r| r.status == Status::Fail && r.severity >= threshold);
    if failing { Exit::Findings } else { Exit::Clean }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faascan_checks::evaluate::{Selection, evaluate};

    fn demo() -> Inventory {
        serde_json::from_str(include_str!("../mocks/demo/inventory.json"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn results_of(inventory: &Inventory) -> Vec<CheckResult> {
        let checks = Selection::default()
            .resolve()
            .unwrap_or_else(|e| panic!("{e}"));
        evaluate(inventory, &faascan_checks::Options::default(), &checks)
    }

    fn suppression(check: &str, tags: &[(&str, &str)]) -> Suppression {
        Suppression {
            check: check.to_owned(),
            resource: None,
            account: None,
            region: None,
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            reason: "accepted".to_owned(),
            owner: Some("platform".to_owned()),
            expires: None,
            expires_text: None,
        }
    }

    fn today() -> Date {
        time::OffsetDateTime::now_utc().date()
    }

    /// A remap runs before --min-severity: a check the configuration raises to critical stays
    /// with `--min-severity high`, one it lowers to low goes, whatever the check's own severity.
    #[test]
    fn min_severity_applies_to_the_remapped_severity() {
        let inventory = demo();
        let results = results_of(&inventory);
        let failing = |severity: Severity| {
            results
                .iter()
                .find(|r| r.status == Status::Fail && r.severity == severity)
                .map(|r| r.check_id.to_string())
                .unwrap_or_else(|| panic!("the demo has a {severity:?} failure"))
        };
        let (raised, lowered) = (failing(Severity::Low), failing(Severity::High));
        let severity: BTreeMap<String, Severity> = [
            (raised.clone(), Severity::Critical),
            (lowered.clone(), Severity::Low),
        ]
        .into_iter()
        .collect();
        let stage = ResultsStage {
            severity: &severity,
            suppressions: &[],
            min_severity: Some(Severity::High),
            today: today(),
        };
        let mut staged = results.clone();
        stage.run(&mut staged, &TagIndex::new());
        assert!(
            staged
                .iter()
                .any(|r| *r.check_id == *raised && r.severity == Severity::Critical),
            "{raised}, low by itself, is critical by the configuration and stays"
        );
        assert!(
            !staged.iter().any(|r| *r.check_id == *lowered),
            "{lowered}, high by itself, is low by the configuration and goes"
        );
        assert!(staged.iter().all(|r| r.severity >= Severity::High));
    }

    /// Suppressions run on the remapped results, and a muted result keeps its real status,
    /// reason, owner and expiry typed (no prose note).
    #[test]
    fn suppressions_are_typed_and_see_the_remapped_severity() {
        let inventory = demo();
        let mut results = results_of(&inventory);
        let target = results
            .iter()
            .find(|r| r.status == Status::Fail)
            .map(|r| r.check_id.to_string())
            .unwrap_or_default();
        let severity: BTreeMap<String, Severity> =
            [(target.clone(), Severity::Info)].into_iter().collect();
        let mut s = suppression(&target, &[]);
        s.expires_text = Some("2999-01-01".to_owned());
        s.expires = Some(time::macros::date!(2999 - 01 - 01));
        let suppressions = [s];
        let stage = ResultsStage {
            severity: &severity,
            suppressions: &suppressions,
            min_severity: Some(Severity::Info),
            today: today(),
        };
        let report = stage
            .run(&mut results, &TagIndex::new())
            .unwrap_or_else(|| panic!("a report of the suppressions"));
        let muted: Vec<&CheckResult> = results.iter().filter(|r| *r.check_id == *target).collect();
        assert!(!muted.is_empty());
        assert_eq!(report.applied, muted.len());
        for r in muted {
            assert_eq!(r.status, Status::Muted);
            assert_eq!(r.severity, Severity::Info);
            assert_eq!(r.note, None, "no prose note");
            let by = r.muted.as_deref().unwrap_or_else(|| panic!("typed"));
            assert_eq!(by.reason, "accepted");
            assert_eq!(by.owner.as_deref(), Some("platform"));
            assert_eq!(by.expires.as_deref(), Some("2999-01-01"));
            assert_ne!(by.was, Status::Muted);
        }
    }

    /// A tag suppression matches an HTTP API (API Gateway v2), its stages and routes by the
    /// API's tags.
    #[test]
    fn tag_suppressions_match_http_apis_and_their_stages() {
        let inventory = demo();
        let mut tags = TagIndex::new();
        index_tags(&inventory, &mut tags);
        let mut results = results_of(&inventory);
        let http: Vec<String> = inventory.http_apis().map(|a| a.arn.clone()).collect();
        let on_http = |arn: &str| http.iter().any(|api| arn.starts_with(api.as_str()));
        let stage_results = results
            .iter()
            .filter(|r| on_http(&r.resource.arn) && r.resource.arn.contains("/stages/"))
            .count();
        let api_results = results
            .iter()
            .filter(|r| http.iter().any(|api| *r.resource.arn == **api))
            .count();
        assert!(stage_results > 0 && api_results > 0, "the demo has both");
        let suppressions = [suppression("apigateway-*", &[("team", "w*")])];
        let stage = ResultsStage {
            severity: &BTreeMap::new(),
            suppressions: &suppressions,
            min_severity: None,
            today: today(),
        };
        stage.run(&mut results, &tags);
        for r in results.iter().filter(|r| on_http(&r.resource.arn)) {
            assert_eq!(r.status, Status::Muted, "{} {}", r.check_id, r.resource.arn);
        }
        // A stage's own tag wins over the API's.
        let mut own = inventory.clone();
        use faascan_checks::model::Attr;
        for region in &mut own.regions {
            if let Attr::Known(apis) = &mut region.http_apis {
                for api in apis {
                    if let Attr::Known(stages) = &mut api.stages {
                        for stage in stages {
                            stage.tags.insert("team".to_owned(), "data".to_owned());
                        }
                    }
                }
            }
        }
        let mut tags = TagIndex::new();
        index_tags(&own, &mut tags);
        let stage_arn = own
            .http_apis()
            .flat_map(|a| a.stages.known().into_iter().flatten())
            .map(|s| s.arn.clone())
            .next()
            .unwrap_or_default();
        assert_eq!(
            tags.get(&stage_arn)
                .and_then(|t| t.as_ref()?.get("team"))
                .map(String::as_str),
            Some("data")
        );
    }

    #[test]
    fn expired_and_stale_suppressions_are_reported_not_applied() {
        let inventory = demo();
        let mut results = results_of(&inventory);
        let mut expired = suppression("kms-*", &[]);
        expired.expires = Some(time::macros::date!(2000 - 01 - 01));
        let stale = suppression("kms-key-disabled", &[("nobody", "*")]);
        let suppressions = [expired, stale];
        let stage = ResultsStage {
            severity: &BTreeMap::new(),
            suppressions: &suppressions,
            min_severity: None,
            today: today(),
        };
        let report = stage
            .run(&mut results, &TagIndex::new())
            .unwrap_or_default();
        assert_eq!(report.applied, 0);
        assert_eq!((report.expired.len(), report.stale.len()), (1, 1));
        assert!(results.iter().all(|r| r.status != Status::Muted));
    }

    /// A tag suppression whose only possible matches are resources with unread tags neither
    /// mutes them (unknown tags never mute) nor is called stale (it may still be needed).
    #[test]
    fn a_tag_suppression_on_unread_tags_is_undetermined_not_stale() {
        let inventory = demo();
        let mut results = results_of(&inventory);
        let function = results
            .iter()
            .find(|r| r.check_id.starts_with("lambda-function-") && r.status == Status::Fail)
            .map(|r| (r.check_id.to_string(), r.resource.arn.to_string()))
            .unwrap_or_else(|| panic!("the demo has a failing function check"));
        let mut tags = TagIndex::new();
        tags.insert(function.1.clone(), None);
        let suppressions = [suppression(&function.0, &[("team", "*")])];
        let stage = ResultsStage {
            severity: &BTreeMap::new(),
            suppressions: &suppressions,
            min_severity: None,
            today: today(),
        };
        let report = stage.run(&mut results, &tags).unwrap_or_default();
        assert_eq!(report.applied, 0);
        assert!(report.stale.is_empty(), "{:?}", report.stale);
        assert_eq!(report.undetermined.len(), 1);
        assert!(results.iter().all(|r| r.status != Status::Muted));
        // With the tags read and not matching, the same suppression is stale.
        tags.insert(function.1, Some(BTreeMap::new()));
        let report = stage.run(&mut results, &tags).unwrap_or_default();
        assert_eq!((report.stale.len(), report.undetermined.len()), (1, 0));
    }

    /// Step 4: incomplete (4) wins over findings and over `--fail-on none`.
    #[test]
    fn incomplete_wins_over_findings_and_fail_on_none() {
        let demo_inventory = demo;
        use faascan_checks::model::{Attr, Gap, GapKind};
        let report_of = |inventory: &Inventory| {
            let checks = Selection::default()
                .resolve()
                .unwrap_or_else(|e| panic!("{e}"));
            let results = evaluate(inventory, &faascan_checks::Options::default(), &checks);
            Report::new(
                inventory,
                results,
                checks.len(),
                faascan_checks::evaluate::catalogue_version(),
            )
        };
        let exit = |r: &Report, fail_on: Option<FailOn>, strict| {
            exit_code(
                Some(r),
                &r.coverage,
                fail_on.unwrap_or(FailOn::High),
                strict,
            )
        };

        // The demo: high findings, and four attribute-level gaps (partial S3).
        let demo = report_of(&demo_inventory());
        assert!(demo.incomplete && demo.coverage.scan_complete);
        assert_eq!(exit(&demo, None, false), Exit::Findings);
        assert_eq!(exit(&demo, Some(FailOn::None), false), Exit::Clean);
        assert_eq!(exit(&demo, Some(FailOn::None), true), Exit::Incomplete);
        assert_eq!(exit(&demo, None, true), Exit::Incomplete);

        // Gaps that touch no selected check: --strict does not fail on them (the report still
        // says it is incomplete).
        let selected = |inventory: &Inventory| {
            let checks = Selection {
                checks: vec![
                    "kms-key-disabled".to_owned(),
                    "iam-role-admin-access".to_owned(),
                ],
                ..Selection::default()
            }
            .resolve()
            .unwrap_or_else(|e| panic!("{e}"));
            let results = evaluate(inventory, &faascan_checks::Options::default(), &checks);
            Report::new(
                inventory,
                results,
                checks.len(),
                faascan_checks::evaluate::catalogue_version(),
            )
        };
        let untouched = selected(&demo_inventory());
        assert!(
            untouched.incomplete,
            "the demo's S3 gaps are still reported"
        );
        assert_eq!(exit(&untouched, Some(FailOn::None), true), Exit::Clean);
        assert_eq!(exit(&untouched, None, true), Exit::Findings);

        // No gap at all: --strict changes nothing.
        let mut clean = demo_inventory();
        clean.gaps.clear();
        let clean = selected(&clean);
        assert!(!clean.incomplete);
        assert_eq!(exit(&clean, Some(FailOn::None), true), Exit::Clean);
        assert_eq!(exit(&clean, None, true), Exit::Findings);

        // A listing that failed wholly: 4 over findings and over --fail-on none.
        let mut lost = demo_inventory();
        lost.regions[0].lambda_functions = Attr::Unavailable(Box::new(Gap {
            service: "lambda".to_owned(),
            region: Some("us-east-1".to_owned()),
            operation: "ListFunctions".to_owned(),
            resource: None,
            kind: GapKind::AccessDenied,
            error_code: "AccessDeniedException".to_owned(),
            message: "denied".to_owned(),
            request_id: None,
        }));
        let lost = report_of(&lost);
        assert_eq!(exit(&lost, None, false), Exit::Incomplete);
        assert_eq!(exit(&lost, Some(FailOn::None), false), Exit::Incomplete);

        // The summary-only path has no report, only the coverage.
        assert_eq!(
            exit_code(None, &lost.coverage, FailOn::None, false),
            Exit::Incomplete
        );
        assert_eq!(
            exit_code(None, &demo.coverage, FailOn::High, false),
            Exit::Clean
        );

        // An account that could not be scanned.
        let combined = Report::combine(
            vec![clean],
            vec![("222222222222".to_owned(), "AccessDenied".to_owned())],
        )
        .unwrap_or_else(|| panic!("one account was scanned"));
        assert_eq!(exit(&combined, Some(FailOn::None), false), Exit::Incomplete);
    }
}
