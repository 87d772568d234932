#!/usr/bin/env bash
# The server embeds the committed web/dist, so a fresh clone runs without npm. This fails when
# web/dist is not what `npm run build` makes from the current sources.
set -euo pipefail
cd "$(dirname "$0")/../web"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
npx --no-install tsc --noEmit
npx --no-install vite build --outDir "$fresh" --emptyOutDir --logLevel warn
if ! diff -r "$fresh" dist >/dev/null; then
  diff -r "$fresh" dist | head -20
  echo "web/dist is stale: run 'npm run build' in web/ and commit web/dist"
  exit 1
fi
echo "web/dist is fresh"
