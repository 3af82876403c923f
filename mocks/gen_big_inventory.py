#!/usr/bin/env python3
"""Writes a synthetic inventory with about N resources (default 100,000) for the evaluation
benchmark, by cloning the demo inventory's resources under new names.

    python3 mocks/gen_big_inventory.py --resources 100000 --output /tmp/big-inventory.json
"""
import argparse, copy, json, os

here = os.path.dirname(__file__)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--resources", type=int, default=100_000)
    p.add_argument("--output", required=True)
    a = p.parse_args()
    demo = json.load(open(os.path.join(here, "demo", "inventory.json")))
    region = demo["regions"][0]
    functions = region["lambda_functions"]["known"]
    roles = demo["iam"]["known"]["roles"]
    buckets = demo["s3"]["buckets"]["known"]
    keys = region["kms_keys"]["known"]
    apis = region["rest_apis"]["known"]
    # Shares of the total: functions 40%, roles 20%, buckets 20%, keys 10%, REST stages and methods 10%.
    n = a.resources
    out_functions, out_roles, out_buckets, out_keys, out_apis = [], [], [], [], []
    for i in range(n * 20 // 100):
        r = copy.deepcopy(roles[i % len(roles)])
        r["name"] = f"{r['name']}-{i}"
        r["arn"] = r["arn"].rsplit("/", 1)[0] + "/" + r["name"]
        out_roles.append(r)
    for i in range(n * 40 // 100):
        f = copy.deepcopy(functions[i % len(functions)])
        f["name"] = f"{f['name']}-{i}"
        f["arn"] = f["arn"].rsplit(":", 1)[0] + ":" + f["name"]
        f["role_arn"] = out_roles[i % len(out_roles)]["arn"]
        out_functions.append(f)
    for i in range(n * 20 // 100):
        b = copy.deepcopy(buckets[i % len(buckets)])
        b["name"] = f"{b['name']}-{i}"
        b["arn"] = "arn:aws:s3:::" + b["name"]
        out_buckets.append(b)
    for i in range(n * 10 // 100):
        k = copy.deepcopy(keys[i % len(keys)])
        k["id"] = f"{k['id'][:24]}{i:012d}"
        k["arn"] = k["arn"].rsplit("/", 1)[0] + "/" + k["id"]
        out_keys.append(k)
    per_api = sum(len(x["stages"]["known"]) + sum(len(r["methods"]) for r in x["resources"]["known"]) for x in apis) / len(apis)
    for i in range(int(n * 10 / 100 / max(per_api, 1))):
        x = copy.deepcopy(apis[i % len(apis)])
        x["id"] = f"api{i}"
        x["arn"] = x["arn"].rsplit("/", 1)[0] + "/" + x["id"]
        out_apis.append(x)
    region["lambda_functions"]["known"] = out_functions
    region["kms_keys"]["known"] = out_keys
    region["rest_apis"]["known"] = out_apis
    demo["iam"]["known"]["roles"] = out_roles
    demo["s3"]["buckets"]["known"] = out_buckets
    demo["regions"] = [region]
    json.dump(demo, open(a.output, "w"))
    total = len(out_functions) + len(out_roles) + len(out_buckets) + len(out_keys) + int(len(out_apis) * per_api)
    print(f"wrote {a.output}: ~{total} resources ({len(out_functions)} functions, {len(out_roles)} roles, "
          f"{len(out_buckets)} buckets, {len(out_keys)} keys, {len(out_apis)} REST APIs)")


if __name__ == "__main__":
    main()
