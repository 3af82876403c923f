#!/usr/bin/env python3
"""Compares faascan's classification of the AWS managed policies with Cloudsplaining's, for
docs/iam-engine.md. Needs cloudsplaining in the interpreter that runs it (a scratch venv:
`python3 -m venv /tmp/cs && /tmp/cs/bin/pip install cloudsplaining`), never the mocks venv.

    mocks/.venv/bin/python scripts/gen-managed-policy-corpus.py --all --output /tmp/all.json
    FAASCAN_CORPUS=/tmp/all.json FAASCAN_CORPUS_OUT=/tmp/faascan.tsv \\
        cargo test -p faascan-checks dump_corpus -- --ignored
    /tmp/cs/bin/python scripts/compare-cloudsplaining.py /tmp/all.json /tmp/faascan.tsv > /tmp/diff.tsv

Cloudsplaining is run per policy document (PolicyDocument, default exclusions, no flags), as its
`scan-policy-file` does. Output: one line per policy and class where the two disagree, with the
actions (or methods, services) only one side reports; a summary goes to stderr.
"""
import csv
import json
import sys

from cloudsplaining.scan.policy_document import PolicyDocument

CLASSES = ["privesc", "exposure", "exfiltration", "service-wildcard"]


def cloudsplaining(document):
    doc = PolicyDocument(document)
    return {
        "privesc": sorted({m["type"] for m in doc.allows_privilege_escalation}),
        "exposure": sorted(set(doc.permissions_management_without_constraints)),
        "exfiltration": sorted(set(doc.allows_data_exfiltration_actions)),
        "service-wildcard": sorted(set(doc.service_wildcard)),
    }


def main():
    corpus = json.load(open(sys.argv[1]))
    faascan = {}
    with open(sys.argv[2]) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            split = lambda v: sorted(x for x in v.split(",") if x)
            faascan[row["policy"]] = {
                "privesc": split(row["privesc"]),
                "exposure": split(row["exposure"]),
                "exfiltration": split(row["exfiltration"]),
                "service-wildcard": split(row["service_wildcard"]),
            }
    counts = {c: [0, 0, 0, 0] for c in CLASSES}  # both, neither, faascan only, cloudsplaining only
    print("policy\tclass\twho\tfaascan_only\tcloudsplaining_only")
    for name, entry in sorted(corpus.items()):
        if name.startswith("_"):
            continue
        ours = faascan[name]
        theirs = cloudsplaining(entry["document"])
        for c in CLASSES:
            a, b = bool(ours[c]), bool(theirs[c])
            counts[c][(0 if a and b else 1 if not a and not b else 2 if a else 3)] += 1
            if a != b:
                lower = lambda xs: {x.lower() for x in xs}
                only_ours = sorted(x for x in ours[c] if x.lower() not in lower(theirs[c]))
                only_theirs = sorted(x for x in theirs[c] if x.lower() not in lower(ours[c]))
                who = "faascan" if a else "cloudsplaining"
                print(f"{name}\t{c}\t{who}\t{','.join(only_ours)[:400]}\t{','.join(only_theirs)[:400]}")
    for c, (both, neither, ours_only, theirs_only) in counts.items():
        print(f"{c}: both {both}, neither {neither}, faascan only {ours_only}, cloudsplaining only {theirs_only}", file=sys.stderr)


if __name__ == "__main__":
    main()
