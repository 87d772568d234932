#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for the tests of Kartta's several-node mode, on 127.0.0.1 under
# a temporary folder; never a system service.
#
#   eval "$(scripts/services.sh start)"   installs Debian's postgresql and redis-server when
#                                          missing, starts both on free ports and prints the
#                                          exports: KARTTA_TEST_POSTGRES_URL,
#                                          KARTTA_TEST_REDIS_URL, KARTTA_SERVICES_DIR
#   scripts/services.sh env [DIR]          prints those exports again
#   scripts/services.sh stop [DIR]         stops both by PID and removes the folder
#   scripts/services.sh postgres-stop|postgres-start|redis-kill|redis-start [DIR]
#                                          stops (fast) or starts again that instance's
#                                          PostgreSQL, SIGKILLs or starts again its Redis, on the
#                                          same port: for the tests of outages (tests/tests/it/nodes.rs)
#
# DIR defaults to $KARTTA_SERVICES_DIR. Progress goes to stderr, so stdout is only the exports.
set -euo pipefail

say() { printf 'services: %s\n' "$*" >&2; }

install_missing() {
  local wanted=()
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || wanted+=(postgresql)
  command -v redis-server >/dev/null || wanted+=(redis-server)
  [ ${#wanted[@]} -eq 0 ] && return 0
  say "installing ${wanted[*]} with apt"
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be stale or absent on a fresh machine; update only when needed.
  if ! apt-get install -y -q "${wanted[@]}" >&2; then
    apt-get update -q >&2
    apt-get install -y -q "${wanted[@]}" >&2
  fi
}

# The newest installed PostgreSQL's binaries folder.
postgres_bin() {
  local candidates=(/usr/lib/postgresql/*/bin/initdb)
  dirname "$(printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1)"
}

# A port the kernel had free a moment ago. Another process could take it before the server
# binds it; the start then fails loudly rather than talking to a stranger.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    shuf -i 20000-60000 -n 1
}

# Runs a command as the unprivileged postgres user: initdb refuses to run as root.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

print_env() {
  local dir=$1
  cat "$dir/env"
}

start() {
  install_missing
  local dir bin pg_port redis_port
  dir=$(mktemp -d /tmp/kartta-services.XXXXXX)
  chmod 755 "$dir"
  mkdir "$dir/postgres" "$dir/redis"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/postgres"; fi
  bin=$(postgres_bin)
  pg_port=$(free_port)
  redis_port=$(free_port)

  echo "$bin" >"$dir/postgres/bin"
  echo "$pg_port" >"$dir/postgres/port"
  echo "$redis_port" >"$dir/redis/port"
  say "PostgreSQL from $bin on 127.0.0.1:$pg_port"
  as_postgres "$bin/initdb" -D "$dir/postgres/data" -U kartta --auth=trust -E UTF8 --no-sync \
    >"$dir/postgres/initdb.log" 2>&1 || { cat "$dir/postgres/initdb.log" >&2; return 1; }
  postgres_start "$dir"
  say "Redis on 127.0.0.1:$redis_port"
  redis_start "$dir"

  cat >"$dir/env" <<EOF
export KARTTA_TEST_POSTGRES_URL='postgres://kartta@127.0.0.1:$pg_port/postgres'
export KARTTA_TEST_REDIS_URL='redis://127.0.0.1:$redis_port/'
export KARTTA_SERVICES_DIR='$dir'
EOF
  print_env "$dir"
}

postgres_start() {
  local dir=$1
  # fsync off: a test database need not survive a power cut, and it makes commits cheap on a
  # busy machine. Sockets live in the folder, not in /var/run/postgresql.
  as_postgres "$(cat "$dir/postgres/bin")/pg_ctl" -D "$dir/postgres/data" -l "$dir/postgres/log" -w start \
    -o "-p $(cat "$dir/postgres/port") -k $dir/postgres -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
    >&2 || { cat "$dir/postgres/log" >&2; return 1; }
}

# Redis keeps nothing on disk: the several-node mode never needs it to (PostgreSQL's log is the
# only copy), so a restarted Redis is an empty one.
redis_start() {
  local dir=$1 port tries=0
  port=$(cat "$dir/redis/port")
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir/redis" --daemonize yes --pidfile "$dir/redis/pid" --logfile "$dir/redis/log"
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then cat "$dir/redis/log" >&2; return 1; fi
    sleep 0.1
  done
}

# Sends `signal` to one PID and waits for it to end; SIGKILL after 10 s.
stop_pid() {
  local pid=$1 name=$2 signal=$3 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  say "stopping $name (pid $pid)"
  kill "-$signal" "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    waited=$((waited + 1))
    if [ $waited -gt 100 ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.1
  done
}

stop() {
  local dir=$1
  case "$dir" in /tmp/kartta-services.*) ;; *) say "not a services folder: $dir"; return 1 ;; esac
  # postmaster.pid's first line is the server's PID; SIGTERM is PostgreSQL's "smart" shutdown,
  # which waits for clients to leave: SIGINT ("fast") does not.
  if [ -f "$dir/postgres/data/postmaster.pid" ]; then
    stop_pid "$(head -n 1 "$dir/postgres/data/postmaster.pid")" PostgreSQL INT
  fi
  if [ -f "$dir/redis/pid" ]; then stop_pid "$(cat "$dir/redis/pid")" Redis TERM; fi
  rm -rf "$dir"
}

check_dir() {
  case "$1" in /tmp/kartta-services.*) ;; *) say "not a services folder: $1"; exit 2 ;; esac
}

command=${1:-}
dir=${2:-${KARTTA_SERVICES_DIR:-}}
case "$command" in
  postgres-stop)
    check_dir "$dir"
    stop_pid "$(head -n 1 "$dir/postgres/data/postmaster.pid")" PostgreSQL INT ;;
  postgres-start) check_dir "$dir"; postgres_start "$dir" ;;
  redis-kill)
    check_dir "$dir"
    stop_pid "$(cat "$dir/redis/pid")" Redis KILL ;;
  redis-start) check_dir "$dir"; redis_start "$dir" ;;
  start) start ;;
  env) [ -n "$dir" ] || { say "no folder given"; exit 2; }; print_env "$dir" ;;
  stop) [ -n "$dir" ] || { say "no folder given"; exit 2; }; stop "$dir" ;;
  *) say "usage: $0 start | env [DIR] | stop [DIR]"; exit 2 ;;
esac
