#!/usr/bin/env bash
# Build every distribution's wheel and sdist into dist/: the six packages and
# the third-party example, each from its own folder, as its author would.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rm -rf dist
for pkg in packages/*/ examples/third-party/*/; do
  (cd "$pkg" && hatch build -t wheel -t sdist "$root/dist" >/dev/null)
done
ls dist
