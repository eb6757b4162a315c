#!/usr/bin/env bash
# Checks the operations files without a Docker engine; fails (exit 1) on the first failing step and says
# which. Steps: promtool check config + rules and the alert unit tests (promtool test rules), the compose
# checker and its own tests (scripts/check_compose.py, scripts/check_compose_test.py), the PromQL list
# (scripts/promql-exprs.py), `docker compose config` when a compose plugin is installed, the Kubernetes manifests
# (scripts/check_kubernetes.py and its tests, in a virtual environment target/ops-venv with the pinned
# scripts/requirements-ops.txt; plus `kubectl kustomize` when kubectl is installed) and the HAProxy config
# (haproxy -c), amtool check-config of configs/alertmanager. Installs Debian's `prometheus` (for promtool),
# `prometheus-alertmanager` (for amtool) and `haproxy` packages when missing. See
# docs/operations.md.
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
promtool check rules configs/prometheus/retrain/*.yml || fail "promtool check rules configs/prometheus/retrain/*.yml"

step "amtool (Alertmanager's config: the retrain webhook)"
ensure_cmd amtool prometheus-alertmanager
command -v amtool >/dev/null 2>&1 || fail "amtool not found and could not be installed (apt-get install prometheus-alertmanager)"
amtool check-config configs/alertmanager/alertmanager.yml || fail "amtool check-config configs/alertmanager/alertmanager.yml"

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

step "Kubernetes manifests (deploy/kubernetes): schemas of Kubernetes 1.33 and 1.37, and agreement with docker/, configs/, the code"
venv=target/ops-venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s scripts/requirements-ops.txt "$venv/requirements-ops.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv" 2>/dev/null || { _apt_install python3-venv && python3 -m venv "$venv"; } \
    || fail "python3 -m venv $venv (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/requirements-ops.txt \
    || fail "pip install -r scripts/requirements-ops.txt into $venv"
  cp scripts/requirements-ops.txt "$venv/requirements-ops.txt"
fi
kubectl_flag=()
if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
  kubectl_flag=(--kubectl)
else
  echo "(no kubectl here: the manifests are rendered by the checker only)"
fi
"$venv/bin/python" scripts/check_kubernetes.py "${kubectl_flag[@]}" || fail "scripts/check_kubernetes.py (errors above)"

step "the Kubernetes checker finds what it claims to find"
k8s_test_log="$venv/check_kubernetes_test.log"
k8s_test_rc=0
"$venv/bin/python" scripts/check_kubernetes_test.py >"$k8s_test_log" 2>&1 || k8s_test_rc=$?
tail -n 3 "$k8s_test_log"
[ "$k8s_test_rc" -eq 0 ] || { cat "$k8s_test_log" >&2; fail "scripts/check_kubernetes_test.py (output above)"; }

step "HAProxy config for serving replicas (deploy/haproxy/haproxy.cfg)"
ensure_cmd haproxy haproxy
command -v haproxy >/dev/null 2>&1 || fail "haproxy not found and could not be installed (apt-get install haproxy)"
CLOSECAST_PROXY_BIND=127.0.0.1:8000 CLOSECAST_REPLICA_1=127.0.0.1:8081 CLOSECAST_REPLICA_2=127.0.0.1:8082 \
  haproxy -c -f deploy/haproxy/haproxy.cfg || fail "haproxy -c -f deploy/haproxy/haproxy.cfg"

echo "check-ops: OK"
