#!/usr/bin/env bash
# count.sh BIN SCENARIO DURATION OUTPREFIX [extra server args]: one pinned run under perf stat.
set -euo pipefail
BIN=$1; SC=$2; DUR=$3; OUTP=$4; shift 4
cd /work/wt-peers
D=$(mktemp -d)
taskset -c 0 "$BIN" serve --listen 127.0.0.1:0 --data-dir "$D" --log warn --open-boards --max-websockets-per-address 0 "$@" >"$OUTP.server.log" 2>&1 &
SP=$!
for i in $(seq 1 100); do grep -q 'listening on' "$OUTP.server.log" && break; sleep 0.1; done
PORT=$(grep -oE '127\.0\.0\.1:[0-9]+' "$OUTP.server.log" | head -1 | cut -d: -f2)
perf stat --per-thread -e context-switches,cpu-migrations,raw_syscalls:sys_enter,task-clock -p $SP -o "$OUTP.perf-threads.txt" &
PP=$!
perf stat -e context-switches,cpu-migrations,raw_syscalls:sys_enter,task-clock -p $SP -o "$OUTP.perf.txt" &
PP2=$!
sleep 0.5
taskset -c 1 target/release/loadgen --scenario $SC --url ws://127.0.0.1:$PORT/sync --server-pid $SP --duration-s $DUR --label x --out "$OUTP.json" >/dev/null || echo LOADGEN FAILED
kill -INT $PP $PP2; wait $PP $PP2 || true
cat /proc/$SP/smaps_rollup > "$OUTP.smaps.txt"; cat /proc/$SP/status | grep -E 'VmHWM|VmRSS|Threads|ctxt' > "$OUTP.status.txt"
kill -TERM $SP; wait $SP || true
rm -rf "$D"
