#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for MLflow's backend store, on 127.0.0.1 only (tests and local runs).
#
#   postgres.sh start DIR PORT      # initdb DIR on first use, start, wait for pg_isready, create role and
#                                   # database `mlflow`; prints the SQLAlchemy URI for mlflow server
#   postgres.sh stop  DIR PORT      # fast shutdown; nothing to do when it is not running
#   postgres.sh psql  DIR PORT ARGS # psql on database mlflow as the cluster's superuser (e.g. -tAc 'select 1')
#
# Idempotent: start reuses a cluster already running from DIR on PORT. Uses Debian's PostgreSQL
# (/usr/lib/postgresql/<newest>/bin, or initdb on the PATH); when none is installed it installs the
# `postgresql` package with apt-get (needs root or sudo) and fails with a message when it cannot.
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user, which owns DIR.
# Role `mlflow`, password $CLOSECAST_POSTGRES_PASSWORD (default `mlflow`, as in docker-compose.yml);
# connections over TCP need the password (scram-sha-256); the unix socket lives in DIR (mode 700, so
# only the cluster's owner reaches it) and trusts that owner.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:-}"
dir="${2:-}"
port="${3:-}"
password="${CLOSECAST_POSTGRES_PASSWORD:-mlflow}"

log() { echo "[postgres] $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ -n "$cmd" ] && [ -n "$dir" ] && [ -n "$port" ] || usage
case "$port" in
  ''|*[!0-9]*) die "PORT must be a TCP port number (1024..65535), found '$port'" ;;
esac
[ "$port" -ge 1024 ] && [ "$port" -le 65535 ] || die "PORT must be in 1024..65535, found $port"
case "$dir" in
  /*) ;;
  *) dir="$(pwd)/$dir" ;;
esac

# The directory holding initdb, pg_ctl, pg_isready, psql: Debian's newest, else the PATH's.
find_bindir() {
  local best="" v
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    v="$(basename "$(dirname "$d")")"
    if [ -z "$best" ] || [ "${v%%.*}" -gt "$(basename "$(dirname "$best")" | cut -d. -f1)" ]; then best="$d"; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

bindir="$(find_bindir)" || {
  # shellcheck source=prereqs.sh
  . "$here/prereqs.sh"
  _apt_install postgresql \
    || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on the PATH) and installing the Debian package 'postgresql' failed: install PostgreSQL 13+ yourself"
  bindir="$(find_bindir)" || die "installed the 'postgresql' package but found no initdb under /usr/lib/postgresql/*/bin"
}

# As root, every PostgreSQL command runs as the postgres user; otherwise as the current user.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, PostgreSQL needs the system user 'postgres' (created by the Debian package), found none"
  pg() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  pg() { "$@"; }
  owner="$(id -un)"
fi

running() { pg "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; }

# The port a running cluster in DIR listens on (line 4 of postmaster.pid).
running_port() { sed -n 4p "$dir/postmaster.pid" 2>/dev/null; }

sql() { pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres -tA "$@"; }

init() {
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown "$owner": "$dir"; fi
  chmod 700 "$dir"
  pg test -w "$dir" || die "the user '$owner' cannot write $dir (a parent directory is not searchable by it?): choose a DIR under /tmp"
  if [ -f "$dir/PG_VERSION" ]; then return 0; fi
  [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a PostgreSQL data directory (no PG_VERSION): choose an empty or new DIR"
  log "initdb $dir ($("$bindir/postgres" --version))"
  pg "$bindir/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
    || { cat "$dir.initdb.log" >&2; die "initdb $dir failed (log above)"; }
  rm -f "$dir.initdb.log"
  # Only 127.0.0.1, only this port, the socket in DIR (no clash with a system cluster's /var/run/postgresql).
  cat >>"$dir/postgresql.conf" <<EOF

# closecast (scripts/lib/postgres.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
EOF
}

start() {
  init
  if running; then
    local p; p="$(running_port)"
    [ "$p" = "$port" ] || die "the cluster in $dir already runs on port $p, not $port: stop it first (postgres.sh stop $dir $p)"
    log "already running from $dir on 127.0.0.1:$port"
  else
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
      die "something else already answers on 127.0.0.1:$port: stop it, or choose another PORT"
    fi
    log "starting PostgreSQL from $dir on 127.0.0.1:$port (log: $dir/server.log)"
    pg "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2 || true; die "pg_ctl start failed for $dir on port $port (log above)"; }
  fi
  local waited=0
  until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; do
    [ "$waited" -lt 60 ] || die "pg_isready: no answer on 127.0.0.1:$port after ${waited}s; see $dir/server.log"
    sleep 1; waited=$((waited + 1))
  done
  # The role and database MLflow uses (created once; the password is set every time).
  if [ "$(sql -c "select 1 from pg_roles where rolname = 'mlflow'")" != 1 ]; then
    sql -c "create role mlflow login" >/dev/null
  fi
  sql -c "alter role mlflow password '${password//\'/\'\'}'" >/dev/null
  if [ "$(sql -c "select 1 from pg_database where datname = 'mlflow'")" != 1 ]; then
    sql -c "create database mlflow owner mlflow" >/dev/null
    log "created database mlflow (owner mlflow)"
  fi
  log "ready on 127.0.0.1:$port"
  local enc; enc="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$password" 2>/dev/null || echo "$password")"
  echo "postgresql+psycopg2://mlflow:$enc@127.0.0.1:$port/mlflow"
}

stop() {
  if [ -f "$dir/PG_VERSION" ] && running; then
    pg "$bindir/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null || die "pg_ctl stop failed for $dir"
    log "stopped (data dir $dir)"
  else
    log "not running (data dir $dir)"
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  psql)
    shift 3
    running || die "no PostgreSQL runs from $dir: postgres.sh start $dir $port first"
    pg "$bindir/psql" -X -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d mlflow "$@" ;;
  *) usage ;;
esac
