//! The inventory's shape: an account seeded through the SDK in two regions, collected by the
//! real binary and asserted field by field; scale, an unreadable attribute, and the progress
//! line.

use super::scenario::{Seed, allow};
use crate::common::*;
use aws_sdk_lambda::types::FunctionUrlAuthType;
use aws_sdk_s3::types::{BucketCannedAcl, ServerSideEncryption, Tag, Tagging};
use serde_json::{Value, json};

const ACCOUNT: &str = "210000000001";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

const SECRET_VALUES: &[&str] = &[
    "AKIAQWERTYUIOPASDFGH",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZZZZZZZZZZ",
    "Sup3r-S3cret-Passw0rd!",
    "tok_live_value_never_to_be_seen",
    "stage-secret-q8Z3xP0vB7nM2kL5",
];

#[tokio::test(flavor = "multi_thread")]
async fn inventory_matches_the_seeded_account_in_two_regions() {
    let seed = Seed::new(ACCOUNT, "us-east-1").await;
    let iam = seed_iam(&seed).await;
    for region in REGIONS {
        seed_lambda(&seed.in_region(region).await, &iam.role).await;
    }
    seed_s3(&seed).await;
    let mut keys = Vec::new();
    for region in REGIONS {
        keys.push(seed_kms(&seed.in_region(region).await).await);
    }
    let apis = seed_apigateway(&seed).await;

    // The scan, as a different session of the same account.
    let scanner = assume_into(ACCOUNT, "scanner").await;
    let (inv, out) = inventory(&scanner, &REGIONS, &[]);
    assert_eq!(inv["schema_version"], 2);
    assert_eq!(inv["account"]["id"], ACCOUNT);
    assert_eq!(inv["account"]["regions"], json!(REGIONS));
    assert_iam(&inv, &iam);
    for region in REGIONS {
        assert_lambda(regional(&inv, region), region, &iam.role);
    }
    assert_s3(&inv);
    for key in &keys {
        assert_kms(regional(&inv, &key.region), key);
    }
    assert_apigateway(&inv, &apis);
    assert!(inv["calls"]["operations"].as_u64().unwrap() > 30);

    // No secret value anywhere: inventory, stdout, stderr, and the scan's report.
    let text = serde_json::to_string(&inv).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in SECRET_VALUES {
        assert!(!text.contains(secret), "{secret} leaked into the inventory");
        assert!(!stderr.contains(secret), "{secret} leaked onto stderr");
    }
    let (_, scan) = scan_report(&scanner.env(), &["--region", "us-east-1"]);
    for secret in SECRET_VALUES {
        assert!(!String::from_utf8_lossy(&scan.stdout).contains(secret));
        assert!(!String::from_utf8_lossy(&scan.stderr).contains(secret));
    }
}

fn regional<'a>(inv: &'a Value, region: &str) -> &'a Value {
    inv["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == region)
        .unwrap_or_else(|| panic!("no region {region}"))
}

struct SeededIam {
    role: String,
    key_id: String,
}

async fn seed_iam(seed: &Seed) -> SeededIam {
    let role = seed.lambda_role("app-role").await;
    seed.iam
        .tag_role()
        .role_name("app-role")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("core")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    seed.inline_policy(
        "app-role",
        "read-table",
        &allow(
            r#""dynamodb:GetItem""#,
            "arn:aws:dynamodb:us-east-1:210000000001:table/t+1",
        ),
    )
    .await;
    seed.attach("app-role", "arn:aws:iam::aws:policy/ReadOnlyAccess")
        .await;
    let keys = seed
        .user(
            "deploy-bot",
            &["arn:aws:iam::aws:policy/AdministratorAccess"],
            1,
        )
        .await;
    SeededIam {
        role,
        key_id: keys[0].clone(),
    }
}

fn assert_iam(inv: &Value, seeded: &SeededIam) {
    let iam = &inv["iam"]["known"];
    let app_role = find(&iam["roles"], "name", "app-role");
    assert_eq!(app_role["arn"], seeded.role);
    assert_eq!(app_role["tags"]["team"], "core");
    assert_eq!(
        app_role["attached_policies"],
        json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    );
    let inline = &app_role["inline_policies"][0];
    assert_eq!(inline["name"], "read-table");
    // URL-decoded, with the literal '+' kept
    let doc: Value = serde_json::from_str(inline["document"].as_str().unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws:dynamodb:us-east-1:210000000001:table/t+1"
    );
    assert!(
        app_role["trust_policy"]
            .as_str()
            .unwrap()
            .contains("lambda.amazonaws.com")
    );
    let readonly = &iam["managed_policies"]["arn:aws:iam::aws:policy/ReadOnlyAccess"];
    assert_eq!(readonly["aws_managed"], true);
    assert!(
        readonly["document"]["known"]
            .as_str()
            .unwrap()
            .contains("Statement")
    );
    assert!(
        iam["managed_policies"]["arn:aws:iam::aws:policy/AdministratorAccess"]["document"]["known"]
            .is_string()
    );
    let bot = find(&iam["users"], "name", "deploy-bot");
    assert_eq!(
        bot["attached_policies"],
        json!(["arn:aws:iam::aws:policy/AdministratorAccess"])
    );
    let key = &bot["access_keys"]["known"][0];
    assert_eq!(key["access_key_id"], seeded.key_id);
    assert_eq!(key["status"], "Active");
    assert!(key["created"].is_string());
    assert_eq!(key["last_used"]["known"], Value::Null, "never used");
}

/// `api-{region}`: secrets in its environment, reserved concurrency, a public resource policy
/// and an open function URL; `worker-{region}`: traced, nothing else.
async fn seed_lambda(seed: &Seed, role: &str) {
    let region = &seed.region;
    let api = seed
        .function(&format!("api-{region}"), role)
        .memory(256)
        .env(&[
            ("AWS_ACCESS_KEY_ID", SECRET_VALUES[0]),
            ("AWS_SECRET_ACCESS_KEY", SECRET_VALUES[1]),
            ("DB_PASSWORD", SECRET_VALUES[2]),
            ("LOG_LEVEL", "debug"),
        ])
        .tracing(false)
        .create()
        .await;
    seed.lambda
        .put_function_concurrency()
        .function_name(&api)
        .reserved_concurrent_executions(7)
        .send()
        .await
        .unwrap();
    seed.permission(&api, "public", "lambda:InvokeFunction", "*")
        .send()
        .await
        .unwrap();
    seed.function_url(&api, FunctionUrlAuthType::None, Some("*"))
        .await;
    seed.function(&format!("worker-{region}"), role)
        .memory(256)
        .env(&[("TOKEN", SECRET_VALUES[3])])
        .tracing(true)
        .create()
        .await;
}

fn assert_lambda(regional: &Value, region: &str, role: &str) {
    let functions = &regional["lambda_functions"]["known"];
    assert_eq!(functions.as_array().unwrap().len(), 2, "{region}");
    let api = find(functions, "name", &format!("api-{region}"));
    assert_eq!(
        api["arn"],
        format!("arn:aws:lambda:{region}:{ACCOUNT}:function:api-{region}")
    );
    assert_eq!(api["region"], region);
    assert_eq!(api["runtime"], "python3.12");
    assert_eq!(api["handler"], "app.handler");
    assert_eq!(api["role_arn"], role);
    assert_eq!(api["timeout_seconds"], 30);
    assert_eq!(api["memory_mb"], 256);
    assert_eq!(api["reserved_concurrency"]["known"], 7);
    assert_eq!(api["function_url"]["known"]["auth_type"], "NONE");
    assert_eq!(
        api["function_url"]["known"]["cors"]["allow_origins"],
        json!(["*"])
    );
    assert!(
        api["resource_policy"]["known"]
            .as_str()
            .unwrap()
            .contains("lambda:InvokeFunction")
    );
    assert_eq!(api["code_signing_config_arn"]["known"], Value::Null);
    let env = api["environment"]["known"].as_array().unwrap();
    let names: Vec<&str> = env.iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "DB_PASSWORD",
            "LOG_LEVEL"
        ]
    );
    assert_eq!(env[0]["classification"], "secret");
    assert_eq!(env[0]["detector"], "aws-access-key-id");
    assert_eq!(env[1]["detector"], "aws-secret-access-key");
    assert_eq!(env[2]["classification"], "secret");
    assert_eq!(env[3]["classification"], "none");
    assert!(
        env[0]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("hmac-sha256:")
    );
    let worker = find(functions, "name", &format!("worker-{region}"));
    assert_eq!(worker["tracing_mode"], "Active");
    assert_eq!(worker["reserved_concurrency"]["known"], Value::Null);
    assert_eq!(worker["function_url"]["known"], Value::Null);
    assert_eq!(worker["resource_policy"]["known"], Value::Null);
    assert_eq!(worker["event_source_mappings"]["known"], json!([]));
}

/// One bucket per region: `t1-private` (KMS-encrypted, Block Public Access, tagged) and
/// `t1-public` (public by ACL and by policy).
async fn seed_s3(seed: &Seed) {
    seed.bucket("t1-private").await;
    seed.bucket_encryption(
        "t1-private",
        ServerSideEncryption::AwsKms,
        Some("alias/data"),
    )
    .await;
    seed.block_public_access("t1-private").await;
    seed.s3
        .put_bucket_tagging()
        .bucket("t1-private")
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key("team").value("core").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let eu = seed.in_region("eu-west-1").await;
    eu.bucket("t1-public").await;
    eu.bucket_acl("t1-public", BucketCannedAcl::PublicRead)
        .await;
    eu.bucket_policy(
        "t1-public",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::t1-public/*"}]}"#,
    )
    .await;
}

fn assert_s3(inv: &Value) {
    let buckets = &inv["s3"]["buckets"]["known"];
    let private = find(buckets, "name", "t1-private");
    assert_eq!(private["arn"], "arn:aws:s3:::t1-private");
    assert_eq!(private["region"]["known"], "us-east-1");
    let rule = &private["encryption"]["known"]["rules"][0];
    assert_eq!(rule["sse_algorithm"], "aws:kms");
    assert_eq!(rule["kms_master_key_id"], "alias/data");
    assert_eq!(
        private["public_access_block"]["known"]["restrict_public_buckets"],
        true
    );
    assert_eq!(private["policy"]["known"], Value::Null);
    assert_eq!(private["policy_is_public"]["known"], Value::Null);
    assert_eq!(private["tags"]["known"]["team"], "core");
    assert_eq!(private["logging"]["known"], Value::Null);
    let public = find(buckets, "name", "t1-public");
    assert_eq!(public["region"]["known"], "eu-west-1");
    assert_eq!(public["encryption"]["known"], Value::Null);
    assert_eq!(public["public_access_block"]["known"], Value::Null);
    assert_eq!(public["policy_is_public"]["known"], true);
    let policy: Value = serde_json::from_str(public["policy"]["known"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Principal"], "*");
    let grants = public["acl"]["known"]["grants"].as_array().unwrap();
    assert!(grants.iter().any(|g| g["grantee_uri"]
        == "http://acs.amazonaws.com/groups/global/AllUsers"
        && g["permission"] == "READ"));
    assert_eq!(
        inv["s3"]["account_public_access_block"]["known"],
        Value::Null
    );
}

struct SeededKeys {
    region: String,
    rotated: String,
    disabled: String,
    doomed: String,
}

/// A rotated key behind `alias/data`, a disabled one, one pending deletion.
async fn seed_kms(seed: &Seed) -> SeededKeys {
    let rotated = seed.key(Some("rotated"), None).await;
    seed.rotate(&rotated).await;
    seed.key_alias(&rotated, "alias/data").await;
    let disabled = seed.key(Some("off"), None).await;
    seed.disable_key(&disabled).await;
    let doomed = seed.key(None, None).await;
    seed.schedule_deletion(&doomed).await;
    SeededKeys {
        region: seed.region.clone(),
        rotated,
        disabled,
        doomed,
    }
}

fn assert_kms(regional: &Value, keys: &SeededKeys) {
    let SeededKeys {
        region,
        rotated,
        disabled,
        doomed,
    } = keys;
    let kms = &regional["kms_keys"]["known"];
    let k = find(kms, "id", rotated);
    assert_eq!(
        k["arn"],
        format!("arn:aws:kms:{region}:{ACCOUNT}:key/{rotated}")
    );
    assert_eq!(k["metadata"]["known"]["state"], "Enabled");
    assert_eq!(k["metadata"]["known"]["manager"], "CUSTOMER");
    assert_eq!(k["metadata"]["known"]["spec"], "SYMMETRIC_DEFAULT");
    assert_eq!(k["metadata"]["known"]["description"], "rotated");
    assert_eq!(k["rotation"]["known"]["enabled"], true);
    assert_eq!(k["aliases"]["known"], json!(["alias/data"]));
    assert!(k["policy"]["known"].as_str().unwrap().contains("kms:*"));
    let off = find(kms, "id", disabled);
    assert_eq!(off["metadata"]["known"]["state"], "Disabled");
    assert_eq!(off["rotation"]["known"]["enabled"], false);
    let gone = find(kms, "id", doomed);
    assert_eq!(gone["metadata"]["known"]["state"], "PendingDeletion");
    assert!(gone["metadata"]["known"]["deletion_date"].is_string());
}

struct SeededApis {
    rest_id: String,
    open_resource: String,
    integration_uri: String,
    authorizer_id: String,
    api_key_id: String,
    api_key_value: String,
}

/// In us-east-1: a regional REST API (`GET /open` with an API key, a Lambda proxy, a `prod`
/// stage with a secret stage variable, tracing and throttling), a TLS 1.0 domain, a token
/// authorizer, a usage plan with a key; an HTTP API with a route and a throttled stage.
async fn seed_apigateway(seed: &Seed) -> SeededApis {
    use aws_sdk_apigateway::types::{
        ApiStage, AuthorizerType, EndpointConfiguration, EndpointType, SecurityPolicy,
        ThrottleSettings,
    };
    let apig = &seed.apig;
    let api = seed
        .rest_api(
            "t1-rest",
            Some(
                EndpointConfiguration::builder()
                    .types(EndpointType::Regional)
                    .build(),
            ),
        )
        .await;
    let function = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:api-us-east-1:live");
    let open_resource = seed
        .rest_get(&api, Some("open"), "NONE", true, Some(&function))
        .await;
    seed.rest_stage(&api, "prod", &[("apiSecret", SECRET_VALUES[4])])
        .await;
    seed.patch_stage(
        &api,
        "prod",
        &[
            ("/tracingEnabled", "true"),
            ("/*/*/throttling/rateLimit", "42"),
        ],
    )
    .await;
    seed.rest_domain("t1.example.com", SecurityPolicy::Tls10)
        .await;
    let authorizer = apig
        .create_authorizer()
        .rest_api_id(&api.id)
        .name("jwt-check")
        .r#type(AuthorizerType::Token)
        .authorizer_uri(seed.invocation_uri(&format!(
            "arn:aws:lambda:us-east-1:{ACCOUNT}:function:worker-us-east-1"
        )))
        .identity_source("method.request.header.Authorization")
        .send()
        .await
        .unwrap();
    let plan = apig
        .create_usage_plan()
        .name("t1-plan")
        .api_stages(ApiStage::builder().api_id(&api.id).stage("prod").build())
        .throttle(
            ThrottleSettings::builder()
                .burst_limit(20)
                .rate_limit(10.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let api_key = apig
        .create_api_key()
        .name("t1-key")
        .enabled(true)
        .send()
        .await
        .unwrap();
    apig.create_usage_plan_key()
        .usage_plan_id(plan.id().unwrap())
        .key_id(api_key.id().unwrap())
        .key_type("API_KEY")
        .send()
        .await
        .unwrap();
    let http = seed.http_api("t1-http").await;
    seed.v2
        .create_route()
        .api_id(&http)
        .route_key("POST /hook")
        .send()
        .await
        .unwrap();
    seed.v2
        .create_stage()
        .api_id(&http)
        .stage_name("live")
        .default_route_settings(
            aws_sdk_apigatewayv2::types::RouteSettings::builder()
                .throttling_burst_limit(10)
                .throttling_rate_limit(5.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    SeededApis {
        integration_uri: seed.invocation_uri(&function),
        rest_id: api.id,
        open_resource,
        authorizer_id: authorizer.id().unwrap().to_owned(),
        api_key_id: api_key.id().unwrap().to_owned(),
        api_key_value: api_key.value().unwrap().to_owned(),
    }
}

fn assert_apigateway(inv: &Value, seeded: &SeededApis) {
    let api_id = &seeded.rest_id;
    let east = regional(inv, "us-east-1");
    let rest = find(&east["rest_apis"]["known"], "name", "t1-rest");
    assert_eq!(
        rest["arn"],
        format!("arn:aws:apigateway:us-east-1::/restapis/{api_id}")
    );
    assert_eq!(rest["endpoint_types"], json!(["REGIONAL"]));
    let stage = find(&rest["stages"]["known"], "name", "prod");
    assert_eq!(
        stage["arn"],
        format!("arn:aws:apigateway:us-east-1::/restapis/{api_id}/stages/prod")
    );
    assert_eq!(stage["tracing_enabled"], true);
    assert_eq!(
        stage["method_settings"]["*/*"]["throttling_rate_limit"],
        42.0
    );
    assert_eq!(stage["variables"][0]["name"], "apiSecret");
    let open = find(&rest["resources"]["known"], "path", "/open");
    let get = &open["methods"][0];
    assert_eq!(get["http_method"], "GET");
    assert_eq!(get["authorization_type"], "NONE");
    assert_eq!(get["api_key_required"], true);
    assert_eq!(get["integration"]["integration_type"], "AWS_PROXY");
    assert_eq!(get["integration"]["uri"], seeded.integration_uri);
    assert_eq!(
        get["arn"],
        format!(
            "arn:aws:apigateway:us-east-1::/restapis/{api_id}/resources/{}/methods/GET",
            seeded.open_resource
        )
    );
    let jwt = find(&rest["authorizers"]["known"], "name", "jwt-check");
    assert_eq!(jwt["id"], seeded.authorizer_id);
    assert_eq!(jwt["authorizer_type"], "TOKEN");
    let usage_plan = find(&east["usage_plans"]["known"], "name", "t1-plan");
    assert_eq!(usage_plan["api_stages"][0]["api_id"], *api_id);
    assert_eq!(usage_plan["api_stages"][0]["stage"], "prod");
    assert_eq!(usage_plan["throttle"]["burst_limit"], 20);
    assert_eq!(usage_plan["throttle"]["rate_limit"], 10.0);
    let key = find(&east["api_keys"]["known"], "name", "t1-key");
    assert_eq!(key["id"], seeded.api_key_id);
    assert_eq!(key["enabled"], true);
    assert!(key["created"].is_string());
    assert!(
        !serde_json::to_string(inv)
            .unwrap()
            .contains(&seeded.api_key_value),
        "API key values are never read"
    );
    let domain = find(&east["domain_names"]["known"], "name", "t1.example.com");
    assert_eq!(domain["security_policy"], "TLS_1_0");
    assert_eq!(
        domain["arn"],
        "arn:aws:apigateway:us-east-1::/domainnames/t1.example.com"
    );
    let http_api = find(&east["http_apis"]["known"], "name", "t1-http");
    assert_eq!(http_api["routes"]["known"][0]["route_key"], "POST /hook");
    let live = find(&http_api["stages"]["known"], "name", "live");
    assert_eq!(live["default_route_throttle"]["burst_limit"], 10);
    assert_eq!(regional(inv, "eu-west-1")["rest_apis"]["known"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn scales_past_50_functions_and_100_roles_with_few_calls_each() {
    let account = "210000000002";
    let seed = Seed::new(account, "us-east-1").await;
    let mut role_arn = String::new();
    for i in 0..105 {
        role_arn = seed.lambda_role(&format!("scale-role-{i:03}")).await;
    }
    for i in 0..55 {
        seed.function(&format!("scale-fn-{i:03}"), &role_arn)
            .memory(256)
            .env(&[("N", "1")])
            .tracing(false)
            .create()
            .await;
    }

    let scanner = assume_into(account, "scanner").await;
    let (inv, _) = inventory(&scanner, &["us-east-1"], &["--services", "lambda,iam"]);
    let roles = inv["iam"]["known"]["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 105);
    let functions = known(&inv, "/regions/0/lambda_functions")
        .as_array()
        .unwrap();
    assert_eq!(functions.len(), 55);
    let names: Vec<&str> = functions
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "functions are reported in a stable order");
    assert!(functions.iter().all(|f| f["tags"]["known"].is_object()));

    // Calls per function: every Lambda call but the per-region lists, over 55 functions
    // (GetFunction, GetPolicy, GetFunctionUrlConfig, GetFunctionCodeSigningConfig,
    // ListFunctionEventInvokeConfigs, ListAliases; a function without aliases costs no more).
    let calls = inv["calls"]["by_operation"].as_array().unwrap();
    let lambda_detail: u64 = calls
        .iter()
        .filter(|c| {
            c["service"] == "Lambda"
                && c["operation"] != "ListFunctions"
                && c["operation"] != "ListEventSourceMappings"
                && c["operation"] != "ListLayers"
                && c["operation"] != "ListCodeSigningConfigs"
        })
        .map(|c| c["operations"].as_u64().unwrap())
        .sum();
    assert!(
        lambda_detail <= 6 * 55,
        "{lambda_detail} Lambda detail calls for 55 functions"
    );
    let gaad = calls
        .iter()
        .find(|c| c["operation"] == "GetAccountAuthorizationDetails")
        .unwrap();
    assert!(
        gaad["operations"].as_u64().unwrap() <= 3,
        "IAM came through a few GAAD pages: {gaad}"
    );
    // The services left out are unknown, not empty.
    assert_eq!(
        inv["s3"]["buckets"]["unavailable"]["error_code"],
        "ServiceNotSelected"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_attribute_is_a_gap_and_the_rest_stays_complete() {
    let account = "210000000003";
    let seed = Seed::new(account, "us-east-1").await;
    for name in ["t3-a", "t3-b"] {
        seed.bucket(name).await;
    }
    seed.bucket_acl("t3-b", BucketCannedAcl::PublicRead).await;

    let scanner = assume_into(account, "scanner").await;
    let (inv, out) = inventory(&scanner, &["us-east-1"], &["--services", "s3"]);
    // moto answers GetBucketVersioning with an XML root the SDK rejects: that one attribute
    // is unavailable with a gap naming the call and the bucket; nothing else is lost.
    let buckets = known(&inv, "/s3/buckets").as_array().unwrap();
    assert_eq!(buckets.len(), 2);
    for bucket in buckets {
        let gap = &bucket["versioning"]["unavailable"];
        assert_eq!(gap["operation"], "GetBucketVersioning", "{bucket}");
        assert_eq!(gap["resource"], bucket["arn"]);
        assert_eq!(gap["kind"], "malformed");
        for attr in [
            "region",
            "encryption",
            "public_access_block",
            "policy",
            "acl",
            "object_ownership",
            "logging",
            "tags",
        ] {
            assert!(
                bucket[attr].get("known").is_some(),
                "{attr} of {} should be known",
                bucket["name"]
            );
        }
    }
    let public = find(known(&inv, "/s3/buckets"), "name", "t3-b");
    assert!(
        public["acl"]["known"]["grants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["permission"] == "READ")
    );
    let gaps = inv["gaps"].as_array().unwrap();
    assert_eq!(
        gaps.iter()
            .filter(|g| g["operation"] == "GetBucketVersioning")
            .count(),
        2
    );
    assert!(out.status.success(), "gaps do not fail the inventory");
}

/// The progress line appears on a terminal only (`script` gives the binary a pseudo-terminal).
#[tokio::test(flavor = "multi_thread")]
async fn progress_only_on_a_terminal() {
    let scanner = assume_into("210000000012", "scanner").await;
    let creds = scanner.env();
    let endpoint = moto().endpoint.clone();
    let args = [
        "inventory",
        "--endpoint-url",
        endpoint.as_str(),
        "--region",
        "us-east-1",
        "--services",
        "kms",
        "--output",
        "/dev/null",
    ];
    let plain = faascan(&args, &creds);
    assert!(plain.status.success());
    assert!(
        plain.stderr.is_empty(),
        "no progress when stderr is not a terminal"
    );

    let command = format!("{} {}", env!("CARGO_BIN_EXE_faascan"), args.join(" "));
    let mut pty = std::process::Command::new("script");
    pty.args(["-qec", &command, "/dev/null"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(creds);
    let out = pty.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains("faascan: collecting kms") && screen.contains("calls"),
        "{screen}"
    );
}
