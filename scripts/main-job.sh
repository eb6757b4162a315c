#!/usr/bin/env bash
# The main job on one machine, without Docker:
#   an MLflow server on 127.0.0.1:5000 -> the quickstart interval sweep on bundled data (nested runs, pruning;
#   trials chosen on the validation 80 % interval score) -> the best trial registered and promoted to @production
#   through the gate's interval objective (Kupiec, Christoffersen, interval score vs GARCH(1,1)) -> the Helidon service
#   loading it from the registry on 127.0.0.1:8080 -> Prometheus on 127.0.0.1:9090 when installed
#   -> a prediction from the service, and the URLs.
# `scripts/main-job.sh stop` stops everything it started. Idempotent: a second run reuses the server, resumes
# the (finished) sweep and the registered version, and restarts the service.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
run="$root/.run"
mkdir -p "$run"
config="configs/quickstart-interval.yaml"
model="closecast-quickstart-interval"
port="${CLOSECAST_PORT:-8080}"

stop_pid() {
  local name="$1" pidfile="$run/$1.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    echo "[main-job] stopped $name"
  fi
  rm -f "$pidfile"
}

if [ "${1:-}" = stop ]; then
  stop_pid serving
  stop_pid prometheus
  registry-server/mlflow-server.sh stop
  exit 0
fi

source scripts/lib/prereqs.sh
ensure_test_prereqs
export MLFLOW_TRACKING_URI
MLFLOW_TRACKING_URI="$(registry-server/mlflow-server.sh start --port 5000)"

echo "[main-job] building closecast (first time: downloads the Java dependencies)"
./mvnw -B -q package -DskipTests

echo "[main-job] sweep $config (nested MLflow runs; the best is registered and promoted through the interval gate)"
set +e
bin/closecast sweep "$config" --register --promote 2>&1 | grep -v -E '^\[main\] INFO|^\s*$' | tee "$run/sweep.log"
sweep_status=${PIPESTATUS[0]}
set -e
[ "$sweep_status" -eq 0 ] || { echo "[main-job] the sweep failed (exit $sweep_status): see above" >&2; exit 1; }

# The gate judges the sweep's best on its out-of-sample days only (the held-out test period and any later day of the
# file), on the config's objective (promotion.objective: interval): it refuses with fewer than 120 such days, when
# the next-day 80 % or 95 % intervals fail the Kupiec or Christoffersen conditional-coverage test at 5 %, when their
# interval score is not below GARCH(1,1)'s on the same days, or when they are significantly worse than production's.
# A refusal is a legitimate outcome, not a failure of the job: docs/promotion.md, docs/quality.md.
# (each grep finds nothing on one of the two outcomes: `|| true`, or set -e with pipefail would end the job there)
version="$(grep -oE "(registered the best trial .* as|is already) $model version [0-9]+" "$run/sweep.log" | grep -oE '[0-9]+$' | tail -1 || true)"
refusal="$(grep -E '^  refused: ' "$run/sweep.log" | tail -1 | sed 's/^  //' || true)"
passed="$(grep -E '^  passed on the interval objective: ' "$run/sweep.log" | tail -1 | sed 's/^  //' || true)"
if [ -n "$passed" ]; then
  echo "[main-job] the gate promoted version $version on its intervals, no --force needed: $passed"
fi
if bin/closecast models show "$model@production" >/dev/null 2>&1; then
  current="$(bin/closecast models show "$model@production" | head -1 | grep -oE 'version [0-9]+' | grep -oE '[0-9]+')"
  if [ -n "$refusal" ]; then
    echo "[main-job] the gate refused version $version ($refusal): production stays at version $current, which the service serves"
  else
    echo "[main-job] production is version $current"
  fi
else
  echo "[main-job] the gate refused version $version and nothing is in production yet: ${refusal:-see the closecast.promotion tags}"
  echo "[main-job] A refusal means this model has not shown, on days it never saw, that its next-day intervals are"
  echo "[main-job] calibrated (Kupiec, Christoffersen) and sharper than GARCH(1,1)'s (or there were too few such days to"
  echo "[main-job] tell). The service only serves @production, so for the demonstration the main job promotes it with"
  echo "[main-job] --force: the version is tagged verdict=forced with this reason; read its intervals as no better than"
  echo "[main-job] GARCH(1,1)'s and its point forecasts as no better than the naive forecast."
  bin/closecast promote "$model" --version "$version" --force \
    --reason "main job demo: first model of a fresh registry, promoted although the interval gate refused it (${refusal:-see closecast.promotion tags})"
fi
bin/closecast models list --name "$model"

stop_pid serving
echo "[main-job] starting the service on 127.0.0.1:$port (loads $model@production from the registry)"
CLOSECAST_MODEL_NAME="$model" CLOSECAST_PORT="$port" nohup bin/closecast-serve > "$run/serving.log" 2>&1 &
echo $! > "$run/serving.pid"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$(cat "$run/serving.pid")" 2>/dev/null || { echo "[main-job] the service exited; see $run/serving.log" >&2; tail -20 "$run/serving.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "[main-job] the service is not ready after 120 s: $(curl -s "http://127.0.0.1:$port/health/ready")" >&2; exit 1; }

prometheus_url="(not installed: apt-get install prometheus)"
if command -v prometheus >/dev/null 2>&1; then
  stop_pid prometheus
  sed -e "s/serving:8080/127.0.0.1:$port/g" -e "s/mlflow:5000/127.0.0.1:5000/g" \
      -e "s#rules.yml#$root/configs/prometheus/rules.yml#" configs/prometheus/prometheus.yml > "$run/prometheus.yml"
  nohup prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus-data" \
    --web.listen-address=127.0.0.1:9090 > "$run/prometheus.log" 2>&1 &
  echo $! > "$run/prometheus.pid"
  prometheus_url="http://127.0.0.1:9090"
fi

window="$(curl -fsS "http://127.0.0.1:$port/v1/model" | python3 -c '
import csv, json, sys
need = json.load(sys.stdin)["window_length"]
rows = list(csv.DictReader(open(sys.argv[1])))[-need:]
print(json.dumps({"closes": [float(r["Close"]) for r in rows], "dates": [r["Date"] for r in rows], "horizon": 5}))
' "$root/data/MSFT.csv")"
echo "[main-job] POST /v1/predict with MSFT's last closes:"
curl -fsS -X POST "http://127.0.0.1:$port/v1/predict" -H 'Content-Type: application/json' -d "$window"
echo
cat <<EOF2

closecast is running:
  MLflow UI (runs, sweep, registry)  $MLFLOW_TRACKING_URI
  prediction service                 http://127.0.0.1:$port/v1/predict   (model: http://127.0.0.1:$port/v1/model)
  dashboard page                     http://127.0.0.1:$port/
  metrics                            http://127.0.0.1:$port/metrics
  Prometheus                         $prometheus_url
Stop everything: scripts/main-job.sh stop
EOF2
