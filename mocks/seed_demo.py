#!/usr/bin/env python3
"""Seeds a demo account into a running moto server: a realistic mix of dangerous and clean
serverless resources in two regions, for every service faascan audits.

    python mocks/seed_demo.py --endpoint http://127.0.0.1:5000

The secret-looking environment values below are fake, planted to show that faascan never
prints or stores them. Never point this at a real AWS endpoint: it refuses anything but
loopback.
"""
import argparse
import io
import json
import sys
import urllib.parse
import zipfile

import boto3

ACCOUNT = "123456789012"
EXTERNAL = "999999999999"
REGIONS = ["us-east-1", "eu-west-1"]

LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def client(endpoint, service, region="us-east-1"):
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def code_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buf.getvalue()


def seed_iam(ep):
    iam = client(ep, "iam")
    roles = {}

    def role(name, trust=LAMBDA_TRUST, managed=(), inline=None, boundary=None, tags=None):
        kw = {"RoleName": name, "AssumeRolePolicyDocument": json.dumps(trust), "Tags": tags or []}
        if boundary:
            kw["PermissionsBoundary"] = boundary
        roles[name] = iam.create_role(**kw)["Role"]["Arn"]
        for arn in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        for pname, doc in (inline or {}).items():
            iam.put_role_policy(RoleName=name, PolicyName=pname, PolicyDocument=json.dumps(doc))
        return roles[name]

    orders_policy = iam.create_policy(PolicyName="orders-table-rw", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"}]}))["Policy"]["Arn"]
    role("orders-api-role", managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", orders_policy],
         tags=[{"Key": "team", "Value": "orders"}])
    role("legacy-admin-role", managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
    role("reports-role", inline={"s3-read-everything": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}})
    role("deployer-role", inline={"deploy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:UpdateFunctionCode", "lambda:CreateFunction"], "Resource": "*"}]}})
    role("notaction-role", inline={"all-but-iam": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}})
    role("partner-access-role", trust={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "Action": "sts:AssumeRole"}]},
        managed=["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    role("vendor-role-with-external-id", trust={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "d3m0-3xt3rnal"}}}]})
    role("bounded-role", managed=["arn:aws:iam::aws:policy/PowerUserAccess"],
         boundary="arn:aws:iam::aws:policy/AWSLambdaExecute")

    # Users: one admin with two keys, one tidy
    iam.create_user(UserName="ci-bot", Tags=[{"Key": "owner", "Value": "platform"}])
    iam.attach_user_policy(UserName="ci-bot", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_access_key(UserName="ci-bot")
    iam.create_access_key(UserName="ci-bot")
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="readers", UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="self", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser",
                                                 "Resource": f"arn:aws:iam::{ACCOUNT}:user/alice"}]}))
    return roles


def seed_kms(ep, region):
    kms = client(ep, "kms", region)
    keys = {}
    good = kms.create_key(Description="orders data key")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=good["KeyId"])
    kms.create_alias(AliasName="alias/orders", TargetKeyId=good["KeyId"])
    kms.tag_resource(KeyId=good["KeyId"], Tags=[{"TagKey": "team", "TagValue": "orders"}])
    keys["good"] = good["Arn"]
    norot = kms.create_key(Description="reports key, rotation off")["KeyMetadata"]
    keys["norot"] = norot["Arn"]
    public = kms.create_key(Description="shared key", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}))["KeyMetadata"]
    kms.enable_key_rotation(KeyId=public["KeyId"])
    keys["public"] = public["Arn"]
    disabled = kms.create_key(Description="retired key")["KeyMetadata"]
    kms.disable_key(KeyId=disabled["KeyId"])
    keys["disabled"] = disabled["Arn"]
    doomed = kms.create_key(Description="old key being deleted")["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
    keys["doomed"] = doomed["Arn"]
    return keys


def seed_lambda(ep, region, roles, keys):
    lam = client(ep, "lambda", region)
    sqs = client(ep, "sqs", region)
    prefix = "" if region == "us-east-1" else "eu-"
    zipped = code_zip()

    def fn(name, role, runtime="python3.12", env=None, **kw):
        args = {"FunctionName": prefix + name, "Runtime": runtime, "Role": roles[role], "Handler": "app.handler",
                "Code": {"ZipFile": zipped}, "Timeout": kw.pop("Timeout", 30)}
        if env:
            args["Environment"] = {"Variables": env}
        args.update(kw)
        return lam.create_function(**args)["FunctionArn"]

    orders = fn("orders-api", "orders-api-role", env={"TABLE": "orders", "LOG_LEVEL": "info",
                 "DB_PASSWORD": "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db"},
                KMSKeyArn=keys["good"], TracingConfig={"Mode": "Active"},
                DeadLetterConfig={"TargetArn": f"arn:aws:sqs:{region}:{ACCOUNT}:orders-dlq"},
                Tags={"team": "orders", "env": "prod"})
    lam.put_function_concurrency(FunctionName=orders, ReservedConcurrentExecutions=50)
    lam.add_permission(FunctionName=orders, StatementId="apigw", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{region}:{ACCOUNT}:*/*/GET/orders")

    leaky = fn("legacy-billing", "legacy-admin-role", runtime="python3.7", Timeout=900,
               env={"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "STRIPE_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc00000000",
                    "DATABASE_URL": "postgres://billing:S3cr3tPassw0rd@db.internal:5432/billing"},
               Description="Old billing job <do not touch>")
    lam.create_function_url_config(FunctionName=leaky, AuthType="NONE",
                                   Cors={"AllowOrigins": ["*"], "AllowMethods": ["*"]})
    lam.add_permission(FunctionName=leaky, StatementId="public", Action="lambda:InvokeFunction", Principal="*")
    # What the console adds for AuthType NONE: without it the URL answers 403.
    lam.add_permission(FunctionName=leaky, StatementId="FunctionURLAllowPublicAccess",
                       Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")

    webhook = fn("webhook-receiver", "reports-role", runtime="nodejs16.x",
                 env={"SIGNING_SECRET": "xK9#mP2vL8qR4wT6yU1iO3pA5sD7fG0h"})
    lam.add_permission(FunctionName=webhook, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    lam.add_permission(FunctionName=webhook, StatementId="partner", Action="lambda:InvokeFunction",
                       Principal=EXTERNAL)
    lam.create_function_url_config(FunctionName=webhook, AuthType="AWS_IAM")

    # A layer published by another account (moto keeps accounts apart by the credentials
    # its STS issues); if the emulator cannot resolve it across accounts, use our own layer.
    sts = client(ep, "sts", region)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{EXTERNAL}:role/publisher", RoleSessionName="seed")["Credentials"]
    foreign = boto3.client("lambda", endpoint_url=ep, region_name=region, aws_access_key_id=creds["AccessKeyId"],
                           aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    layer = foreign.publish_layer_version(LayerName="shared-utils", Content={"ZipFile": zipped})["LayerVersionArn"]
    try:
        worker = fn("queue-worker", "orders-api-role", Layers=[layer], Tags={"team": "orders"})
    except lam.exceptions.ResourceNotFoundException:
        own = lam.publish_layer_version(LayerName="shared-utils", Content={"ZipFile": zipped})["LayerVersionArn"]
        worker = fn("queue-worker", "orders-api-role", Layers=[own], Tags={"team": "orders"})
    queue = sqs.create_queue(QueueName=prefix + "orders-queue")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam.create_event_source_mapping(EventSourceArn=qarn, FunctionName=worker, BatchSize=10)

    # A published version behind an alias whose own policy opens it to anyone (AWS keeps one
    # policy per qualifier: the function itself is not public).
    version = lam.publish_version(FunctionName=orders)["Version"]
    lam.create_alias(FunctionName=orders, Name="live", FunctionVersion=version)
    lam.add_permission(FunctionName=orders, Qualifier="live", StatementId="public-alias",
                       Action="lambda:InvokeFunction", Principal="*")
    # The account's own layer, one version shared with every AWS account.
    shared = lam.publish_layer_version(LayerName=prefix + "internal-sdk", Content={"ZipFile": zipped},
                                       CompatibleRuntimes=["python3.12"])
    lam.add_layer_version_permission(LayerName=prefix + "internal-sdk", VersionNumber=shared["Version"],
                                     StatementId="everyone", Action="lambda:GetLayerVersion", Principal="*")

    fn("deployer", "deployer-role", env={"GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345"})
    fn("reports-export", "reports-role", KMSKeyArn=keys["disabled"], env={"BUCKET": "reports"})
    fn("image-resizer", "orders-api-role", runtime="nodejs20.x")
    return {"orders": orders, "leaky": leaky, "webhook": webhook}


def seed_apigateway(ep, region, functions):
    apig = client(ep, "apigateway", region)
    prefix = "" if region == "us-east-1" else "eu-"

    def lambda_uri(arn):
        return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"

    # A public API: one open method wired to the leaky function, one keyed, one IAM
    api = apig.create_rest_api(name=prefix + "public-api", description="Customer API",
                               endpointConfiguration={"types": ["REGIONAL"]}, tags={"team": "web"})
    api_id = api["id"]
    root = apig.get_resources(restApiId=api_id)["items"][0]["id"]
    billing = apig.create_resource(restApiId=api_id, parentId=root, pathPart="billing")["id"]
    orders = apig.create_resource(restApiId=api_id, parentId=root, pathPart="orders")["id"]
    admin = apig.create_resource(restApiId=api_id, parentId=root, pathPart="admin")["id"]
    for rid, auth, key, fn in [(billing, "NONE", False, functions["leaky"]),
                               (orders, "NONE", True, functions["orders"]),
                               (admin, "AWS_IAM", False, functions["orders"])]:
        apig.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType=auth, apiKeyRequired=key)
        apig.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="AWS_PROXY",
                             integrationHttpMethod="POST", uri=lambda_uri(fn))
    apig.put_method(restApiId=api_id, resourceId=orders, httpMethod="OPTIONS", authorizationType="NONE")
    apig.create_deployment(restApiId=api_id, stageName="prod", variables={
        "backendUrl": "https://orders.internal", "apiSecret": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA9x"})
    apig.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:api-access"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}])
    apig.create_deployment(restApiId=api_id, stageName="dev")
    apig.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
        {"op": "replace", "path": "/cacheClusterSize", "value": "0.5"}])
    plan = apig.create_usage_plan(name=prefix + "standard", apiStages=[{"apiId": api_id, "stage": "prod"}],
                                  throttle={"burstLimit": 20, "rateLimit": 10}, quota={"limit": 10000, "period": "DAY"})
    key = apig.create_api_key(name=prefix + "partner-key", enabled=True)
    apig.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    apig.create_api_key(name=prefix + "unused-key", enabled=False)

    # A private API with an account-restricted policy
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
              "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
              "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}}]}
    apig.create_rest_api(name=prefix + "internal-api", policy=json.dumps(policy),
                         endpointConfiguration={"types": ["PRIVATE"], "vpcEndpointIds": ["vpce-0a1b2c3d"]})
    apig.create_domain_name(domainName=f"{prefix}api.example.com", securityPolicy="TLS_1_0",
                            regionalCertificateArn=f"arn:aws:acm:{region}:{ACCOUNT}:certificate/abc",
                            endpointConfiguration={"types": ["REGIONAL"]})
    # The public API is served under the domain, and its execute-api endpoint stays on.
    apig.create_base_path_mapping(domainName=f"{prefix}api.example.com", restApiId=api_id, stage="prod")

    v2 = client(ep, "apigatewayv2", region)
    http = v2.create_api(Name=prefix + "webhooks-http", ProtocolType="HTTP", Tags={"team": "web"})
    integ = v2.create_integration(ApiId=http["ApiId"], IntegrationType="AWS_PROXY",
                                  IntegrationUri=functions["webhook"], PayloadFormatVersion="2.0")
    v2.create_route(ApiId=http["ApiId"], RouteKey="POST /hook", Target=f"integrations/{integ['IntegrationId']}")
    v2.create_route(ApiId=http["ApiId"], RouteKey="GET /status", AuthorizationType="AWS_IAM",
                    Target=f"integrations/{integ['IntegrationId']}")
    v2.create_stage(ApiId=http["ApiId"], StageName="$default", AutoDeploy=True)
    v2.create_stage(ApiId=http["ApiId"], StageName="live",
                    DefaultRouteSettings={"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0},
                    AccessLogSettings={"DestinationArn": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:http",
                                       "Format": "$context.requestId"})
    v2.create_domain_name(DomainName=f"{prefix}hooks.example.com", DomainNameConfigurations=[{
        "CertificateArn": f"arn:aws:acm:{region}:{ACCOUNT}:certificate/def", "EndpointType": "REGIONAL",
        "SecurityPolicy": "TLS_1_2"}])
    v2.create_api_mapping(DomainName=f"{prefix}hooks.example.com", ApiId=http["ApiId"], Stage="live")


def seed_s3(ep):
    s3 = client(ep, "s3")
    def bucket(name, region):
        kw = {"Bucket": name}
        if region != "us-east-1":
            kw["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client(ep, "s3", region).create_bucket(**kw)

    bucket("demo-access-logs", "us-east-1")
    s3.put_bucket_acl(Bucket="demo-access-logs", ACL="log-delivery-write")
    bucket("demo-orders-data", "us-east-1")
    s3.put_bucket_encryption(Bucket="demo-orders-data", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/orders"},
         "BucketKeyEnabled": True}]})
    s3.put_public_access_block(Bucket="demo-orders-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket="demo-orders-data", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_logging(Bucket="demo-orders-data", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "demo-access-logs", "TargetPrefix": "orders/"}})
    s3.put_bucket_ownership_controls(Bucket="demo-orders-data", OwnershipControls={"Rules": [
        {"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_policy(Bucket="demo-orders-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::demo-orders-data", "arn:aws:s3:::demo-orders-data/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    s3.put_bucket_tagging(Bucket="demo-orders-data", Tagging={"TagSet": [{"Key": "team", "Value": "orders"}]})

    bucket("demo-public-website", "eu-west-1")
    eu = client(ep, "s3", "eu-west-1")
    eu.put_bucket_acl(Bucket="demo-public-website", ACL="public-read")
    eu.put_bucket_policy(Bucket="demo-public-website", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::demo-public-website/*"}]}))
    # An access point in front of the orders bucket with Block Public Access off and a public
    # policy. S3 Control's endpoint rules put the account id in the host, which loopback does
    # not resolve: the request goes to the emulator itself.
    control = client(ep, "s3control")
    control.meta.events.register("before-send.s3-control",
                                 lambda request, **_: setattr(request, "url", request.url.replace(f"://{ACCOUNT}.", "://")))
    control.create_access_point(AccountId=ACCOUNT, Name="orders-partner-feed", Bucket="demo-orders-data",
                                PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": False,
                                                                "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    control.put_access_point_policy(AccountId=ACCOUNT, Name="orders-partner-feed", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/orders-partner-feed/object/*"}]}))

    bucket("demo-partner-exchange", "eu-west-1")
    eu.put_bucket_encryption(Bucket="demo-partner-exchange", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    eu.put_bucket_policy(Bucket="demo-partner-exchange", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": "arn:aws:s3:::demo-partner-exchange/*"}]}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to seed {args.endpoint}: only a loopback emulator may be seeded")
    roles = seed_iam(args.endpoint)
    seed_s3(args.endpoint)
    for region in REGIONS:
        keys = seed_kms(args.endpoint, region)
        functions = seed_lambda(args.endpoint, region, roles, keys)
        seed_apigateway(args.endpoint, region, functions)
    print(f"seeded the demo account {ACCOUNT} in {', '.join(REGIONS)}")


if __name__ == "__main__":
    main()
