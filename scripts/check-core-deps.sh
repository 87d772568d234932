#!/usr/bin/env bash
# Fails when kartta-core, the room's sans-IO logic, gains an IO runtime in its dependency tree:
# "the sync core never imports tokio" is kept by this check, not by convention.
# Usage: scripts/check-core-deps.sh   (offline; the lock file must be up to date)
set -euo pipefail
cd "$(dirname "$0")/.."

# What kartta-core and everything it builds with pull in (dev-dependencies do not count:
# tests may use anything).
tree=$(cargo tree -p kartta-core -e normal,build --offline --locked --prefix none --format '{p}')
crates=$(printf '%s\n' "$tree" | awk 'NF { print $1 }' | sort -u)
forbidden=$(printf '%s\n' "$crates" | grep -Ex '(tokio|axum|hyper|mio)(-.*)?' || true)

if [ -n "$forbidden" ]; then
  echo "kartta-core must not depend on an IO runtime; its tree holds:"
  for crate in $forbidden; do
    echo "--- $crate, reached through:"
    cargo tree -p kartta-core -e normal,build --offline --locked --invert "$crate" || true
  done
  exit 1
fi
echo "kartta-core: $(printf '%s\n' "$crates" | wc -l) crates, none of tokio, axum, hyper, mio"
