#!/usr/bin/env bash
# Re-records mocks/demo/inventory.json: starts moto, seeds the demo account, runs
# `faascan inventory` against it, stops moto.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-5123}
endpoint=$("$here/moto.sh" "$port")
trap 'kill "$(cat "${TMPDIR:-/tmp}/faascan-moto-$port.pid")" 2>/dev/null || true' EXIT
curl -sf -X POST "$endpoint/moto-api/seed?a=42" > /dev/null
"$here/.venv/bin/python" "$here/seed_demo.py" --endpoint "$endpoint"
# A fixed fingerprint key keeps the recording stable across re-recordings.
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
FAASCAN_FINGERPRINT_KEY=faascan-demo-fingerprint-key \
  cargo run -q -- inventory --endpoint-url "$endpoint" \
  --region us-east-1 --region eu-west-1 --output "$here/demo/inventory.json"
echo "wrote $here/demo/inventory.json"
