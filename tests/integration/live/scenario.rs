//! Scenario builders: the SDK writes that seed a moto account (a role, a function, a bucket, a
//! key, an API), written once for every live test. Each call unwraps: a seeding failure is a
//! broken test, not a finding.

use crate::common::{AccountCredentials, assume_into, empty_zip, moto};
use aws_config::SdkConfig;
use aws_sdk_apigateway::types::{EndpointConfiguration, IntegrationType, Op, PatchOperation};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Environment, FunctionCode, FunctionUrlAuthType, LayerVersionContentInput, Runtime,
    TracingConfig, TracingMode,
};
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, CreateBucketConfiguration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};

/// The clients of one account in one region, signed as the `seed` session (scans use sessions
/// of their own, so the recorder and the fault proxy tell the two apart).
pub(crate) struct Seed {
    pub(crate) account: String,
    pub(crate) region: String,
    pub(crate) sdk: SdkConfig,
    pub(crate) iam: aws_sdk_iam::Client,
    pub(crate) lambda: aws_sdk_lambda::Client,
    pub(crate) kms: aws_sdk_kms::Client,
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) apig: aws_sdk_apigateway::Client,
    pub(crate) v2: aws_sdk_apigatewayv2::Client,
    creds: AccountCredentials,
}

/// A REST API and the id of its root resource.
pub(crate) struct RestApi {
    pub(crate) id: String,
    pub(crate) root: String,
}

impl Seed {
    pub(crate) async fn new(account: &str, region: &str) -> Seed {
        let creds = assume_into(account, "seed").await;
        Seed::with(creds, region).await
    }

    async fn with(creds: AccountCredentials, region: &str) -> Seed {
        let sdk = creds.sdk(region).await;
        Seed {
            account: creds.account.clone(),
            region: region.to_owned(),
            iam: aws_sdk_iam::Client::new(&sdk),
            lambda: aws_sdk_lambda::Client::new(&sdk),
            kms: aws_sdk_kms::Client::new(&sdk),
            // moto on loopback: no bucket names in the host.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(&sdk)
                    .force_path_style(true)
                    .build(),
            ),
            apig: aws_sdk_apigateway::Client::new(&sdk),
            v2: aws_sdk_apigatewayv2::Client::new(&sdk),
            sdk,
            creds,
        }
    }

    /// The same account in another region.
    pub(crate) async fn in_region(&self, region: &str) -> Seed {
        Seed::with(self.creds.clone(), region).await
    }

    // IAM

    /// A role that `trust` lets assume it; returns its ARN.
    pub(crate) async fn role(&self, name: &str, trust: &str) -> String {
        self.iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust)
            .send()
            .await
            .unwrap()
            .role()
            .unwrap()
            .arn()
            .to_owned()
    }

    /// A Lambda execution role without permissions; returns its ARN.
    pub(crate) async fn lambda_role(&self, name: &str) -> String {
        self.role(name, &lambda_trust()).await
    }

    pub(crate) async fn inline_policy(&self, role: &str, policy_name: &str, document: &str) {
        self.iam
            .put_role_policy()
            .role_name(role)
            .policy_name(policy_name)
            .policy_document(document)
            .send()
            .await
            .unwrap();
    }

    pub(crate) async fn attach(&self, role: &str, policy_arn: &str) {
        self.iam
            .attach_role_policy()
            .role_name(role)
            .policy_arn(policy_arn)
            .send()
            .await
            .unwrap();
    }

    pub(crate) async fn boundary(&self, role: &str, policy_arn: &str) {
        self.iam
            .put_role_permissions_boundary()
            .role_name(role)
            .permissions_boundary(policy_arn)
            .send()
            .await
            .unwrap();
    }

    /// A user with `policies` attached and `keys` access keys; returns the key ids.
    pub(crate) async fn user(&self, name: &str, policies: &[&str], keys: usize) -> Vec<String> {
        self.iam.create_user().user_name(name).send().await.unwrap();
        for policy in policies {
            self.iam
                .attach_user_policy()
                .user_name(name)
                .policy_arn(*policy)
                .send()
                .await
                .unwrap();
        }
        let mut ids = Vec::new();
        for _ in 0..keys {
            let created = self
                .iam
                .create_access_key()
                .user_name(name)
                .send()
                .await
                .unwrap();
            ids.push(created.access_key().unwrap().access_key_id().to_owned());
        }
        ids
    }

    // Lambda

    /// A function to create: Python 3.12, `app.handler`, 30 s, moto's defaults otherwise.
    pub(crate) fn function<'a>(&'a self, name: &'a str, role: &'a str) -> Function<'a> {
        Function {
            seed: self,
            name,
            role,
            runtime: Runtime::Python312,
            timeout: 30,
            memory_mb: None,
            env: Vec::new(),
            kms_key: None,
            tracing: None,
        }
    }

    pub(crate) async fn function_url(
        &self,
        function: &str,
        auth: FunctionUrlAuthType,
        cors_origin: Option<&str>,
    ) {
        self.lambda
            .create_function_url_config()
            .function_name(function)
            .auth_type(auth)
            .set_cors(cors_origin.map(|origin| {
                aws_sdk_lambda::types::Cors::builder()
                    .allow_origins(origin)
                    .build()
            }))
            .send()
            .await
            .unwrap();
    }

    /// A statement of the function's resource policy, ready to send (add a source ARN, a
    /// qualifier or the function URL's auth type first where the scenario needs one).
    pub(crate) fn permission(
        &self,
        function: &str,
        statement_id: &str,
        action: &str,
        principal: &str,
    ) -> aws_sdk_lambda::operation::add_permission::builders::AddPermissionFluentBuilder {
        self.lambda
            .add_permission()
            .function_name(function)
            .statement_id(statement_id)
            .action(action)
            .principal(principal)
    }

    /// What the console and SAM add with a function URL of AuthType NONE (without it the URL
    /// answers 403).
    pub(crate) async fn public_url_permission(&self, function: &str, statement_id: &str) {
        self.permission(function, statement_id, "lambda:InvokeFunctionUrl", "*")
            .function_url_auth_type(FunctionUrlAuthType::None)
            .send()
            .await
            .unwrap();
    }

    /// Publishes a version and points the alias `name` at it.
    pub(crate) async fn alias(&self, function: &str, name: &str) {
        let version = self
            .lambda
            .publish_version()
            .function_name(function)
            .send()
            .await
            .unwrap()
            .version()
            .unwrap()
            .to_owned();
        self.lambda
            .create_alias()
            .function_name(function)
            .name(name)
            .function_version(&version)
            .send()
            .await
            .unwrap();
    }

    /// Version 1 of a layer, shared with `principal` when given.
    pub(crate) async fn layer(
        &self,
        name: &str,
        runtime: Option<Runtime>,
        principal: Option<&str>,
    ) {
        self.lambda
            .publish_layer_version()
            .layer_name(name)
            .content(
                LayerVersionContentInput::builder()
                    .zip_file(Blob::new(empty_zip()))
                    .build(),
            )
            .set_compatible_runtimes(runtime.map(|r| vec![r]))
            .send()
            .await
            .unwrap();
        if let Some(principal) = principal {
            self.lambda
                .add_layer_version_permission()
                .layer_name(name)
                .version_number(1)
                .statement_id("shared")
                .action("lambda:GetLayerVersion")
                .principal(principal)
                .send()
                .await
                .unwrap();
        }
    }

    // KMS

    /// A symmetric key with `description` and `policy` (the default policy when `None`);
    /// returns its id.
    pub(crate) async fn key(&self, description: Option<&str>, policy: Option<String>) -> String {
        self.kms
            .create_key()
            .set_description(description.map(str::to_owned))
            .set_policy(policy)
            .send()
            .await
            .unwrap()
            .key_metadata()
            .unwrap()
            .key_id()
            .to_owned()
    }

    pub(crate) async fn key_alias(&self, key: &str, alias: &str) {
        self.kms
            .create_alias()
            .alias_name(alias)
            .target_key_id(key)
            .send()
            .await
            .unwrap();
    }

    pub(crate) async fn rotate(&self, key: &str) {
        self.kms
            .enable_key_rotation()
            .key_id(key)
            .send()
            .await
            .unwrap();
    }

    pub(crate) async fn disable_key(&self, key: &str) {
        self.kms.disable_key().key_id(key).send().await.unwrap();
    }

    pub(crate) async fn schedule_deletion(&self, key: &str) {
        self.kms
            .schedule_key_deletion()
            .key_id(key)
            .pending_window_in_days(7)
            .send()
            .await
            .unwrap();
    }

    pub(crate) fn key_arn(&self, key: &str) -> String {
        format!("arn:aws:kms:{}:{}:key/{key}", self.region, self.account)
    }

    // S3

    /// A bucket in this seed's region.
    pub(crate) async fn bucket(&self, name: &str) {
        let location = (self.region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(self.region.as_str()))
                .build()
        });
        self.s3
            .create_bucket()
            .bucket(name)
            .set_create_bucket_configuration(location)
            .send()
            .await
            .unwrap();
    }

    pub(crate) async fn bucket_acl(&self, bucket: &str, acl: BucketCannedAcl) {
        self.s3
            .put_bucket_acl()
            .bucket(bucket)
            .acl(acl)
            .send()
            .await
            .unwrap();
    }

    pub(crate) async fn bucket_policy(&self, bucket: &str, policy: &str) {
        self.s3
            .put_bucket_policy()
            .bucket(bucket)
            .policy(policy)
            .send()
            .await
            .unwrap();
    }

    /// Default encryption with `algorithm` (and the KMS key, for aws:kms).
    pub(crate) async fn bucket_encryption(
        &self,
        bucket: &str,
        algorithm: ServerSideEncryption,
        kms_key: Option<&str>,
    ) {
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(algorithm)
            .set_kms_master_key_id(kms_key.map(str::to_owned))
            .build()
            .unwrap();
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(default)
            .build();
        self.s3
            .put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }

    /// All four Block Public Access settings on.
    pub(crate) async fn block_public_access(&self, bucket: &str) {
        self.s3
            .put_public_access_block()
            .bucket(bucket)
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
    }

    /// An S3 Control client for moto: the SDK's endpoint rules put the account id in the host,
    /// which does not resolve on loopback.
    pub(crate) fn s3control(&self) -> aws_sdk_s3control::Client {
        #[derive(Debug)]
        struct Fixed(String);
        impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Fixed {
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
            aws_sdk_s3control::config::Builder::from(&self.sdk)
                .endpoint_resolver(Fixed(moto().endpoint.clone()))
                .build(),
        )
    }

    // API Gateway

    pub(crate) async fn rest_api(
        &self,
        name: &str,
        endpoint: Option<EndpointConfiguration>,
    ) -> RestApi {
        let id = self
            .apig
            .create_rest_api()
            .name(name)
            .set_endpoint_configuration(endpoint)
            .send()
            .await
            .unwrap()
            .id()
            .unwrap()
            .to_owned();
        let root = self
            .apig
            .get_resources()
            .rest_api_id(&id)
            .send()
            .await
            .unwrap()
            .items()[0]
            .id()
            .unwrap()
            .to_owned();
        RestApi { id, root }
    }

    /// `GET /{path}` (the root with `None`) with `authorization` and, when `function` is
    /// given, a Lambda proxy integration with it (an ARN, with a qualifier if wanted). Returns
    /// the resource id.
    pub(crate) async fn rest_get(
        &self,
        api: &RestApi,
        path: Option<&str>,
        authorization: &str,
        api_key_required: bool,
        function: Option<&str>,
    ) -> String {
        let resource = match path {
            None => api.root.clone(),
            Some(path) => self
                .apig
                .create_resource()
                .rest_api_id(&api.id)
                .parent_id(&api.root)
                .path_part(path)
                .send()
                .await
                .unwrap()
                .id()
                .unwrap()
                .to_owned(),
        };
        self.apig
            .put_method()
            .rest_api_id(&api.id)
            .resource_id(&resource)
            .http_method("GET")
            .authorization_type(authorization)
            .api_key_required(api_key_required)
            .send()
            .await
            .unwrap();
        if let Some(function) = function {
            self.apig
                .put_integration()
                .rest_api_id(&api.id)
                .resource_id(&resource)
                .http_method("GET")
                .r#type(IntegrationType::AwsProxy)
                .integration_http_method("POST")
                .uri(self.invocation_uri(function))
                .send()
                .await
                .unwrap();
        }
        resource
    }

    /// The integration URI of API Gateway's Lambda proxy for a function ARN.
    pub(crate) fn invocation_uri(&self, function: &str) -> String {
        format!(
            "arn:aws:apigateway:{}:lambda:path/2015-03-31/functions/{function}/invocations",
            self.region
        )
    }

    /// A deployment to the stage `name`, with stage variables.
    pub(crate) async fn rest_stage(&self, api: &RestApi, name: &str, variables: &[(&str, &str)]) {
        let mut deployment = self.apig.create_deployment().rest_api_id(&api.id);
        for (key, value) in variables {
            deployment = deployment.variables(*key, *value);
        }
        deployment.stage_name(name).send().await.unwrap();
    }

    /// Replaces stage settings: (patch path, value).
    pub(crate) async fn patch_stage(&self, api: &RestApi, stage: &str, patches: &[(&str, &str)]) {
        let mut update = self
            .apig
            .update_stage()
            .rest_api_id(&api.id)
            .stage_name(stage);
        for (path, value) in patches {
            update = update.patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path(*path)
                    .value(*value)
                    .build(),
            );
        }
        update.send().await.unwrap();
    }

    pub(crate) async fn rest_domain(
        &self,
        domain: &str,
        policy: aws_sdk_apigateway::types::SecurityPolicy,
    ) {
        self.apig
            .create_domain_name()
            .domain_name(domain)
            .security_policy(policy)
            .regional_certificate_arn(self.certificate(domain))
            .send()
            .await
            .unwrap();
    }

    /// An HTTP API; returns its id.
    pub(crate) async fn http_api(&self, name: &str) -> String {
        self.v2
            .create_api()
            .name(name)
            .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
            .send()
            .await
            .unwrap()
            .api_id()
            .unwrap()
            .to_owned()
    }

    pub(crate) async fn http_domain(
        &self,
        domain: &str,
        policy: aws_sdk_apigatewayv2::types::SecurityPolicy,
    ) {
        self.v2
            .create_domain_name()
            .domain_name(domain)
            .domain_name_configurations(
                aws_sdk_apigatewayv2::types::DomainNameConfiguration::builder()
                    .certificate_arn(self.certificate(domain))
                    .endpoint_type(aws_sdk_apigatewayv2::types::EndpointType::Regional)
                    .security_policy(policy)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    /// A made-up ACM certificate ARN (moto does not look it up).
    fn certificate(&self, domain: &str) -> String {
        format!(
            "arn:aws:acm:{}:{}:certificate/{domain}",
            self.region, self.account
        )
    }
}

/// A function being described; [`Function::create`] makes it and returns its ARN.
pub(crate) struct Function<'a> {
    seed: &'a Seed,
    name: &'a str,
    role: &'a str,
    runtime: Runtime,
    timeout: i32,
    memory_mb: Option<i32>,
    env: Vec<(&'a str, &'a str)>,
    kms_key: Option<String>,
    tracing: Option<bool>,
}

impl<'a> Function<'a> {
    pub(crate) fn runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = runtime;
        self
    }

    pub(crate) fn timeout(mut self, seconds: i32) -> Self {
        self.timeout = seconds;
        self
    }

    pub(crate) fn memory(mut self, mb: i32) -> Self {
        self.memory_mb = Some(mb);
        self
    }

    pub(crate) fn env(mut self, variables: &[(&'a str, &'a str)]) -> Self {
        self.env = variables.to_vec();
        self
    }

    pub(crate) fn kms_key(mut self, arn: String) -> Self {
        self.kms_key = Some(arn);
        self
    }

    /// Active tracing (`true`) or PassThrough, sent explicitly.
    pub(crate) fn tracing(mut self, active: bool) -> Self {
        self.tracing = Some(active);
        self
    }

    pub(crate) async fn create(self) -> String {
        let mut environment = Environment::builder();
        for (key, value) in &self.env {
            environment = environment.variables(*key, *value);
        }
        let tracing = self.tracing.map(|active| {
            TracingConfig::builder()
                .mode(if active {
                    TracingMode::Active
                } else {
                    TracingMode::PassThrough
                })
                .build()
        });
        self.seed
            .lambda
            .create_function()
            .function_name(self.name)
            .runtime(self.runtime)
            .role(self.role)
            .handler("app.handler")
            .timeout(self.timeout)
            .set_memory_size(self.memory_mb)
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(empty_zip()))
                    .build(),
            )
            .set_environment((!self.env.is_empty()).then(|| environment.build()))
            .set_kms_key_arn(self.kms_key)
            .set_tracing_config(tracing)
            .send()
            .await
            .unwrap()
            .function_arn()
            .unwrap()
            .to_owned()
    }
}

/// The trust policy of a Lambda execution role.
pub(crate) fn lambda_trust() -> String {
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.to_owned()
}

/// A policy document of one `Allow` statement (`action` is JSON: a string or a list).
pub(crate) fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{action},"Resource":"{resource}"}}]}}"#
    )
}
