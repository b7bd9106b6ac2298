#!/usr/bin/env bash
# Bump one package's version and open its changelog section:
#   scripts/bump-version.sh koa-router minor      (major | minor | patch | X.Y.Z)
# Then edit packages/<dist>/CHANGELOG.md, commit, and tag `<dist>-v<version>`.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?package name, e.g. koa-router}
rule=${2:?major, minor, patch or a version}
cd "packages/$name"
hatch version "$rule"
version=$(hatch version)
if ! grep -q "^## \[$version\]" CHANGELOG.md; then
  python3 - "$version" <<'PY'
import datetime, pathlib, sys
version = sys.argv[1]
path = pathlib.Path("CHANGELOG.md")
text = path.read_text()
heading = f"## [{version}] - {datetime.date.today().isoformat()}"
text = text.replace("## [Unreleased]", f"## [Unreleased]\n\n{heading}", 1)
path.write_text(text)
PY
fi
echo "$name is now $version: move the Unreleased notes under it, commit, then: git tag $name-v$version"
