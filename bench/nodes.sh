#!/usr/bin/env bash
# Issue 9's benchmark: Kartta on several nodes (one PostgreSQL, one Redis, both started here by
# scripts/services.sh) beside one node on SQLite, measured in one run with the configurations
# interleaved, so a noisy minute of the shared machine does not fall on one of them only:
#
#   scale      200 boards × 8 clients on 1 node (SQLite), 1, 2 and 3 nodes (PostgreSQL + Redis);
#              client i of every board on node i mod N; same-node and cross-node latency apart
#   scale50    50 boards × 8 clients on 1 node (SQLite) and 3 nodes: the cross/same p99 target
#   coldload   written through node 1, each read through node 3 after it unloaded the board
#   joinstorm  written through node 1, 150 joiners on node 3, which loads it from PostgreSQL
#   failover   400 clients on node 1 of 3, node 1 SIGKILLed 8 s into the load
#
# Every node is a fresh release `kartta serve` on a free 127.0.0.1 port with a fresh database,
# stopped by its PID afterwards; PostgreSQL and Redis are stopped at the end (also on failure).
# Results: $OUT/<part>-<config>.<repeat>.json, the nodes' logs in $OUT/logs/, $OUT/summary.md.
#
#   bench/nodes.sh                                   # everything, REPEATS=2 (about 15 minutes)
#   PARTS="scale50 failover" REPEATS=1 bench/nodes.sh
#   KARTTA_BIN=target/debug/kartta LOADGEN_BIN=target/debug/loadgen LOADGEN_ARGS="--duration-s 3" \
#     PARTS=scale50 REPEATS=1 OUT=/tmp/nodes bench/nodes.sh   # a smoke run
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PARTS=${PARTS:-"scale scale50 coldload joinstorm failover"}
REPEATS=${REPEATS:-2}
OUT=${OUT:-bench/results/nodes}
LOADGEN_ARGS=${LOADGEN_ARGS:-}
# The whole run stops by itself after this long, whatever hangs.
DEADLINE=$(( $(date +%s) + ${TIME_LIMIT_S:-3600} ))

if [ -z "${KARTTA_BIN:-}" ]; then
  cargo build --release -p kartta-server -p kartta-tests --bin kartta --bin loadgen
  KARTTA_BIN=target/release/kartta
  LOADGEN_BIN=${LOADGEN_BIN:-target/release/loadgen}
fi
LOADGEN_BIN=${LOADGEN_BIN:-target/release/loadgen}
mkdir -p "$OUT/logs"

NODE_PIDS=()
NODE_URLS=()
NODE_DIRS=()
SERVICES_DIR=""

stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${NODE_PIDS[@]}"; do
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "node $pid did not stop on SIGTERM within 10 s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  local dir
  for dir in "${NODE_DIRS[@]}"; do rm -rf "$dir"; done
  NODE_PIDS=()
  NODE_URLS=()
  NODE_DIRS=()
}

cleanup() {
  stop_nodes
  if [ -n "$SERVICES_DIR" ]; then scripts/services.sh stop "$SERVICES_DIR" || true; fi
}
trap cleanup EXIT

eval "$(scripts/services.sh start)"
SERVICES_DIR=$KARTTA_SERVICES_DIR
POSTGRES_PID=$(head -n 1 "$SERVICES_DIR/postgres/data/postmaster.pid")
REDIS_PID=$(cat "$SERVICES_DIR/redis/pid")
PSQL="$(cat "$SERVICES_DIR/postgres/bin")/psql"

# A fresh, empty database on the shared PostgreSQL; prints its URL. (Called in a subshell, so
# the name comes from the clock, not from a counter.)
fresh_database() {
  local name="bench_$(date +%s%N)"
  "$PSQL" -q "$KARTTA_TEST_POSTGRES_URL" -c "CREATE DATABASE $name" >/dev/null
  echo "${KARTTA_TEST_POSTGRES_URL%/*}/$name"
}

# Starts one node; appends to NODE_PIDS, NODE_URLS, NODE_DIRS.
start_node() {
  local log=$1
  shift
  local dir
  dir=$(mktemp -d -t kartta-nodes-bench.XXXXXX)
  NODE_DIRS+=("$dir")
  # --open-boards: a load test of the relay, not of access; every client comes from 127.0.0.1.
  "$KARTTA_BIN" serve --listen 127.0.0.1:0 --data-dir "$dir" --log warn --open-boards \
    --max-websockets-per-address 0 "$@" >"$log" 2>&1 &
  local pid=$!
  NODE_PIDS+=("$pid")
  local port=""
  for _ in $(seq 1 300); do
    port=$(grep -m1 -oE 'kartta listening on http://127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "a node did not start within 30 s; log $log:" >&2
    tail -20 "$log" >&2
    return 1
  fi
  curl -fsS --max-time 5 "http://127.0.0.1:$port/healthz" >/dev/null
  NODE_URLS+=("ws://127.0.0.1:$port/sync")
}

# Waits (a minute at most) until every node reports its Redis connection up.
wait_for_carriage() {
  local url port
  for url in "${NODE_URLS[@]}"; do
    port=${url#ws://127.0.0.1:}
    port=${port%%/*}
    for _ in $(seq 1 600); do
      curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" | grep -qx 'kartta_carriage_connected 1' && break
      sleep 0.1
    done
  done
}

# Starts the nodes of a configuration: sqlite1 (one node on SQLite), pgN (N nodes on one fresh
# PostgreSQL database and the Redis). Further arguments go to every node.
start_config() {
  local config=$1 label=$2
  shift 2
  case "$config" in
    sqlite1) start_node "$OUT/logs/$label.node1.log" "$@" ;;
    pg[1-9])
      local count=${config#pg} database i
      database=$(fresh_database)
      for i in $(seq 1 "$count"); do
        start_node "$OUT/logs/$label.node$i.log" --postgres-url "$database" \
          --redis-url "$KARTTA_TEST_REDIS_URL" "$@"
      done
      wait_for_carriage
      ;;
    *) echo "unknown configuration $config" >&2; return 1 ;;
  esac
}

join_by_comma() { local IFS=,; echo "$*"; }

# Adds the load average before and after, and the configuration, to a report.
annotate() {
  node -e 'const fs = require("fs"); const [file, config, before, after] = process.argv.slice(1);
    let d; try { d = JSON.parse(fs.readFileSync(file, "utf8")) } catch { d = { ok: false, error: "no report" } }
    d.config_name = config; d.loadavg_before = before; d.loadavg_after = after;
    fs.writeFileSync(file, JSON.stringify(d, null, 2) + "\n")' "$@"
}

failed=0
# Runs one part against one configuration: starts its nodes, runs the loadgen, stops them.
run_one() {
  local part=$1 config=$2 repeat=$3
  if [ "$(date +%s)" -ge "$DEADLINE" ]; then
    echo "TIME_LIMIT_S reached: skipping $part/$config" >&2
    failed=1
    return 0
  fi
  local label="$part-$config.$repeat" node_args=() scenario=$part services=()
  # Each cold load through node 3 must load the board again: node 3 lets it go after 1 s.
  [ "$part" = coldload ] && [ "$config" != sqlite1 ] && node_args=(--idle-unload-seconds 1)
  start_config "$config" "$label" "${node_args[@]}"
  [ "$config" != sqlite1 ] && services=(--service-pid "postgres=$POSTGRES_PID" --service-pid "redis=$REDIS_PID")
  local report="$OUT/$label.json" before after
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== $part on $config (repeat $repeat, nodes $(join_by_comma "${NODE_PIDS[@]}"), load $before)" >&2
  # shellcheck disable=SC2086
  if ! timeout 600 "$LOADGEN_BIN" --scenario "$scenario" --url "$(join_by_comma "${NODE_URLS[@]}")" \
      --server-pid "$(join_by_comma "${NODE_PIDS[@]}")" "${services[@]}" --label "$config" \
      --out "$report" $LOADGEN_ARGS >/dev/null; then
    echo "loadgen reported a failure for $label (see $report)" >&2
    failed=1
  fi
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  annotate "$report" "$config" "$before" "$after"
  local index=0 pid
  for pid in "${NODE_PIDS[@]}"; do
    index=$((index + 1))
    # The failover run kills node 1 on purpose.
    if ! kill -0 "$pid" 2>/dev/null && ! { [ "$part" = failover ] && [ $index = 1 ]; }; then
      echo "node $index died during $label (log: $OUT/logs/$label.node$index.log)" >&2
      failed=1
    fi
  done
  stop_nodes
  sleep 1
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- server protocol tests 2>/dev/null || echo ' (modified)')"
  echo "kartta: $KARTTA_BIN ($("$KARTTA_BIN" --version 2>/dev/null || echo '?'))"
  echo "postgresql: $("$PSQL" --version), fsync off (scripts/services.sh)"
  echo "redis: $(redis-server --version | cut -d' ' -f3)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') × $(nproc)"
  echo "command: PARTS=\"$PARTS\" REPEATS=$REPEATS LOADGEN_ARGS=\"$LOADGEN_ARGS\" bench/nodes.sh"
} >"$OUT/machine.txt"

for repeat in $(seq 1 "$REPEATS"); do
  for part in $PARTS; do
    case "$part" in
      scale) configs="sqlite1 pg1 pg2 pg3" ;;
      scale50|coldload|joinstorm) configs="sqlite1 pg3" ;;
      failover) configs="pg3" ;;
      *) echo "unknown part $part" >&2; exit 2 ;;
    esac
    # Alternate the order between repeats, so neither end of a part is always first.
    [ $((repeat % 2)) = 0 ] && configs=$(echo "$configs" | tr ' ' '\n' | tac | tr '\n' ' ')
    for config in $configs; do
      run_one "$part" "$config" "$repeat"
    done
  done
done

node bench/nodes-report.mjs "$OUT" >"$OUT/summary.md"
cat "$OUT/summary.md"
exit $failed
