#!/usr/bin/env bash
# Runs the suite against npm scimmy + scimmy-routers, a SCIM implementation nobody here wrote,
# mounted on the smallest in-memory Express app (.ci/scimmy/server.mjs; versions pinned in
# .ci/scimmy/package-lock.json). Known deviations are listed, with the RFC's words, in
# baselines/scimmy.yaml; any other failure, or a baseline entry that no longer holds, fails CI.
# One job at a time: scimmy's filter evaluation depends on what else is stored (docs/real-servers.md).
set -euo pipefail
cd "$(dirname "$0")/.."

app=.ci/scimmy
if [ ! -d "$app/node_modules" ]; then
  npm ci --prefix "$app" --no-audit --no-fund --loglevel=error
fi
mkdir -p target
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
token="ci-$(node -e 'console.log(require("crypto").randomBytes(8).toString("hex"))')"
node "$app/server.mjs" "$port" "$token" >target/scimmy.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 $pid 2>/dev/null || { cat target/scimmy.log; echo "scimmy did not start" >&2; exit 1; }
  sleep 0.1
done
SCIMSPEC_TOKEN="$token" cargo run --quiet -- run \
  --target "http://127.0.0.1:$port/scim/v2" \
  --jobs 1 \
  --baseline baselines/scimmy.yaml \
  --junit target/scimmy-junit.xml --quiet
