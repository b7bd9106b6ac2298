#!/usr/bin/env bash
# A package whose code changed since its last release tag (`<dist>-v*`) must
# have a CHANGELOG entry since then: an `## [Unreleased]` section with at least
# one line under it, or a new version heading. Packages never tagged pass as
# long as their CHANGELOG.md has a version heading.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for pkg in packages/*/; do
  name=$(basename "$pkg")
  changelog="$pkg/CHANGELOG.md"
  if [[ ! -f $changelog ]]; then
    echo "$name: no CHANGELOG.md"; status=1; continue
  fi
  tag=$(git tag --list "$name-v*" --sort=-v:refname | head -n1)
  if [[ -z $tag ]]; then
    grep -q '^## \[' "$changelog" || { echo "$name: CHANGELOG.md has no version heading"; status=1; }
    continue
  fi
  if git diff --quiet "$tag" -- "$pkg/src"; then
    continue  # no code change since the last release
  fi
  if git diff --quiet "$tag" -- "$changelog"; then
    echo "$name: code changed since $tag but CHANGELOG.md did not"; status=1
  fi
done
[[ $status -eq 0 ]] && echo "changelogs: ok"
exit $status
