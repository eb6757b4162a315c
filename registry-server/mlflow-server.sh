#!/usr/bin/env bash
# Runs the MLflow tracking + model registry server as closecast uses it, on this machine:
# a Python virtual environment under registry-server/.venv with the pinned MLflow, a SQLite backend
# store (or --backend-store-uri) and artifacts served through the server (--serve-artifacts).
#
#   mlflow-server.sh start  [--host H] [--port P] [--data DIR] [--backend-store-uri URI] [--fresh]
#   mlflow-server.sh stop   [--data DIR]
#   mlflow-server.sh status [--data DIR]
#   mlflow-server.sh install            # only create / update the virtual environment
#   mlflow-server.sh python ARGS...     # the environment's python (for MLflow's own client)
#
# Idempotent: start reuses the environment and a server that already answers for the same data dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CLOSECAST_MLFLOW_VENV:-$here/.venv}"
cmd="${1:-}"; shift || true
host=127.0.0.1
port=5000
data="$here/.data"
backend=""
fresh=false
while [ "$cmd" != python ] && [ $# -gt 0 ]; do
  case "$1" in
    --host) host="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --backend-store-uri) backend="$2"; shift 2 ;;
    --fresh) fresh=true; shift ;;
    *) echo "mlflow-server.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

log() { echo "[mlflow-server] $*" >&2; }

# shellcheck source=../scripts/lib/python-venv.sh
. "$here/../scripts/lib/python-venv.sh"

install() {
  venv_install "$venv" "$here/requirements.txt" bin/mlflow "to run the MLflow server" "first time: a few minutes"
}

pidfile() { echo "$data/server.pid"; }
urlfile() { echo "$data/server.url"; }

answers() { curl -fsS --max-time 2 "$1/health" >/dev/null 2>&1; }

running_pid() {
  local pf; pf="$(pidfile)"
  [ -f "$pf" ] || return 1
  local pid; pid="$(cat "$pf")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  install
  local url="http://$host:$port"
  mkdir -p "$data"
  if pid="$(running_pid)"; then
    if [ "$fresh" = false ] && answers "$(cat "$(urlfile)")"; then
      log "already running (pid $pid) at $(cat "$(urlfile)")"
      echo "$(cat "$(urlfile)")"; return 0
    fi
    stop
  fi
  if answers "$url"; then
    log "something else already answers at $url: stop it, or choose another --port"
    return 1
  fi
  if [ "$fresh" = true ]; then
    rm -rf "$data/mlflow.db" "$data/artifacts" "$data/server.log"
  fi
  mkdir -p "$data/artifacts"
  local store="${backend:-sqlite:///$data/mlflow.db}"
  log "starting MLflow $("$venv/bin/python" -c 'import mlflow; print(mlflow.__version__)') at $url (store: ${store%%://*}, artifacts: $data/artifacts)"
  # setsid: the server (and its workers) get their own process group, so stop can end all of them.
  setsid "$venv/bin/mlflow" server \
      --host "$host" --port "$port" \
      --backend-store-uri "$store" \
      --serve-artifacts --artifacts-destination "$data/artifacts" \
      --workers "${CLOSECAST_MLFLOW_WORKERS:-2}" \
      > "$data/server.log" 2>&1 < /dev/null &
  echo $! > "$(pidfile)"
  echo "$url" > "$(urlfile)"
  local waited=0
  until answers "$url"; do
    if ! kill -0 "$(cat "$(pidfile)")" 2>/dev/null; then
      log "the server exited during start; last lines of $data/server.log:"; tail -n 30 "$data/server.log" >&2
      rm -f "$(pidfile)"; return 1
    fi
    if [ "$waited" -ge "${CLOSECAST_MLFLOW_START_TIMEOUT:-180}" ]; then
      log "no answer from $url/health after ${waited}s; see $data/server.log"; stop; return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  log "ready at $url after ${waited}s"
  echo "$url"
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  else
    log "not running (data dir $data)"
  fi
  rm -f "$(pidfile)"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status)
    if pid="$(running_pid)" && answers "$(cat "$(urlfile)")"; then echo "running (pid $pid) at $(cat "$(urlfile)")";
    else echo "not running"; exit 1; fi ;;
  install) install ;;
  python) install; exec "$venv/bin/python" "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
