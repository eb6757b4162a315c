#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from PyPI's pyspark (spark/requirements.txt: the distribution's bin/
# and jars/, but not sbin/start-master.sh): the virtual environment spark/.venv (or $CLOSECAST_SPARK_VENV) is created
# on first use. Spark runs on the JDK closecast finds (scripts/lib/java.sh: the newest 21+; Spark 4.2's executors
# need 25 here), bound to 127.0.0.1 unless SPARK_LOCAL_IP says otherwise.
#
#   cluster.sh install                       # only create / update the virtual environment
#   cluster.sh home                          # print SPARK_HOME (pyspark's directory)
#   cluster.sh master --port P --webui-port Q                   # run a master in the foreground
#   cluster.sh worker MASTER_URL --webui-port R [--cores N] [--memory M] [--work-dir DIR]   # a worker, foreground
#   cluster.sh start --port P --webui-port Q --workers N --worker-webui-port R [--cores N] --data DIR
#                                            # master + N workers in the background (logs, pids under DIR)
#   cluster.sh stop --data DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${CLOSECAST_SPARK_VENV:-$here/.venv}"
cmd="${1:-}"; shift || true

log() { echo "[spark-cluster] $*" >&2; }

# shellcheck source=../scripts/lib/python-venv.sh
. "$root/scripts/lib/python-venv.sh"

install() {
  venv_install "$venv" "$here/requirements.txt" bin/python "for pyspark" "first time: a few minutes, ~450 MB"
}

spark_home() {
  install
  "$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

java_env() {
  # shellcheck source=../scripts/lib/java.sh
  . "$root/scripts/lib/java.sh"
  local java; java="$(closecast_find_java)"
  JAVA_HOME="$(cd "$(dirname "$java")/.." && pwd)"
  export JAVA_HOME
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  SPARK_HOME="$(spark_home)"
  export SPARK_HOME
}

case "$cmd" in
  install) install ;;
  home) spark_home ;;
  master)
    java_env
    exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host "$SPARK_LOCAL_IP" "$@" ;;
  worker)
    java_env
    exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host "$SPARK_LOCAL_IP" "$@" ;;
  start)
    port=7200; webui=7201; workers=2; worker_webui=7210; cores=1; data=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --port) port="$2"; shift 2 ;;
        --webui-port) webui="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --worker-webui-port) worker_webui="$2"; shift 2 ;;
        --cores) cores="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        *) log "unknown option '$1'"; exit 2 ;;
      esac
    done
    [ -n "$data" ] || { log "start needs --data DIR"; exit 2; }
    mkdir -p "$data"
    spark_home >/dev/null
    setsid bash "$here/cluster.sh" master --port "$port" --webui-port "$webui" > "$data/master.log" 2>&1 &
    echo $! > "$data/master.pid"
    url="spark://127.0.0.1:$port"
    for _ in $(seq 1 120); do
      grep -q "I have been elected leader" "$data/master.log" 2>/dev/null && break
      sleep 0.5
    done
    grep -q "I have been elected leader" "$data/master.log" || { log "the master did not start: $data/master.log"; exit 1; }
    for i in $(seq 1 "$workers"); do
      mkdir -p "$data/worker-$i"
      setsid bash "$here/cluster.sh" worker "$url" --cores "$cores" --memory 2g --webui-port $((worker_webui + i - 1)) \
        --work-dir "$data/worker-$i" > "$data/worker-$i.log" 2>&1 &
      echo $! > "$data/worker-$i.pid"
    done
    for i in $(seq 1 "$workers"); do
      for _ in $(seq 1 120); do
        grep -q "Successfully registered with master" "$data/worker-$i.log" 2>/dev/null && break
        sleep 0.5
      done
      grep -q "Successfully registered with master" "$data/worker-$i.log" || { log "worker $i did not register: $data/worker-$i.log"; exit 1; }
    done
    echo "$url" ;;
  stop)
    data=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --data) data="$2"; shift 2 ;;
        *) log "unknown option '$1'"; exit 2 ;;
      esac
    done
    for pidfile in "$data"/worker-*.pid "$data"/master.pid; do
      [ -f "$pidfile" ] || continue
      pid="$(cat "$pidfile")"
      # setsid made each its own process group: the JVM and the executors it started
      kill -- -"$pid" 2>/dev/null || true
      rm -f "$pidfile"
    done ;;
  *) echo "usage: cluster.sh install|home|master|worker|start|stop (see the script's header)" >&2; exit 2 ;;
esac
