#!/usr/bin/env bash
# Benchmark: seed a large account into moto, then time the release binary's `faascan inventory`
# against it. Prints wall time, peak memory and calls per service.
#   mocks/bench.sh [--functions N --buckets N --roles N --keys N --apis N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${PORT:-5177}
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
endpoint=$("$here/moto.sh" "$port")
trap 'kill "$(cat "${TMPDIR:-/tmp}/faascan-moto-$port.pid")" 2>/dev/null || true' EXIT
start=$(date +%s.%N)
"$here/.venv/bin/python" "$here/seed_bench.py" --endpoint "$endpoint" "$@"
echo "seeding took $(echo "$(date +%s.%N) - $start" | bc) s"
out=${TMPDIR:-/tmp}/faascan-bench-inventory.json
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
for run in 1 2 3; do
  /usr/bin/time -f "run $run: wall %e s, peak RSS %M KiB" "$root/target/release/faascan" inventory \
    --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 --output "$out"
done
python3 - "$out" <<'PY'
import json, sys, collections
inv = json.load(open(sys.argv[1]))
fns = sum(len(r["lambda_functions"].get("known", [])) for r in inv["regions"])
buckets = len(inv["s3"]["buckets"].get("known", []))
by = collections.Counter()
for c in inv["calls"]["by_operation"]:
    by[c["service"]] += c["operations"]
print(f"functions {fns}, buckets {buckets}, roles {len(inv['iam']['known']['roles'])}, "
      f"keys {sum(len(r['kms_keys'].get('known', [])) for r in inv['regions'])}, gaps {len(inv['gaps'])}")
for service, n in sorted(by.items()):
    print(f"  {service:12} {n:6} calls")
lam = sum(c["operations"] for c in inv["calls"]["by_operation"]
          if c["service"] == "Lambda" and c["operation"] not in ("ListFunctions", "ListEventSourceMappings"))
s3 = sum(c["operations"] for c in inv["calls"]["by_operation"] if c["service"] == "S3" and c["operation"] != "ListBuckets")
print(f"Lambda detail calls per function: {lam / max(fns, 1):.2f}; S3 calls per bucket: {s3 / max(buckets, 1):.2f}")
print(f"total calls {inv['calls']['operations']} ({inv['calls']['attempts']} attempts)")
PY
