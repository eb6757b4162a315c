#!/usr/bin/env bash
# Checks the operations files without a Docker engine; fails (exit 1) on the first failing step and says
# which. Steps: promtool check config + rules and the alert unit tests (promtool test rules), the compose
# checker and its own tests (scripts/check_compose.py, scripts/check_compose_test.py), the PromQL list
# (scripts/promql-exprs.py), and `docker compose config` when a compose plugin is installed. Installs
# Debian's `prometheus` package (for promtool) when promtool is missing. See docs/operations.md.
#
#   scripts/check-ops.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/prereqs.sh

step() { echo "== $*"; }
fail() { echo "check-ops: FAILED: $*" >&2; exit 1; }

# Python with PyYAML: this one if it has it, else the MLflow server's virtual environment (which does).
if python3 -c 'import yaml' 2>/dev/null; then
  py=(python3)
else
  py=(registry-server/mlflow-server.sh python)
  "${py[@]}" -c 'import yaml' || fail "no Python with PyYAML: registry-server/mlflow-server.sh python could not import yaml"
fi

step "promtool"
ensure_cmd promtool prometheus
command -v promtool >/dev/null 2>&1 || fail "promtool not found and could not be installed (apt-get install prometheus)"
promtool --version 2>&1 | head -n 1
promtool check config configs/prometheus/prometheus.yml || fail "promtool check config configs/prometheus/prometheus.yml"
promtool check rules configs/prometheus/rules.yml || fail "promtool check rules configs/prometheus/rules.yml"
promtool test rules configs/prometheus/rules_test.yml || fail "promtool test rules configs/prometheus/rules_test.yml (alert unit tests)"

step "docker-compose.yml, Dockerfiles, mounts, ports and URLs, Grafana provisioning and dashboards"
"${py[@]}" scripts/check_compose.py || fail "scripts/check_compose.py (errors above)"

step "the compose checker finds what it claims to find"
"${py[@]}" scripts/check_compose_test.py 2>&1 | tail -n 3
"${py[@]}" scripts/check_compose_test.py >/dev/null 2>&1 || fail "scripts/check_compose_test.py (run it with -v)"

step "PromQL expressions (dashboards + rules)"
count="$("${py[@]}" scripts/promql-exprs.py | wc -l)" || fail "scripts/promql-exprs.py"
[ "$count" -gt 0 ] || fail "scripts/promql-exprs.py printed no expressions"
echo "$count distinct expressions"

step "docker compose config"
if docker compose version >/dev/null 2>&1; then
  docker compose -f docker-compose.yml config --quiet || fail "docker compose config"
  echo "docker compose config: OK"
else
  echo "skipped: no docker compose plugin on this machine (the Python checker above covers the file)"
fi

echo "check-ops: OK"
