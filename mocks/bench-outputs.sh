#!/usr/bin/env bash
# Output benchmark: a ~100k-resource inventory, three checks (100,000 results), each format
# written with `faascan scan --output-dir`, wall time and peak RSS per format; then every
# format in one run; then `render_bench` (the same report, the inventory read typed, peak RSS
# after each stage) to show what the renderers add on top of the inventory and the results.
#   mocks/bench-outputs.sh                 # builds the release binary and example once
#   FAASCAN=path/to/faascan mocks/bench-outputs.sh   # another binary (e.g. main's), no build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=${TMPDIR:-/tmp}
inventory=$tmp/faascan-big-inventory.json
[ -f "$inventory" ] || python3 "$here/gen_big_inventory.py" --resources 100000 --output "$inventory"
checks=lambda-function-public-policy,lambda-function-timeout-max,s3-bucket-logging-disabled
formats="summary json table csv junit markdown html ocsf asff sarif"
if [ -z "${FAASCAN:-}" ]; then
  cargo build --release --quiet --manifest-path "$here/../Cargo.toml" -p faascan -p faascan-reports \
    --bin faascan --example render_bench
  FAASCAN=$here/../target/release/faascan
fi
out=$(mktemp -d "$tmp/faascan-bench-outputs.XXXXXX")
trap 'rm -rf "$out"' EXIT
printf '%-10s %8s %10s %10s\n' format wall "peak RSS" output
for f in $formats; do
  stats=$( { /usr/bin/time -f "%e %M" "$FAASCAN" scan --inventory "$inventory" --checks "$checks" \
    --format "$f" --output-dir "$out/$f" --fail-on none >/dev/null; } 2>&1 | tail -1)
  read -r wall kib <<<"$stats"
  printf '%-10s %7ss %7d MiB %10s\n' "$f" "$wall" $((kib / 1024)) "$(du -sh "$out/$f" | cut -f1)"
  rm -rf "${out:?}/$f"
done
all=()
for f in $formats; do all+=(--format "$f"); done
stats=$( { /usr/bin/time -f "%e %M" "$FAASCAN" scan --inventory "$inventory" --checks "$checks" \
  "${all[@]}" --output-dir "$out/all" --fail-on none >/dev/null; } 2>&1 | tail -1)
read -r wall kib <<<"$stats"
printf '%-10s %7ss %7d MiB %10s\n' "all" "$wall" $((kib / 1024)) "$(du -sh "$out/all" | cut -f1)"
bench=$(dirname "$FAASCAN")/examples/render_bench
if [ -x "$bench" ]; then
  echo "render_bench (inventory read typed; peak RSS after each stage):"
  /usr/bin/time -f "render_bench: wall %e s, peak RSS %M KiB" "$bench" "$inventory" "$out/bench" "$checks" \
    json csv junit markdown html ocsf asff sarif table
fi
