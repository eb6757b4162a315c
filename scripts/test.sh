#!/usr/bin/env bash
# Runs every closecast test: unit tests, and integration tests against real servers. One MLflow server
# (installed into registry-server/.venv from the pinned requirements) is started here on 127.0.0.1:5055
# with a fresh store for the whole run, and stopped at the end; the ITs of every module use it through
# MLFLOW_TRACKING_URI. (`./mvnw -B verify` alone also works: then each module starts its own server.)
# Needs a JDK 17+ for Maven, a JDK 21+ installed somewhere standard (found by the build), Python 3.10+,
# and network access to Maven Central and PyPI. Extra arguments go to Maven (e.g. -pl mlflow).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/prereqs.sh
ensure_test_prereqs
scripts/check-ops.sh

if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
  data="$(pwd)/target/test-mlflow"
  trap 'registry-server/mlflow-server.sh stop --data "$data" || true' EXIT
  MLFLOW_TRACKING_URI="$(registry-server/mlflow-server.sh start --port "${CLOSECAST_TEST_MLFLOW_PORT:-5055}" --data "$data" --fresh)"
  export MLFLOW_TRACKING_URI
fi
echo "[test] MLflow server for the integration tests: $MLFLOW_TRACKING_URI"
./mvnw -B verify "$@"
