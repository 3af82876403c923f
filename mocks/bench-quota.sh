#!/usr/bin/env bash
# Benchmark of pacing under AWS's documented quotas: the bench account (mocks/seed_bench.py)
# in moto, behind mocks/quotaproxy.py enforcing src/collect/quotas.tsv with a latency per
# call, scanned by `faascan inventory` three times:
#   steady    the documented quotas alone              target: wall / quota floor <= 1.2
#   compete   other clients take a third of every      target: wall / floor of what is left
#             Lambda quota from before the first call          <= 1.3, no gap
#   random    20% of responses throttled at random     target: wall <= 1.5 x steady, no gap
# The quota floor is the binding group's calls / its rate (what the proxy let through,
# per access key, region and group), read from the proxy's /__quota.
#   mocks/bench-quota.sh [--debug] [--latency-ms 30] [seed_bench.py options]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${PORT:-5178}
profile=release
latency=30
seed_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug; shift ;;
    --latency-ms) latency=$2; shift 2 ;;
    *) seed_args+=("$1"); shift ;;
  esac
done
if [ "$profile" = release ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
else
  cargo build --quiet --manifest-path "$root/Cargo.toml"
fi
bin="$root/target/$profile/faascan"
work=$(mktemp -d "${TMPDIR:-/tmp}/faascan-bench-quota.XXXXXX")
endpoint=$("$here/moto.sh" "$port")
proxy_pid=
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  kill "$(cat "${TMPDIR:-/tmp}/faascan-moto-$port.pid")" 2>/dev/null || true
}
trap cleanup EXIT
"$here/.venv/bin/python" "$here/seed_bench.py" --endpoint "$endpoint" "${seed_args[@]}"
"$here/.venv/bin/python" "$here/quotaproxy.py" --upstream "$endpoint" --latency-ms "$latency" \
  --seed 11 --port-file "$work/port" > /dev/null 2> "$work/proxy.log" &
proxy_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
proxy="http://127.0.0.1:$(cat "$work/port")"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true

run() { # run NAME SETTINGS-JSON
  local name=$1 settings=$2
  curl -sf -X POST "$proxy/__quota" -d "$settings" > /dev/null
  curl -sf -X DELETE "$proxy/__quota" > /dev/null
  sleep 2 # the competitors are already spending: buckets start with (1 - share) of their burst
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$bin" inventory --endpoint-url "$proxy" \
    --region us-east-1 --region eu-west-1 --output "$work/$name.json" 2> "$work/$name.stderr" || true
  curl -sf "$proxy/__quota?access_key=testing" > "$work/$name.quota.json"
}

run steady '{"random_throttle": 0, "compete": {}}'
third='{"lambda-control": 0.3333, "lambda-get-policy": 0.3333, "lambda-get-function": 0.3333}'
run compete "{\"random_throttle\": 0, \"compete\": $third}"
run random '{"random_throttle": 0.2, "compete": {"lambda-control": 0, "lambda-get-policy": 0, "lambda-get-function": 0}}'

python3 - "$work" "$profile" "$latency" <<'PY'
import json, sys
work, profile, latency = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    wall, rss = open(f"{work}/{name}.time").read().split()
    inv = json.load(open(f"{work}/{name}.json"))
    quota = json.load(open(f"{work}/{name}.quota.json"))
    binding = max(quota["groups"], key=lambda g: g["floor_seconds"])
    throttled = sum(o["throttled"] + o["random"] for o in quota["operations"])
    pacing = {p["service"]: p for p in inv["calls"].get("pacing", [])}
    fns = sum(len(r["lambda_functions"].get("known", [])) for r in inv["regions"])
    return dict(wall=float(wall), rss_mib=int(rss) / 1024, floor=quota["floor_seconds"], binding=binding,
                gaps=len(inv["gaps"]), incomplete=inv["account"]["incomplete"], calls=inv["calls"]["operations"],
                throttled=throttled, pacing=pacing, functions=fns)
runs = {n: load(n) for n in ("steady", "compete", "random")}
print(f"build: {profile}; latency {latency} ms per call")
for name, r in runs.items():
    b = r["binding"]
    print(f"{name:8} wall {r['wall']:7.1f} s  floor {r['floor']:7.1f} s ({b['group']} {b['region']}: "
          f"{b['passed']} calls at {b['rate_left']:.2f}/s)  wall/floor {r['wall'] / r['floor']:.3f}  "
          f"gaps {r['gaps']}  incomplete {r['incomplete']}  calls {r['calls']}  functions {r['functions']}  "
          f"proxy throttled {r['throttled']}  peak RSS {r['rss_mib']:.0f} MiB")
    for service, p in sorted(r["pacing"].items()):
        print(f"           {service:10} throttled {p['throttled']:5}  backoffs {p['backoffs']:4}  "
              f"waited {p['waited_ms'] / 1000:8.1f} s (summed over calls)")
print(f"random / steady wall: {runs['random']['wall'] / runs['steady']['wall']:.3f}")
PY
echo "outputs in $work"
