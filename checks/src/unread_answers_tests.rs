//! Read failures or odd answers that must give unknown, never pass or no result.
#![allow(clippy::unwrap_used, clippy::panic)]

use crate::context::Context;
use crate::{Options, REGISTRY, Status};
use serde_json::json;

fn status_of(fixture: &serde_json::Value, check: &str, name: &str) -> Status {
    let inventory = crate::fixtures::inventory(fixture);
    let options = Options::default();
    let cx = Context::new(&inventory, &options);
    let check = REGISTRY.iter().find(|c| c.meta.id == check).unwrap();
    let results = (check.run)(&cx);
    let r = results
        .iter()
        .find(|r| &*r.resource.name == name)
        .unwrap_or_else(|| panic!("no result for {name}: {results:#?}"));
    r.status
}

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// GetAccountAuthorizationDetails failed after page 1: the user is listed, the group that
/// makes it admin is not. The group's policies are silently dropped: pass.
#[test]
fn a_user_whose_group_was_not_listed_is_not_a_pass() {
    let fixture = json!({
        "listing_gaps": ["GetAccountAuthorizationDetails"],
        "managed_policies": {ADMIN: {"arn": ADMIN, "name": "AdministratorAccess", "aws_managed": true,
            "default_version_id": "v1", "attachment_count": 1,
            "document": {"known": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}}},
        "groups": [],
        "users": [{"name": "in-unlisted-group", "groups": ["admins"]}]
    });
    assert_eq!(
        status_of(&fixture, "iam-user-admin-access", "in-unlisted-group"),
        Status::Unknown
    );
}

/// Same without any listing gap: a group the inventory does not have is not "no policies".
#[test]
fn a_user_whose_group_is_missing_from_the_inventory_is_not_a_pass() {
    let fixture = json!({
        "groups": [],
        "users": [{"name": "in-missing-group", "groups": ["admins"]}]
    });
    assert_eq!(
        status_of(&fixture, "iam-user-admin-access", "in-missing-group"),
        Status::Unknown
    );
}

fn admin_role() -> serde_json::Value {
    json!({"name": "admin", "inline_policies": [{"name": "p",
        "document": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"}]})
}

/// An unauthenticated REST method whose Lambda integration is `${stageVariables.fn}`: the
/// target cannot be resolved (stage variable values are never stored), and the entry is
/// dropped without a blind spot.
#[test]
fn a_stage_variable_integration_is_a_blind_spot_not_no_entry() {
    let fixture = json!({
        "roles": [admin_role()],
        "lambda_functions": [{"name": "privileged", "role_arn": "arn:aws:iam::123456789012:role/admin",
            "reserved_concurrency": {"known": null}}],
        "rest_apis": [{"name": "open", "id": "open",
            "stages": [{"name": "prod", "method_settings": {}, "web_acl_arn": null}],
            "resources": [{"id": "r1", "path": "/a", "methods": [{"http_method": "GET",
                "authorization_type": "NONE",
                "integration": {"integration_type": "AWS_PROXY",
                    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations",
                    "connection_type": null, "credentials": null}}]}]}]
    });
    assert_eq!(
        status_of(
            &fixture,
            "path-public-function-privileged-role",
            "privileged"
        ),
        Status::Unknown
    );
    assert_eq!(
        status_of(&fixture, "path-denial-of-wallet", "privileged"),
        Status::Unknown
    );
}

/// A function reached through a throttled REST method (WAF on the stage), whose own resource
/// policy could not be read (GetPolicy throttled out): the policy may grant
/// lambda:InvokeFunction to `*`, an unthrottled entry, yet the blind spot is consulted only
/// when no entry at all was found.
#[test]
fn an_unread_resource_policy_is_a_blind_spot_even_beside_a_throttled_entry() {
    let fixture = json!({
        "lambda_functions": [{"name": "behind-waf", "reserved_concurrency": {"known": null},
            "resource_policy": {"unavailable": {"service": "lambda", "operation": "GetPolicy",
                "kind": "throttled", "error_code": "TooManyRequestsException", "message": "rate exceeded"}}}],
        "rest_apis": [{"name": "limited", "id": "limited", "stages": [{"name": "prod"}],
            "resources": [{"id": "r2", "path": "/b", "methods": [{"http_method": "GET",
                "authorization_type": "NONE",
                "integration": {"integration_type": "AWS_PROXY",
                    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:behind-waf/invocations",
                    "connection_type": null, "credentials": null}}]}]}]
    });
    assert_eq!(
        status_of(&fixture, "path-denial-of-wallet", "behind-waf"),
        Status::Unknown
    );
    // Without the REST entry the same unread policy is (rightly) unknown.
    let mut alone = fixture.clone();
    alone["rest_apis"] = json!([]);
    assert_eq!(
        status_of(&alone, "path-denial-of-wallet", "behind-waf"),
        Status::Unknown
    );
}

/// DescribeKey answered without `KeyManager` (the collector stores ""): the collector treats
/// the key as customer-managed and reads its policy, the checks treat it as not customer-managed
/// and give no result at all, so a public key policy is never judged.
#[test]
fn a_key_whose_manager_was_not_reported_is_still_judged() {
    let fixture = json!({
        "kms_keys": [{"name": "no-manager",
            "metadata": {"known": {"state": "Enabled", "manager": "", "spec": "SYMMETRIC_DEFAULT",
                "usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "enabled": true, "multi_region": false,
                "description": null, "created": "2026-06-01T00:00:00Z", "deletion_date": null}},
            "policy": {"known": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}}]
    });
    let inventory = crate::fixtures::inventory(&fixture);
    let options = Options::default();
    let cx = Context::new(&inventory, &options);
    let check = REGISTRY
        .iter()
        .find(|c| c.meta.id == "kms-key-public-policy")
        .unwrap();
    let results = (check.run)(&cx);
    assert!(
        results
            .iter()
            .any(|r| r.resource.arn.ends_with("key/no-manager")),
        "no result at all for the key: {results:#?}"
    );
}

/// A listed access key without a status is judged (it may be active), never skipped.
#[test]
fn an_access_key_without_a_status_is_judged() {
    let key = |status: &str| {
        serde_json::from_value::<crate::model::AccessKey>(json!({
            "access_key_id": "AKIAEXAMPLE", "fingerprint": "f", "status": status,
            "created": null, "last_used": {"known": null}
        }))
        .unwrap()
    };
    assert!(key("").may_be_active());
    assert!(key("Active").may_be_active());
    assert!(!key("Inactive").may_be_active());
    assert!(!key("Expired").may_be_active());
}

/// DescribeKey without `KeySpec`/`Origin`: whether the key can rotate is unknown, so the
/// rotation checks say unknown instead of skipping the key.
#[test]
fn a_key_whose_spec_was_not_reported_is_unknown_to_the_rotation_checks() {
    let fixture = json!({
        "kms_keys": [{"name": "no-spec",
            "metadata": {"known": {"state": "Enabled", "manager": "CUSTOMER", "spec": null,
                "usage": "ENCRYPT_DECRYPT", "origin": null, "enabled": true, "multi_region": false,
                "description": null, "created": "2026-06-01T00:00:00Z", "deletion_date": null}}}]
    });
    let inventory = crate::fixtures::inventory(&fixture);
    let options = Options::default();
    let cx = Context::new(&inventory, &options);
    for id in ["kms-key-rotation-disabled", "kms-key-material-old"] {
        let check = REGISTRY.iter().find(|c| c.meta.id == id).unwrap();
        let results = (check.run)(&cx);
        let r = results
            .iter()
            .find(|r| r.resource.arn.ends_with("key/no-spec"))
            .unwrap_or_else(|| panic!("{id}: no result for the key: {results:#?}"));
        assert_eq!(r.status, Status::Unknown, "{id}");
    }
}
