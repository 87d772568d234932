#!/usr/bin/env bash
# The soak benchmark (issue 7): first the plain workshop load (20 s) as the baseline, then
# `loadgen --scenario soak` (30 minutes by default) against a fresh server of its own, and a
# table of the server's memory, open files, rooms and connections per minute.
#
#   bench/soak.sh                         # 30 minutes, results in bench/results/soak*.json
#   DURATION_S=300 OUT=/tmp/s bench/soak.sh
#   KARTTA_BIN=/path/to/kartta bench/soak.sh
#
# Every process it starts is stopped by its PID; only 127.0.0.1 is used.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-bench/results}
DURATION_S=${DURATION_S:-1800}
TARGET=${CARGO_TARGET_DIR:-target}
if [ -n "${KARTTA_BIN:-}" ]; then
  cargo build --release -p kartta-tests --bin loadgen
else
  cargo build --release -p kartta-server -p kartta-tests --bin kartta --bin loadgen
  KARTTA_BIN=$TARGET/release/kartta
fi
mkdir -p "$OUT/logs"

SERVER_PID=""
DATA_DIR=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  [ -n "$DATA_DIR" ] && rm -rf "$DATA_DIR"
  DATA_DIR=""
}
trap stop_server EXIT

start_server() {
  local log=$1
  DATA_DIR=$(mktemp -d -t kartta-soak.XXXXXX)
  "$KARTTA_BIN" serve --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --log warn --open-boards >"$log" 2>&1 &
  SERVER_PID=$!
  local line=""
  for _ in $(seq 1 100); do
    line=$(grep -m1 -oE 'kartta listening on http://127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null) && break
    sleep 0.1
  done
  [ -n "$line" ] || { echo "server did not start; log $log" >&2; tail -20 "$log" >&2; exit 1; }
  URL="ws://127.0.0.1:${line##*:}/sync"
}

start_server "$OUT/logs/soak-baseline.log"
"$TARGET/release/loadgen" --scenario workshop --url "$URL" --server-pid "$SERVER_PID" \
  --label kartta --out "$OUT/soak-baseline-workshop.json" >/dev/null
stop_server

start_server "$OUT/logs/soak.log"
echo "soak for $DURATION_S s against pid $SERVER_PID ($URL)" >&2
status=0
"$TARGET/release/loadgen" --scenario soak --url "$URL" --server-pid "$SERVER_PID" --label kartta \
  --duration-s "$DURATION_S" --out "$OUT/soak.json" >/dev/null || status=$?
kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server died during the soak" >&2; status=1; }
stop_server

node -e '
const fs = require("fs");
const soak = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const base = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const mb = (kb) => (kb / 1024).toFixed(1);
console.log("| minute | RSS MB at rest (lowest reading) | RSS MB highest reading | open fds | rooms | connections |\n|---|---|---|---|---|---|");
for (const m of soak.minutes) {
  console.log(`| ${m.minute} | ${mb(m.rss_min_kb)} | ${mb(m.rss_max_kb)} | ${m.fds_max} | ${m.rooms_loaded ?? "?"} | ${m.connections ?? "?"} |`);
}
const w = soak.workshop, a = soak.after_warm_up;
console.log(`\nafter warm-up (${a.minutes} minutes): RSS at rest max/min ${a.rss_at_rest_max_over_min} (${mb(a.rss_at_rest_first_kb)} -> ${mb(a.rss_at_rest_last_kb)} MB), highest readings max/min ${a.rss_peak_max_over_min} (peak ${mb(a.rss_peak_max_kb)} MB); fds ${a.fds_first} -> ${a.fds_last} (max ${a.fds_max})`);
console.log(`workshop clients: lost ${w.lost_updates} of ${w.updates_expected_deliveries}, p99 ${w.latency.p99_ms} ms (plain workshop run: ${base.latency.p99_ms} ms, ratio ${(w.latency.p99_ms / base.latency.p99_ms).toFixed(2)}), disconnects ${w.client_disconnects}`);
console.log(`other processes used ${(100 * w.other_processes_cpu_s / w.wall_s).toFixed(0)} % of a core during the soak, ${(100 * base.other_processes_cpu_s / base.wall_s).toFixed(0)} % during the plain run`);
console.log(`churn: ${soak.churn_joined} joined, ${soak.churn_failed} failed; snapshots ${soak.snapshots_ok} ok, ${soak.snapshots_failed} failed; PNG exports ${soak.png_exports_ok} ok, ${soak.png_exports_failed} failed; flood: ${soak.flood_messages_sent} messages sent, ${soak.flood_disconnects} disconnects`);
' "$OUT/soak.json" "$OUT/soak-baseline-workshop.json" | tee "$OUT/soak-summary.md"
exit $status
