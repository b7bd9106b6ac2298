#!/usr/bin/env bash
# The HTTP benchmark suite in one command: installs what it needs, then runs
# every peer framework through the same scenarios (bench/suite.py).
#
#   bench/run.sh            # full run: 3 interleaved rounds, 1 s warm-up + 5 s per test
#   bench/run.sh --quick    # 1 round, 2 s per test, default asyncio loop only
#   bench/run.sh --help     # every option of bench/suite.py
#
# Installs (only what is missing): wrk from Debian's packages (apt-get, as
# root), starlette/uvicorn/httptools/uvloop/matplotlib and the pinned peers
# blacksheep/sanic/fastapi/litestar from PyPI, Koa.js 3 and
# its middleware from npm into bench/node/node_modules (npm ci, from the
# committed package-lock.json), and the monorepo's koa-* packages (editable).
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
PYTHON="${PYTHON:-python3}"

for arg in "$@"; do
  if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then exec "$PYTHON" "$BENCH/suite.py" --help; fi
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk (apt-get)"
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
command -v taskset >/dev/null 2>&1 || { echo "taskset (util-linux) is required" >&2; exit 1; }

# pip, or uv for environments made by uv (hatch's installer) that have no pip
pip_install() {
  if "$PYTHON" -m pip --version >/dev/null 2>&1; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@"
  else
    uv pip install --quiet --python "$PYTHON" "$@"
  fi
}

missing_py=()
for mod in starlette uvicorn httptools uvloop matplotlib; do  # + py-spy for --profile
  "$PYTHON" -c "import $mod" 2>/dev/null || missing_py+=("$mod")
done
# the other Python peers, pinned to the releases the suite was written against
for req in blacksheep==2.6.4 sanic==25.12.1 fastapi==0.165.0 litestar==2.25.0; do
  "$PYTHON" -c "import ${req%%==*}" 2>/dev/null || missing_py+=("$req")
done
for arg in "$@"; do
  if [[ "$arg" == "--profile" ]] && ! command -v py-spy >/dev/null 2>&1; then missing_py+=(py-spy); fi
done
if ((${#missing_py[@]})); then
  echo "== installing ${missing_py[*]} (pip)"
  pip_install "${missing_py[@]}"
fi
for pkg in core router bodyparser logger static mount; do
  if ! "$PYTHON" -c "import koa.$pkg" 2>/dev/null; then
    echo "== installing packages/koa-$pkg (pip -e)"
    pip_install -e "$ROOT/packages/koa-$pkg"
  fi
done

if [[ ! -d "$BENCH/node/node_modules/koa" || "$BENCH/node/package-lock.json" -nt "$BENCH/node/node_modules" ]]; then
  command -v npm >/dev/null 2>&1 || { echo "Node.js 20 with npm is required for the Koa.js peer" >&2; exit 1; }
  echo "== installing Koa.js peers (npm ci in bench/node)"
  (cd "$BENCH/node" && npm ci --no-audit --no-fund --loglevel=error)
fi

exec "$PYTHON" "$BENCH/suite.py" "$@"
