#!/usr/bin/env bash
# The forecast-quality report: every shipped config (configs/*.yaml, a fleet's symbols one by one, and the serving
# benchmark's model) trained on the bundled data with a walk-forward evaluation (rolling origins, each fold
# retrained). Point forecasts are scored against the naive forecast, next-day intervals against GARCH(1,1),
# RiskMetrics EWMA and the constant-width baseline on the held-out test period and on every fold; the raw outputs
# go to bench/results/quality-<date>/ and docs/quality.md is regenerated from them (bench/quality_report.py).
#
#   bench/quality.sh                       # folds 3 x 60 test days; QUALITY_FOLDS / QUALITY_TEST_DAYS change them
#   QUALITY_CONFIGS="configs/msft.yaml" bench/quality.sh      # only these (a fleet as configs/fleet.yaml#AAPL,
#                                          # a sweep file as the sweep's best trial as configs/quickstart.yaml@sweep)
#   bench/quality.sh --report-only [DIR]   # regenerate docs/quality.md from a results directory, no training
#   bench/quality.sh --check [DIR]         # exit 1 if docs/quality.md's generated part is not what DIR makes
#
# With MLFLOW_TRACKING_URI set it logs there (an experiment closecast-quality-<time> per session); otherwise it starts
# its own MLflow server on 127.0.0.1:${QUALITY_MLFLOW_PORT:-5150} (a fresh store under a temp dir) and stops it. A
# config whose run file is already in the results directory (QUALITY_RESULTS) is not trained again (QUALITY_RESUME=0
# retrains it), so an interrupted run goes on where it stopped. CPU heavy: (folds + 1) trainings per config (per
# trial of a sweep), one config at a time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
folds="${QUALITY_FOLDS:-3}"
test_days="${QUALITY_TEST_DAYS:-60}"
port="${QUALITY_MLFLOW_PORT:-5150}"
out="${QUALITY_OUT:-$root/docs/quality.md}"
results="${QUALITY_RESULTS:-$root/bench/results/quality-$(date -u +%F)}"
resume="${QUALITY_RESUME:-1}"

if [ "${1:-}" = --report-only ] || [ "${1:-}" = --check ]; then
  dir="${2:-$(ls -d "$root"/bench/results/quality-* 2>/dev/null | sort | tail -1)}"
  [ -d "$dir" ] || { echo "quality.sh: no results directory '${dir}'" >&2; exit 2; }
  [ "$1" = --report-only ] && exec python3 "$root/bench/quality_report.py" "$dir" "$out"
  # --check: is the page's generated part what the results make (nothing typed by hand into it)?
  copy="$(mktemp)"; trap 'rm -f "$copy"' EXIT
  cp "$out" "$copy"
  python3 "$root/bench/quality_report.py" "$dir" "$copy" >/dev/null
  diff -u "$out" "$copy" >&2 || { echo "quality.sh: $out differs from what $dir makes" >&2; exit 1; }
  echo "quality.sh: $out is what $dir makes"
  exit 0
fi

# the shipped configs, the quick ones first; a fleet is trained symbol by symbol (config#SYMBOL); a sweep file both
# as its training part and as the sweep it ships as (config@sweep: the trial it chooses on validation data)
default_configs="configs/quickstart.yaml configs/fleet.yaml#MSFT configs/fleet.yaml#AAPL configs/fleet.yaml#PETR4.SA
bench/serving/closecast-model.yaml configs/petr4.yaml configs/msft.yaml configs/quickstart.yaml@sweep
configs/quickstart-interval.yaml@sweep configs/fleet.yaml#MSFT@sweep configs/fleet.yaml#AAPL@sweep
configs/fleet.yaml#PETR4.SA@sweep"
read -r -a configs <<< "$(echo ${QUALITY_CONFIGS:-$default_configs})"

work="$(mktemp -d)"
own_server=false
cleanup() {
  if $own_server; then registry-server/mlflow-server.sh stop --data "$work/mlflow" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

[ -d pipeline/target/classes ] && [ -d pipeline/target/lib ] || ./mvnw -B -q -pl pipeline -am package -DskipTests
export MLFLOW_TRACKING_URI
if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
  MLFLOW_TRACKING_URI="$(registry-server/mlflow-server.sh start --port "$port" --data "$work/mlflow" --fresh | tail -1)"
  own_server=true
fi
mkdir -p "$results"
# an experiment of this session's own: a sweep started again in the same experiment would resume its earlier trials
experiment="closecast-quality-$(date -u +%Y%m%dT%H%M%S)"
python3 - "$results/meta.json" "$folds" "$test_days" "$experiment" <<'PY'
import datetime, json, os, platform, subprocess, sys
path, folds, test_days, experiment = sys.argv[1:]
try:
    meta = json.load(open(path))
except (OSError, ValueError):
    meta = {}
cpu = platform.processor() or "unknown CPU"
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
meta.setdefault("sessions", []).append({
    "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "commit": commit or "?", "cpu": cpu, "cores": os.cpu_count(),
    "os": platform.system() + " " + platform.release(), "load": os.getloadavg()[0], "experiment": experiment})
meta.update(folds=int(folds), test_days=int(test_days))
json.dump(meta, open(path, "w"), indent=1)
PY

for spec in "${configs[@]}"; do
  mode=train; base="$spec"
  case "$spec" in *@sweep) mode=sweep; base="${spec%@sweep}" ;; esac
  config="${base%%#*}"
  symbol=""; [ "$base" != "$config" ] && symbol="${base#*#}"
  name="$(basename "$config" .yaml)${symbol:+-$symbol}"; [ "$mode" = sweep ] && name="$name-sweep"
  if [ "$resume" = 1 ] && [ -s "$results/$name.run.json" ]; then
    echo "[quality] $spec: already in $results, skipped" >&2
    continue
  fi
  # The training part of the file (a sweep file's `sweep:` section dropped unless the sweep itself is run; a fleet's
  # data.symbols replaced by the one symbol) with the walk-forward folds set; kept beside the outputs as trained.
  python3 - "$config" "$results/$name.yaml" "$folds" "$test_days" "$root" "$symbol" "$mode" "$experiment" <<'PY'
import os, re, sys
src, dst, folds, test_days, root, symbol, mode, experiment = sys.argv[1:]
text = open(src).read()
if mode != "sweep":
    text = re.split(r"(?m)^sweep:", text)[0]
if symbol:
    text, n = re.subn(r"(?m)^(\s*)symbols:.*$", lambda m: m.group(1) + "symbol: " + symbol, text)
    if n != 1:
        sys.exit("quality.sh: %s has no data.symbols line to pick %s from" % (src, symbol))
    text = text.replace("{symbol}", symbol)
# the copy is trained from elsewhere: its relative data paths must still name the project's files
text = re.sub(r"(?m)^(\s*file:\s*)(?![/~])(\S+)", lambda m: m.group(1) + os.path.join(root, m.group(2)), text)
text = re.sub(r"(?ms)^evaluation:.*?(?=^\S|\Z)", "", text)
text = re.sub(r"(?ms)^mlflow:.*?(?=^\S|\Z)", "", text)
text = re.sub(r"(?ms)^promotion:.*?(?=^\S|\Z)", "", text)
text += ("evaluation:\n  walk-forward:\n    folds: %s\n    test-days: %s\n    validation-days: 60\n" % (folds, test_days))
text += "mlflow:\n  experiment: %s\n" % experiment
open(dst, "w").write(text)
PY
  echo "[quality] $spec: ${mode}ing with $folds walk-forward folds of $test_days days ($(date -u +%H:%M) UTC)" >&2
  start=$(date +%s)
  if ! bin/closecast "$mode" "$results/$name.yaml" > "$results/$name.log" 2>&1; then
    echo "[quality] $spec: $mode failed, see $results/$name.log" >&2
    tail -5 "$results/$name.log" >&2
    echo "$spec" > "$results/$name.failed"   # the report lists it as not measured
    continue
  fi
  seconds=$(( $(date +%s) - start ))
  if [ "$mode" = sweep ]; then
    # the trial the sweep chose on its own (validation) metric; its test period and folds are reported
    run_id="$(grep -oE 'best: trial [0-9]+, .*\(run [0-9a-f]{32}\)' "$results/$name.log" | tail -1 \
      | grep -oE '[0-9a-f]{32}' | tail -1)"
  else
    run_id="$(grep -oE 'run [0-9a-f]{32} FINISHED' "$results/$name.log" | tail -1 | cut -d' ' -f2)"
  fi
  [ -n "$run_id" ] || { echo "[quality] $spec: no finished run in $results/$name.log" >&2
                        echo "$spec" > "$results/$name.failed"; continue; }
  rm -f "$results/$name.failed"
  # the run as MLflow holds it (every metric, param and tag), plus what the report needs to know about it
  python3 - "$MLFLOW_TRACKING_URI" "$run_id" "$spec" "$seconds" "$results/$name.run.json" <<'PY'
import datetime, json, sys, urllib.request
uri, run_id, spec, seconds, dst = sys.argv[1:]
with urllib.request.urlopen(uri.rstrip("/") + "/api/2.0/mlflow/runs/get?run_id=" + run_id) as r:
    run = json.load(r)["run"]
data = run["data"]
json.dump({"config": spec, "run_id": run_id, "wall_seconds": int(seconds),
           "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "info": run["info"],
           # the latest value of every key, as runs/get gives them (their timestamps and steps left out)
           "metrics": {m["key"]: m["value"] for m in data.get("metrics", [])},
           "params": {p["key"]: p["value"] for p in data.get("params", [])},
           "tags": {t["key"]: t["value"] for t in data.get("tags", [])}},
          open(dst, "w"), indent=0, sort_keys=True)
PY
  echo "[quality] $spec: done in ${seconds} s" >&2
done

python3 "$root/bench/quality_report.py" "$results" "$out"
