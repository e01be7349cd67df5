#!/usr/bin/env bash
# Runs the suite against PyPI scim2-server, a SCIM implementation nobody here wrote.
# Known deviations are listed, with the RFC's words, in baselines/scim2-server.yaml;
# any other failure, or a baseline entry that no longer holds, fails CI.
# One job at a time, so the order of the cases, and with it every outcome, is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv/scim2-server
if [ ! -x "$venv/bin/scim2-server" ]; then
  python3 -m venv "$venv"
  # The server and the libraries that do its SCIM work (models, validation, filter parsing),
  # pinned so that an outcome changes only when this file does.
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "scim2-server==${SCIM2_SERVER_VERSION:-0.8.3}" \
    scim2-models==0.12.3 pydantic==2.14.4 pydantic-core==2.50.5 lark==1.3.1
fi
mkdir -p target
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token="ci-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
"$venv/bin/scim2-server" --hostname 127.0.0.1 --port "$port" --bearer-token "$token" >target/scim2-server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("scim2-server did not start")
PY
SCIMSPEC_TOKEN="$token" cargo run --quiet -- run \
  --target "http://127.0.0.1:$port/v2" \
  --jobs 1 \
  --baseline baselines/scim2-server.yaml \
  --junit target/scim2-server-junit.xml --quiet
