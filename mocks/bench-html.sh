#!/usr/bin/env bash
# HTML report benchmark: 100,000 results from the synthetic inventory, file size and the time
# headless Chromium takes to load, filter and render it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=${TMPDIR:-/tmp}
inventory=$tmp/faascan-big-inventory.json
[ -f "$inventory" ] || python3 "$here/gen_big_inventory.py" --resources 100000 --output "$inventory"
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
out=$tmp/faascan-big-html
/usr/bin/time -f "scan: wall %e s, peak RSS %M KiB" "$here/../target/release/faascan" scan --inventory "$inventory" \
  --checks lambda-function-public-policy,lambda-function-timeout-max,s3-bucket-logging-disabled \
  --format html --format json --output-dir "$out"
python3 -c "import json,sys; print('results:', len(json.load(open(sys.argv[1]))['results']))" "$out/report.json"
echo "report.html: $(du -h "$out/report.html" | cut -f1) ($(stat -c %s "$out/report.html") bytes)"
profile=$(mktemp -d)
/usr/bin/time -f "chromium load+filter+render: wall %e s" chromium --headless --no-sandbox --disable-gpu \
  --disable-background-networking --no-first-run --user-data-dir="$profile" --virtual-time-budget=30000 \
  --dump-dom "file://$out/report.html#status=fail" 2>/dev/null | grep -o '<p id="count">[^<]*' | sed 's/<p id="count">//'
rm -rf "$profile"
