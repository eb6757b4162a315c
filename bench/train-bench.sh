#!/usr/bin/env bash
# closecast training + inference benchmark, one command:
#   bench/train-bench.sh [EPOCHS] [BATCH] [THREADS]     (defaults 5 32 2)
# Trains the same network (2x32 LSTM -> dense 16 relu -> 1, 60-step windows, 1,952 training windows,
# Adam 1e-3) with closecast's Trainer (DL4J) and with PyTorch CPU, then times single-window prediction
# with the pure-Java LstmForecaster vs DL4J output(). Results: bench/results/*.txt and stdout.
# Env: BENCH_VARIANTS (default "closecast"; add e.g. "samediff" to time SameDiff's fused lstmLayer).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-5}
BATCH=${2:-32}
THREADS=${3:-2}
VARIANTS=${BENCH_VARIANTS:-closecast}
JAVA=${CLOSECAST_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=bench/results
mkdir -p "$OUT"

if [[ ! -x bench/.venv/bin/python ]]; then
  echo "bench: creating bench/.venv with PyTorch from PyPI (large download)" >&2
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q torch
fi

./mvnw -B -q -o -pl model -am package -DskipTests >/dev/null 2>&1 || ./mvnw -B -q -pl model -am package -DskipTests
./mvnw -B -q -o -pl model dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/classpath.txt" >/dev/null
CP="model/target/classes:$(cat "$OUT/classpath.txt")"
FLAGS=(-Xmx4g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
       -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.threads="$THREADS")
export OMP_NUM_THREADS=$THREADS

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA" -version 2>&1 | head -1); $(. /etc/os-release; echo "$PRETTY_NAME"); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/machine.txt"
"$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java data "$OUT/series.csv"

: > "$OUT/train.txt"
for v in $VARIANTS; do
  "$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java train "$v" "$EPOCHS" "$BATCH" | grep '^RESULT' | tee -a "$OUT/train.txt"
done
bench/.venv/bin/python bench/train_torch.py "$OUT/series.csv" "$EPOCHS" "$BATCH" "$THREADS" | grep '^RESULT' | tee -a "$OUT/train.txt"
"$JAVA" "${FLAGS[@]}" -cp "$CP" bench/TrainBench.java infer 200 | grep '^RESULT' | tee "$OUT/infer.txt"

python3 - "$OUT/train.txt" <<'PY'
import re, sys
rows = [dict(re.findall(r'(\w+)=(\S+)', l)) for l in open(sys.argv[1])]
torch = next(r for r in rows if r['impl'].startswith('pytorch'))
for r in rows:
    ratio = int(r['median_epoch_ms']) / max(1, int(torch['median_epoch_ms']))
    print(f"{r['impl']:>28}: median epoch {r['median_epoch_ms']:>7} ms  ({ratio:5.1f}x PyTorch)  "
          f"peak RSS {r['peak_rss_mb']} MB  val {r['val_first']} -> {r['val_last']} (naive {r['naive_val']})")
PY
