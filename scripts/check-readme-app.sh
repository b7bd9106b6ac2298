#!/usr/bin/env bash
# À la carte, as a user does it: a clean venv, `pip install` of the koa-core and
# koa-router wheels only, then the first example of koa-router's README served
# with the `koa` command from the koa-core wheel, answering real requests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[[ -n ${SKIP_BUILD:-} ]] || scripts/build-all.sh >/dev/null
tmp=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check "$root"/dist/koa_core-*.whl "$root"/dist/koa_router-*.whl
awk '/```python/{f=1;n++;next} /```/{if(f){f=0; if(n==1) exit}} f&&n==1' \
  packages/koa-router/README.md > "$tmp/readme_app.py"
port=$("$tmp/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$tmp" && exec "$tmp/venv/bin/koa" serve readme_app:app --port "$port") &
server=$!
"$tmp/venv/bin/python" - "$port" <<'PY'
import json, sys, time, urllib.error, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(200):
    try:
        body = urllib.request.urlopen(base + "/users/1", timeout=2).read()
        break
    except OSError:
        time.sleep(0.05)
else:
    raise SystemExit("the README app did not answer")
assert json.loads(body) == {"id": "1", "name": "Ada"}, body
try:
    urllib.request.urlopen(base + "/users/9", timeout=2)
    raise SystemExit("expected 404")
except urllib.error.HTTPError as err:
    assert err.code == 404, err.code
print("README app from clean wheels: ok")
PY
