#!/usr/bin/env bash
# Benchmark: seed a large account into moto, then time the release binary's `faascan inventory`
# and `faascan scan --format json --output FILE` against it. Prints wall time, peak memory,
# calls per service and per operation, and the report's size.
#   mocks/bench.sh [seed_bench.py options: --functions N --buckets N --roles N --keys N --apis N
#                   --shared-role-functions N]
# Environment: RUNS (default 3) runs of each command; NO_BUILD=1 reuses target/release/faascan
# (or BIN=PATH, another binary);
# PORT (default 5177) for moto; KEEP=1 leaves moto running (for mocks/bench-prowler.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${PORT:-5177}
runs=${RUNS:-3}
bin=${BIN:-$root/target/release/faascan}
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
fi
endpoint=$("$here/moto.sh" "$port")
if [ -z "${KEEP:-}" ]; then
  trap 'kill "$(cat "${TMPDIR:-/tmp}/faascan-moto-$port.pid")" 2>/dev/null || true' EXIT
fi
start=$(date +%s.%N)
"$here/.venv/bin/python" "$here/seed_bench.py" --endpoint "$endpoint" "$@"
echo "seeding took $(echo "$(date +%s.%N) - $start" | bc) s"
out=${TMPDIR:-/tmp}/faascan-bench-inventory.json
report=${TMPDIR:-/tmp}/faascan-bench-report.json
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
for run in $(seq 1 "$runs"); do
  /usr/bin/time -f "inventory run $run: wall %e s, peak RSS %M KiB" "$bin" inventory \
    --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 --output "$out"
done
for run in $(seq 1 "$runs"); do
  # Exit 1 (findings) or 4 (incomplete: moto's unparsable GetBucketVersioning) is expected.
  /usr/bin/time -f "scan run $run: wall %e s, peak RSS %M KiB" "$bin" scan \
    --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 \
    --format json --output "$report" --fail-on none || true
  echo "  report: $(stat -c %s "$report") bytes"
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
for c in sorted(inv["calls"]["by_operation"], key=lambda c: (c["service"], c["operation"])):
    print(f"    {c['service']:12} {c['operation']:36} {c['operations']:6}")
lam = sum(c["operations"] for c in inv["calls"]["by_operation"]
          if c["service"] == "Lambda" and c["operation"] not in ("ListFunctions", "ListEventSourceMappings"))
s3 = sum(c["operations"] for c in inv["calls"]["by_operation"] if c["service"] == "S3" and c["operation"] != "ListBuckets")
print(f"Lambda detail calls per function: {lam / max(fns, 1):.2f}; S3 calls per bucket: {s3 / max(buckets, 1):.2f}")
print(f"total calls {inv['calls']['operations']} ({inv['calls']['attempts']} attempts)")
PY
