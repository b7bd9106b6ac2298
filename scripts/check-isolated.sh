#!/usr/bin/env bash
# The à la carte check. For every package: a fresh venv holding ONLY that
# package's wheel plus what its metadata pulls in (koa-core from dist/ or
# $EXTRA_LINKS, the rest from PyPI), then that package's own tests run against
# it. Middleware packages run twice: with the newest koa-core their range
# allows and with the lowest (uv --resolution lowest-direct; koa-core is named
# on the command line so that it counts as direct). A package that imports a
# sibling it does not declare fails with ModuleNotFoundError; a wrong range
# fails to resolve or fails its tests.
#
#   usage: scripts/check-isolated.sh [packages/NAME ...]   (default: all, plus
#          the third-party example in examples/third-party/)
#   needs: hatch and uv on PATH (pip install hatch brings both)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
links=(--find-links dist)
for extra in ${EXTRA_LINKS:-}; do links+=(--find-links "$extra"); done

[[ -n ${SKIP_BUILD:-} ]] || scripts/build-all.sh

pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 ]]; then
  pkgs=(packages/*/ examples/third-party/*/)
fi

for pkg in "${pkgs[@]}"; do
  pkg=${pkg%/}
  name=$(basename "$pkg")
  wheel=$(ls dist/"${name//-/_}"-*.whl)
  resolutions=(highest lowest-direct)
  [[ $name == koa-core ]] && resolutions=(highest)
  for resolution in "${resolutions[@]}"; do
    tmp=$(mktemp -d)
    uv venv -q --python "$python" "$tmp/venv"
    # --refresh-package: uv caches local wheels by name+version; a rebuilt
    # wheel with an unchanged version would otherwise be served stale.
    # With the package's extras (koa-session[redis]...): their tests use them.
    extras=$("$python" -c 'import sys, tomllib; print(",".join(tomllib.load(open(sys.argv[1], "rb"))["project"].get("optional-dependencies", {})))' "$pkg/pyproject.toml")
    uv pip install -q --python "$tmp/venv/bin/python" --resolution "$resolution" \
      --refresh-package koa-core --refresh-package "$name" \
      "${links[@]}" "$wheel${extras:+[$extras]}" koa-core
    uv pip install -q --python "$tmp/venv/bin/python" "pytest>=9" "pytest-asyncio>=1.3" "hypothesis>=6.100"
    # Test-only needs a package declares as [dependency-groups] test (the
    # OpenTelemetry SDK for koa-opentelemetry): never its dependencies.
    if grep -q '^test = ' "$pkg/pyproject.toml" && grep -q '^\[dependency-groups\]' "$pkg/pyproject.toml"; then
      uv pip install -q --python "$tmp/venv/bin/python" --group "$pkg/pyproject.toml:test"
    fi
    echo "== $name ($resolution): $(uv pip freeze -q --python "$tmp/venv/bin/python" | grep -i '^koa' | tr '\n' ' ')"
    # Run from a copy of the tests (and README) only, so nothing in the source
    # tree can be imported by accident; the root conftest.py and pytest config
    # come along.
    mkdir -p "$tmp/repo/$pkg"
    cp conftest.py "$tmp/repo/"
    sed 's#, "--ignore=examples/third-party"##' pyproject.toml > "$tmp/repo/pyproject.toml"
    cp -r "$pkg/tests" "$tmp/repo/$pkg/tests"
    cp "$pkg/README.md" "$tmp/repo/$pkg/"   # tests may run the README's example
    (cd "$tmp/repo" && "$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider "$pkg/tests")
    rm -rf "$tmp"
  done
done
echo "isolated check: all packages passed"
