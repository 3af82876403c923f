#!/usr/bin/env python3
"""Renders scripts/docs_content.py into checks/src/<service>/<stem>.md (one file per check,
compiled into the binary with include_str!). Existing hand-written files are left alone
unless --force is given."""
import os, re, sys
sys.path.insert(0, os.path.dirname(__file__))
from docs_content import DOCS
root = os.path.join(os.path.dirname(__file__), "..", "checks", "src")
force = "--force" in sys.argv
for check_id, d in DOCS.items():
    service, rest = check_id.split("-", 1)
    stem = rest.replace("-", "_")
    rs = open(os.path.join(root, service, stem + ".rs")).read()
    refs = re.search(r"references: &\[(.*?)\]", rs, re.S).group(1)
    refs = re.findall(r'"([^"]+)"', refs)
    path = os.path.join(root, service, stem + ".md")
    if os.path.exists(path) and os.path.getsize(path) > 0 and not force:
        continue
    text = f"""## What it checks

{d['what']}

## Why it matters

{d['why']}

## Remediation

- **Console**: {d['console']}
- **AWS CLI**: {d['cli']}
- **CloudFormation / SAM**: {d['cfn']}
- **Terraform**: {d['tf']}

## Example

{d['example']}

## References

""" + "".join(f"- {r}\n" for r in refs)
    open(path, "w").write(text)
print(f"{len(DOCS)} documented")
