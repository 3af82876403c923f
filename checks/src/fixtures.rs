//! Fixture inventories for the registry-driven check test. A fixture file
//! (`checks/fixtures/<service>/<stem>.json`) lists resources as small JSON patches over
//! complete, clean defaults, so each file says only what matters to its check. Resources are
//! named `bad-*` (must fail), `ok-*` (must pass), `unknown-*` (must be unknown) and `skip-*`
//! (must not be judged by the check); each named resource must yield a result. `expect` maps
//! other result names (account-level results) to their status.
#![allow(clippy::unwrap_used, clippy::panic)]

use crate::model::Inventory;
use serde_json::{Value, json};

pub(crate) const ACCOUNT: &str = "123456789012";

fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (k, v) in patch {
                // Attr values are replaced whole: merging {"known": ..} into {"unavailable": ..}
                // would produce both.
                let replace = v.get("known").is_some()
                    || v.get("unavailable").is_some()
                    || !v.is_object()
                    || v.as_object().is_some_and(|o| o.is_empty());
                match base.get_mut(k) {
                    Some(slot) if !replace => merge(slot, v),
                    _ => {
                        base.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (base, patch) => *base = patch.clone(),
    }
}

fn patched(default: Value, patch: &Value) -> Value {
    let mut value = default;
    merge(&mut value, patch);
    value
}

pub(crate) fn gap(operation: &str) -> Value {
    json!({"unavailable": {"service": "test", "operation": operation, "kind": "access_denied",
        "error_code": "AccessDenied", "message": "denied in the fixture"}})
}

fn function(region: &str, p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    patched(
        json!({
            "name": name, "arn": format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"), "region": region,
            "runtime": "python3.12", "handler": "app.handler",
            "role_arn": format!("arn:aws:iam::{ACCOUNT}:role/fixture-{name}"),
            "timeout_seconds": 30, "memory_mb": 128, "architectures": ["x86_64"], "package_type": "Zip",
            "state": "Active", "last_modified": null, "description": null, "tracing_mode": "Active",
            "layers": [], "vpc_config": null, "dead_letter_target_arn": null, "kms_key_arn": null,
            "environment": {"known": []}, "tags": {"known": {}}, "resource_policy": {"known": null},
            "reserved_concurrency": {"known": 10}, "function_url": {"known": null},
            "code_signing_config_arn": {"known": "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-1"},
            "event_invoke_configs": {"known": []}, "event_source_mappings": {"known": []},
            "aliases": {"known": []}, "versions": {"known": []}
        }),
        p,
    )
}

fn role(p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    patched(
        json!({
            "name": name, "arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"), "role_id": "AROAFIXTURE", "path": "/",
            "created": "2026-11-01T00:00:00Z", "description": null, "max_session_duration": null,
            "trust_policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            "inline_policies": [], "attached_policies": [], "permissions_boundary": null,
            "last_used": {"date": "2026-11-20T00:00:00Z", "region": "us-east-1"}, "tags": {}
        }),
        p,
    )
}

fn user(p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    patched(
        json!({
            "name": name, "arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"), "user_id": "AIDAFIXTURE", "path": "/",
            "created": "2026-01-01T00:00:00Z", "inline_policies": [], "attached_policies": [], "groups": [],
            "permissions_boundary": null, "tags": {}, "access_keys": {"known": []}
        }),
        p,
    )
}

fn bucket(p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    let tls = format!(
        r#"{{"Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    );
    patched(
        json!({
            "name": name, "arn": format!("arn:aws:s3:::{name}"), "region": {"known": "us-east-1"}, "created": null,
            "encryption": {"known": {"rules": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/x", "bucket_key_enabled": true}]}},
            "public_access_block": {"known": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}},
            "policy": {"known": tls}, "policy_is_public": {"known": false},
            "acl": {"known": {"owner_id": "owner", "grants": [{"grantee_type": "CanonicalUser", "grantee_id": "owner", "grantee_uri": null, "permission": "FULL_CONTROL"}]}},
            "object_ownership": {"known": "BucketOwnerEnforced"},
            "versioning": {"known": {"status": "Enabled", "mfa_delete": null}},
            "logging": {"known": {"target_bucket": "logs", "target_prefix": null}},
            "tags": {"known": {}}
        }),
        p,
    )
}

fn key(region: &str, p: &Value) -> Value {
    let id = p["id"].as_str().or(p["name"].as_str()).unwrap();
    let mut p = p.clone();
    if let Some(obj) = p.as_object_mut() {
        obj.remove("name");
    }
    patched(
        json!({
            "id": id, "arn": format!("arn:aws:kms:{region}:{ACCOUNT}:key/{id}"), "region": region,
            "metadata": {"known": {"state": "Enabled", "manager": "CUSTOMER", "spec": "SYMMETRIC_DEFAULT",
                "usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "enabled": true, "multi_region": false,
                "description": null, "created": "2026-06-01T00:00:00Z", "deletion_date": null}},
            "rotation": {"known": {"enabled": true, "period_days": null, "next_rotation": null, "last_rotation": {"known": null}}},
            "policy": {"known": format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#)},
            "aliases": {"known": [format!("alias/{id}")]}, "tags": {"known": {}}
        }),
        &p,
    )
}

fn rest_api(region: &str, p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    let id = p["id"].as_str().unwrap_or(name);
    let arn = format!("arn:aws:apigateway:{region}::/restapis/{id}");
    let mut value = patched(
        json!({
            "id": id, "name": name, "arn": arn, "region": region, "description": null, "created": null,
            "endpoint_types": ["REGIONAL"], "vpc_endpoint_ids": [], "api_key_source": null,
            "disable_execute_api_endpoint": false, "policy": null, "tags": {},
            "stages": {"known": []}, "resources": {"known": []}, "authorizers": {"known": []}
        }),
        &json!({}),
    );
    let mut p = p.clone();
    let stages = p.as_object_mut().and_then(|o| o.remove("stages"));
    let resources = p.as_object_mut().and_then(|o| o.remove("resources"));
    merge(&mut value, &p);
    if let Some(stages) = stages {
        value["stages"] = match stages.get("unavailable") {
            Some(_) => stages,
            None => {
                json!({"known": stages.as_array().unwrap().iter().map(|s| stage(&arn, s)).collect::<Vec<_>>()})
            }
        };
    }
    if let Some(resources) = resources {
        value["resources"] = match resources.get("unavailable") {
            Some(_) => resources,
            None => json!({"known": resources.as_array().unwrap().iter().map(|r| {
                let rid = r["id"].as_str().unwrap();
                let methods: Vec<Value> = r["methods"].as_array().unwrap().iter().map(|m| {
                    let verb = m["http_method"].as_str().unwrap();
                    patched(json!({"http_method": verb, "arn": format!("{arn}/resources/{rid}/methods/{verb}"),
                        "authorization_type": "AWS_IAM", "authorizer_id": null, "api_key_required": false, "integration": null}), m)
                }).collect();
                json!({"id": rid, "path": r["path"], "methods": methods})
            }).collect::<Vec<_>>()}),
        };
    }
    value
}

fn stage(api_arn: &str, p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    patched(
        json!({
            "name": name, "arn": format!("{api_arn}/stages/{name}"), "deployment_id": "d1",
            "cache_cluster_enabled": false, "cache_cluster_size": null, "tracing_enabled": true,
            "web_acl_arn": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w/1",
            "client_certificate_id": "cert1",
            "access_log": {"destination_arn": "arn:aws:logs:us-east-1:123456789012:log-group:a", "format": "$context.requestId"},
            "method_settings": {"*/*": {"throttling_burst_limit": 50, "throttling_rate_limit": 100.0, "caching_enabled": false,
                "cache_data_encrypted": false, "cache_ttl_seconds": 300, "logging_level": "INFO", "metrics_enabled": true,
                "data_trace_enabled": false, "require_authorization_for_cache_control": true}},
            "variables": [], "tags": {}, "created": null, "last_updated": null
        }),
        p,
    )
}

fn http_api(region: &str, p: &Value) -> Value {
    let name = p["name"].as_str().unwrap();
    let id = p["id"].as_str().unwrap_or(name);
    let arn = format!("arn:aws:apigateway:{region}::/apis/{id}");
    let mut p = p.clone();
    let routes = p.as_object_mut().and_then(|o| o.remove("routes"));
    // An unreadable list is kept as it is.
    if let Some(unavailable) = routes.as_ref().filter(|r| r.get("unavailable").is_some()) {
        p["routes"] = unavailable.clone();
    }
    let stages = p.as_object_mut().and_then(|o| o.remove("stages"));
    let mut value = patched(
        json!({
            "id": id, "name": name, "arn": arn, "region": region, "protocol_type": "HTTP", "api_endpoint": null,
            "description": null, "disable_execute_api_endpoint": false, "cors_allow_origins": [], "tags": {},
            "routes": {"known": []}, "integrations": {"known": []}, "stages": {"known": []}
        }),
        &p,
    );
    if let Some(routes) = routes.filter(|r| r.get("unavailable").is_none()) {
        value["routes"] = json!({"known": routes.as_array().unwrap().iter().map(|r| {
            let rid = r["id"].as_str().unwrap();
            patched(json!({"id": rid, "arn": format!("{arn}/routes/{rid}"), "route_key": "GET /", "authorization_type": "AWS_IAM",
                "authorizer_id": null, "api_key_required": false, "target": null}), r)
        }).collect::<Vec<_>>()});
    }
    if let Some(stages) = stages {
        value["stages"] = json!({"known": stages.as_array().unwrap().iter().map(|s| {
            let sname = s["name"].as_str().unwrap();
            patched(json!({"name": sname, "arn": format!("{arn}/stages/{sname}"), "auto_deploy": true,
                "default_route_throttle": {"burst_limit": 10, "rate_limit": 5.0}, "route_throttles": {},
                "access_log": {"destination_arn": "arn:aws:logs:us-east-1:123456789012:log-group:h", "format": "x"},
                "variables": [], "tags": {}}), s)
        }).collect::<Vec<_>>()});
    }
    value
}

/// `"listing_gaps": ["ListFunctions", ...]`: listings that failed after some pages (the
/// resources listed are in the fixture; the rest are unread).
fn listing_gaps(fixture: &Value) -> Value {
    let operations = fixture
        .get("listing_gaps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Value::Array(
        operations
            .iter()
            .map(|op| {
                let op = op.as_str().unwrap();
                let listing = crate::model::listing::LISTINGS
                    .iter()
                    .find(|l| l.operation == op)
                    .unwrap_or_else(|| panic!("{op} is not a listing"));
                let global = listing.is_global();
                json!({"service": listing.service, "region": (!global).then_some("us-east-1"),
                    "operation": op, "kind": "throttled", "error_code": "ThrottlingException",
                    "message": "page 2 could not be read"})
            })
            .collect(),
    )
}

/// Builds a complete inventory from a fixture document.
pub(crate) fn inventory(fixture: &Value) -> Inventory {
    let list = |key: &str| {
        fixture
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let region = "us-east-1";
    let mut iam = json!({
        "roles": list("roles").iter().map(role).collect::<Vec<_>>(),
        "users": list("users").iter().map(user).collect::<Vec<_>>(),
        "groups": list("groups"),
        "managed_policies": fixture.get("managed_policies").cloned().unwrap_or(json!({}))
    });
    // Every function's default role exists (clean), unless the fixture says otherwise.
    let functions: Vec<Value> = list("lambda_functions")
        .iter()
        .map(|f| function(region, f))
        .collect();
    if fixture.get("no_default_roles").is_none() {
        let roles = iam["roles"].as_array_mut().unwrap();
        for f in &functions {
            let role_arn = f["role_arn"].as_str().unwrap();
            if !roles.iter().any(|r| r["arn"] == role_arn) {
                let name = role_arn.rsplit('/').next().unwrap();
                roles.push(role(&json!({"name": name})));
            }
        }
    }
    let iam = match fixture.get("iam_unavailable") {
        Some(_) => gap("GetAccountAuthorizationDetails"),
        None => json!({"known": iam.take()}),
    };
    let known_or = |key: &str, value: Value| match fixture.get(format!("{key}_unavailable")) {
        Some(_) => gap(key),
        None => json!({"known": value}),
    };
    let value = json!({
        "schema_version": 2,
        "account": {"id": ACCOUNT, "partition": "aws", "caller_arn": format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
            "scan_started": "2026-11-22T00:00:00Z", "scan_finished": "2026-11-22T00:00:01Z", "regions": [region],
            "tool_version": "test", "fingerprint_key_id": "test", "incomplete": false},
        "iam": iam,
        "s3": {
            "buckets": known_or("buckets", Value::Array(list("buckets").iter().map(bucket).collect())),
            "multi_region_access_points": known_or("multi_region_access_points", Value::Array(list("multi_region_access_points").iter().map(|m| {
                let name = m["name"].as_str().unwrap();
                patched(json!({"name": name, "arn": format!("arn:aws:s3::{ACCOUNT}:accesspoint/{name}.mrap"), "alias": format!("{name}.mrap"),
                    "status": "READY",
                    "public_access_block": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true},
                    "policy": {"known": null}}), m)
            }).collect())),
            "account_public_access_block": fixture.get("account_public_access_block").cloned().unwrap_or(
                json!({"known": {"block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}}))
        },
        "regions": [{
            "region": region,
            "lambda_functions": known_or("lambda_functions", Value::Array(functions)),
            "rest_apis": known_or("rest_apis", Value::Array(list("rest_apis").iter().map(|a| rest_api(region, a)).collect())),
            "usage_plans": known_or("usage_plans", Value::Array(list("usage_plans").iter().map(|p| patched(
                json!({"id": "up", "name": null, "region": region, "api_stages": [], "throttle": null, "quota_limit": null, "quota_period": null}), p)).collect())),
            "api_keys": known_or("api_keys", Value::Array(list("api_keys").iter().map(|k| {
                let id = k["id"].as_str().unwrap();
                patched(json!({"id": id, "name": id, "arn": format!("arn:aws:apigateway:{region}::/apikeys/{id}"), "region": region,
                    "enabled": true, "created": "2026-10-01T00:00:00Z", "last_updated": null, "stage_keys": []}), k)
            }).collect())),
            "domain_names": known_or("domain_names", Value::Array(list("domain_names").iter().map(|d| {
                let name = d["name"].as_str().unwrap();
                patched(json!({"name": name, "arn": format!("arn:aws:apigateway:{region}::/domainnames/{name}"), "region": region,
                    "security_policy": "TLS_1_2", "endpoint_types": ["REGIONAL"], "certificate_arn": null,
                    "base_path_mappings": {"known": []}}), d)
            }).collect())),
            "domain_names_v2": known_or("domain_names_v2", Value::Array(list("domain_names_v2").iter().map(|d| {
                let name = d["name"].as_str().unwrap();
                patched(json!({"name": name, "arn": format!("arn:aws:apigateway:{region}::/domainnames/{name}"), "region": region,
                    "configurations": [{"endpoint_type": "REGIONAL", "security_policy": "TLS_1_2", "certificate_arn": null}],
                    "api_mappings": {"known": []}}), d)
            }).collect())),
            "lambda_layers": known_or("lambda_layers", Value::Array(list("lambda_layers").iter().map(|l| {
                let name = l["name"].as_str().unwrap();
                let arn = format!("arn:aws:lambda:{region}:{ACCOUNT}:layer:{name}");
                let mut l = l.clone();
                let versions = l.as_object_mut().and_then(|o| o.remove("versions"));
                let versions = match versions {
                    Some(v) if v.get("unavailable").is_some() => v,
                    Some(v) => json!({"known": v.as_array().unwrap().iter().map(|v| {
                        let n = v["version"].as_i64().unwrap();
                        patched(json!({"version": n, "arn": format!("{arn}:{n}"), "created": null,
                            "compatible_runtimes": ["python3.12"], "policy": {"known": null}}), v)
                    }).collect::<Vec<_>>()}),
                    None => json!({"known": []}),
                };
                let mut value = patched(json!({"name": name, "arn": arn, "region": region}), &l);
                value["versions"] = versions;
                value
            }).collect())),
            "s3_access_points": known_or("s3_access_points", Value::Array(list("s3_access_points").iter().map(|a| {
                let name = a["name"].as_str().unwrap();
                patched(json!({"name": name, "arn": format!("arn:aws:s3:{region}:{ACCOUNT}:accesspoint/{name}"), "region": region,
                    "bucket": "data", "bucket_account_id": ACCOUNT, "network_origin": "Internet", "vpc_id": null,
                    "public_access_block": {"known": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}},
                    "policy": {"known": null}, "policy_is_public": {"known": null}}), a)
            }).collect())),
            "apigateway_account": fixture.get("apigateway_account").cloned().unwrap_or(
                json!({"known": {"throttle": {"burst_limit": 5000, "rate_limit": 10000.0}, "cloudwatch_role_arn": null}})),
            "http_apis": known_or("http_apis", Value::Array(list("http_apis").iter().map(|a| http_api(region, a)).collect())),
            "kms_keys": known_or("kms_keys", Value::Array(list("kms_keys").iter().map(|k| key(region, k)).collect()))
        }],
        "gaps": listing_gaps(fixture),
        "calls": {"operations": 0, "attempts": 0, "failed_attempts": 0, "by_operation": []}
    });
    serde_json::from_value(value)
        .unwrap_or_else(|e| panic!("fixture does not build an inventory: {e}"))
}
