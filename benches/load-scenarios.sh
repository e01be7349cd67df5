#!/usr/bin/env bash
# Every scenario of `scimspec load` at one rate for a while, against one target; prints a table
# of the rate achieved (served requests per second), p99 latency, statuses and the verdict's
# final-state and cleanup outcomes (release build).
#
#   benches/load-scenarios.sh [RATE] [SECONDS]            (defaults: 25/s 10)
#
# The target is the embedded server unless SCIMSPEC_TARGET (and SCIMSPEC_TOKEN) name another.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-25/s}
SECONDS_EACH=${2:-10}
cargo build --release --quiet
OUT=target/load-scenarios
mkdir -p "$OUT"
for scenario in get entra-initial-cycle entra-incremental okta-push lifecycle import mix; do
  ./target/release/scimspec load --scenario "$scenario" --rate "$RATE" \
    --duration "${SECONDS_EACH}s" --max-requests 100000000 --report-json "$OUT/$scenario.json" >"$OUT/$scenario.txt" || true
done
python3 - "$OUT" "$RATE" "$SECONDS_EACH" <<'PY'
import json, sys
out, rate, seconds = sys.argv[1:4]
target = None
print(f"{'scenario':<22}{'req/s':>8}{'p99 ms':>10}  statuses; final state, cleanup")
for scenario in ["get", "entra-initial-cycle", "entra-incremental", "okta-push", "lifecycle", "import", "mix"]:
    r = json.load(open(f"{out}/{scenario}.json"))
    target = r["target"]
    p99 = next(k["p99_ms"] for k in r["kinds"] if k["kind"] == "all")
    statuses = " ".join(f"{s}×{n}" for s, n in sorted(r["statuses"].items()))
    outcome = {v["id"]: v["outcome"] for v in r["verdict"]}
    print(f"{scenario:<22}{r['achieved_rate']:>8.1f}{p99:>10}  {statuses}; "
          f"{outcome['final-state']}, {outcome['cleanup']}")
print(f"({rate} for {seconds} s each against {target})")
PY
