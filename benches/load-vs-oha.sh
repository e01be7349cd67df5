#!/usr/bin/env bash
# Is scimspec load the bottleneck? Against one `scimspec serve` (release build), runs oha and
# `scimspec load --scenario get --rate max` on the same URL for the same time with the same
# concurrency, prints both rates and their ratio, then the rate of the scenario mix.
#
#   benches/load-vs-oha.sh [SECONDS] [CONNECTIONS]      (defaults: 10 50)
#
# oha is installed once into target/oha/ (cargo install oha --locked); nothing else is touched.
# SCIMSPEC_LOAD_BIN names another scimspec binary to generate the load with (e.g. an earlier
# build, for a before/after in one sitting); the server is always this tree's release build.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-10}
CONNECTIONS=${2:-50}
TOKEN=bench-token
OHA=target/oha/bin/oha

cargo build --release --quiet
if [ ! -x "$OHA" ]; then
  CARGO_TARGET_DIR=target/oha-build cargo install oha --locked --root target/oha
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
./target/release/scimspec serve --port "$PORT" --token "$TOKEN" >/dev/null &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:$PORT/scim/v2"
for _ in $(seq 50); do
  curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/ServiceProviderConfig" && break
  sleep 0.1
done

OUT=target/load-bench
mkdir -p "$OUT"
"$OHA" -z "${SECONDS_EACH}s" -c "$CONNECTIONS" --no-tui --output-format json \
  -H "Authorization: Bearer $TOKEN" -H "Accept: application/scim+json" \
  "$BASE/Users?startIndex=1&count=1" >"$OUT/oha.json"
LOAD_BIN=${SCIMSPEC_LOAD_BIN:-./target/release/scimspec}
"$LOAD_BIN" load --target "$BASE" --token "$TOKEN" --scenario get --rate max \
  --users "$CONNECTIONS" --duration "${SECONDS_EACH}s" --max-requests 100000000 \
  --report-json "$OUT/get.json" >/dev/null
"$LOAD_BIN" load --target "$BASE" --token "$TOKEN" --scenario mix --rate max \
  --users "$CONNECTIONS" --duration "${SECONDS_EACH}s" --max-requests 100000000 \
  --report-json "$OUT/mix.json" >/dev/null || true

python3 - "$OUT" "$SECONDS_EACH" "$CONNECTIONS" <<'PY'
import json, sys
out, seconds, connections = sys.argv[1], sys.argv[2], sys.argv[3]
oha = json.load(open(f"{out}/oha.json"))["summary"]["requestsPerSec"]
get = json.load(open(f"{out}/get.json"))
mix = json.load(open(f"{out}/mix.json"))
p99 = lambda r: next(k["p99_ms"] for k in r["kinds"] if k["kind"] == "all")
print(f"GET /Users?startIndex=1&count=1, {seconds} s, {connections} connections")
print(f"  oha            {oha:10.0f} req/s")
print(f"  scimspec load  {get['achieved_rate']:10.0f} req/s  (p99 {p99(get)} ms, {get['window_seconds']} s)")
for name, r in (("get", get), ("mix", mix)):
    if r.get("stopped"):
        print(f"  warning: the {name} run stopped early: {r['stopped']}")
print(f"  ratio          {get['achieved_rate'] / oha:10.2f} x oha")
print(f"scenario mix, closed loop: {mix['achieved_rate']:.0f} req/s (p99 {p99(mix)} ms)")
PY
