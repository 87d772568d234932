#!/usr/bin/env bash
# Fails when ARCHITECTURE.md names a file or folder (in backticks) that the repository does not
# have, so the code map cannot drift from the code unnoticed.
#
# A name counts as a path when it has a slash or ends in a source file's extension (`ws.rs`,
# `server/src/sync/`, `web/dist`); routes (`/api/...`) and anything with spaces do not. It is
# found when it exists from the repository's root, or as the end of a tracked path: the code
# map names `room/core.rs` under `server/`, so `server/src/room/core.rs` answers for it.
# Usage: scripts/check-architecture-paths.sh [FILE]   (ARCHITECTURE.md by default)
set -euo pipefail
cd "$(dirname "$0")/.."
document=${1:-ARCHITECTURE.md}

# Every tracked file and every folder above one, each with a leading slash so that a suffix
# match can insist on whole path segments.
known=$(git ls-files --cached --others --exclude-standard | awk '{
  print "/" $0
  path = $0
  while (sub(/\/[^\/]*$/, "", path)) print "/" path "/"
}' | sort -u)

names=$(grep -o '`[^`]*`' "$document" | tr -d '`' | sort -u |
  grep -E '^[A-Za-z0-9_@-][A-Za-z0-9_.@/-]*$' |
  grep -E '/|\.(rs|ts|mjs|js|md|sh|json|toml|html|css)$' || true)

missing=0
checked=0
while IFS= read -r name; do
  [ -n "$name" ] || continue
  checked=$((checked + 1))
  if [ -e "$name" ]; then continue; fi
  # A tracked path ending in "/name" (a folder may be named with or without its slash).
  if awk -v tail="/${name%/}" '
      { path = $0; sub(/\/$/, "", path) }
      length(path) >= length(tail) && substr(path, length(path) - length(tail) + 1) == tail { found = 1; exit }
      END { exit !found }' <<<"$known"; then
    continue
  fi
  echo "$document names \`$name\`, which the repository does not have"
  missing=$((missing + 1))
done <<<"$names"

if [ "$missing" -gt 0 ]; then
  echo "$missing of $checked paths named in $document are missing"
  exit 1
fi
echo "all $checked paths named in $document exist"
