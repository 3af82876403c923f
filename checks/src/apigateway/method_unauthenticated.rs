use crate::analysis::apigateway::{Served, deployed_open, is_private, served};
use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, Gap, RestApi, RestApiMethod};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-method-unauthenticated",
        title: "REST API method requires no authorization and no API key",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::RestApiMethod,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
        ],
        compliance: &[nist("AC-3"), nist("IA-2")],
        docs: include_str!("method_unauthenticated.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let mut out = crate::analysis::walk::rest_methods(cx, meta, |api, r, m, resource| {
        // CORS preflight must stay open.
        if m.http_method == "OPTIONS" {
            return None;
        }
        if is_private(api) {
            return Some(meta.pass(resource));
        }
        Some(judge(api, &r.path, m, resource))
    });
    // Methods a stage still serves that the draft no longer has.
    out.extend(crate::analysis::walk::rest_deployed_only(cx, |api, stage, path, verb, deployed| {
        if verb == "OPTIONS" || is_private(api) || !deployed_open(deployed) {
            return None;
        }
        let deployment = stage
            .deployment
            .as_ref()
            .and_then(|d| d.known())
            .map_or("", |d| d.id.as_str());
        let resource = cx.resource(
            ResourceKind::RestApiMethod,
            &format!("{}/deployments/{deployment}{path}/{verb}", api.arn),
            &format!("{} {verb} {path} (deployed)", api.name),
            &api.region,
        );
        Some(meta.fail_one(
            resource,
            format!(
                "{verb} {path} on {} is no longer in the API's resources, but stage {} still serves it with no authorizer and no IAM auth{}",
                api.name,
                stage.name,
                if deployed.api_key_required {
                    " (only an API key, which is not authentication)"
                } else {
                    ""
                }
            ),
            vec![
                evidence("stage", &stage.name),
                evidence("deployment.id", deployment),
                evidence("deployment.api_summary.authorization_type", "NONE"),
                evidence(
                    "deployment.api_summary.api_key_required",
                    deployed.api_key_required.to_string(),
                ),
            ],
        ))
    }));
    out
}

/// A method of the draft, judged on what each stage serves for its path and verb.
fn judge(api: &RestApi, path: &str, m: &RestApiMethod, resource: ResourceRef) -> CheckResult {
    let meta = &CHECK.meta;
    let stages = match &api.stages {
        Attr::Known(stages) => stages.as_slice(),
        Attr::Unavailable(gap) => {
            return meta.unknown(
                resource,
                format!(
                    "what the stages of {} serve could not be read ({} {}: {})",
                    api.name, gap.operation, gap.error_code, gap.message
                ),
                Some(gap),
            );
        }
    };
    // Per stage: served without authorization (with an API key only?), or unknown.
    let mut open: Vec<(&str, bool, bool)> = Vec::new();
    let mut unread: Option<(&str, &Gap)> = None;
    for stage in stages {
        match served(stage, path, &m.http_method) {
            Served::Deployed(d) if deployed_open(d) => {
                open.push((&stage.name, d.api_key_required, true));
            }
            Served::AsDraft if m.authorization_type == "NONE" => {
                open.push((&stage.name, m.api_key_required, false));
            }
            Served::Unread(gap) => {
                unread.get_or_insert((&stage.name, gap));
            }
            Served::Deployed(_) | Served::AsDraft | Served::NotDeployed => {}
        }
    }
    if !open.is_empty() {
        let key_only = open.iter().all(|(_, key, _)| *key);
        // An API key identifies a caller, it does not authenticate one: AWS says not to use
        // API keys for authentication (api-gateway-api-usage-plans.html).
        let message = if key_only {
            format!(
                "{} {path} on {} has no authorizer and no IAM auth as served: only an API key, which is not authentication",
                m.http_method, api.name
            )
        } else {
            format!(
                "{} {path} on {} can be called by anyone: no authorizer, no IAM auth, no API key",
                m.http_method, api.name
            )
        };
        let mut evidence_lines = vec![
            evidence("authorization_type", "NONE"),
            evidence("api_key_required", key_only.to_string()),
        ];
        for (stage, _, deployed) in &open {
            evidence_lines.push(evidence(
                "served_by_stage",
                if *deployed {
                    (*stage).to_owned()
                } else {
                    format!(
                        "{stage} (as the draft: the deployment's summary is not in the inventory)"
                    )
                },
            ));
        }
        if m.authorization_type != "NONE" {
            evidence_lines.push(evidence(
                "draft.authorization_type",
                format!(
                    "{} (not deployed yet: the stages still serve the old deployment)",
                    m.authorization_type
                ),
            ));
        }
        return meta.fail_one(resource, message, evidence_lines);
    }
    if let Some((stage, gap)) = unread {
        return meta.unknown(
            resource,
            format!(
                "what stage {stage} of {} serves could not be read ({} {}: {})",
                api.name, gap.operation, gap.error_code, gap.message
            ),
            Some(gap),
        );
    }
    if m.authorization_type == "NONE" {
        // Only the draft is open: nothing serves it unauthenticated until the next deployment.
        let note = if stages.is_empty() {
            "the API has no stage: nothing is served until it is deployed".to_owned()
        } else {
            "no stage serves it without authorization (the open method is only in the draft): the next deployment would expose it".to_owned()
        };
        let mut result = meta
            .fail_one(
                resource,
                format!(
                    "{} {path} on {} has no authorizer and no IAM auth{} in the draft, which no stage serves yet",
                    m.http_method,
                    api.name,
                    if m.api_key_required {
                        " (only an API key)"
                    } else {
                        ""
                    }
                ),
                vec![
                    evidence("authorization_type", "NONE"),
                    evidence("api_key_required", m.api_key_required.to_string()),
                    evidence("served_by_stage", "none"),
                ],
            )
            .with_severity(Severity::Low);
        result.note = Some(note);
        return result;
    }
    meta.pass(resource)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::context::Options;

    /// What a stage serves decides the severity: an open method in the deployment is high,
    /// one open only in the draft is low with a note.
    #[test]
    fn the_deployment_not_the_draft_is_what_is_exposed() {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../fixtures/apigateway/method_unauthenticated.json"
        ))
        .unwrap();
        let inventory = crate::fixtures::inventory(&fixture);
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        let results = run(&cx);
        let by_name = |name: &str| {
            results
                .iter()
                .find(|r| &*r.resource.name == name)
                .unwrap_or_else(|| panic!("no result for {name}"))
        };
        let served = by_name("bad-deployed-open-api GET /pets");
        assert_eq!(
            (served.status, served.severity),
            (Status::Fail, Severity::High)
        );
        let draft = by_name("draft-only-api GET /new");
        assert_eq!(
            (draft.status, draft.severity),
            (Status::Fail, Severity::Low)
        );
        assert!(draft.note.is_some());
        let deleted = by_name("bad-deleted-api GET /old (deployed)");
        assert_eq!(
            (deleted.status, deleted.severity),
            (Status::Fail, Severity::High)
        );
        assert!(deleted.resource.arn.ends_with("/deployments/dep1/old/GET"));
        assert_eq!(
            by_name("ok-deployed-secured-api GET /y").status,
            Status::Pass
        );
    }
}
