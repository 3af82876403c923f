#!/usr/bin/env python3
"""Regenerates the data the template readers (src/template/) expand policies from:

- src/template/data/sam-policy-templates.json: the SAM policy templates (`S3CrudPolicy`,
  `DynamoDBCrudPolicy`, ...) from the policy_templates.json that AWS SAM publishes inside the
  `aws-sam-translator` wheel on PyPI (downloaded into a temporary directory, not installed);
- src/template/data/aws-managed-policies.json: the documents of the AWS managed policies that
  serverless templates commonly attach by ARN, from the copy moto ships
  (moto/iam/aws_managed_policies.py in mocks/.venv; run `mocks/moto.sh` once to create it).
  Only a selection (by name, below) is kept, to keep the binary small; an ARN outside it is
  unresolved (its checks say unknown), never assumed harmless.

    python3 scripts/gen-template-data.py [--sam-version 1.115.0]

Commit the results.
"""
import argparse
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "src", "template", "data")

# The managed policies kept: Lambda's own, the data services functions talk to, the broad
# ones (AdministratorAccess, PowerUserAccess, *FullAccess) whose presence matters most.
MANAGED = re.compile(
    r"^(AdministratorAccess|PowerUserAccess|ReadOnlyAccess|IAMFullAccess|IAMReadOnlyAccess"
    r"|AWSLambda.*|.*Lambda.*|AmazonS3.*|AmazonDynamoDB.*|AmazonSQS.*|AmazonSNS.*"
    r"|AmazonKinesis.*|CloudWatch.*|AWSXRay.*|AWSXray.*|AmazonSSM.*|SecretsManager.*"
    r"|AWSStepFunctions.*|AmazonEventBridge.*|AmazonAPIGateway.*|AmazonCognito.*|AmazonSES.*"
    r"|AWSKeyManagement.*|AmazonRekognition.*|AmazonTextract.*|Comprehend.*|TranslateFullAccess"
    r"|TranslateReadOnly|AmazonPolly.*|AmazonBedrock.*|AmazonAthena.*|AWSGlue.*"
    r"|AmazonEC2FullAccess|AmazonEC2ReadOnlyAccess|AmazonVPC.*|AmazonRDS.*"
    r"|AmazonElasticFileSystem.*|AmazonTimestream.*|AWSAppSync.*|AWSIoT.*"
    r"|AmazonSageMakerFullAccess|AWSCodeDeployRoleForLambda.*|AmazonESFullAccess"
    r"|AmazonOpenSearch.*|AmazonECS_FullAccess|AmazonECR.*|AmazonMSK.*|AWSCloudFormation.*"
    r"|AmazonElastiCache.*|AWSBatch.*|AmazonRedshift.*|AmazonMQ.*|AmazonAppFlow.*"
    r"|AWSCloudTrail.*)$"
)


def sam_templates(version):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                        f"aws-sam-translator=={version}"], check=True)
        wheel = glob.glob(os.path.join(tmp, "aws_sam_translator-*.whl"))[0]
        with zipfile.ZipFile(wheel) as z:
            data = json.loads(z.read("samtranslator/policy_templates_data/policy_templates.json"))
    out = {"source": f"aws-sam-translator=={version} policy_templates.json", "templates": {}}
    for name, template in sorted(data["Templates"].items()):
        out["templates"][name] = {
            "parameters": sorted(template.get("Parameters", {}).keys()),
            "definition": template["Definition"],
        }
    return out


def managed_policies():
    paths = glob.glob(os.path.join(ROOT, "mocks", ".venv", "lib", "python3*", "site-packages",
                                   "moto", "iam", "aws_managed_policies.py"))
    if not paths:
        sys.exit("moto is not installed in mocks/.venv: run mocks/moto.sh once")
    spec = importlib.util.spec_from_file_location("aws_managed_policies", paths[0])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = json.loads(module.aws_managed_policies_data)
    import moto
    out = {"source": f"moto=={moto.__version__} iam/aws_managed_policies.py", "policies": {}}
    for name, policy in sorted(data.items()):
        if not MANAGED.match(name):
            continue
        arn = f"arn:aws:iam::aws:policy{policy['Path']}{name}"
        out["policies"][arn] = {
            "version": policy["DefaultVersionId"],
            "document": policy["Document"],
        }
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sam-version", default="1.115.0")
    args = parser.parse_args()
    os.makedirs(DATA, exist_ok=True)
    sam = sam_templates(args.sam_version)
    with open(os.path.join(DATA, "sam-policy-templates.json"), "w") as f:
        json.dump(sam, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    sys.path.insert(0, glob.glob(os.path.join(ROOT, "mocks", ".venv", "lib", "python3*", "site-packages"))[0])
    managed = managed_policies()
    with open(os.path.join(DATA, "aws-managed-policies.json"), "w") as f:
        json.dump(managed, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"wrote {len(sam['templates'])} SAM policy templates and "
          f"{len(managed['policies'])} AWS managed policies to {DATA}")


if __name__ == "__main__":
    main()
