#!/usr/bin/env bash
# The forecast-quality report: every shipped config (configs/*.yaml, the serving benchmark's model) trained on the
# bundled data with a walk-forward evaluation (rolling origins, each fold retrained), scored against the naive
# forecast on its held-out test period and on every fold. Writes docs/quality.md with the machine and the date.
#
#   bench/quality.sh                 # folds 3 x 60 test days; QUALITY_FOLDS / QUALITY_TEST_DAYS change them
#
# Starts its own MLflow server on 127.0.0.1:${QUALITY_MLFLOW_PORT:-5150} (a fresh store under a temp dir) and stops it.
# CPU heavy: four trainings per config.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
folds="${QUALITY_FOLDS:-3}"
test_days="${QUALITY_TEST_DAYS:-60}"
port="${QUALITY_MLFLOW_PORT:-5150}"
out="${QUALITY_OUT:-$root/docs/quality.md}"
work="$(mktemp -d)"
trap 'registry-server/mlflow-server.sh stop --data "$work/mlflow" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

[ -d pipeline/target/classes ] || ./mvnw -B -q package -DskipTests
export MLFLOW_TRACKING_URI
MLFLOW_TRACKING_URI="$(registry-server/mlflow-server.sh start --port "$port" --data "$work/mlflow" --fresh | tail -1)"

configs=(configs/petr4.yaml configs/msft.yaml configs/quickstart.yaml bench/serving/closecast-model.yaml)
: > "$work/runs.tsv"
for config in "${configs[@]}"; do
  name="$(basename "$config" .yaml)"
  # The training part of the file (a sweep file's `sweep:` section dropped) with the walk-forward folds set.
  python3 - "$config" "$work/$name.yaml" "$folds" "$test_days" "$root" <<'PY'
import os, re, sys
src, dst, folds, test_days, root = sys.argv[1:]
text = open(src).read()
text = re.split(r"(?m)^sweep:", text)[0]
# the copy lives in a temp dir: its relative data paths must still name the project's files
text = re.sub(r"(?m)^(\s*file:\s*)(?![/~])(\S+)", lambda m: m.group(1) + os.path.join(root, m.group(2)), text)
text = re.sub(r"(?ms)^evaluation:.*?(?=^\S|\Z)", "", text)
text = re.sub(r"(?m)^mlflow:.*?(?=^\S|\Z)", "", text, flags=re.S)
text += ("evaluation:\n  walk-forward:\n    folds: %s\n    test-days: %s\n    validation-days: 60\n" % (folds, test_days))
text += "mlflow:\n  experiment: closecast-quality\n"
open(dst, "w").write(text)
PY
  echo "[quality] $config: training with $folds walk-forward folds of $test_days days" >&2
  bin/closecast train "$work/$name.yaml" > "$work/$name.log" 2>&1 || { tail -20 "$work/$name.log" >&2; exit 1; }
  run_id="$(grep -oE 'run [0-9a-f]{32} FINISHED' "$work/$name.log" | tail -1 | cut -d' ' -f2)"
  printf '%s\t%s\n' "$config" "$run_id" >> "$work/runs.tsv"
done

python3 - "$work/runs.tsv" "$MLFLOW_TRACKING_URI" "$out" "$folds" "$test_days" <<'PY'
import datetime, json, os, platform, subprocess, sys, urllib.request
runs_file, uri, out, folds, test_days = sys.argv[1:]
folds = int(folds)

def run(run_id):
    with urllib.request.urlopen(uri + "/api/2.0/mlflow/runs/get?run_id=" + run_id) as r:
        data = json.load(r)["run"]
    metrics = {m["key"]: m["value"] for m in data["data"].get("metrics", [])}
    tags = {t["key"]: t["value"] for t in data["data"].get("tags", [])}
    params = {p["key"]: p["value"] for p in data["data"].get("params", [])}
    return metrics, tags, params

def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"

def f(x, digits=3):
    return "-" if x is None else ("%." + str(digits) + "f") % x

def verdict(mase, p):
    if mase is None:
        return "-"
    if mase < 1 and p is not None and p < 0.05:
        return "beats naive (significant)"
    if mase < 1:
        return "below naive, not significant"
    return "does not beat naive"

def r2(m, pre):
    # the model's R² beside the naive forecast's on the same days, e.g. "0.9871 (0.9874)"
    return "%s (%s)" % (f(m.get(pre + "test_r2"), 4), f(m.get(pre + "naive_test_r2"), 4))

def pct(x):
    return "-" if x is None else "%.1f %%" % (100 * x)

def interval_cells(m, pre):
    cells = []
    for level in ("80", "95"):
        cells.append("%s (%s)" % (pct(m.get(pre + "test_coverage_" + level)), pct(m.get(pre + "baseline_test_coverage_" + level))))
        cells.append("%s (%s)" % (f(m.get(pre + "test_interval_score_" + level)), f(m.get(pre + "baseline_test_interval_score_" + level))))
    return cells

rows, fold_rows, interval_rows = [], [], []
for line in open(runs_file):
    config, run_id = line.rstrip("\n").split("\t")
    m, t, p = run(run_id)
    symbol = p.get("data.symbol", "?")
    transform = p.get("data.transform", "?")
    rows.append("| %s | `%s` | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        symbol, config, transform, t.get("closecast.data.test_range", "?"), int(m.get("test_windows", 0)),
        f(m.get("test_mase"), 4), r2(m, ""), f(m.get("test_dm_abs_p_better")), f(m.get("test_dm_sq_p_better")),
        f(m.get("test_directional_accuracy")), f(m.get("test_majority_sign_accuracy")), f(m.get("test_up_share")),
        f(m.get("wf_mean_test_mase"), 4), verdict(m.get("test_mase"), m.get("test_dm_abs_p_better"))))
    interval_rows.append("| %s | `%s` | test period | %s |" % (symbol, config, " | ".join(interval_cells(m, ""))))
    for k in range(1, folds + 1):
        interval_rows.append("| %s | `%s` | fold %d | %s |" % (symbol, config, k, " | ".join(interval_cells(m, "fold%d_" % k))))
    for k in range(1, folds + 1):
        pre = "fold%d_" % k
        fold_rows.append("| %s | `%s` | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            symbol, config, k, t.get("closecast.fold%d" % k, "?").split("test ")[-1],
            f(m.get(pre + "test_mase"), 4), r2(m, pre), f(m.get(pre + "test_dm_abs_p_better")),
            f(m.get(pre + "test_dm_sq_p_better")), f(m.get(pre + "test_directional_accuracy")),
            f(m.get(pre + "test_majority_sign_accuracy")), f(m.get(pre + "test_up_share")),
            verdict(m.get(pre + "test_mase"), m.get(pre + "test_dm_abs_p_better"))))

try:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
except OSError:
    commit = "?"
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
text = f"""Made by `bench/quality.sh` on {now} ({cpu()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; commit
{commit}). Every shipped config trained on the bundled data exactly as shipped; next-day forecasts scored against
the naive forecast (tomorrow = today) on the same days. **MASE** is the model's MAE over naive's (below 1 beats
naive). **DM p** is the one-sided p-value of the Diebold-Mariano test (Harvey-Leybourne-Newbold correction) that
the model is more accurate than naive, for absolute and squared errors. **R²** is the model's coefficient of
determination on the test prices beside the naive forecast's in brackets: near 1 for anything that follows the
price level, naive included, so only the gap between the two says something. **Direction** is the share of days whose
up/down move the model called right, beside **majority** (always calling the training data's more frequent sign)
and the **up share** of those days: a direction equal to one of them says nothing. A model that does not beat
naive reads as such.

## Held-out test period (chronological split; the model trained and early-stopped before it)
| symbol | config | transform | test period | days | MASE | R² (naive) | DM p abs | DM p sq | direction | majority | up share | walk-forward mean MASE | reads as |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

## Walk-forward: {folds} folds of {test_days} trading days, each model retrained on everything before its fold
(60 validation days for early stopping before each test part; expanding training window)

| symbol | config | fold | test days | MASE | R² (naive) | DM p abs | DM p sq | direction | majority | up share | reads as |
|---|---|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(fold_rows) + """

A fold of 60 days is short: its DM p-values are weak evidence either way. The promotion gate therefore asks for at
least 120 out-of-sample days (README, "Is a model worth promoting?").

## Forecast intervals on the same days (method below)
Coverage is the share of (day, step) pairs inside the interval, beside the constant-width baseline's (naive +- the
training part's empirical return quantiles) in brackets; the interval score (Winkler, price units) is lower-better.
Target: coverage within 3 points of nominal and a score below the baseline's.

| symbol | config | days | coverage 80 (baseline) | score 80 (baseline) | coverage 95 (baseline) | score 95 (baseline) |
|---|---|---|---|---|---|---|
""" + "\n".join(interval_rows) + "\n"
begin, end = "<!-- quality.sh:begin -->\n", "<!-- quality.sh:end -->\n"
try:
    page = open(out).read()
except OSError:
    page = ""
if begin in page and end in page:
    page = page[:page.index(begin) + len(begin)] + text + page[page.index(end):]
else:
    page = "# Forecast quality\n\n" + begin + text + end
open(out, "w").write(page)
print(out)
PY
