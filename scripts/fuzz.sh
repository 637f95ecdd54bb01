#!/usr/bin/env bash
# Runs every Fuzz target of the module for the given time each (default 1m).
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-1m}
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $target ($time)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$time" "$pkg"
  done
done
