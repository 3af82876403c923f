//! Live tests against moto: scenario accounts built through the SDK, the real binary run
//! against them, and the inventory asserted field by field. Each test uses its own account.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

#[path = "live/calls.rs"]
mod calls;
mod common;
#[path = "live/faults.rs"]
mod faults;

use aws_sdk_apigateway::types::{
    EndpointConfiguration, EndpointType, Op, PatchOperation, SecurityPolicy,
};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Environment, FunctionCode, FunctionUrlAuthType, Runtime, TracingConfig, TracingMode,
};
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, CreateBucketConfiguration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging,
};
use common::*;
use serde_json::Value;

const SECRET_VALUES: &[&str] = &[
    "AKIAQWERTYUIOPASDFGH",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZZZZZZZZZZ",
    "Sup3r-S3cret-Passw0rd!",
    "tok_live_value_never_to_be_seen",
    "stage-secret-q8Z3xP0vB7nM2kL5",
];

async fn function(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    role: &str,
    env: &[(&str, &str)],
    tracing: bool,
) -> String {
    let mut environment = Environment::builder();
    for (k, v) in env {
        environment = environment.variables(*k, *v);
    }
    lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(role)
        .handler("app.handler")
        .timeout(30)
        .memory_size(256)
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(empty_zip()))
                .build(),
        )
        .environment(environment.build())
        .tracing_config(
            TracingConfig::builder()
                .mode(if tracing {
                    TracingMode::Active
                } else {
                    TracingMode::PassThrough
                })
                .build(),
        )
        .send()
        .await
        .unwrap()
        .function_arn()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn inventory_matches_the_seeded_account_in_two_regions() {
    let seed = assume_into("210000000001", "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let account = "210000000001";

    // IAM
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role = iam
        .create_role()
        .role_name("app-role")
        .assume_role_policy_document(lambda_trust())
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("core")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_owned();
    iam.put_role_policy()
        .role_name("app-role")
        .policy_name("read-table")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:210000000001:table/t+1"}]}"#)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("app-role")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("deploy-bot")
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("deploy-bot")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    let key_id = iam
        .create_access_key()
        .user_name("deploy-bot")
        .send()
        .await
        .unwrap()
        .access_key()
        .unwrap()
        .access_key_id()
        .to_owned();

    // Lambda, in both regions
    for region in ["us-east-1", "eu-west-1"] {
        let lambda = aws_sdk_lambda::Client::new(&seed.sdk(region).await);
        let arn = function(
            &lambda,
            &format!("api-{region}"),
            &role,
            &[
                ("AWS_ACCESS_KEY_ID", SECRET_VALUES[0]),
                ("AWS_SECRET_ACCESS_KEY", SECRET_VALUES[1]),
                ("DB_PASSWORD", SECRET_VALUES[2]),
                ("LOG_LEVEL", "debug"),
            ],
            false,
        )
        .await;
        lambda
            .put_function_concurrency()
            .function_name(&arn)
            .reserved_concurrent_executions(7)
            .send()
            .await
            .unwrap();
        lambda
            .add_permission()
            .function_name(&arn)
            .statement_id("public")
            .action("lambda:InvokeFunction")
            .principal("*")
            .send()
            .await
            .unwrap();
        lambda
            .create_function_url_config()
            .function_name(&arn)
            .auth_type(FunctionUrlAuthType::None)
            .cors(
                aws_sdk_lambda::types::Cors::builder()
                    .allow_origins("*")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        function(
            &lambda,
            &format!("worker-{region}"),
            &role,
            &[("TOKEN", SECRET_VALUES[3])],
            true,
        )
        .await;
    }

    // S3: one bucket per region
    let s3_east = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    s3_east
        .create_bucket()
        .bucket("t1-private")
        .send()
        .await
        .unwrap();
    s3_east
        .put_bucket_encryption()
        .bucket("t1-private")
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id("alias/data")
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3_east
        .put_public_access_block()
        .bucket("t1-private")
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3_east
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
    let s3_eu = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&seed.sdk("eu-west-1").await)
            .force_path_style(true)
            .build(),
    );
    s3_eu
        .create_bucket()
        .bucket("t1-public")
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3_eu
        .put_bucket_acl()
        .bucket("t1-public")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let public_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::t1-public/*"}]}"#;
    s3_eu
        .put_bucket_policy()
        .bucket("t1-public")
        .policy(public_policy)
        .send()
        .await
        .unwrap();

    // KMS in both regions
    let mut keys = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let kms = aws_sdk_kms::Client::new(&seed.sdk(region).await);
        let rotated = kms
            .create_key()
            .description("rotated")
            .send()
            .await
            .unwrap()
            .key_metadata()
            .unwrap()
            .key_id()
            .to_owned();
        kms.enable_key_rotation()
            .key_id(&rotated)
            .send()
            .await
            .unwrap();
        kms.create_alias()
            .alias_name("alias/data")
            .target_key_id(&rotated)
            .send()
            .await
            .unwrap();
        let disabled = kms
            .create_key()
            .description("off")
            .send()
            .await
            .unwrap()
            .key_metadata()
            .unwrap()
            .key_id()
            .to_owned();
        kms.disable_key().key_id(&disabled).send().await.unwrap();
        let doomed = kms
            .create_key()
            .send()
            .await
            .unwrap()
            .key_metadata()
            .unwrap()
            .key_id()
            .to_owned();
        kms.schedule_key_deletion()
            .key_id(&doomed)
            .pending_window_in_days(7)
            .send()
            .await
            .unwrap();
        keys.push((region, rotated, disabled, doomed));
    }

    // API Gateway REST and HTTP in us-east-1
    let apig = aws_sdk_apigateway::Client::new(&sdk);
    let api = apig
        .create_rest_api()
        .name("t1-rest")
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(EndpointType::Regional)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let api_id = api.id().unwrap().to_owned();
    let root = apig
        .get_resources()
        .rest_api_id(&api_id)
        .send()
        .await
        .unwrap()
        .items()[0]
        .id()
        .unwrap()
        .to_owned();
    let res = apig
        .create_resource()
        .rest_api_id(&api_id)
        .parent_id(&root)
        .path_part("open")
        .send()
        .await
        .unwrap();
    let res_id = res.id().unwrap().to_owned();
    apig.put_method()
        .rest_api_id(&api_id)
        .resource_id(&res_id)
        .http_method("GET")
        .authorization_type("NONE")
        .api_key_required(true)
        .send()
        .await
        .unwrap();
    let integration_uri = format!(
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:{account}:function:api-us-east-1:live/invocations"
    );
    apig.put_integration()
        .rest_api_id(&api_id)
        .resource_id(&res_id)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::AwsProxy)
        .integration_http_method("POST")
        .uri(&integration_uri)
        .send()
        .await
        .unwrap();
    apig.create_deployment()
        .rest_api_id(&api_id)
        .stage_name("prod")
        .variables("apiSecret", SECRET_VALUES[4])
        .send()
        .await
        .unwrap();
    apig.update_stage()
        .rest_api_id(&api_id)
        .stage_name("prod")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/tracingEnabled")
                .value("true")
                .build(),
        )
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/*/*/throttling/rateLimit")
                .value("42")
                .build(),
        )
        .send()
        .await
        .unwrap();
    apig.create_domain_name()
        .domain_name("t1.example.com")
        .security_policy(SecurityPolicy::Tls10)
        .regional_certificate_arn("arn:aws:acm:us-east-1:210000000001:certificate/x")
        .send()
        .await
        .unwrap();
    let authorizer = apig
        .create_authorizer()
        .rest_api_id(&api_id)
        .name("jwt-check")
        .r#type(aws_sdk_apigateway::types::AuthorizerType::Token)
        .authorizer_uri(format!(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:{account}:function:worker-us-east-1/invocations"
        ))
        .identity_source("method.request.header.Authorization")
        .send()
        .await
        .unwrap();
    let plan = apig
        .create_usage_plan()
        .name("t1-plan")
        .api_stages(
            aws_sdk_apigateway::types::ApiStage::builder()
                .api_id(&api_id)
                .stage("prod")
                .build(),
        )
        .throttle(
            aws_sdk_apigateway::types::ThrottleSettings::builder()
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
    let v2 = aws_sdk_apigatewayv2::Client::new(&sdk);
    let http = v2
        .create_api()
        .name("t1-http")
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
        .send()
        .await
        .unwrap();
    let http_id = http.api_id().unwrap().to_owned();
    v2.create_route()
        .api_id(&http_id)
        .route_key("POST /hook")
        .send()
        .await
        .unwrap();
    v2.create_stage()
        .api_id(&http_id)
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

    // The scan, as a different session of the same account.
    let scanner = assume_into(account, "scanner").await;
    let (inv, out) = inventory(&scanner, &["us-east-1", "eu-west-1"], &[]);

    assert_eq!(inv["schema_version"], 2);
    assert_eq!(inv["account"]["id"], account);
    assert_eq!(
        inv["account"]["regions"],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );

    // IAM
    let iam_inv = &inv["iam"]["known"];
    let app_role = find(&iam_inv["roles"], "name", "app-role");
    assert_eq!(app_role["arn"], role);
    assert_eq!(app_role["tags"]["team"], "core");
    assert_eq!(
        app_role["attached_policies"],
        serde_json::json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
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
    let readonly = &iam_inv["managed_policies"]["arn:aws:iam::aws:policy/ReadOnlyAccess"];
    assert_eq!(readonly["aws_managed"], true);
    assert!(
        readonly["document"]["known"]
            .as_str()
            .unwrap()
            .contains("Statement")
    );
    assert!(iam_inv["managed_policies"]["arn:aws:iam::aws:policy/AdministratorAccess"]["document"]["known"].is_string());
    let bot = find(&iam_inv["users"], "name", "deploy-bot");
    assert_eq!(
        bot["attached_policies"],
        serde_json::json!(["arn:aws:iam::aws:policy/AdministratorAccess"])
    );
    let key = &bot["access_keys"]["known"][0];
    assert_eq!(key["access_key_id"], key_id);
    assert_eq!(key["status"], "Active");
    assert!(key["created"].is_string());
    assert_eq!(key["last_used"]["known"], Value::Null, "never used");

    // Lambda, per region
    for region in ["us-east-1", "eu-west-1"] {
        let regional = inv["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"] == region)
            .unwrap();
        let functions = &regional["lambda_functions"]["known"];
        assert_eq!(functions.as_array().unwrap().len(), 2, "{region}");
        let api = find(functions, "name", &format!("api-{region}"));
        assert_eq!(
            api["arn"],
            format!("arn:aws:lambda:{region}:{account}:function:api-{region}")
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
            serde_json::json!(["*"])
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
        assert_eq!(
            worker["event_source_mappings"]["known"],
            serde_json::json!([])
        );
    }

    // S3
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

    // KMS
    for (region, rotated, disabled, doomed) in &keys {
        let regional = inv["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"] == *region)
            .unwrap();
        let kms = &regional["kms_keys"]["known"];
        let k = find(kms, "id", rotated);
        assert_eq!(
            k["arn"],
            format!("arn:aws:kms:{region}:{account}:key/{rotated}")
        );
        assert_eq!(k["metadata"]["known"]["state"], "Enabled");
        assert_eq!(k["metadata"]["known"]["manager"], "CUSTOMER");
        assert_eq!(k["metadata"]["known"]["spec"], "SYMMETRIC_DEFAULT");
        assert_eq!(k["metadata"]["known"]["description"], "rotated");
        assert_eq!(k["rotation"]["known"]["enabled"], true);
        assert_eq!(k["aliases"]["known"], serde_json::json!(["alias/data"]));
        assert!(k["policy"]["known"].as_str().unwrap().contains("kms:*"));
        let off = find(kms, "id", disabled);
        assert_eq!(off["metadata"]["known"]["state"], "Disabled");
        assert_eq!(off["rotation"]["known"]["enabled"], false);
        let gone = find(kms, "id", doomed);
        assert_eq!(gone["metadata"]["known"]["state"], "PendingDeletion");
        assert!(gone["metadata"]["known"]["deletion_date"].is_string());
    }

    // API Gateway
    let east = &inv["regions"][0];
    let rest = find(&east["rest_apis"]["known"], "name", "t1-rest");
    assert_eq!(
        rest["arn"],
        format!("arn:aws:apigateway:us-east-1::/restapis/{api_id}")
    );
    assert_eq!(rest["endpoint_types"], serde_json::json!(["REGIONAL"]));
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
    assert_eq!(get["integration"]["uri"], integration_uri);
    assert_eq!(
        get["arn"],
        format!("arn:aws:apigateway:us-east-1::/restapis/{api_id}/resources/{res_id}/methods/GET")
    );
    let jwt = find(&rest["authorizers"]["known"], "name", "jwt-check");
    assert_eq!(jwt["id"], authorizer.id().unwrap());
    assert_eq!(jwt["authorizer_type"], "TOKEN");
    let usage_plan = find(&east["usage_plans"]["known"], "name", "t1-plan");
    assert_eq!(usage_plan["api_stages"][0]["api_id"], api_id);
    assert_eq!(usage_plan["api_stages"][0]["stage"], "prod");
    assert_eq!(usage_plan["throttle"]["burst_limit"], 20);
    assert_eq!(usage_plan["throttle"]["rate_limit"], 10.0);
    let key = find(&east["api_keys"]["known"], "name", "t1-key");
    assert_eq!(key["id"], api_key.id().unwrap());
    assert_eq!(key["enabled"], true);
    assert!(key["created"].is_string());
    assert!(
        !serde_json::to_string(&inv)
            .unwrap()
            .contains(api_key.value().unwrap()),
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
    assert_eq!(
        inv["regions"][1]["rest_apis"]["known"],
        serde_json::json!([])
    );

    // Call accounting
    assert!(inv["calls"]["operations"].as_u64().unwrap() > 30);

    // No secret value anywhere: inventory, stdout, stderr.
    let text = serde_json::to_string(&inv).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in SECRET_VALUES {
        assert!(!text.contains(secret), "{secret} leaked into the inventory");
        assert!(!stderr.contains(secret), "{secret} leaked onto stderr");
    }
    let scan = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--endpoint-url",
            &moto().endpoint,
            "--region",
            "us-east-1",
            "--format",
            "json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &scanner.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &scanner.secret_access_key),
            ("AWS_SESSION_TOKEN", &scanner.session_token),
        ],
    );
    assert!(scan.status.success());
    for secret in SECRET_VALUES {
        assert!(!String::from_utf8_lossy(&scan.stdout).contains(secret));
        assert!(!String::from_utf8_lossy(&scan.stderr).contains(secret));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn scales_past_50_functions_and_100_roles_with_few_calls_each() {
    let account = "210000000002";
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let mut role_arn = String::new();
    for i in 0..105 {
        let out = iam
            .create_role()
            .role_name(format!("scale-role-{i:03}"))
            .assume_role_policy_document(lambda_trust())
            .send()
            .await
            .unwrap();
        role_arn = out.role().unwrap().arn().to_owned();
    }
    for i in 0..55 {
        function(
            &lambda,
            &format!("scale-fn-{i:03}"),
            &role_arn,
            &[("N", "1")],
            false,
        )
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
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    for name in ["t3-a", "t3-b"] {
        s3.create_bucket().bucket(name).send().await.unwrap();
    }
    s3.put_bucket_acl()
        .bucket("t3-b")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();

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

/// Every request the binary sent, as moto's recorder saw it, filtered by the scan's own
/// access key. REST services (Lambda, S3, API Gateway) must use GET/HEAD only; query and JSON
/// protocol services must name an operation that `faascan permissions` publishes.
#[tokio::test(flavor = "multi_thread")]
async fn every_request_the_binary_sends_is_a_published_read() {
    use base64::Engine;
    let account = "210000000004";
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role = iam
        .create_role()
        .role_name("ro-role")
        .assume_role_policy_document(lambda_trust())
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_owned();
    iam.create_user().user_name("ro-user").send().await.unwrap();
    iam.create_access_key()
        .user_name("ro-user")
        .send()
        .await
        .unwrap();
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    function(&lambda, "ro-fn", &role, &[], false).await;
    let kms = aws_sdk_kms::Client::new(&sdk);
    kms.create_key().send().await.unwrap();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket().bucket("t4-ro").send().await.unwrap();
    aws_sdk_apigateway::Client::new(&sdk)
        .create_rest_api()
        .name("ro-api")
        .send()
        .await
        .unwrap();

    let scanner = assume_into(account, "scanner").await;
    let (inv, _) = inventory(&scanner, &["us-east-1"], &[]);

    let permissions = faascan(&["permissions", "--format", "calls"], &[]);
    let published: Vec<(String, String)> = String::from_utf8(permissions.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut cols = l.split('\t');
            (
                cols.next().unwrap().to_owned(),
                cols.next().unwrap().to_owned(),
            )
        })
        .collect();
    let published_op = |op: &str| published.iter().any(|(_, o)| o == op);

    let recording = std::fs::read_to_string(&moto().recording).unwrap();
    let mut seen = 0;
    for line in recording.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        let headers = &entry["headers"];
        let auth = headers["Authorization"]
            .as_str()
            .or(headers["authorization"].as_str())
            .unwrap_or_default();
        if !auth.contains(&format!("Credential={}/", scanner.access_key_id)) {
            continue;
        }
        seen += 1;
        let scope_service = auth.split('/').nth(3).unwrap_or_default();
        let method = entry["method"].as_str().unwrap();
        let url = entry["url"].as_str().unwrap();
        match scope_service {
            "lambda" | "s3" | "apigateway" => {
                assert!(
                    method == "GET" || method == "HEAD",
                    "{method} {url} is not a read"
                );
            }
            "kms" => {
                let target = headers["X-Amz-Target"]
                    .as_str()
                    .or(headers["x-amz-target"].as_str())
                    .unwrap();
                let op = target.rsplit('.').next().unwrap();
                assert!(
                    published_op(op),
                    "KMS {op} is not in faascan's published list"
                );
            }
            "iam" | "sts" => {
                let body = entry["body"].as_str().unwrap_or_default();
                let body = if entry["body_encoded"] == true {
                    String::from_utf8(
                        base64::engine::general_purpose::STANDARD
                            .decode(body)
                            .unwrap(),
                    )
                    .unwrap()
                } else {
                    body.to_owned()
                };
                let action = body
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("Action="))
                    .unwrap();
                assert!(
                    published_op(action),
                    "{scope_service} {action} is not in faascan's published list"
                );
                let read = ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| action.starts_with(p));
                assert!(read, "{action} is not a read");
            }
            other => panic!("request to an unexpected service {other}: {method} {url}"),
        }
    }
    // Every attempt the binary counted reached the server and was checked here, but for
    // the ListCodeSigningConfigs moto has no route for (its 404 is not recorded).
    let unrouted: u64 = inv["calls"]["by_operation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == "ListCodeSigningConfigs")
        .map(|c| c["attempts"].as_u64().unwrap())
        .sum();
    assert_eq!(
        seen + unrouted,
        inv["calls"]["attempts"].as_u64().unwrap(),
        "recorded requests vs counted attempts"
    );
    assert!(seen > 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn all_regions_without_region_discovery_fails_clearly() {
    // moto does not implement account:ListRegions; a real account does. The scan must say
    // what failed and what to do instead, not scan a guessed set of regions.
    let scanner = assume_into("210000000005", "scanner").await;
    let out = faascan(
        &[
            "inventory",
            "--endpoint-url",
            &moto().endpoint,
            "--all-regions",
            "--max-attempts",
            "1",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &scanner.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &scanner.secret_access_key),
            ("AWS_SESSION_TOKEN", &scanner.session_token),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("account:ListRegions") && stderr.contains("--region"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// A moto account with a deliberate mix of misconfigurations and clean look-alikes for every
/// check moto can represent; the scan must give each the exact status.
/// An S3 Control client for moto: the SDK's endpoint rules put the account id in the host,
/// which does not resolve on loopback.
fn moto_s3control(sdk: &aws_config::SdkConfig) -> aws_sdk_s3control::Client {
    #[derive(Debug)]
    struct Moto(String);
    impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Moto {
        fn resolve_endpoint<'a>(
            &'a self,
            _: &'a aws_sdk_s3control::config::endpoint::Params,
        ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
            aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
                aws_smithy_types::endpoint::Endpoint::builder()
                    .url(self.0.clone())
                    .build(),
            ))
        }
    }
    aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(sdk)
            .endpoint_resolver(Moto(moto().endpoint.clone()))
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn checks_judge_a_seeded_account_exactly() {
    use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls, OwnershipControlsRule};
    let account = "210000000006";
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let kms = aws_sdk_kms::Client::new(&sdk);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let apig = aws_sdk_apigateway::Client::new(&sdk);
    let v2 = aws_sdk_apigatewayv2::Client::new(&sdk);

    // IAM roles
    async fn role(
        iam: &aws_sdk_iam::Client,
        name: &str,
        trust: &str,
        inline: Option<&str>,
        managed: &[&str],
    ) -> String {
        let arn = iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust)
            .send()
            .await
            .unwrap()
            .role()
            .unwrap()
            .arn()
            .to_owned();
        if let Some(doc) = inline {
            iam.put_role_policy()
                .role_name(name)
                .policy_name("inline")
                .policy_document(doc)
                .send()
                .await
                .unwrap();
        }
        for m in managed {
            iam.attach_role_policy()
                .role_name(name)
                .policy_arn(*m)
                .send()
                .await
                .unwrap();
        }
        arn
    }
    let trust = lambda_trust();
    let allow = |action: &str, resource: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{action},"Resource":"{resource}"}}]}}"#
        )
    };
    let admin = role(
        &iam,
        "c-admin",
        &trust,
        None,
        &["arn:aws:iam::aws:policy/AdministratorAccess"],
    )
    .await;
    role(&iam, "c-notaction", &trust, Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#), &[]).await;
    role(
        &iam,
        "c-passrole",
        &trust,
        Some(&allow(r#"["iam:PassRole","lambda:CreateFunction"]"#, "*")),
        &[],
    )
    .await;
    role(
        &iam,
        "c-exfil",
        &trust,
        Some(&allow(r#""secretsmanager:GetSecretValue""#, "*")),
        &[],
    )
    .await;
    role(
        &iam,
        "c-exposure",
        &trust,
        Some(&allow(r#""s3:PutBucketPolicy""#, "*")),
        &[],
    )
    .await;
    role(
        &iam,
        "c-s3star",
        &trust,
        Some(&allow(r#""s3:*""#, "*")),
        &[],
    )
    .await;
    let narrow = role(
        &iam,
        "c-narrow",
        &trust,
        Some(&allow(
            r#""dynamodb:GetItem""#,
            "arn:aws:dynamodb:us-east-1:210000000006:table/t",
        )),
        &[],
    )
    .await;
    role(&iam, "c-passrole-scoped", &trust, Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}"#), &[]).await;
    role(&iam, "c-trust-public", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#, None, &[]).await;
    role(&iam, "c-trust-partner", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#, None, &[]).await;
    role(&iam, "c-trust-partner-extid", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"e-1"}}}]}"#, None, &[]).await;
    role(
        &iam,
        "c-bounded-admin",
        &trust,
        None,
        &["arn:aws:iam::aws:policy/AdministratorAccess"],
    )
    .await;
    iam.put_role_permissions_boundary()
        .role_name("c-bounded-admin")
        .permissions_boundary("arn:aws:iam::aws:policy/AWSLambdaExecute")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("c-admin-user")
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("c-admin-user")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("c-admin-user")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("c-admin-user")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("c-plain-user")
        .send()
        .await
        .unwrap();

    // KMS
    let key = |desc: &'static str| {
        let kms = kms.clone();
        async move {
            kms.create_key()
                .description(desc)
                .send()
                .await
                .unwrap()
                .key_metadata()
                .unwrap()
                .key_id()
                .to_owned()
        }
    };
    let k_rotating = key("rotating").await;
    kms.enable_key_rotation()
        .key_id(&k_rotating)
        .send()
        .await
        .unwrap();
    kms.create_alias()
        .alias_name("alias/c-rotating")
        .target_key_id(&k_rotating)
        .send()
        .await
        .unwrap();
    let k_static = key("static").await;
    kms.create_alias()
        .alias_name("alias/c-static")
        .target_key_id(&k_static)
        .send()
        .await
        .unwrap();
    let k_off = key("off").await;
    kms.disable_key().key_id(&k_off).send().await.unwrap();
    kms.create_alias()
        .alias_name("alias/c-off")
        .target_key_id(&k_off)
        .send()
        .await
        .unwrap();
    let k_doomed = key("doomed").await;
    kms.schedule_key_deletion()
        .key_id(&k_doomed)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    kms.create_alias()
        .alias_name("alias/c-doomed")
        .target_key_id(&k_doomed)
        .send()
        .await
        .unwrap();
    let root = format!(
        r#"{{"Sid":"root","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}"#
    );
    let k_public = kms
        .create_key()
        .policy(format!(r#"{{"Version":"2012-10-17","Statement":[{root},{{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}}]}}"#))
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    kms.enable_key_rotation()
        .key_id(&k_public)
        .send()
        .await
        .unwrap();
    kms.create_alias()
        .alias_name("alias/c-public")
        .target_key_id(&k_public)
        .send()
        .await
        .unwrap();
    let k_partner = kms
        .create_key()
        .policy(format!(r#"{{"Version":"2012-10-17","Statement":[{root},{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::999999999999:root"}},"Action":"kms:Decrypt","Resource":"*"}}]}}"#))
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    kms.create_alias()
        .alias_name("alias/c-partner")
        .target_key_id(&k_partner)
        .send()
        .await
        .unwrap();
    let key_arn = |id: &str| format!("arn:aws:kms:us-east-1:{account}:key/{id}");

    // Lambda
    let create = |name: &'static str,
                  role: String,
                  runtime: Runtime,
                  timeout: i32,
                  env: Vec<(&'static str, &'static str)>,
                  kms_key: Option<String>,
                  tracing: bool| {
        let lambda = lambda.clone();
        async move {
            let mut environment = Environment::builder();
            for (k, v) in env {
                environment = environment.variables(k, v);
            }
            lambda
                .create_function()
                .function_name(name)
                .runtime(runtime)
                .role(role)
                .handler("app.handler")
                .timeout(timeout)
                .code(
                    FunctionCode::builder()
                        .zip_file(Blob::new(empty_zip()))
                        .build(),
                )
                .environment(environment.build())
                .set_kms_key_arn(kms_key)
                .tracing_config(
                    TracingConfig::builder()
                        .mode(if tracing {
                            TracingMode::Active
                        } else {
                            TracingMode::PassThrough
                        })
                        .build(),
                )
                .send()
                .await
                .unwrap()
                .function_arn()
                .unwrap()
                .to_owned()
        }
    };
    let f_open = create(
        "c-open",
        admin.clone(),
        Runtime::Python37,
        900,
        vec![("AWS_ACCESS_KEY_ID", "AKIAZZZZZZZZZZZZZZZZ")],
        None,
        false,
    )
    .await;
    lambda
        .create_function_url_config()
        .function_name(&f_open)
        .auth_type(FunctionUrlAuthType::None)
        .cors(
            aws_sdk_lambda::types::Cors::builder()
                .allow_origins("*")
                .build(),
        )
        .send()
        .await
        .unwrap();
    // What the console and SAM add with AuthType NONE: without it the URL answers 403.
    lambda
        .add_permission()
        .function_name(&f_open)
        .statement_id("FunctionURLAllowPublicAccess")
        .action("lambda:InvokeFunctionUrl")
        .principal("*")
        .function_url_auth_type(FunctionUrlAuthType::None)
        .send()
        .await
        .unwrap();
    let f_clean = create(
        "c-clean",
        narrow.clone(),
        Runtime::Python312,
        30,
        vec![("TABLE", "t")],
        Some(key_arn(&k_rotating)),
        true,
    )
    .await;
    lambda
        .put_function_concurrency()
        .function_name(&f_clean)
        .reserved_concurrent_executions(5)
        .send()
        .await
        .unwrap();
    lambda
        .create_function_url_config()
        .function_name(&f_clean)
        .auth_type(FunctionUrlAuthType::AwsIam)
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name(&f_clean)
        .statement_id("apigw")
        .action("lambda:InvokeFunction")
        .principal("apigateway.amazonaws.com")
        .source_arn(format!("arn:aws:execute-api:us-east-1:{account}:abc/*"))
        .send()
        .await
        .unwrap();
    // An alias with its own public policy: AWS keeps one policy per qualifier, so the alias
    // is open while the function is not (moto shares one document between qualifiers; the
    // collector keeps each statement with the qualifier its Resource names).
    let version = lambda
        .publish_version()
        .function_name(&f_clean)
        .send()
        .await
        .unwrap()
        .version()
        .unwrap()
        .to_owned();
    lambda
        .create_alias()
        .function_name(&f_clean)
        .name("live")
        .function_version(&version)
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name(&f_clean)
        .qualifier("live")
        .statement_id("public-alias")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .unwrap();
    let f_policy = create(
        "c-public-policy",
        narrow.clone(),
        Runtime::Python312,
        30,
        vec![],
        None,
        true,
    )
    .await;
    lambda
        .add_permission()
        .function_name(&f_policy)
        .statement_id("all")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .unwrap();
    let f_s3 = create(
        "c-s3-trigger",
        narrow.clone(),
        Runtime::Python312,
        30,
        vec![],
        None,
        true,
    )
    .await;
    lambda
        .add_permission()
        .function_name(&f_s3)
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name(&f_s3)
        .statement_id("partner")
        .action("lambda:InvokeFunction")
        .principal("999999999999")
        .send()
        .await
        .unwrap();
    create(
        "c-broken-key",
        narrow.clone(),
        Runtime::Python312,
        30,
        vec![("A", "b")],
        Some(key_arn(&k_off)),
        true,
    )
    .await;

    // S3
    for b in [
        "c-public-acl",
        "c-public-policy",
        "c-vpce-only",
        "c-clean-bucket",
        "c-partner-bucket",
        "c-logs",
    ] {
        s3.create_bucket().bucket(b).send().await.unwrap();
    }
    s3.put_bucket_acl()
        .bucket("c-logs")
        .acl(BucketCannedAcl::from("log-delivery-write"))
        .send()
        .await
        .unwrap();
    s3.put_bucket_acl()
        .bucket("c-public-acl")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let obj = |b: &str, principal: &str, cond: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{b}/*"{cond}}}]}}"#
        )
    };
    s3.put_bucket_policy()
        .bucket("c-public-policy")
        .policy(obj("c-public-policy", r#""*""#, ""))
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket("c-vpce-only")
        .policy(obj(
            "c-vpce-only",
            r#""*""#,
            r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}"#,
        ))
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket("c-partner-bucket")
        .policy(obj(
            "c-partner-bucket",
            r#"{"AWS":"arn:aws:iam::999999999999:root"}"#,
            "",
        ))
        .send()
        .await
        .unwrap();
    s3.put_bucket_encryption()
        .bucket("c-clean-bucket")
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket("c-clean-bucket")
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_ownership_controls()
        .bucket("c-clean-bucket")
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_logging()
        .bucket("c-clean-bucket")
        .bucket_logging_status(
            aws_sdk_s3::types::BucketLoggingStatus::builder()
                .logging_enabled(
                    aws_sdk_s3::types::LoggingEnabled::builder()
                        .target_bucket("c-logs")
                        .target_prefix("c/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket("c-clean-bucket")
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::c-clean-bucket","arn:aws:s3:::c-clean-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#)
        .send()
        .await
        .unwrap();

    // API Gateway REST: one public API wired to c-open, one private API
    let api_id = apig
        .create_rest_api()
        .name("c-api")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let root_id = apig
        .get_resources()
        .rest_api_id(&api_id)
        .send()
        .await
        .unwrap()
        .items()[0]
        .id()
        .unwrap()
        .to_owned();
    for (path, auth, key) in [
        ("open", "NONE", false),
        ("keyed", "NONE", true),
        ("iam", "AWS_IAM", false),
    ] {
        let rid = apig
            .create_resource()
            .rest_api_id(&api_id)
            .parent_id(&root_id)
            .path_part(path)
            .send()
            .await
            .unwrap()
            .id()
            .unwrap()
            .to_owned();
        apig.put_method()
            .rest_api_id(&api_id)
            .resource_id(&rid)
            .http_method("GET")
            .authorization_type(auth)
            .api_key_required(key)
            .send()
            .await
            .unwrap();
        apig.put_integration()
            .rest_api_id(&api_id)
            .resource_id(&rid)
            .http_method("GET")
            .r#type(aws_sdk_apigateway::types::IntegrationType::AwsProxy)
            .integration_http_method("POST")
            .uri(format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{f_open}:live/invocations"))
            .send()
            .await
            .unwrap();
    }
    apig.create_deployment()
        .rest_api_id(&api_id)
        .stage_name("wild")
        .variables("token", "ghp_0123456789abcdefghijABCDEFGHIJ012345")
        .send()
        .await
        .unwrap();
    apig.create_deployment()
        .rest_api_id(&api_id)
        .stage_name("tame")
        .send()
        .await
        .unwrap();
    let op = |path: &str, value: &str| {
        PatchOperation::builder()
            .op(Op::Replace)
            .path(path)
            .value(value)
            .build()
    };
    apig.update_stage()
        .rest_api_id(&api_id)
        .stage_name("tame")
        .patch_operations(op("/tracingEnabled", "true"))
        .patch_operations(op("/*/*/throttling/rateLimit", "50"))
        .patch_operations(op("/*/*/throttling/burstLimit", "20"))
        .patch_operations(op("/*/*/logging/loglevel", "ERROR"))
        .patch_operations(op(
            "/accessLogSettings/destinationArn",
            "arn:aws:logs:us-east-1:210000000006:log-group:a",
        ))
        .patch_operations(op("/accessLogSettings/format", "$context.requestId"))
        .send()
        .await
        .unwrap();
    apig.update_stage()
        .rest_api_id(&api_id)
        .stage_name("wild")
        .patch_operations(op("/*/*/caching/enabled", "true"))
        .patch_operations(op("/*/*/caching/dataEncrypted", "false"))
        // moto fills a new */* entry with 1000/2000 throttling; AWS reports the inherited
        // account defaults, which limit nothing. Mirror AWS.
        .patch_operations(op("/*/*/throttling/rateLimit", "10000"))
        .patch_operations(op("/*/*/throttling/burstLimit", "5000"))
        .send()
        .await
        .unwrap();
    let private_id = apig
        .create_rest_api()
        .name("c-private")
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(EndpointType::Private)
                .vpc_endpoint_ids("vpce-1a2b")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let proot = apig
        .get_resources()
        .rest_api_id(&private_id)
        .send()
        .await
        .unwrap()
        .items()[0]
        .id()
        .unwrap()
        .to_owned();
    apig.put_method()
        .rest_api_id(&private_id)
        .resource_id(&proot)
        .http_method("GET")
        .authorization_type("NONE")
        .send()
        .await
        .unwrap();
    for (domain, policy) in [
        ("c-old.example.com", SecurityPolicy::Tls10),
        ("c-new.example.com", SecurityPolicy::Tls12),
    ] {
        apig.create_domain_name()
            .domain_name(domain)
            .security_policy(policy)
            .regional_certificate_arn("arn:aws:acm:us-east-1:210000000006:certificate/x")
            .send()
            .await
            .unwrap();
    }
    // The REST API is served through a custom domain while its default endpoint stays on.
    apig.create_base_path_mapping()
        .domain_name("c-new.example.com")
        .rest_api_id(&api_id)
        .stage("tame")
        .send()
        .await
        .unwrap();
    // An API Gateway v2 custom domain that still accepts TLS 1.0.
    v2.create_domain_name()
        .domain_name("c-v2-old.example.com")
        .domain_name_configurations(
            aws_sdk_apigatewayv2::types::DomainNameConfiguration::builder()
                .certificate_arn("arn:aws:acm:us-east-1:210000000006:certificate/y")
                .endpoint_type(aws_sdk_apigatewayv2::types::EndpointType::Regional)
                .security_policy(aws_sdk_apigatewayv2::types::SecurityPolicy::Tls10)
                .build(),
        )
        .send()
        .await
        .unwrap();
    v2.create_domain_name()
        .domain_name("c-v2-new.example.com")
        .domain_name_configurations(
            aws_sdk_apigatewayv2::types::DomainNameConfiguration::builder()
                .certificate_arn("arn:aws:acm:us-east-1:210000000006:certificate/z")
                .endpoint_type(aws_sdk_apigatewayv2::types::EndpointType::Regional)
                .security_policy(aws_sdk_apigatewayv2::types::SecurityPolicy::Tls12)
                .build(),
        )
        .send()
        .await
        .unwrap();

    // Lambda layers: one version shared with everyone, one private.
    for layer in ["c-shared-layer", "c-private-layer"] {
        lambda
            .publish_layer_version()
            .layer_name(layer)
            .content(
                aws_sdk_lambda::types::LayerVersionContentInput::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(empty_zip()))
                    .build(),
            )
            .compatible_runtimes(Runtime::Python312)
            .send()
            .await
            .unwrap();
    }
    lambda
        .add_layer_version_permission()
        .layer_name("c-shared-layer")
        .version_number(1)
        .statement_id("everyone")
        .action("lambda:GetLayerVersion")
        .principal("*")
        .send()
        .await
        .unwrap();

    // S3 access points: one without Block Public Access and with a public policy, one with
    // the defaults (all on). moto answers these calls with XML roots the SDK rejects after
    // the state changed, so only the effect is checked (by the scan).
    let s3control = moto_s3control(&sdk);
    let _ = s3control
        .create_access_point()
        .account_id(account)
        .name("c-open-ap")
        .bucket("c-clean-bucket")
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(false)
                .ignore_public_acls(false)
                .block_public_policy(false)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await;
    let _ = s3control
        .put_access_point_policy()
        .account_id(account)
        .name("c-open-ap")
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:{account}:accesspoint/c-open-ap/object/*"}}]}}"#
        ))
        .send()
        .await;
    let _ = s3control
        .create_access_point()
        .account_id(account)
        .name("c-closed-ap")
        .bucket("c-clean-bucket")
        .send()
        .await;

    let http = v2
        .create_api()
        .name("c-http")
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
        .send()
        .await
        .unwrap();
    let http_id = http.api_id().unwrap().to_owned();
    v2.create_route()
        .api_id(&http_id)
        .route_key("POST /open")
        .send()
        .await
        .unwrap();
    v2.create_route()
        .api_id(&http_id)
        .route_key("GET /iam")
        .authorization_type(aws_sdk_apigatewayv2::types::AuthorizationType::AwsIam)
        .send()
        .await
        .unwrap();
    v2.create_stage()
        .api_id(&http_id)
        .stage_name("loose")
        .send()
        .await
        .unwrap();
    v2.create_stage()
        .api_id(&http_id)
        .stage_name("strict")
        .default_route_settings(
            aws_sdk_apigatewayv2::types::RouteSettings::builder()
                .throttling_burst_limit(10)
                .throttling_rate_limit(5.0)
                .build(),
        )
        .access_log_settings(
            aws_sdk_apigatewayv2::types::AccessLogSettings::builder()
                .destination_arn("arn:aws:logs:us-east-1:210000000006:log-group:h")
                .format("$context.requestId")
                .build(),
        )
        .send()
        .await
        .unwrap();

    // The scan
    let scanner = assume_into(account, "scanner").await;
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--endpoint-url",
            &moto().endpoint,
            "--region",
            "us-east-1",
            "--format",
            "json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &scanner.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &scanner.secret_access_key),
            ("AWS_SESSION_TOKEN", &scanner.session_token),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    let status = |check: &str, name: &str| -> String {
        let matching: Vec<&Value> = results
            .iter()
            .filter(|r| r["check_id"] == check && r["resource"]["name"] == name)
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{check} on {name}: {} results",
            matching.len()
        );
        matching[0]["status"].as_str().unwrap().to_owned()
    };
    let expect = |rows: &[(&str, &str, &str)]| {
        let mut wrong = Vec::new();
        for (check, name, want) in rows {
            let got = status(check, name);
            if got != *want {
                wrong.push(format!("{check} on {name}: {got}, expected {want}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    };
    let access_key = |user: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| {
                r["check_id"] == "iam-user-access-key-old"
                    && r["resource"]["name"].as_str().unwrap().starts_with(user)
            })
            .map(|r| r["resource"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(access_key("c-admin-user").len(), 2);
    expect(&[
        ("iam-role-admin-access", "c-admin", "fail"),
        ("iam-role-admin-access", "c-notaction", "fail"),
        ("iam-role-admin-access", "c-narrow", "pass"),
        ("iam-role-admin-access", "c-bounded-admin", "pass"),
        ("iam-role-not-action", "c-notaction", "fail"),
        ("iam-role-not-action", "c-narrow", "pass"),
        ("iam-role-privilege-escalation", "c-passrole", "fail"),
        ("iam-role-privilege-escalation", "c-passrole-scoped", "pass"),
        ("iam-role-privilege-escalation", "c-narrow", "pass"),
        ("iam-role-passrole-wildcard", "c-passrole", "fail"),
        ("iam-role-passrole-wildcard", "c-passrole-scoped", "pass"),
        ("iam-role-data-exfiltration", "c-exfil", "fail"),
        ("iam-role-data-exfiltration", "c-narrow", "pass"),
        ("iam-role-resource-exposure", "c-exposure", "fail"),
        ("iam-role-resource-exposure", "c-narrow", "pass"),
        ("iam-role-service-wildcard", "c-s3star", "fail"),
        ("iam-role-service-wildcard", "c-exfil", "pass"),
        ("iam-role-trust-public", "c-trust-public", "fail"),
        ("iam-role-trust-public", "c-trust-partner", "pass"),
        (
            "iam-role-trust-cross-account-no-external-id",
            "c-trust-partner",
            "fail",
        ),
        (
            "iam-role-trust-cross-account-no-external-id",
            "c-trust-partner-extid",
            "pass",
        ),
        ("iam-user-admin-access", "c-admin-user", "fail"),
        ("iam-user-admin-access", "c-plain-user", "pass"),
        ("iam-user-multiple-access-keys", "c-admin-user", "fail"),
        ("iam-user-multiple-access-keys", "c-plain-user", "pass"),
        ("lambda-function-url-unauthenticated", "c-open", "fail"),
        ("lambda-function-url-unauthenticated", "c-clean", "pass"),
        ("lambda-function-url-cors-wildcard", "c-open", "fail"),
        ("lambda-function-url-cors-wildcard", "c-clean", "pass"),
        ("lambda-function-public-policy", "c-public-policy", "fail"),
        ("lambda-function-public-policy", "c-clean", "pass"),
        // The alias's own policy, read with the alias as Qualifier.
        ("lambda-function-public-policy", "c-clean:live", "fail"),
        (
            "lambda-function-cross-account-invoke",
            "c-clean:live",
            "pass",
        ),
        (
            "lambda-function-permission-unscoped-source",
            "c-clean:live",
            "pass",
        ),
        (
            "lambda-function-permission-unscoped-source",
            "c-s3-trigger",
            "fail",
        ),
        (
            "lambda-function-permission-unscoped-source",
            "c-clean",
            "pass",
        ),
        (
            "lambda-function-cross-account-invoke",
            "c-s3-trigger",
            "fail",
        ),
        ("lambda-function-cross-account-invoke", "c-clean", "pass"),
        ("lambda-function-env-secrets", "c-open", "fail"),
        ("lambda-function-env-secrets", "c-clean", "pass"),
        ("lambda-function-env-no-cmk", "c-open", "fail"),
        ("lambda-function-env-no-cmk", "c-clean", "pass"),
        ("lambda-function-kms-key-unusable", "c-broken-key", "fail"),
        ("lambda-function-kms-key-unusable", "c-clean", "pass"),
        ("lambda-function-no-reserved-concurrency", "c-open", "fail"),
        ("lambda-function-no-reserved-concurrency", "c-clean", "pass"),
        ("lambda-function-timeout-max", "c-open", "fail"),
        ("lambda-function-timeout-max", "c-clean", "pass"),
        ("lambda-function-runtime-deprecated", "c-open", "fail"),
        ("lambda-function-runtime-deprecated", "c-clean", "pass"),
        ("lambda-function-tracing-disabled", "c-open", "fail"),
        ("lambda-function-tracing-disabled", "c-clean", "pass"),
        ("lambda-function-shared-role", "c-clean", "fail"),
        ("lambda-function-shared-role", "c-open", "pass"),
        ("lambda-function-role-missing", "c-open", "pass"),
        ("path-public-function-privileged-role", "c-open", "fail"),
        (
            "path-public-function-privileged-role",
            "c-public-policy",
            "pass",
        ),
        ("path-public-function-privileged-role", "c-clean", "pass"),
        ("path-denial-of-wallet", "c-open", "fail"),
        ("path-denial-of-wallet", "c-clean", "pass"),
        ("s3-bucket-public-acl", "c-public-acl", "fail"),
        ("s3-bucket-public-acl", "c-clean-bucket", "pass"),
        ("s3-bucket-public-policy", "c-public-policy", "fail"),
        ("s3-bucket-public-policy", "c-vpce-only", "pass"),
        ("s3-bucket-cross-account-access", "c-partner-bucket", "fail"),
        ("s3-bucket-cross-account-access", "c-vpce-only", "pass"),
        ("s3-bucket-no-default-encryption", "c-public-acl", "fail"),
        ("s3-bucket-no-default-encryption", "c-clean-bucket", "pass"),
        ("s3-bucket-not-kms-encrypted", "c-clean-bucket", "pass"),
        ("s3-bucket-no-tls-enforcement", "c-public-policy", "fail"),
        ("s3-bucket-no-tls-enforcement", "c-clean-bucket", "pass"),
        (
            "s3-bucket-public-access-block-disabled",
            "c-public-acl",
            "fail",
        ),
        (
            "s3-bucket-public-access-block-disabled",
            "c-clean-bucket",
            "pass",
        ),
        ("s3-bucket-acl-enabled", "c-clean-bucket", "pass"),
        ("s3-bucket-logging-disabled", "c-public-acl", "fail"),
        ("s3-bucket-logging-disabled", "c-clean-bucket", "pass"),
        ("s3-bucket-versioning-disabled", "c-clean-bucket", "unknown"),
        ("s3-account-public-access-block-disabled", account, "fail"),
        ("kms-key-rotation-disabled", "alias/c-static", "fail"),
        ("kms-key-rotation-disabled", "alias/c-rotating", "pass"),
        ("kms-key-disabled", "alias/c-off", "fail"),
        ("kms-key-disabled", "alias/c-rotating", "pass"),
        ("kms-key-pending-deletion", "alias/c-doomed", "fail"),
        ("kms-key-pending-deletion", "alias/c-rotating", "pass"),
        ("kms-key-public-policy", "alias/c-public", "fail"),
        ("kms-key-public-policy", "alias/c-rotating", "pass"),
        ("kms-key-cross-account-access", "alias/c-partner", "fail"),
        ("kms-key-cross-account-access", "alias/c-rotating", "pass"),
        (
            "apigateway-method-unauthenticated",
            "c-api GET /open",
            "fail",
        ),
        // An API key is not authentication.
        (
            "apigateway-method-unauthenticated",
            "c-api GET /keyed",
            "fail",
        ),
        (
            "apigateway-method-unauthenticated",
            "c-api GET /iam",
            "pass",
        ),
        (
            "apigateway-method-unauthenticated",
            "c-private GET /",
            "pass",
        ),
        ("apigateway-stage-no-throttling", "c-api/wild", "fail"),
        ("apigateway-stage-no-throttling", "c-api/tame", "pass"),
        ("apigateway-stage-tracing-disabled", "c-api/wild", "fail"),
        ("apigateway-stage-tracing-disabled", "c-api/tame", "pass"),
        ("apigateway-stage-logging-disabled", "c-api/wild", "fail"),
        ("apigateway-stage-logging-disabled", "c-api/tame", "pass"),
        ("apigateway-stage-cache-unencrypted", "c-api/wild", "fail"),
        ("apigateway-stage-cache-unencrypted", "c-api/tame", "pass"),
        ("apigateway-stage-variable-secrets", "c-api/wild", "fail"),
        ("apigateway-stage-variable-secrets", "c-api/tame", "pass"),
        ("apigateway-stage-no-usage-plan", "c-api/wild", "fail"),
        ("apigateway-domain-weak-tls", "c-old.example.com", "fail"),
        ("apigateway-domain-weak-tls", "c-new.example.com", "pass"),
        ("apigateway-domain-weak-tls", "c-v2-old.example.com", "fail"),
        ("apigateway-domain-weak-tls", "c-v2-new.example.com", "pass"),
        ("apigateway-default-endpoint-enabled", "c-api", "fail"),
        ("apigateway-default-endpoint-enabled", "c-http", "pass"),
        ("lambda-layer-public-policy", "c-shared-layer:1", "fail"),
        ("lambda-layer-public-policy", "c-private-layer:1", "pass"),
        ("s3-access-point-public", "c-open-ap", "fail"),
        ("s3-access-point-public", "c-closed-ap", "pass"),
        (
            "apigateway-route-unauthenticated",
            "c-http POST /open",
            "fail",
        ),
        (
            "apigateway-route-unauthenticated",
            "c-http GET /iam",
            "pass",
        ),
        (
            "apigateway-http-stage-no-throttling",
            "c-http/loose",
            "fail",
        ),
        (
            "apigateway-http-stage-no-throttling",
            "c-http/strict",
            "pass",
        ),
        ("apigateway-stage-logging-disabled", "c-http/loose", "fail"),
        ("apigateway-stage-logging-disabled", "c-http/strict", "pass"),
    ]);
    // API Gateway ARNs are the real ones.
    let method = results
        .iter()
        .find(|r| {
            r["check_id"] == "apigateway-method-unauthenticated"
                && r["resource"]["name"] == "c-api GET /open"
        })
        .unwrap();
    let arn = method["resource"]["arn"].as_str().unwrap();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:apigateway:us-east-1::/restapis/{api_id}/resources/"
        )) && arn.ends_with("/methods/GET"),
        "{arn}"
    );
    // The secret value in a stage variable never appears.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ghp_0123456789abcdefghij"));
}

/// A time budget ends the scan cleanly: calls after the deadline are not attempted, recorded as
/// gaps, and the inventory and report say they are incomplete.
#[tokio::test(flavor = "multi_thread")]
async fn a_spent_time_budget_gives_an_incomplete_inventory_not_a_failure() {
    let account = "210000000007";
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role = iam
        .create_role()
        .role_name("budget-role")
        .assume_role_policy_document(lambda_trust())
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_owned();
    function(
        &aws_sdk_lambda::Client::new(&sdk),
        "budget-fn",
        &role,
        &[],
        false,
    )
    .await;

    let scanner = assume_into(account, "scanner").await;
    let (inv, _) = inventory(&scanner, &["us-east-1"], &["--timeout", "0"]);
    assert_eq!(inv["account"]["incomplete"], true);
    assert_eq!(
        inv["regions"][0]["lambda_functions"]["unavailable"]["kind"],
        "not_attempted"
    );
    assert_eq!(
        inv["regions"][0]["lambda_functions"]["unavailable"]["error_code"],
        "TimeBudgetExceeded"
    );
    assert_eq!(
        inv["calls"]["operations"], 1,
        "only the identity preflight ran"
    );

    let creds = [
        ("AWS_ACCESS_KEY_ID", scanner.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", scanner.secret_access_key.as_str()),
        ("AWS_SESSION_TOKEN", scanner.session_token.as_str()),
    ];
    let endpoint = moto().endpoint.clone();
    let base = [
        "scan",
        "--endpoint-url",
        endpoint.as_str(),
        "--region",
        "us-east-1",
        "--timeout",
        "0",
    ];
    let table = faascan(&base, &creds);
    assert_eq!(
        table.status.code(),
        Some(4),
        "the time budget ran out: incomplete"
    );
    assert!(String::from_utf8_lossy(&table.stdout).contains("INCOMPLETE SCAN"));
    let strict = faascan(
        &[&base[..], &["--strict", "--format", "json"]].concat(),
        &creds,
    );
    assert_eq!(
        strict.status.code(),
        Some(4),
        "still incomplete with --strict"
    );
    let report: Value = serde_json::from_slice(&strict.stdout).unwrap();
    assert_eq!(report["incomplete"], true);
    // With a budget large enough, the same scan is complete.
    let (complete, _) = inventory(&scanner, &["us-east-1"], &["--timeout", "120"]);
    assert_eq!(complete["account"]["incomplete"], false);
    assert_eq!(
        known(&complete, "/regions/0/lambda_functions")
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Several accounts in one scan: the audit role is assumed in each, and one report names the
/// account on every result.
#[tokio::test(flavor = "multi_thread")]
async fn several_accounts_give_one_merged_report() {
    let mut arns = Vec::new();
    for account in ["210000000008", "210000000009"] {
        let seed = assume_into(account, "seed").await;
        let sdk = seed.sdk("us-east-1").await;
        let iam = aws_sdk_iam::Client::new(&sdk);
        let role = iam
            .create_role()
            .role_name("multi-role")
            .assume_role_policy_document(lambda_trust())
            .send()
            .await
            .unwrap()
            .role()
            .unwrap()
            .arn()
            .to_owned();
        arns.push(
            function(
                &aws_sdk_lambda::Client::new(&sdk),
                &format!("multi-{account}"),
                &role,
                &[],
                false,
            )
            .await,
        );
    }
    // The base credentials assume `audit` in each account (moto issues credentials per account).
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--endpoint-url",
            &moto().endpoint,
            "--region",
            "us-east-1",
            "--accounts",
            "210000000008,210000000009",
            "--role-name",
            "audit",
            "--format",
            "json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["account"], "210000000008,210000000009");
    let accounts = report["accounts"].as_array().unwrap();
    assert!(
        accounts.iter().all(|a| a["status"] == "scanned"),
        "{accounts:?}"
    );
    for (account, arn) in ["210000000008", "210000000009"].iter().zip(&arns) {
        let result = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["check_id"] == "lambda-function-tracing-disabled" && r["resource"]["arn"] == *arn
            })
            .unwrap_or_else(|| panic!("no result for {arn}"));
        assert_eq!(result["resource"]["account"], *account);
        assert_eq!(result["status"], "fail");
    }
    let usage = faascan(
        &[
            "scan",
            "--accounts",
            "210000000008",
            "--region",
            "us-east-1",
        ],
        &[],
    );
    assert_eq!(usage.status.code(), Some(2), "--accounts needs --role-name");
}

/// `--organization` lists the organization's active accounts with the management account's
/// credentials and scans each through the audit role.
#[tokio::test(flavor = "multi_thread")]
async fn the_organization_is_scanned_account_by_account() {
    let management = assume_into("210000000010", "seed").await;
    let sdk = management.sdk("us-east-1").await;
    let org = aws_sdk_organizations::Client::new(&sdk);
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let mut members = Vec::new();
    for name in ["org-member-a", "org-member-b"] {
        let created = org
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .unwrap();
        members.push(
            created
                .create_account_status()
                .unwrap()
                .account_id()
                .unwrap()
                .to_owned(),
        );
    }
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--endpoint-url",
            &moto().endpoint,
            "--region",
            "us-east-1",
            "--organization",
            "--role-name",
            "audit",
            "--services",
            "iam",
            "--format",
            "json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &management.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &management.secret_access_key),
            ("AWS_SESSION_TOKEN", &management.session_token),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let scanned: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    for member in &members {
        assert!(
            scanned.contains(&member.as_str()),
            "{member} was not scanned: {scanned:?}"
        );
    }
    assert!(
        scanned.contains(&"210000000010"),
        "the management account is an active account too"
    );
    let bad = faascan(&["scan", "--organization", "--region", "us-east-1"], &[]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "--organization needs --role-name"
    );
}

/// Without --region every enabled region is scanned; when the discovery call is refused (moto
/// does not implement account:ListRegions) the configured region is scanned and the inventory
/// says the other regions are unknown.
#[tokio::test(flavor = "multi_thread")]
async fn region_discovery_by_default_degrades_to_a_gap() {
    let scanner = assume_into("210000000011", "scanner").await;
    let out = faascan(
        &[
            "inventory",
            "--endpoint-url",
            &moto().endpoint,
            "--max-attempts",
            "1",
            "--services",
            "kms",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &scanner.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &scanner.secret_access_key),
            ("AWS_SESSION_TOKEN", &scanner.session_token),
            ("AWS_REGION", "eu-west-1"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["account"]["regions"], serde_json::json!(["eu-west-1"]));
    assert_eq!(inv["account"]["incomplete"], true);
    let gap = inv["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["operation"] == "ListRegions")
        .unwrap();
    assert_eq!(gap["error_code"], "RegionDiscoveryFailed");
    assert!(
        gap["message"]
            .as_str()
            .unwrap()
            .contains("scanned only eu-west-1")
    );
}

/// The progress line appears on a terminal only (`script` gives the binary a pseudo-terminal).
#[tokio::test(flavor = "multi_thread")]
async fn progress_only_on_a_terminal() {
    let scanner = assume_into("210000000012", "scanner").await;
    let creds = [
        ("AWS_ACCESS_KEY_ID", scanner.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", scanner.secret_access_key.as_str()),
        ("AWS_SESSION_TOKEN", scanner.session_token.as_str()),
    ];
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
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in creds {
        pty.env(k, v);
    }
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

/// A slow endpoint (a proxy that delays every chunk to moto) and a short time budget: the scan
/// ends soon after the budget, keeps what it collected, and says it is incomplete.
#[tokio::test(flavor = "multi_thread")]
async fn the_time_budget_ends_a_scan_of_a_slow_endpoint_cleanly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let account = "210000000013";
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let kms = aws_sdk_kms::Client::new(&sdk);
    for _ in 0..3 {
        kms.create_key().send().await.unwrap();
    }
    // The slow proxy.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let upstream = format!("127.0.0.1:{}", moto().port);
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let slow = async {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                let back = tokio::io::copy(&mut sr, &mut cw);
                let _ = tokio::join!(slow, back);
            });
        }
    });

    let scanner = assume_into(account, "scanner").await;
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        faascan(
            &[
                "inventory",
                "--endpoint-url",
                &proxy,
                "--region",
                "us-east-1",
                "--timeout",
                "2",
                "--concurrency",
                "2",
            ],
            &[
                ("AWS_ACCESS_KEY_ID", &scanner.access_key_id),
                ("AWS_SECRET_ACCESS_KEY", &scanner.secret_access_key),
                ("AWS_SESSION_TOKEN", &scanner.session_token),
            ],
        )
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["account"]["incomplete"], true);
    assert!(
        inv["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["error_code"] == "TimeBudgetExceeded")
    );
    assert!(
        inv["calls"]["operations"].as_u64().unwrap() >= 2,
        "some calls were made before the deadline"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(20),
        "ended soon after the budget: {elapsed:?}"
    );
}
