#!/usr/bin/env bash
# Times `faascan scan --template DIR --format json` on a generated repository of SAM
# templates (default 500, each with three functions, an API, a bucket, a key and policy
# templates), on a release build: wall time and peak RSS (/usr/bin/time) of RUNS runs
# (default 3). Usage: mocks/bench-templates.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-500}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for i in $(seq 1 "$count"); do
  mkdir -p "$dir/service-$i"
  cat > "$dir/service-$i/template.yaml" <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: prod}
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    Environment:
      Variables:
        TABLE: !Ref Table
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Bucket:
    Type: AWS::S3::Bucket
  Key:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  GetFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.get
      CodeUri: src/
      Policies:
        - DynamoDBReadPolicy: {TableName: !Ref Table}
      Events:
        Get: {Type: Api, Properties: {Path: "/items/{id}", Method: get}}
  PutFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.put
      CodeUri: src/
      ReservedConcurrentExecutions: 5
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
        - S3CrudPolicy: {BucketName: !Ref Bucket}
      Events:
        Put: {Type: Api, Properties: {Path: /items, Method: post, Auth: {Authorizer: AWS_IAM}}}
  UrlFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.url
      CodeUri: src/
      FunctionUrlConfig: {AuthType: NONE}
      Policies: [AWSLambdaBasicExecutionRole]
YAML
done
cargo build --release --quiet
bin=target/release/faascan
runs="${RUNS:-3}"
for run in $(seq 1 "$runs"); do
  status=0
  /usr/bin/time -f '%e %M' -o "$dir/time" \
    "$bin" scan --template "$dir" --format json --fail-on none > "$dir/report.json" || status=$?
  read -r wall rss < "$dir/time"
  results=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['results']))" "$dir/report.json")
  printf 'run %s: %s templates, %s results, exit %s: %s s wall, %s MiB peak RSS\n' \
    "$run" "$count" "$results" "$status" "$wall" "$((rss / 1024))"
done
