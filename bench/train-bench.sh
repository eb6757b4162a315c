#!/usr/bin/env bash
# closecast training + inference benchmark, one command:
#   bench/train-bench.sh [EPOCHS] [BATCH] [THREADS]     (defaults 5 32 2)
# Trains the same network (2x32 LSTM -> dense 16 relu -> 1, 60-step windows, 1,952 training windows,
# Adam 1e-3) with closecast's Trainer on (a) the DL4J engine and (b) the fused engine, in one JVM with
# alternating epochs (same load for both), then (b) fused and (c) PyTorch CPU in alternating processes,
# BENCH_ROUNDS times; prints median epoch times and the ratios. Then times single-window prediction
# with the pure-Java LstmForecaster vs DL4J output(). Results: bench/results/*.txt and stdout.
# Env: BENCH_ROUNDS (default 2), BENCH_VARIANTS (default none; extra single runs such as "samediff",
# "dl4j-cache-device"), BENCH_SKIP_DL4J=1 skips the slow alternating dl4j/fused run, BENCH_PYTHON
# names a Python that already has torch (default: bench/.venv, created on first run). BENCH_BASE=DIR also runs
# another checkout's fused engine in every round (its own bench/TrainBench.java and build: impl=fused-base), the
# same-run comparison of two builds (e.g. before and after a refactoring).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-5}
BATCH=${2:-32}
THREADS=${3:-2}
VARIANTS=${BENCH_VARIANTS:-}
ROUNDS=${BENCH_ROUNDS:-2}
JAVA=${CLOSECAST_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=bench/results
mkdir -p "$OUT"

PY=${BENCH_PYTHON:-bench/.venv/bin/python}
if [[ -z "${BENCH_PYTHON:-}" && ! -x bench/.venv/bin/python ]]; then
  echo "bench: creating bench/.venv with PyTorch from PyPI (large download)" >&2
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q torch numpy
fi

# one reactor build: closecast-training's class path names closecast-model, which is never installed into ~/.m2
# (the last module of the reactor, training, writes the file last)
CLASSPATH_ARGS=(-pl training -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$PWD/$OUT/classpath.txt")
./mvnw -B -q -o "${CLASSPATH_ARGS[@]}" >/dev/null 2>&1 || ./mvnw -B -q "${CLASSPATH_ARGS[@]}"
CP="training/target/classes:model/target/classes:$(cat "$OUT/classpath.txt")"
. scripts/lib/java.sh
mapfile -t FLAGS < <(closecast_jvm_flags "$JAVA" 4g)
FLAGS+=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.threads="$THREADS")
export OMP_NUM_THREADS=$THREADS

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA" -version 2>&1 | head -1); $(. /etc/os-release; echo "$PRETTY_NAME"); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/machine.txt"
"$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java data "$OUT/series.csv"

: > "$OUT/train.txt"
if [[ "${BENCH_SKIP_DL4J:-0}" != 1 ]]; then
  "$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java alternate "$EPOCHS" "$BATCH" | grep '^RESULT' | sed 's/ impl=/ run=alternate impl=/' | tee -a "$OUT/train.txt"
fi
if [[ -n "${BENCH_BASE:-}" ]]; then
  BASE_CP_FILE="$PWD/$OUT/classpath-base.txt"
  (cd "$BENCH_BASE" && { ./mvnw -B -q -o -pl training -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$BASE_CP_FILE" >/dev/null 2>&1 \
    || ./mvnw -B -q -pl training -am package dependency:build-classpath -DskipTests -Dmdep.outputFile="$BASE_CP_FILE"; })
  BASE_CP="$BENCH_BASE/training/target/classes:$BENCH_BASE/model/target/classes:$(cat "$BASE_CP_FILE")"
fi
for r in $(seq 1 "$ROUNDS"); do
  "$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java train fused "$EPOCHS" "$BATCH" | grep '^RESULT' | sed "s/ impl=/ run=round$r impl=/" | tee -a "$OUT/train.txt"
  if [[ -n "${BENCH_BASE:-}" ]]; then
    (cd "$BENCH_BASE" && "$JAVA" "${FLAGS[@]}" -cp "$BASE_CP" bench/TrainBench.java train fused "$EPOCHS" "$BATCH") | grep '^RESULT' | sed "s/ impl=fused/ run=round$r impl=fused-base/" | tee -a "$OUT/train.txt"
  fi
  "$PY" bench/train_torch.py "$OUT/series.csv" "$EPOCHS" "$BATCH" "$THREADS" | grep '^RESULT' | sed "s/ impl=/ run=round$r impl=/" | tee -a "$OUT/train.txt"
done
for v in $VARIANTS; do
  "$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java train "$v" "$EPOCHS" "$BATCH" | grep '^RESULT' | sed 's/ impl=/ run=single impl=/' | tee -a "$OUT/train.txt"
done
"$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java infer 200 | grep '^RESULT' | tee "$OUT/infer.txt"

python3 - "$OUT/train.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r'(\w+)=(\S+)', l)) for l in open(sys.argv[1]) if l.startswith('RESULT')]
def steady(r):
    ms = [int(v) for v in r['epoch_ms'].strip('[]').split(',')]
    return ms[1:] if len(ms) > 1 else ms
print("per run (median of epochs 2..N):")
for r in rows:
    print(f"  {r['run']:>10} {r['impl']:>22}: median epoch {r['median_epoch_ms']:>7} ms  epochs {r['epoch_ms']}  "
          f"peak RSS {r['peak_rss_mb']} MB  val {r['val_first']} -> {r['val_last']} (naive {r['naive_val']})")
alt = {r['impl']: r for r in rows if r['run'] == 'alternate'}
if 'dl4j' in alt and 'fused' in alt:
    d, f = int(alt['dl4j']['median_epoch_ms']), int(alt['fused']['median_epoch_ms'])
    print(f"alternating epochs, one JVM: dl4j {d} ms vs fused {f} ms -> fused is {d / max(1, f):.1f}x faster")
rounds = sorted({r['run'] for r in rows if r['run'].startswith('round')})
ratios = []
for rd in rounds:
    f = next((r for r in rows if r['run'] == rd and r['impl'] == 'fused'), None)
    t = next((r for r in rows if r['run'] == rd and r['impl'].startswith('pytorch')), None)
    if f and t:
        ratio = int(t['median_epoch_ms']) / max(1, int(f['median_epoch_ms']))
        ratios.append(ratio)
        print(f"{rd}: fused {f['median_epoch_ms']} ms vs {t['impl']} {t['median_epoch_ms']} ms -> PyTorch / fused = {ratio:.2f}")
base_ratios = []
for rd in rounds:
    f = next((r for r in rows if r['run'] == rd and r['impl'] == 'fused'), None)
    b = next((r for r in rows if r['run'] == rd and r['impl'] == 'fused-base'), None)
    if f and b:
        base_ratios.append(int(b['median_epoch_ms']) / max(1, int(f['median_epoch_ms'])))
        print(f"{rd}: fused {f['median_epoch_ms']} ms vs the base build's fused {b['median_epoch_ms']} ms (val {f['val_last']} vs {b['val_last']})")
if base_ratios:
    print(f"base build / this build, per round: median {statistics.median(base_ratios):.2f} (1 = same speed)")
if ratios:
    fused_all = [m for r in rows if r['run'].startswith('round') and r['impl'] == 'fused' for m in steady(r)]
    torch_all = [m for r in rows if r['run'].startswith('round') and r['impl'].startswith('pytorch') for m in steady(r)]
    print(f"median over rounds: fused {statistics.median(fused_all):.0f} ms, PyTorch {statistics.median(torch_all):.0f} ms "
          f"per epoch; PyTorch / fused ratio per round: median {statistics.median(ratios):.2f} (>1 = fused faster)")
PY
