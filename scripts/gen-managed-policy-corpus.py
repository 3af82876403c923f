#!/usr/bin/env python3
"""Extracts AWS managed policies from moto's copy of them (moto/iam/aws_managed_policies.py, as
AWS publishes them) into checks/data/aws-managed-policies.json, the corpus the IAM engine's
classification test reads (checks/src/iam/corpus_tests.rs).

    mocks/.venv/bin/python scripts/gen-managed-policy-corpus.py            # the curated list
    mocks/.venv/bin/python scripts/gen-managed-policy-corpus.py --all --output /tmp/all.json

It imports moto from the interpreter that runs it (mocks/.venv has it), or reads the file given
with --moto-file. The curated list is the `CURATED` set below: add a name there, rerun, and give
the policy its expected classification in the test. The output is one policy per line, sorted,
with moto's version recorded, so a refresh shows as a readable diff. --all writes every policy
(about 1,600) for a one-off comparison; that file is not committed.
"""
import argparse
import json
import os
import runpy

CURATED = {
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "IAMUserChangePassword",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "SecurityAudit",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaExecute",
    "AWSLambdaRole",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "SecretsManagerReadWrite",
    "AWSKeyManagementServicePowerUser",
    "AmazonEC2FullAccess",
    "AmazonEC2ReadOnlyAccess",
    "AWSCloudFormationFullAccess",
    "AmazonSSMReadOnlyAccess",
    "AmazonAPIGatewayAdministrator",
    "CloudWatchLogsFullAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AWSMcpServiceActionsFullAccess",
    "AWSSupportAccess",
    "AmazonECS_FullAccess",
    "AWSStepFunctionsFullAccess",
    "AmazonEventBridgeFullAccess",
    "AWSOrganizationsFullAccess",
    "AWSCodeBuildAdminAccess",
    "AWSGlueConsoleFullAccess",
    "AmazonSageMakerFullAccess",
    "DatabaseAdministrator",
    "NetworkAdministrator",
    "AWSCloudTrail_FullAccess",
}


def load(moto_file):
    if moto_file:
        text = runpy.run_path(moto_file)["aws_managed_policies_data"]
    else:
        from moto.iam.aws_managed_policies import aws_managed_policies_data as text
    return json.loads(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--moto-file", help="path to moto/iam/aws_managed_policies.py")
    parser.add_argument("--all", action="store_true", help="every policy, not the curated list")
    parser.add_argument("--output", default=os.path.join(here, "..", "checks", "data", "aws-managed-policies.json"))
    args = parser.parse_args()
    data = load(args.moto_file)
    names = sorted(data) if args.all else sorted(CURATED)
    missing = [n for n in names if n not in data]
    if missing:
        raise SystemExit(f"not in moto's corpus: {', '.join(missing)}")
    try:
        import moto
        source = f"moto=={moto.__version__}"
    except ImportError:
        source = "moto (version unknown)"
    lines = [json.dumps({"_source": f"AWS managed policies as shipped by {source} (moto/iam/aws_managed_policies.py); regenerate with scripts/gen-managed-policy-corpus.py"})[1:-1]]
    for name in names:
        entry = {"version": data[name].get("DefaultVersionId"), "path": data[name].get("Path"), "document": data[name]["Document"]}
        lines.append(json.dumps(name) + ":" + json.dumps(entry, separators=(",", ":"), sort_keys=True))
    with open(args.output, "w") as out:
        out.write("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {len(names)} policies to {args.output}")


if __name__ == "__main__":
    main()
