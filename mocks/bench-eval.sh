#!/usr/bin/env bash
# Evaluation benchmark: a ~100k-resource inventory, the whole catalogue, release build.
#   mocks/bench-eval.sh [RESOURCES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/faascan-big-inventory.json
python3 "$here/gen_big_inventory.py" --resources "${1:-100000}" --output "$out"
cargo run --release --quiet --manifest-path "$here/../Cargo.toml" -p faascan-checks --example eval_bench -- "$out" 3
