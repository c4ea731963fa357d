#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, in .pgtest/ under the repository.
#
#   scripts/pg-test-cluster.sh start   # (re)create and start it; prints the SQLAlchemy URL on stdout
#   scripts/pg-test-cluster.sh url     # prints the URL of the running cluster (exit 1 if none)
#   scripts/pg-test-cluster.sh stop    # stop it and delete .pgtest/ (no-op when nothing is there)
#
# Loopback only, trust authentication, fsync off: never use this for real data. Server binaries come from
# /usr/lib/postgresql/<newest>/bin (Debian, Ubuntu) or else from PATH (pg_ctl, initdb and postgres side by side:
# macOS Homebrew, Fedora); with neither it installs the Debian `postgresql` package where apt-get exists.
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user and every server
# command goes through `runuser -u postgres --`.
# Environment: PGTEST_PORT (first port to try, default 54330), PGTEST_DIR (default <repo>/.pgtest).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${PGTEST_DIR:-$ROOT/.pgtest}"
FIRST_PORT="${PGTEST_PORT:-54330}"
PORT_ATTEMPTS=50

log() { printf 'pg-test-cluster: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

has_server_binaries() { [[ -x "$1/pg_ctl" && -x "$1/initdb" && -x "$1/postgres" ]]; }

pg_bindir() {
  # Debian/Ubuntu keep each major version in /usr/lib/postgresql/<version>/bin (the newest wins) ...
  local postgres
  postgres="$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$postgres" ]]; then
    dirname "$postgres"
    return 0
  fi
  # ... elsewhere (macOS Homebrew, Fedora/RHEL, a source build) pg_ctl, initdb and postgres are on PATH,
  # in one directory either where PATH finds pg_ctl or where that symlink points.
  local pg_ctl dir target
  pg_ctl="$(command -v pg_ctl 2>/dev/null || true)"
  [[ -n "$pg_ctl" ]] || return 1
  dir="$(dirname "$pg_ctl")"
  if ! has_server_binaries "$dir"; then
    target="$(readlink "$pg_ctl" || true)"  # e.g. ../Cellar/postgresql@16/16.4/bin/pg_ctl
    [[ -n "$target" ]] || return 1
    dir="$(cd "$dir" && cd "$(dirname "$target")" && pwd)" || return 1
  fi
  has_server_binaries "$dir" && printf '%s\n' "$dir"
}

ensure_server_installed() {
  if [[ -n "$(pg_bindir)" ]]; then
    return
  fi
  command -v apt-get >/dev/null \
    || die "no PostgreSQL server binaries (pg_ctl, initdb, postgres) in /usr/lib/postgresql/*/bin or on PATH; install PostgreSQL (e.g. brew install postgresql@16, dnf install postgresql-server)"
  log "no PostgreSQL server binaries found; installing the Debian package"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install postgresql"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
  [[ -n "$(pg_bindir)" ]] || die "postgresql installed but no server binaries found in /usr/lib/postgresql/*/bin"
}

port_busy() {
  # something accepts connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Recorded by `start`; the fallbacks let `stop` clean up after a start that died half-way.
datadir() { if [[ -f "$STATE/datadir" ]]; then cat "$STATE/datadir"; else echo "$STATE/data"; fi; }
bindir() { if [[ -f "$STATE/bindir" ]]; then cat "$STATE/bindir"; else pg_bindir; fi; }
port() { cat "$STATE/port"; }
url_for() { printf 'postgresql+asyncpg://postgres@127.0.0.1:%s/postgres\n' "$1"; }

running() {
  local data bin
  data="$(datadir)"
  bin="$(bindir || true)"
  [[ -n "$bin" && -f "$data/PG_VERSION" ]] || return 1
  as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

make_tmpdir() {
  # a directory outside the repository, owned by the cluster owner and removed by `stop`
  local dir
  dir="$(mktemp -d /tmp/forumbot-pgtest.XXXXXX)"
  printf '%s\n' "$dir" >>"$STATE/tmpdirs"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
  fi
  printf '%s\n' "$dir"
}

stop_cluster() {
  if [[ ! -e "$STATE" ]]; then
    return 0
  fi
  if running; then
    local data bin
    data="$(datadir)"
    bin="$(bindir)"
    log "stopping the server in $data"
    if ! as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null \
      && ! as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null; then
      # a postmaster killed a moment ago can still look alive; only a live pid is a real failure
      local pid
      pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
      if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        die "could not stop the server in $data (pid $pid)"
      fi
      log "the previous server is already gone; cleaning up"
    fi
  fi
  if [[ -f "$STATE/tmpdirs" ]]; then
    local dir
    while IFS= read -r dir; do
      if [[ "$dir" == /tmp/forumbot-pgtest.* ]]; then
        rm -rf -- "$dir"
      fi
    done <"$STATE/tmpdirs"
  fi
  rm -rf -- "$STATE"
}

owner_can_use() {
  # the cluster owner can create files in $1
  as_owner test -w "$1" -a -x "$1"
}

start_cluster() {
  ensure_server_installed
  local bindir
  bindir="$(pg_bindir)"
  if [[ -e "$STATE" ]]; then
    log "removing a previous cluster in $STATE"
    stop_cluster
  fi
  mkdir -p "$STATE"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to own the cluster"
    chown postgres: "$STATE"
  fi
  printf '%s\n' "$bindir" >"$STATE/bindir"

  local base="$STATE"
  if ! owner_can_use "$STATE"; then
    # e.g. the repository lives under a home directory the postgres user cannot enter
    base="$(make_tmpdir)"
    log "postgres cannot use $STATE; keeping the cluster in $base"
  fi
  local data="$base/data"
  local sockets="$base"
  if (( ${#sockets} > 90 )); then
    # unix socket paths are limited to ~107 bytes
    sockets="$(make_tmpdir)"
  fi
  printf '%s\n' "$data" >"$STATE/datadir"

  as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$STATE/initdb.log" 2>&1 \
    || { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
  cat >>"$data/postgresql.conf" <<CONF

# forumbot throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

  local port="$FIRST_PORT" attempt
  for (( attempt = 0; attempt < PORT_ATTEMPTS; attempt++, port++ )); do
    if port_busy "$port"; then
      continue
    fi
    if as_owner "$bindir/pg_ctl" -D "$data" -l "$base/server.log" -o "-p $port" -w -t 60 start >&2; then
      printf '%s\n' "$port" >"$STATE/port"
      log "server running on 127.0.0.1:$port (data in $data)"
      url_for "$port"
      return 0
    fi
    if ! grep -q "could not bind\|already in use" "$base/server.log" 2>/dev/null; then
      tail -n 20 "$base/server.log" >&2 || true
      die "the server did not start (log above)"
    fi
    log "port $port was taken meanwhile; trying the next one"
  done
  die "no free port in $FIRST_PORT..$((FIRST_PORT + PORT_ATTEMPTS - 1))"
}

case "${1:-}" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  url)
    running || die "no test cluster is running (scripts/pg-test-cluster.sh start)"
    url_for "$(port)"
    ;;
  *)
    printf 'usage: %s start|stop|url\n' "$0" >&2
    exit 2
    ;;
esac
