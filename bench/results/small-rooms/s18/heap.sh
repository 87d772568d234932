#!/usr/bin/env bash
# heap.sh BIN SCENARIO DURATION OUTPREFIX: one run with the server under heaptrack.
set -euo pipefail
BIN=$1; SC=$2; DUR=$3; OUTP=$4
cd "$(git rev-parse --show-toplevel)"
D=$(mktemp -d)
heaptrack -o "$OUTP.heaptrack" "$BIN" serve --listen 127.0.0.1:0 --data-dir "$D" --log warn --open-boards --max-websockets-per-address 0 >"$OUTP.server.log" 2>&1 &
HP=$!
for i in $(seq 1 300); do grep -q 'listening on' "$OUTP.server.log" && break; sleep 0.1; done
PORT=$(grep -oE '127\.0\.0\.1:[0-9]+' "$OUTP.server.log" | head -1 | cut -d: -f2)
SP=$(pgrep -P $HP -f "serve --listen" | head -1 || true)
target/release/loadgen --scenario $SC --url ws://127.0.0.1:$PORT/sync --duration-s $DUR --label x --out "$OUTP.json" >/dev/null || echo LOADGEN FAILED
for c in $(cat /proc/$HP/task/*/children 2>/dev/null); do [ "$(readlink /proc/$c/exe)" = "$(readlink -f $BIN)" ] && kill -TERM $c; done
wait $HP || true
rm -rf "$D"
