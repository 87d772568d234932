#!/usr/bin/env bash
# smaps.sh BIN SCENARIO DURATION OUTPREFIX [extra server args]: one pinned run, full smaps at the end.
set -euo pipefail
BIN=$1; SC=$2; DUR=$3; OUTP=$4; shift 4
cd "$(git rev-parse --show-toplevel)"
D=$(mktemp -d)
taskset -c 0 "$BIN" serve --listen 127.0.0.1:0 --data-dir "$D" --log warn --open-boards --max-websockets-per-address 0 "$@" >"$OUTP.server.log" 2>&1 &
SP=$!
for i in $(seq 1 100); do grep -q 'listening on' "$OUTP.server.log" && break; sleep 0.1; done
PORT=$(grep -oE '127\.0\.0\.1:[0-9]+' "$OUTP.server.log" | head -1 | cut -d: -f2)
cat /proc/$SP/smaps > "$OUTP.idle.smaps"; grep -E 'VmHWM|VmRSS|Threads' /proc/$SP/status > "$OUTP.idle.status"
taskset -c 1 target/release/loadgen --scenario $SC --url ws://127.0.0.1:$PORT/sync --server-pid $SP --duration-s $DUR --label x --out "$OUTP.json" >/dev/null || echo LOADGEN FAILED
curl -s http://127.0.0.1:$PORT/metrics > "$OUTP.metrics"; cat /proc/$SP/smaps > "$OUTP.smaps"; grep -E 'VmHWM|VmRSS|Threads|RssAnon|RssFile' /proc/$SP/status > "$OUTP.status"
kill -TERM $SP; wait $SP || true
rm -rf "$D"
