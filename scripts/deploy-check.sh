#!/usr/bin/env bash
# Runs docs/deploy.md: every fenced block of it is tagged `run=NAME` (commands, run here) or
# `file=NAME` (a config file, written out and used), and this script runs or uses every one of
# them against a real kartta, nginx, SQLite, PostgreSQL and Redis on free 127.0.0.1 ports under a
# temporary folder, so the page cannot drift from the program. It fails on an untagged block, a
# tagged block it did not use, or a block that fails.
#
#   scripts/deploy-check.sh     (scripts/test.sh runs it; uses KARTTA_TEST_POSTGRES_URL when set,
#                                else starts scripts/services.sh itself)
#
# Only the machine-specific parts of a block are replaced (see `localise`): paths under /etc,
# /var and /usr/local go under a temporary root, host names and ports become 127.0.0.1 and free
# ports, `cargo build --release` becomes the debug build scripts/test.sh already made (a release
# build takes many minutes on a small machine; bench/run.sh builds it). `sudo`, `systemctl`,
# `useradd`, `install`, `nginx`, `psql` and `createdb` are shell functions below that run the
# real program against the temporary root or instances, or, for systemctl, start the unit's
# ExecStart as the unit says (no systemd manager runs in a container). Everything started is
# stopped by PID and the folder removed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
doc=$repo/docs/deploy.md
interop=$repo/tests/interop

say() { printf 'deploy-check %(%T)T: %s\n' -1 "$*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}

if [ "$(id -u)" -ne 0 ]; then
  # The unit is run as systemd would (another user, a mount namespace, a temporary root's
  # accounts), which needs root; CI runs as root.
  say "skipped: needs root (setpriv, unshare --mount, useradd --prefix)"
  exit 0
fi

install_missing() {
  local wanted=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || wanted+=(nginx-light)
  command -v sqlite3 >/dev/null || wanted+=(sqlite3)
  command -v openssl >/dev/null || wanted+=(openssl)
  command -v curl >/dev/null || wanted+=(curl)
  command -v strace >/dev/null || wanted+=(strace)
  command -v systemd-analyze >/dev/null || wanted+=(systemd)
  command -v setpriv >/dev/null || wanted+=(util-linux)
  command -v pgrep >/dev/null || wanted+=(procps)
  [ ${#wanted[@]} -eq 0 ] && return 0
  say "installing ${wanted[*]} with apt"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${wanted[@]}" >&2; then
    apt-get update -q >&2
    # Debian 13 has no nginx-light: plain nginx is as small there.
    apt-get install -y -q --no-install-recommends "${wanted[@]}" >&2 ||
      apt-get install -y -q --no-install-recommends "${wanted[@]/nginx-light/nginx}" >&2
  fi
}
install_missing
export PATH=$PATH:/usr/sbin:/sbin

work=$(mktemp -d /tmp/kartta-deploy-check.XXXXXX)
# The kartta user (an unprivileged uid) must reach the binary and its state directory.
chmod 755 "$work"
sysroot=$work/root
files=$work/files
mkdir -p "$sysroot/etc" "$files" "$work/strace"
chmod 777 "$work/strace"
ln -s "$repo/target" "$files/target"
pids=()
started_services=""
services_env=""

stop_pid() {
  local pid=$1 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    waited=$((waited + 1))
    if [ $waited -gt 150 ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.1
  done
}

cleanup() {
  local status=$? i
  # Whatever happens to the output (a reader that went away), everything is still stopped.
  set +e
  trap '' PIPE
  # Last started first: kartta before the strace that runs it, nodes before their services.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[$i]}"; done
  if [ -z "$started_services" ] && [ -n "$services_env" ]; then
    started_services=$(sed -n "s/^export KARTTA_SERVICES_DIR='\(.*\)'$/\1/p" <<<"$services_env")
  fi
  if [ -n "$started_services" ]; then "$repo/scripts/services.sh" stop "$started_services" || true; fi
  if [ $status -ne 0 ]; then
    say "logs of what ran:"
    tail -n 20 "$work"/*.log "$work"/*/error.log >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    shuf -i 20000-60000 -n 1
}

# Waits until `url` answers with a 2xx (curl's own retry would give up on refused connections),
# or fails at once when the process `pid` that should answer has ended.
wait_for_url() {
  local url=$1 pid=${2:-} tries=0
  until curl -sf --cacert "$work/tls/ca.pem" -o /dev/null "$url"; do
    tries=$((tries + 1))
    [ $tries -gt 300 ] && fail "$url never answered"
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then fail "what should answer $url ended"; fi
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------
# The page's blocks.

# Prints the block tagged `run=NAME` or `file=NAME`, without the indentation of its fence.
block() {
  local name=$1 text
  text=$(awk -v name="$name" '
    !inside && $0 ~ "^ *```[a-z]+ .*(run|file)=" name "( |$)" {
      inside = 1; found = 1; match($0, /^ */); indent = RLENGTH; next
    }
    inside && $0 ~ /^ *```$/ { inside = 0; next }
    inside { print substr($0, indent + 1) }
    END { exit found ? 0 : 1 }
  ' "$doc") || fail "docs/deploy.md has no block tagged $name"
  # A file, not a variable: blocks are often read inside $(…), a subshell.
  echo "$name" >>"$work/used-blocks"
  printf '%s\n' "$text"
}

# Every fence of the page is tagged (a `text` block is a picture, not a command), and no tag
# is used twice.
check_tags() {
  local untagged
  untagged=$(awk '
    /^ *```/ && inside { inside = 0; next }
    /^ *```/ { inside = 1; if ($0 !~ /(run|file)=[A-Za-z0-9._-]+/ && $0 !~ /^ *```text$/) print NR ": " $0 }
  ' "$doc")
  [ -z "$untagged" ] || fail "docs/deploy.md has blocks no check runs: $untagged"
  local twice
  twice=$(grep -oE '(run|file)=[A-Za-z0-9._-]+' "$doc" | sort | uniq -d)
  [ -z "$twice" ] || fail "docs/deploy.md tags these twice: $twice"
}

check_all_used() {
  local tag missing=()
  while read -r tag; do
    grep -qxF "$tag" "$work/used-blocks" || missing+=("$tag")
  done < <(grep -oE '(run|file)=[A-Za-z0-9._-]+' "$doc" | cut -d= -f2)
  [ ${#missing[@]} -eq 0 ] || fail "blocks of docs/deploy.md that the check never used: ${missing[*]}"
}

# The replacements of the operator's machine by this one's, applied to every block. Set before
# each part (the ports differ); `localise` fails if a machine path is left over.
kartta_port=0
nodes_ports=()
pg_host_port="" pg_role="" pg_database=""
redis_port=0
today=$(date +%F)
localise() {
  local text
  text=$(sed \
    -e "s|/usr/local/bin/kartta|$sysroot/usr/local/bin/kartta|g" \
    -e "s|/etc/systemd/system|$sysroot/etc/systemd/system|g" \
    -e "s|/etc/kartta|$sysroot/etc/kartta|g" \
    -e "s|/var/lib/kartta|$sysroot/var/lib/kartta|g" \
    -e "s|/var/backups/kartta|$sysroot/var/backups/kartta|g" \
    -e "s|/etc/letsencrypt/live/kartta.example.org/fullchain.pem|$work/tls/cert.pem|g" \
    -e "s|/etc/letsencrypt/live/kartta.example.org/privkey.pem|$work/tls/key.pem|g" \
    -e "s|server_name kartta.example.org|server_name 127.0.0.1|g" \
    -e "s|target/release/kartta|target/debug/kartta|g" \
    -e "s|cargo build --release |cargo build |g" \
    -e "s|127.0.0.1:8080|127.0.0.1:$kartta_port|g" \
    -e "s|listen 80;|listen 127.0.0.1:${http_port:-0};|g" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:${https_port:-0} ssl;|g" \
    -e "s|10.0.0.21:8080|127.0.0.1:${nodes_ports[0]:-0}|g" \
    -e "s|10.0.0.22:8080|127.0.0.1:${nodes_ports[1]:-0}|g" \
    -e "s|10.0.0.23:8080|127.0.0.1:${nodes_ports[2]:-0}|g" \
    -e "s|KARTTA_TRUSTED_PROXIES=10.0.0.10/32|KARTTA_TRUSTED_PROXIES=127.0.0.1/32|g" \
    -e "s|postgres://kartta:CHANGE-ME@db.internal:5432/kartta|postgres://$pg_role:CHANGE-ME@$pg_host_port/$pg_database|g" \
    -e "s|ROLE kartta |ROLE $pg_role |g" \
    -e "s|DATABASE kartta OWNER kartta|DATABASE $pg_database OWNER $pg_role|g" \
    -e "s|--owner=kartta kartta_restored|--owner=$pg_role ${pg_database}_restored|g" \
    -e "s|datname = 'kartta'|datname = '$pg_database'|g" \
    -e "s|redis://:CHANGE-ME@redis.internal:6379/|redis://:CHANGE-ME@127.0.0.1:$redis_port/|g" \
    -e "s|-h redis.internal|-h 127.0.0.1 -p $redis_port|g" \
    -e "s|^bind 10.0.0.5|bind 127.0.0.1|" \
    -e "s|^port 6379|port $redis_port|" \
    -e "s|\$(date +%F)|$today|g" \
    -e "s|2026-12-03|$today|g")
  if grep -nE '(^|[^A-Za-z0-9_.])/(etc|var|usr/local)/|\.internal|example\.org|10\.0\.0\.' <<<"$text" | grep -v "$work" >&2; then
    fail "a block still names the operator's machine after localise (above)"
  fi
  printf '%s\n' "$text"
}

# Writes the block `file=NAME` (localised) to $files/NAME.
write_file() {
  block "$1" | localise >"$files/$1"
}

# Runs the block `run=NAME` (localised) in this shell (systemctl start must record its PID
# here), from `dir` (default $files, where the page's files are, with `target` of the
# repository beside them), echoing each command.
run_block() {
  local name=$1 dir=${2:-$files} script line command=""
  script=$(block "$name" | localise)
  say "running block $name:"
  cd "$dir"
  # One command at a time (a line ending in \ goes on), each of which must succeed: `set -e`
  # does not reach inside an `eval … || fail`.
  while IFS= read -r line; do
    command+="$line"$'\n'
    [[ $line == *\\ ]] && continue
    if [[ $command =~ [^[:space:]] ]]; then
      printf '    + %s' "$command" >&2
      eval "$command" || fail "block $name: this command failed: $command"
    fi
    command=""
  done <<<"$script"
  cd "$repo"
}

# ---------------------------------------------------------------------------------------------
# What the blocks call, pointed at the temporary root and instances.

# The uid and gid of `user` in the temporary root's passwd (made by the install block).
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$sysroot/etc/passwd"; }
gid_of() { awk -F: -v u="$1" '$1 == u { print $4 }' "$sysroot/etc/passwd"; }

sudo() {
  local user=""
  while [ $# -gt 0 ]; do
    case $1 in
      -u) user=$2; shift 2 ;;
      -*) shift ;;
      *) break ;;
    esac
  done
  if [ -n "$user" ] && [ "$user" != postgres ]; then
    [ -n "$(uid_of "$user")" ] || fail "sudo -u $user: no such user in the temporary root"
    setpriv --reuid="$(uid_of "$user")" --regid="$(gid_of "$user")" --clear-groups -- "$@"
  else
    # `sudo -u postgres` is the PostgreSQL superuser: psql and createdb below log in as it.
    "$@"
  fi
}

useradd() {
  # Into the temporary root's copies of the account files, never the machine's.
  [ -f "$sysroot/etc/passwd" ] || cp /etc/passwd /etc/group /etc/shadow /etc/gshadow "$sysroot/etc/"
  command useradd --prefix "$sysroot" "$@"
}

install() {
  # Owners named in the temporary root become their numbers.
  local args=()
  while [ $# -gt 0 ]; do
    case $1 in
      -o) args+=(-o "$(uid_of "$2")"); shift 2 ;;
      -g) args+=(-g "$(gid_of "$2")"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  mkdir -p "$(dirname "${args[-1]}")"
  command install "${args[@]}"
}

systemctl() {
  case "$*" in
    daemon-reload) say "systemctl daemon-reload: no systemd manager here; the unit was verified instead" ;;
    "enable --now kartta")
      command systemctl --root="$sysroot" enable kartta
      [ -L "$sysroot/etc/systemd/system/multi-user.target.wants/kartta.service" ] ||
        fail "systemctl enable made no link"
      start_unit ;;
    "stop kartta") stop_unit ;;
    "start kartta") start_unit ;;
    *) fail "systemctl $*: the check does not know this" ;;
  esac
}

systemd-analyze() {
  if [ "$1" = verify ]; then
    verify_unit "$2"
  else
    command systemd-analyze "$@"
  fi
}

nginx() {
  command nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" "$@"
}

# Without a connection string, psql and createdb are the superuser's (`sudo -u postgres`).
psql() {
  case "${1:-}" in
    postgres://*) command psql "$@" ;;
    *) command psql "$pg_admin_url" "$@" ;;
  esac
}
createdb() { command createdb --maintenance-db="$pg_admin_url" "$@"; }

# ---------------------------------------------------------------------------------------------
# The unit, as systemd would read and run it.

unit_file=$sysroot/etc/systemd/system/kartta.service
unit_pid=""

# The values of `key=` in the unit and its drop-ins, in order.
unit_values() {
  local key=$1
  cat "$unit_file" "$unit_file.d"/*.conf 2>/dev/null | sed -n "s/^$key=//p"
}

verify_unit() {
  local file=$1 output score
  # verify prints problems and fails on them; a unit with none prints nothing.
  output=$(command systemd-analyze verify "$file" 2>&1) || { printf '%s\n' "$output" >&2; fail "systemd-analyze verify $file"; }
  [ -z "$output" ] || { printf '%s\n' "$output" >&2; fail "systemd-analyze verify $file printed warnings"; }
  output=$(command systemd-analyze security --offline=true --no-pager "$file" 2>&1)
  score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$output")
  say "systemd-analyze security: exposure $score (0 safest, 10 none)"
  # The hardening of the page brings it to about 1.5; a unit that lost some of it fails.
  awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.5) }' ||
    { printf '%s\n' "$output" >&2; fail "the unit's exposure $score is above 2.5"; }
}

# Starts ExecStart= the way the unit says: its environment only, as its user with no new
# privileges (NoNewPrivileges=), with / read-only and only the StateDirectory= writable
# (ProtectSystem=strict), under strace so that the calls can be held to SystemCallFilter= and
# MemoryDenyWriteExecute= afterwards.
start_unit() {
  local user exec environment=() writable=() line uid gid directory
  user=$(unit_values User)
  uid=$(uid_of "$user")
  gid=$(gid_of "$user")
  [ -n "$uid" ] || fail "the unit's User=$user does not exist"
  # StateDirectory= is made and given to the user; it and ReadWritePaths= stay writable.
  for directory in $(unit_values StateDirectory); do
    directory=$(localise <<<"/var/lib/$directory")
    mkdir -p "$directory"
    chown "$uid:$gid" "$directory"
    chmod "$(unit_values StateDirectoryMode)" "$directory"
    writable+=("$directory")
  done
  for directory in $(unit_values ReadWritePaths); do writable+=("$(localise <<<"$directory")"); done
  while read -r line; do environment+=("$line"); done < <(unit_values Environment)
  exec=$(unit_values ExecStart)
  say "starting the unit: ${environment[*]} $exec"
  # shellcheck disable=SC2086 # ExecStart= is split on spaces as systemd does.
  local sandbox=(unshare --mount --propagation private --) tracer=()
  [ "$can_mount" = yes ] || sandbox=()
  [ "$can_trace" = yes ] && tracer=(strace -f -qq -o "$work/strace/unit.$RANDOM")
  env -i PATH=/usr/bin:/bin "${environment[@]}" \
    "${sandbox[@]}" bash -c '
      mask=$1 mounts=$2 count=$3; shift 3
      if [ "$mounts" = yes ]; then
        for directory in "${@:1:count}"; do mount --bind "$directory" "$directory" || exit 1; done
        mount --bind / / && mount -o remount,bind,ro / || exit 1
      fi
      shift "$count"
      umask "$mask"
      exec "$@"' bash "$(unit_values UMask)" "$can_mount" $((${#writable[@]} + 1)) "${writable[@]}" "$work/strace" \
    "${tracer[@]}" \
    setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs -- $exec \
    >>"$work/unit.log" 2>&1 &
  unit_pid=$!
  pids+=("$unit_pid")
  wait_for_url "http://127.0.0.1:$kartta_port/healthz" "$unit_pid"
  unit_kartta_pid=$unit_pid
  if [ ${#tracer[@]} -gt 0 ]; then
    # strace's child is kartta (setpriv execs it): it gets the SIGTERM, as from systemd, and
    # strace ends with it.
    unit_kartta_pid=$(pgrep -P "$unit_pid")
    pids+=("$unit_kartta_pid")
  fi
}

stop_unit() {
  stop_pid "$unit_kartta_pid"
  stop_pid "$unit_pid"
}

# Every system call the unit's process made is allowed by its SystemCallFilter= lines, and it
# never asked for memory both writable and executable.
check_syscalls() {
  local allowed denied calls made outside filter trace
  [ "$can_trace" = yes ] || return 0
  expand() {
    local line
    command systemd-analyze syscall-filter "$1" </dev/null | sed -n 's/^    \([@a-z0-9_-]*\)$/\1/p' | while read -r line; do
      case $line in @*) expand "$line" ;; *) echo "$line" ;; esac
    done
  }
  allowed=$(for filter in $(unit_values SystemCallFilter | grep -v '^~'); do expand "$filter"; done | sort -u)
  denied=$(for filter in $(unit_values SystemCallFilter | sed -n 's/^~//p'); do expand "$filter"; done | sort -u)
  # From kartta's execve on: setpriv's own calls before it are systemd's part under a unit.
  calls=$(for trace in "$work"/strace/unit.*; do
    sed -n '\|execve(".*/usr/local/bin/kartta"|,$p' "$trace"
  done)
  made=$(sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' <<<"$calls" | sort -u)
  [ -n "$made" ] || fail "strace recorded no system calls"
  outside=$(comm -23 <(echo "$made") <(comm -23 <(echo "$allowed") <(echo "$denied")))
  [ -z "$outside" ] || fail "kartta made system calls SystemCallFilter= forbids (systemd would kill it): $outside"
  if grep -E '^[0-9]+ +(mmap|mprotect|pkey_mprotect)\(.*PROT_EXEC' <<<"$calls" |
    grep -E 'mprotect|PROT_WRITE' >&2; then
    fail "kartta asked for writable and executable memory (MemoryDenyWriteExecute=)"
  fi
  say "kartta made $(wc -l <<<"$made") kinds of system calls, all inside the unit's filter"
}

# ---------------------------------------------------------------------------------------------
# nginx in front, from a folder of its own, never the system service.

nginx_dir=""
nginx_pid=""

start_nginx() {
  local site=$1
  nginx_dir=$work/nginx-$(basename "$site" .conf)
  mkdir -p "$nginx_dir"
  chmod 755 "$nginx_dir"
  cat >"$nginx_dir/nginx.conf" <<EOF
worker_processes 1;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $nginx_dir/client_body;
  proxy_temp_path $nginx_dir/proxy;
  fastcgi_temp_path $nginx_dir/fastcgi;
  uwsgi_temp_path $nginx_dir/uwsgi;
  scgi_temp_path $nginx_dir/scgi;
  include $site;
}
EOF
  # The program itself, not the function: its PID is what stops it.
  command nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" -g 'daemon off;' \
    >"$nginx_dir/stdout.log" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
  wait_for_url "https://127.0.0.1:$https_port/healthz"
}

# ---------------------------------------------------------------------------------------------
# The stock client through the proxy.

client() {
  NODE_EXTRA_CA_CERTS=$work/tls/ca.pem node "$interop/deploy-client.mjs" "$@" ||
    fail "the stock client could not $1 through ${2:-?} (above)"
}

# The JSON array of the board's actor names, as a fresh client through `base` sees them.
board_names() {
  client read "$1" "$board_id" "$board_token"
}

expect_names() {
  local base=$1 expected=$2 names
  names=$(board_names "$base")
  [ "$names" = "$expected" ] || fail "the board through $base holds $names, expected $expected"
  say "the board through $base holds $names"
}

# The value of a /metrics line of the kartta at `port`.
metric() {
  curl -sf "http://127.0.0.1:$1/metrics" | awk -v name="$2" '$1 == name { print $2 }'
}

# nginx closes a websocket after its read (or send) timeout without traffic; Kartta writes to
# every socket at least every 20 s and closes a silent one after --dead-peer-seconds, so a
# timeout above that never closes a socket Kartta still holds.
check_proxy_timeouts() {
  local file=$1 dead_peer timeout
  dead_peer=$("$repo/target/debug/kartta" serve --help | tr '\n' ' ' |
    sed -n 's/.*--dead-peer-seconds[^[]*\[env[^]]*\] *\[default: \([0-9]*\)\].*/\1/p')
  [ -n "$dead_peer" ] || fail "kartta serve --help names no default for --dead-peer-seconds"
  for timeout in $(sed -n 's/^ *proxy_\(read\|send\)_timeout \([0-9]*\)s;/\2/p' "$file"); do
    [ "$timeout" -gt "$dead_peer" ] || fail "$(basename "$file"): a proxy timeout of ${timeout}s is not above the dead-peer time (${dead_peer}s)"
  done
  [ "$(grep -c 'proxy_\(read\|send\)_timeout' "$file")" -eq 2 ] || fail "$(basename "$file") should set both proxy timeouts"
}

# Every KARTTA_… variable and --flag the page names is one `kartta serve --help` knows.
check_settings_exist() {
  local help name
  help=$("$repo/target/debug/kartta" serve --help)
  for name in $(grep -oE 'KARTTA_[A-Z_]+' "$doc" | sort -u); do
    grep -qE "env: $name[]=]" <<<"$help" || fail "docs/deploy.md names $name, which kartta serve --help does not list"
  done
  for name in $(grep -oE '`--[a-z-]+`' "$doc" | tr -d '`' | sort -u); do
    grep -qE -- "$name[ =,]" <<<"$help" || fail "docs/deploy.md names $name, which kartta serve --help does not list"
  done
  # The settings table's defaults: a row `| \`KARTTA_X\` … | \`default\` | … |`.
  local row value
  help=$(tr '\n' ' ' <<<"$help")
  while IFS='|' read -r _ name value _; do
    name=$(grep -oE 'KARTTA_[A-Z_]+' <<<"$name" | head -n 1)
    value=$(sed -n 's/^ *`\(.*\)` *$/\1/p' <<<"$value")
    [ -n "$name" ] && [ -n "$value" ] || continue
    grep -qF "[env: $name=] [default: $value]" <<<"$help" ||
      fail "docs/deploy.md gives $name the default $value; kartta serve --help says otherwise"
    row=checked
  done < <(grep -E '^\| `KARTTA_' "$doc")
  [ "${row:-}" = checked ] || fail "found no settings table in docs/deploy.md"
}

# =============================================================================================
check_tags

# What this machine lets the check do as systemd would; a part it cannot do is said, not hidden.
can_mount=yes
unshare --mount --propagation private true 2>/dev/null || {
  can_mount=no
  say "NOT CHECKED on this machine: ProtectSystem=strict (no mount namespaces here)"
}
can_trace=yes
strace -f -qq -o /dev/null true 2>/dev/null || {
  can_trace=no
  say "NOT CHECKED on this machine: SystemCallFilter=, MemoryDenyWriteExecute= (strace cannot trace here)"
}
[ -d "$interop/node_modules/y-websocket" ] || (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error)

say "a throwaway certificate authority and certificate for 127.0.0.1"
mkdir -p "$work/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=deploy-check CA" \
  -keyout "$work/tls/ca-key.pem" -out "$work/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/tls/key.pem" -out "$work/tls/cert.csr" 2>/dev/null
openssl x509 -req -in "$work/tls/cert.csr" -CA "$work/tls/ca.pem" -CAkey "$work/tls/ca-key.pem" \
  -CAcreateserial -days 2 -extfile <(printf 'subjectAltName=IP:127.0.0.1\n') \
  -out "$work/tls/cert.pem" 2>/dev/null
chmod 644 "$work/tls/"*

# ----------------------------------------------------------------------------- one node
say "one node: build, install, unit"
kartta_port=$(free_port)
http_port=$(free_port)
https_port=$(free_port)
run_block build "$repo"
write_file kartta.service
run_block install
base=https://127.0.0.1:$https_port
check_settings_exist

say "one node: nginx with TLS in front"
write_file kartta-nginx.conf
check_proxy_timeouts "$files/kartta-nginx.conf"
start_nginx "$files/kartta-nginx.conf"
run_block nginx-reload
# A page load over HTTPS, and plain HTTP sent there.
curl -sf --cacert "$work/tls/ca.pem" "$base/" | grep -q '<html lang=' || fail "no page over HTTPS"
location=$(curl -s -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$http_port/join/ABC")
[[ $location == https://127.0.0.1/join/ABC ]] || fail "HTTP did not redirect to HTTPS (got '$location')"

board=$(client create "$base")
board_id=$(node -e 'console.log(JSON.parse(process.argv[1]).id)' "$board")
board_token=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$board")
say "two stock clients over wss:// through nginx on board $board_id"
client write "$base" "$board_id" "$board_token" "Turun kaupunki" "Åbo Akademi"
expect_names "$base" '["Turun kaupunki","Åbo Akademi"]'

# An import larger than nginx's default 1 MB reaches Kartta, which answers in its own words.
head -c $((8 * 1024 * 1024 + 4096)) /dev/zero | tr '\0' ' ' >"$work/large-import.json"
answer=$(curl -s --cacert "$work/tls/ca.pem" -o "$work/import-answer" -w '%{http_code} %{content_type}' \
  -H "Authorization: Bearer $board_token" -H 'Content-Type: application/json' \
  --data-binary @"$work/large-import.json" "$base/api/boards/$board_id/import")
[[ $answer == "413 application/json"* ]] || fail "a 8 MB import through nginx got '$answer', not Kartta's own 413"

say "one node: backups while it runs"
run_block backup
grep -qx ok <(sqlite3 "$sysroot/var/backups/kartta/kartta-$today.db" "PRAGMA integrity_check") || fail "backup not intact"
run_block backup-vacuum
# Written after the backups: a restore must not have it.
client write "$base" "$board_id" "$board_token" "Varsinais-Suomen liitto"
expect_names "$base" '["Turun kaupunki","Varsinais-Suomen liitto","Åbo Akademi"]'

say "one node: restore"
run_block restore
expect_names "$base" '["Turun kaupunki","Åbo Akademi"]'
stop_unit
check_syscalls

say "one node: the VACUUM INTO copy serves the same board"
mkdir -p "$work/vacuumed"
cp "$sysroot/var/backups/kartta/kartta-$today-vacuumed.db" "$work/vacuumed/kartta.db"
"$repo/target/debug/kartta" serve --listen "127.0.0.1:$kartta_port" --data-dir "$work/vacuumed" >"$work/vacuumed.log" 2>&1 &
pids+=($!)
wait_for_url "http://127.0.0.1:$kartta_port/healthz"
expect_names "$base" '["Turun kaupunki","Åbo Akademi"]'
stop_pid "${pids[-1]}"
stop_pid "$nginx_pid"

# ----------------------------------------------------------------------------- several nodes
say "several nodes: PostgreSQL, Redis, three nodes, nginx balancing"
if [ -z "${KARTTA_TEST_POSTGRES_URL:-}" ]; then
  # Kept before it is used: a signal right after the start still finds the folder to stop.
  services_env=$("$repo/scripts/services.sh" start)
  eval "$services_env"
  started_services=$KARTTA_SERVICES_DIR
fi
pg_admin_url=$KARTTA_TEST_POSTGRES_URL
pg_host_port=$(sed -E 's|^postgres://[^@]*@([^/]*)/.*|\1|' <<<"$pg_admin_url")
suffix=$(openssl rand -hex 4)
pg_role=deploy_$suffix
pg_database=deploy_$suffix
run_block postgres-setup

redis_port=$(free_port)
write_file redis-kartta.conf
mkdir -p "$work/redis"
(cd "$work/redis" && exec redis-server "$files/redis-kartta.conf" --daemonize no >"$work/redis.log" 2>&1) &
pids+=($!)
until redis-cli -p "$redis_port" -a CHANGE-ME --no-auth-warning ping 2>/dev/null | grep -q PONG; do sleep 0.1; done

write_file nodes.conf
write_file nodes.env
mkdir -p "$unit_file.d" "$sysroot/etc/kartta"
cp "$files/nodes.conf" "$unit_file.d/override.conf"
command install -m 0600 "$files/nodes.env" "$sysroot/etc/kartta/nodes.env"
verify_unit "$unit_file"
nodes_ports=("$(free_port)" "$(free_port)" "$(free_port)")
environment=()
while read -r line; do environment+=("$line"); done < <(unit_values Environment)
env_file=$(unit_values EnvironmentFile)
while read -r line; do [ -n "$line" ] && environment+=("$line"); done <"$env_file"
nodes_pids=()
for port in "${nodes_ports[@]}"; do
  env -i PATH=/usr/bin:/bin "${environment[@]}" "KARTTA_LISTEN=127.0.0.1:$port" \
    "$sysroot/usr/local/bin/kartta" serve >"$work/node-$port.log" 2>&1 &
  pids+=($!)
  nodes_pids+=($!)
done
for port in "${nodes_ports[@]}"; do
  wait_for_url "http://127.0.0.1:$port/healthz"
  until [ "$(metric "$port" kartta_carriage_connected)" = 1 ]; do sleep 0.1; done
done

connections=$(run_block postgres-connections 2>/dev/null)
grep -qE "^ *9$" <<<"$connections" || fail "expected 3 PostgreSQL connections per node (9), psql said: $connections"
settings=$(run_block postgres-settings 2>/dev/null)
grep -qE "^ *on$" <<<"$settings" || fail "synchronous_commit is not on: $settings"

write_file kartta-balancer.conf
check_proxy_timeouts "$files/kartta-balancer.conf"
start_nginx "$files/kartta-balancer.conf"
board=$(client create "$base")
board_id=$(node -e 'console.log(JSON.parse(process.argv[1]).id)' "$board")
board_token=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$board")

# Hashing on the board id: every client of the board lands on one node.
messages_in() {
  local port
  for port in "${nodes_ports[@]}"; do metric "$port" kartta_messages_in_total; done
}
busy_nodes() {
  paste -d ' ' <(echo "$1") <(messages_in) | awk '$1 != $2 { n++ } END { print n + 0 }'
}
before=$(messages_in)
# Five clients and a reader: were the board spread at random, all six would meet on one of three
# nodes once in 243 runs.
client write "$base" "$board_id" "$board_token" "Salon kaupunki" "Turun yliopisto" \
  "Kaarinan kaupunki" "Liedon kunta" "Paraisten kaupunki"
expect_names "$base" '["Kaarinan kaupunki","Liedon kunta","Paraisten kaupunki","Salon kaupunki","Turun yliopisto"]'
busy=$(busy_nodes "$before")
[ "$busy" -eq 1 ] || fail "hashing on the board id put the board's clients on $busy nodes"
say "hashing on the board id: every client of the board on one node"

say "several nodes: the node holding the board is SIGKILLed; the balancer sends a new client on"
holder=$(paste -d ' ' <(echo "$before") <(messages_in) | awk '$1 != $2 { print NR - 1; exit }')
kill -KILL "${nodes_pids[$holder]}"
while kill -0 "${nodes_pids[$holder]}" 2>/dev/null; do sleep 0.1; done
unset 'nodes_ports[holder]' 'nodes_pids[holder]'
nodes_ports=("${nodes_ports[@]}")
nodes_pids=("${nodes_pids[@]}")
expect_names "$base" '["Kaarinan kaupunki","Liedon kunta","Paraisten kaupunki","Salon kaupunki","Turun yliopisto"]'

redis=$(run_block redis-inspect 2>/dev/null)
grep -qx noeviction <<<"$redis" || fail "maxmemory-policy is not noeviction: $redis"
grep -qx 0 <<<"$redis" || fail "Redis holds keys: $redis"
grep -qxF "kartta:board:$board_id" <<<"$redis" || fail "no node is subscribed to the board's channel: $redis"

say "several nodes: without the hash line, clients of one board on different nodes converge"
stop_pid "$nginx_pid"
sed -i '/hash \$kartta_board consistent;/d' "$files/kartta-balancer.conf"
start_nginx "$files/kartta-balancer.conf"
before=$(messages_in)
client write "$base" "$board_id" "$board_token" "Rauman kaupunki" "Novia" "Satakuntaliitto"
expect_names "$base" '["Kaarinan kaupunki","Liedon kunta","Novia","Paraisten kaupunki","Rauman kaupunki","Salon kaupunki","Satakuntaliitto","Turun yliopisto"]'
# Round robin spread the three writers over both nodes left: each heard from clients.
busy=$(busy_nodes "$before")
[ "$busy" -ge 2 ] || fail "round robin used $busy node(s); the test proves nothing about several nodes"
say "$busy nodes served the board's clients"

say "several nodes: a subscriber past client-output-buffer-limit is dropped by Redis and catches up from PostgreSQL"
redis_cli() { command redis-cli -p "$redis_port" -a CHANGE-ME --no-auth-warning "$@"; }
reconnects() {
  local port total=0
  for port in "${nodes_ports[@]}"; do total=$((total + $(metric "$port" kartta_carriage_reconnects_total))); done
  echo $total
}
reconnects_before=$(reconnects)
limit=$(redis_cli CONFIG GET client-output-buffer-limit | tail -n 1)
# Redis counts only what overflows a client's 16 KB reply buffer: one update larger than that
# puts every subscriber of the board past a 1-byte limit.
redis_cli CONFIG SET client-output-buffer-limit "pubsub 1 1 0" >/dev/null
large_name="Iso $(head -c 40000 /dev/zero | tr '\0' x)"
client write "$base" "$board_id" "$board_token" "$large_name" "Eura" "Laitila"
redis_cli CONFIG SET client-output-buffer-limit "$limit" >/dev/null
[ "$(reconnects)" -gt "$reconnects_before" ] || fail "no node lost its Redis subscription; the limit was not reached"
names=$(board_names "$base")
[ "$names" = "[\"Eura\",\"$large_name\",\"Kaarinan kaupunki\",\"Laitila\",\"Liedon kunta\",\"Novia\",\"Paraisten kaupunki\",\"Rauman kaupunki\",\"Salon kaupunki\",\"Satakuntaliitto\",\"Turun yliopisto\"]" ] ||
  fail "after the subscribers were dropped the board holds ${names:0:200}…"
say "nodes reconnected $(($(reconnects) - reconnects_before)) time(s) and the clients converged"

say "several nodes: pg_dump while they run, restored into a new database"
mkdir -p "$sysroot/var/backups/kartta"
run_block postgres-backup
run_block postgres-restore
restored_port=$(free_port)
env -i PATH=/usr/bin:/bin \
  "KARTTA_POSTGRES_URL=postgres://$pg_role:CHANGE-ME@$pg_host_port/${pg_database}_restored" \
  "$sysroot/usr/local/bin/kartta" serve --listen "127.0.0.1:$restored_port" >"$work/restored.log" 2>&1 &
pids+=($!)
wait_for_url "http://127.0.0.1:$restored_port/healthz"
names=$(NODE_EXTRA_CA_CERTS=$work/tls/ca.pem node "$interop/deploy-client.mjs" read "http://127.0.0.1:$restored_port" "$board_id" "$board_token")
[ "$names" = "$(board_names "$base")" ] || fail "the restored database holds ${names:0:200}…"
say "the restored database holds the same $(node -e 'console.log(JSON.parse(process.argv[1]).length)' "$names") actors"
stop_pid "$nginx_pid"

for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[$i]}"; done
psql -q -c "DROP DATABASE IF EXISTS ${pg_database}_restored WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" -c "DROP ROLE IF EXISTS $pg_role" ||
  say "could not drop the check's database (the throwaway instance goes anyway)"
check_all_used
say "every block of docs/deploy.md ran"
