#!/usr/bin/env bash
# prof.sh BIN SCENARIO DURATION OUTPREFIX: one pinned run under perf record and strace -c.
set -euo pipefail
BIN=$1; SC=$2; DUR=$3; OUTP=$4; MODE=$5; shift 5
cd /work/wt-peers
D=$(mktemp -d)
taskset -c 0 "$BIN" serve --listen 127.0.0.1:0 --data-dir "$D" --log warn --open-boards --max-websockets-per-address 0 "$@" >"$OUTP.server.log" 2>&1 &
SP=$!
for i in $(seq 1 100); do grep -q 'listening on' "$OUTP.server.log" && break; sleep 0.1; done
PORT=$(grep -oE '127\.0\.0\.1:[0-9]+' "$OUTP.server.log" | head -1 | cut -d: -f2)
if [ "$MODE" = perf ]; then
  perf record -F 2000 -g -p $SP -o "$OUTP.perf.data" 2>/dev/null &
else
  strace -c -f -p $SP -o "$OUTP.strace.txt" &
fi
PP=$!
sleep 0.5
taskset -c 1 target/release/loadgen --scenario $SC --url ws://127.0.0.1:$PORT/sync --server-pid $SP --duration-s $DUR --label x --out "$OUTP.json" >/dev/null || echo LOADGEN FAILED
kill -INT $PP; wait $PP || true
kill -TERM $SP; wait $SP || true
rm -rf "$D"
