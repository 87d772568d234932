#!/usr/bin/env bash
# Regenerates server/code-order.txt, the order in which the linker lays out the functions a
# running server executes (see server/build.rs). Runs a release build under callgrind through
# the phases of a server's life, dumping the counts after each phase, then writes the list with
# order.py: start-up, the sync load (workshop and scale50, 10 s each, as in BENCHMARKS.md's
# memory measurements), the web app and the API, a snapshot and every export, the shutdown.
#
#   bench/code-order/collect.sh [BINARY]      # default target/release/kartta; takes 1-3 minutes
#
# Regenerate after changes that move much code (a new dependency, a new compiler): stale names
# cost only layout, never the build, since the linker ignores names it does not find.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
BINARY=$(realpath "${1:-target/release/kartta}")
LOADGEN=${LOADGEN:-target/release/loadgen}
[ -x "$LOADGEN" ] || cargo build --release -p kartta-tests --bin loadgen
WORK=$(mktemp -d)
DATA_DIR="$WORK/data"
mkdir "$DATA_DIR"

valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/callgrind.out" \
  "$BINARY" serve --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --log warn --open-boards \
  --max-websockets-per-address 0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
# Stops the server we started, by its process id, whatever happens to this script.
trap 'kill -TERM $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q 'listening on' "$WORK/server.log" && break; sleep 0.2; done
PORT=$(grep 'listening on' "$WORK/server.log" | grep -oE '127\.0\.0\.1:[0-9]+' | cut -d: -f2)
BASE=http://127.0.0.1:$PORT

dump_phase() {
  callgrind_control --dump="$1" "$SERVER_PID" >/dev/null
  # The dump is written when the server next runs an instruction; wait for its file.
  for _ in $(seq 1 100); do
    [ "$(ls "$WORK"/callgrind.out.* 2>/dev/null | wc -l)" -ge "$2" ] && return
    sleep 0.2
  done
  echo "no dump for phase $1" >&2
  exit 1
}

dump_phase start 1

# As long as the benchmark's loads, so that what runs on a timer (the rooms' sweep every 5 s,
# checkpoints, compaction after enough updates) runs here too; then long enough for the idle
# blocking threads to end (10 s), which a loaded server also does.
for scenario in workshop scale50; do
  "$LOADGEN" --scenario "$scenario" --url "ws://127.0.0.1:$PORT/sync" --duration-s 10 \
    --label code-order --out "$WORK/$scenario.json" >/dev/null
done
sleep 12
dump_phase sync 2

# The web app as a browser loads it, then a facilitator's and a participant's API calls.
curl -sf "$BASE/" -o /dev/null
for asset in $(grep -oE 'assets/[^"]+' web/dist/index.html); do
  curl -sf -H 'Accept-Encoding: gzip, br' "$BASE/$asset" -o /dev/null
done
curl -sf "$BASE/healthz" -o /dev/null
curl -sf "$BASE/metrics" -o /dev/null
curl -sf -X POST -H 'content-type: application/json' \
  -d '{"title":"Kartta","locale":"fi","template":"rings","groupCount":2}' \
  "$BASE/api/workshops" >"$WORK/workshop.json"
WORKSHOP=$(jq -r .workshop.id "$WORK/workshop.json")
BOARD=$(jq -r '.workshop.boards[0].id' "$WORK/workshop.json")
FACILITATOR=$(jq -r .tokens.facilitator "$WORK/workshop.json")
JOIN_CODE=$(jq -r .workshop.joinCode "$WORK/workshop.json")
AUTH=(-H "Authorization: Bearer $FACILITATOR")
curl -sf "${AUTH[@]}" "$BASE/api/workshops/$WORKSHOP" -o /dev/null
curl -sf -X POST -H 'content-type: application/json' -d "{\"code\":\"$JOIN_CODE\",\"name\":\"Aino\"}" \
  "$BASE/api/join" -o /dev/null
curl -sf -X POST -H 'content-type: application/json' \
  -d '{"title":"Pikakartta","locale":"sv","template":"sectors"}' "$BASE/api/boards" -o /dev/null || true
# Some content on the board, so the exports below draw actors and relations.
"$LOADGEN" --scenario workshop --url "ws://127.0.0.1:$PORT/sync" --duration-s 2 \
  --label code-order --out "$WORK/content.json" >/dev/null
curl -sf "${AUTH[@]}" "$BASE/api/boards/$BOARD/state" -o /dev/null || true
dump_phase web-and-api 3

curl -sf -X POST "${AUTH[@]}" -H 'content-type: application/json' -d '{"name":"Loppu"}' \
  "$BASE/api/workshops/$WORKSHOP/snapshots" -o /dev/null
for file in export.json export.svg thumbnail.svg export.png actors.csv relations.csv; do
  curl -sf "${AUTH[@]}" "$BASE/api/boards/$BOARD/$file" -o /dev/null
done
curl -sf "${AUTH[@]}" "$BASE/api/workshops/$WORKSHOP/export.zip" -o /dev/null
dump_phase exports 4

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
trap - EXIT

python3 bench/code-order/order.py "$BINARY" server/code-order.txt \
  "$WORK/callgrind.out.1" "$WORK/callgrind.out.2" "$WORK/callgrind.out.3" \
  "$WORK/callgrind.out.4" "$WORK/callgrind.out"
rm -rf "$WORK"
