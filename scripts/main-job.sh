#!/usr/bin/env bash
# The main job on one machine, without Docker: an MLflow server on 127.0.0.1:5000, a build, and the
# closecast job against it. `scripts/main-job.sh stop` stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

if [ "${1:-}" = stop ]; then
  registry-server/mlflow-server.sh stop
  exit 0
fi

source scripts/lib/prereqs.sh
ensure_test_prereqs
tracking_uri="$(registry-server/mlflow-server.sh start --port 5000)"
export MLFLOW_TRACKING_URI="$tracking_uri"
echo "[main-job] building closecast"
./mvnw -B -q package -DskipTests
echo "[main-job] MLflow UI: $MLFLOW_TRACKING_URI"
