#!/usr/bin/env bash
# Runs every test of Kartta, installing what the tests need when it is missing:
# Debian's chromium (browser tests), postgresql and redis-server (throwaway instances for the
# several-node tests, stopped by PID at the end), nginx, sqlite3, openssl and strace (the check of
# docs/deploy.md) and the npm packages of web/ and tests/interop/.
# Usage: scripts/test.sh            (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

section() { printf '\n=== %s ===\n' "$*"; }
failures=0
passed=0
run() {
  local name=$1; shift
  section "$name"
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name"; failures=$((failures + 1)); fi
}

install_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    section "installing Debian's chromium for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q chromium
  fi
}

npm_install() {
  # npm ci is exact and fast when node_modules already matches the lock file.
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
}

section "starting throwaway PostgreSQL and Redis (scripts/services.sh)"
# The PostgreSQL catalog and store tests run against these; without them they are skipped.
eval "$(scripts/services.sh start)"
trap 'scripts/services.sh stop "$KARTTA_SERVICES_DIR"' EXIT

section "building"
cargo build --workspace --all-targets --locked
export KARTTA_BIN="$root/target/debug/kartta"

run "cargo tests (protocol, sync core, storage, end-to-end against the binary)" \
  cargo test --workspace --locked
# Kartta's own crates take about 16 s of CPU here; the first run on a fresh clone also checks
# every dependency once, since clippy keeps its results apart from the build's.
run "clippy finds nothing (warnings are errors)" \
  cargo clippy --workspace --all-targets --locked -- -D warnings
run "every path ARCHITECTURE.md names exists" scripts/check-architecture-paths.sh
run "kartta-core depends on no IO runtime (tokio, axum, hyper, mio)" \
  scripts/check-core-deps.sh
run "the server's hot code is laid out together (server/code-order.txt)" \
  scripts/check-code-order.sh target/debug/kartta

if [ -f web/package.json ]; then
  npm_install web
  run "web unit tests (vitest)" bash -c 'cd web && npm test --silent'
  run "committed web/dist matches a fresh build" bash -c 'cd web && npm run check-dist --silent'
  install_chromium
  run "web end-to-end in Chromium" bash -c 'cd web && npm run e2e --silent'
fi

if [ -f tests/interop/package.json ]; then
  npm_install tests/interop
  run "stock yjs + y-websocket client against kartta" bash -c 'cd tests/interop && npm test --silent'
  # nginx, sqlite3, openssl, strace: installed by the script when missing.
  run "docs/deploy.md: every command and file runs (nginx, TLS, backups, several nodes)" \
    scripts/deploy-check.sh
fi

if [ -d fuzz ]; then
  run "fuzz target still builds" scripts/fuzz.sh build
fi

section "summary"
echo "test groups: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
