#!/usr/bin/env bash
# ysweet-smaps.sh YSWEET_BIN SCENARIO DURATION OUTPREFIX: y-sweet started as bench/run.sh starts
# it (in memory, pinned to core 0), the loadgen on core 1, and its smaps and status at the end.
set -euo pipefail
BIN=$(realpath "$1"); SC=$2; DUR=$3; OUTP=$(realpath -m "$4")
cd "$(git rev-parse --show-toplevel)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 "$BIN" serve --host 127.0.0.1 --port "$PORT" >"$OUTP.server.log" 2>&1 &
SP=$!
for _ in $(seq 1 100); do grep -q "Listening on" "$OUTP.server.log" && break; sleep 0.1; done
cat "/proc/$SP/smaps" >"$OUTP.idle.smaps"
taskset -c 1 target/release/loadgen --scenario "$SC" --url "ws://127.0.0.1:$PORT" --protocol ysweet \
  --server-pid "$SP" --duration-s "$DUR" --label x --out "$OUTP.json" >/dev/null || echo LOADGEN FAILED
cat "/proc/$SP/smaps" >"$OUTP.smaps"
grep -E 'VmHWM|VmRSS|RssAnon|RssFile' "/proc/$SP/status" >"$OUTP.status"
kill -TERM "$SP"; wait "$SP" || true
