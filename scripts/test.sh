#!/usr/bin/env bash
# Runs every closecast test: unit tests, and integration tests against real servers (an MLflow server is
# installed into registry-server/.venv and started by the build). Needs only a JDK 17+ for Maven, a
# JDK 21+ installed somewhere standard (found by the build), Python 3.10+ and network access to Maven
# Central and PyPI. Extra arguments go to Maven (e.g. -pl mlflow, -Dit.test=...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/prereqs.sh
ensure_test_prereqs
exec ./mvnw -B verify "$@"
