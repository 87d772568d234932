#!/usr/bin/env bash
# measure.sh BIN SCENARIO DURATION OUTPREFIX: one pinned run like s18/smaps.sh (server on core 0,
# loadgen on core 1; SCENARIO "idle" runs no load), with every page fault of the server recorded
# (perf record -e page-faults -d) and, at the start and at the end of the load, /proc/PID/status,
# smaps and which sections of the binary are resident (s18/resident.py). summary.py reads it all.
set -euo pipefail
BIN=$(realpath "$1"); SC=$2; DUR=$3; OUTP=$(realpath -m "$4")
cd "$(git rev-parse --show-toplevel)"
S18=bench/results/small-rooms/s18
D=$(mktemp -d)
# The whole binary in the page cache, as right after a build or a copy (bench/run.sh's case):
# fault-around maps only pages already cached, so a partly evicted binary would look smaller.
cat "$BIN" >/dev/null
perf record -q -e page-faults -c 1 -d -o "$OUTP.perf.data" -- \
  taskset -c 0 "$BIN" serve --listen 127.0.0.1:0 --data-dir "$D" --log warn --open-boards \
  --max-websockets-per-address 0 >"$OUTP.server.log" 2>&1 &
PERF_PID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$OUTP.server.log" && break; sleep 0.1; done
# The server is perf's child (taskset execs it).
SP=$(pgrep -P "$PERF_PID")
PORT=$(grep 'listening on' "$OUTP.server.log" | grep -oE '127\.0\.0\.1:[0-9]+' | cut -d: -f2)
cp "/proc/$SP/maps" "$OUTP.maps"
cat "/proc/$SP/smaps" >"$OUTP.idle.smaps"
grep -E 'VmHWM|VmRSS|RssAnon|RssFile' "/proc/$SP/status" >"$OUTP.idle.status"
python3 $S18/resident.py "$SP" "$BIN" >"$OUTP.idle.sections"
if [ "$SC" != idle ]; then
  taskset -c 1 target/release/loadgen --scenario "$SC" --url "ws://127.0.0.1:$PORT/sync" \
    --server-pid "$SP" --duration-s "$DUR" --label x --out "$OUTP.json" >/dev/null || echo LOADGEN FAILED
  cat "/proc/$SP/smaps" >"$OUTP.smaps"
  grep -E 'VmHWM|VmRSS|RssAnon|RssFile' "/proc/$SP/status" >"$OUTP.status"
  python3 $S18/resident.py "$SP" "$BIN" >"$OUTP.sections"
fi
kill -TERM "$SP"
wait "$PERF_PID" || true
perf script -i "$OUTP.perf.data" -F addr 2>/dev/null >"$OUTP.faults" || true
rm -f "$OUTP.perf.data"
rm -rf "$D"
