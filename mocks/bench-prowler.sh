#!/usr/bin/env bash
# faascan and Prowler side by side on the same emulated account: both scan the bench account
# (mocks/seed_bench.py) in moto through mocks/faultproxy.py with no faults, whose counters give
# each tool's calls per service and operation (one counter for both); /usr/bin/time gives wall
# time and peak RSS. Prowler is limited to the services faascan covers and the two regions.
#   mocks/bench-prowler.sh [seed_bench.py options]
# Environment: PROWLER (default /work/prowler-venv/bin/prowler; install Prowler 5.x with
#   python3 -m venv /work/prowler-venv && /work/prowler-venv/bin/pip install prowler),
#   BIN (default target/release/faascan, built if missing), ENDPOINT=URL to reuse an
#   already seeded moto (mocks/bench.sh with KEEP=1), PORT (default 5187) for a new one,
#   QUOTAS=MS to put both behind mocks/quotaproxy.py (AWS's documented quotas, MS per call)
#   instead of the plain counting proxy, PROXY_ARGS="..." for more of its options (e.g.
#   "--compete lambda-control=0.3333" or "--random-throttle 0.2 --seed 11").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
prowler=${PROWLER:-/work/prowler-venv/bin/prowler}
bin=${BIN:-$root/target/release/faascan}
tmp=${TMPDIR:-/tmp}
[ -x "$bin" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"
[ -x "$prowler" ] || { echo "no Prowler at $prowler (see the header)" >&2; exit 2; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
if [ -z "${ENDPOINT:-}" ]; then
  port=${PORT:-5187}
  ENDPOINT=$("$here/moto.sh" "$port")
  pids+=("$(cat "$tmp/faascan-moto-$port.pid")")
  "$here/.venv/bin/python" "$here/seed_bench.py" --endpoint "$ENDPOINT" "$@"
fi
rm -f "$tmp/bench-proxy.port"
if [ -n "${QUOTAS:-}" ]; then
  # Both tools behind AWS's documented quotas (src/collect/quotas.tsv) with QUOTAS ms per
  # call; each access key has its own buckets, so the runs do not share a quota.
  "$here/.venv/bin/python" "$here/quotaproxy.py" --upstream "$ENDPOINT" \
    --latency-ms "$QUOTAS" ${PROXY_ARGS:-} --port-file "$tmp/bench-proxy.port" > /dev/null &
else
  "$here/.venv/bin/python" "$here/faultproxy.py" --upstream "$ENDPOINT" \
    --port-file "$tmp/bench-proxy.port" > /dev/null &
fi
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/bench-proxy.port" ] && break; sleep 0.1; done
proxy="http://127.0.0.1:$(cat "$tmp/bench-proxy.port")"
export AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true AWS_DEFAULT_REGION=us-east-1

# Each tool signs with its own access key id, so the proxy counts them apart.
AWS_ACCESS_KEY_ID=faascanbench /usr/bin/time -f "faascan scan: wall %e s, peak RSS %M KiB" \
  "$bin" scan --endpoint-url "$proxy" --region us-east-1 --region eu-west-1 \
  --format json --output "$tmp/bench-faascan.json" --fail-on none || true
echo "  faascan report: $(stat -c %s "$tmp/bench-faascan.json") bytes"

rm -rf "$tmp/bench-prowler-out"
AWS_ACCESS_KEY_ID=prowlerbench AWS_ENDPOINT_URL="$proxy" \
  /usr/bin/time -o "$tmp/bench-prowler.time" -f "prowler: wall %e s, peak RSS %M KiB" \
  "$prowler" aws --services awslambda iam s3 apigateway apigatewayv2 kms \
  --region us-east-1 eu-west-1 --output-formats json-ocsf \
  --output-directory "$tmp/bench-prowler-out" --no-banner --ignore-exit-code-3 \
  > "$tmp/bench-prowler.log" 2>&1 || echo "  prowler exited $? (log: $tmp/bench-prowler.log)"
cat "$tmp/bench-prowler.time"
echo "  prowler findings: $(python3 -c 'import json,glob,sys; print(sum(len(json.load(open(f))) for f in glob.glob(sys.argv[1] + "/*.ocsf.json")))' "$tmp/bench-prowler-out")"

if [ -n "${QUOTAS:-}" ]; then
  for key in faascanbench prowlerbench; do
    echo "$key at the quota proxy: $(curl -sf "$proxy/__quota?access_key=$key" | python3 -c '
import json, sys
q = json.load(sys.stdin)
ops = q.get("operations", [])
floor = max((g["floor_seconds"] for g in q.get("groups", [])), default=0.0)
print(sum(o.get("throttled", 0) for o in ops), "throttled,", sum(o.get("passed", 0) for o in ops),
      "passed, quota floor %.1f s" % floor)')"
  done
fi
curl -sf "$proxy/__stats" > "$tmp/bench-proxy-stats.json"
python3 - "$tmp/bench-proxy-stats.json" <<'PY'
import json, sys, collections
stats = json.load(open(sys.argv[1]))
for key, tool in (("faascanbench", "faascan"), ("prowlerbench", "Prowler")):
    rows = [r for r in stats["operations"] if r["access_key"] == key]
    by = collections.Counter()
    for r in rows:
        by[r["service"]] += r["requests"]
    unid = sum(len(u["requests"]) for u in stats["unidentified"] if u["access_key"] == key)
    print(f"{tool}: {sum(by.values()) + unid} requests ({unid} not identified by the proxy)")
    for service, n in sorted(by.items()):
        print(f"  {service:14} {n:6}")
    for r in sorted(rows, key=lambda r: (r["service"], r["operation"])):
        print(f"    {r['service']:14} {r['operation']:40} {r['requests']:6}")
PY
