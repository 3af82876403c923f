#!/usr/bin/env bash
# Starts the pinned moto on loopback (creating mocks/.venv from requirements.txt if needed).
#   mocks/moto.sh [PORT]      prints the endpoint URL once the server answers
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-5000}
if [ ! -x "$here/.venv/bin/moto_server" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup "$here/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" \
  > "${TMPDIR:-/tmp}/faascan-moto-$port.log" 2>&1 &
echo $! > "${TMPDIR:-/tmp}/faascan-moto-$port.pid"
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/moto-api/" > /dev/null 2>&1; then
    echo "http://127.0.0.1:$port"; exit 0
  fi
  sleep 0.1
done
echo "moto did not start; see ${TMPDIR:-/tmp}/faascan-moto-$port.log" >&2
exit 1
