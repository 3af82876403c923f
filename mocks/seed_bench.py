#!/usr/bin/env python3
"""Seeds a large account into a running moto for the benchmark (loopback only).

    python mocks/seed_bench.py --endpoint URL [--functions 1000 --buckets 300 --roles 200 --keys 100 --apis 20]
                                              [--shared-role-functions N]

Resources are split over us-east-1 and eu-west-1. `--shared-role-functions N` gives the first
N functions one role (bench-role-0), the others keep one role per function modulo --roles.
"""
import argparse
import io
import json
import sys
import urllib.parse
import zipfile
from concurrent.futures import ThreadPoolExecutor

import boto3

REGIONS = ["us-east-1", "eu-west-1"]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def client(ep, service, region="us-east-1"):
    return boto3.client(service, endpoint_url=ep, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--functions", type=int, default=1000)
    p.add_argument("--buckets", type=int, default=300)
    p.add_argument("--roles", type=int, default=200)
    p.add_argument("--keys", type=int, default=100)
    p.add_argument("--apis", type=int, default=20)
    p.add_argument("--shared-role-functions", type=int, default=0)
    a = p.parse_args()
    if urllib.parse.urlparse(a.endpoint).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("refusing to seed a non-loopback endpoint")
    ep = a.endpoint
    iam = client(ep, "iam")
    arns = []
    for i in range(a.roles):
        arns.append(iam.create_role(RoleName=f"bench-role-{i}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"])
        if i % 4 == 0:
            iam.attach_role_policy(RoleName=f"bench-role-{i}", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        iam.put_role_policy(RoleName=f"bench-role-{i}", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(e, c):\n    return 1\n")
    code = buf.getvalue()
    lambdas = {r: client(ep, "lambda", r) for r in REGIONS}
    s3s = {r: client(ep, "s3", r) for r in REGIONS}
    kmss = {r: client(ep, "kms", r) for r in REGIONS}
    apigs = {r: client(ep, "apigateway", r) for r in REGIONS}

    def function(i):
        r = REGIONS[i % 2]
        lambdas[r].create_function(FunctionName=f"bench-fn-{i}", Runtime="python3.12", Role=arns[0] if i < a.shared_role_functions else arns[i % len(arns)],
                                   Handler="app.handler", Code={"ZipFile": code},
                                   Environment={"Variables": {"TABLE": f"t{i}", "API_TOKEN": f"tok-{i}-x9Zq2Lm4Np7Rs"}})
        if i % 3 == 0:
            lambdas[r].put_function_concurrency(FunctionName=f"bench-fn-{i}", ReservedConcurrentExecutions=1)

    def bucket(i):
        r = REGIONS[i % 2]
        kw = {"Bucket": f"bench-bucket-{i}"}
        if r != "us-east-1":
            kw["CreateBucketConfiguration"] = {"LocationConstraint": r}
        s3s[r].create_bucket(**kw)
        if i % 2 == 0:
            s3s[r].put_bucket_policy(Bucket=f"bench-bucket-{i}", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::bench-bucket-{i}/*",
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))

    def key(i):
        r = REGIONS[i % 2]
        k = kmss[r].create_key()["KeyMetadata"]["KeyId"]
        if i % 2 == 0:
            kmss[r].enable_key_rotation(KeyId=k)

    def api(i):
        r = REGIONS[i % 2]
        g = apigs[r]
        api_id = g.create_rest_api(name=f"bench-api-{i}")["id"]
        root = g.get_resources(restApiId=api_id)["items"][0]["id"]
        for j in range(5):
            rid = g.create_resource(restApiId=api_id, parentId=root, pathPart=f"r{j}")["id"]
            g.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")
            g.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="MOCK")
        g.create_deployment(restApiId=api_id, stageName="prod")

    with ThreadPoolExecutor(8) as pool:
        for job, n in ((function, a.functions), (bucket, a.buckets), (key, a.keys), (api, a.apis)):
            list(pool.map(job, range(n)))
    print(f"seeded {a.functions} functions, {a.buckets} buckets, {a.roles} roles, {a.keys} keys, {a.apis} REST APIs")


if __name__ == "__main__":
    main()
