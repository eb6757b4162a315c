#!/usr/bin/env bash
# What closecast sweep/train --ui costs, one command:
#   bench/ui-overhead.sh [EPOCHS] [THREADS] [PORT]     (defaults 10 2 9091)
# BENCH_HIDDEN / BENCH_WINDOW change the LSTM's units / window (defaults 16 / 30; the test configs use 4 / 10).
# One JVM trains three networks of the same small closecast LSTM (16 units, 30-step windows, 1,024 windows,
# batch 32 = 32 iterations per epoch) on the DL4J engine with alternating epochs, so they share the machine's
# load: no listener, DL4J's StatsListener reporting every iteration, and every TrainingUi.DEFAULT_FREQUENCY (5)
# iterations, both into one FileStatsStorage attached to a running DL4J UI server (what --ui does).
# Prints each variant's median epoch time (epochs 2..N), its ratio to no listener, and the median of the per-epoch
# ratios (epoch i against no listener's epoch i, which ran right before it: more robust to load changes), and the
# median time spent inside the StatsListener's callbacks per epoch. Results: bench/results/ui-overhead.txt
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-10}
THREADS=${2:-2}
PORT=${3:-9091}
JAVA=${CLOSECAST_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=bench/results
mkdir -p "$OUT"

./mvnw -B -q -o -pl pipeline -am package -DskipTests >/dev/null 2>&1 || ./mvnw -B -q -pl pipeline -am package -DskipTests
. scripts/lib/java.sh
CP="pipeline/target/classes:$(closecast_runtime_classpath pipeline/target)"
FLAGS=(-Xmx2g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
       -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.threads="$THREADS"
       -Dbench.hidden="${BENCH_HIDDEN:-16}" -Dbench.window="${BENCH_WINDOW:-30}")
export OMP_NUM_THREADS=$THREADS

echo "config: hidden ${BENCH_HIDDEN:-16}, window ${BENCH_WINDOW:-30}, $EPOCHS epochs, $THREADS threads" | tee "$OUT/ui-overhead.txt"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA" -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/ui-overhead.txt"
"$JAVA" "${FLAGS[@]}" -cp "$CP" bench/UiOverhead.java "$EPOCHS" "$PORT" | grep '^RESULT' | tee -a "$OUT/ui-overhead.txt"

python3 - "$OUT/ui-overhead.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r'(\w+)=(\S+)', l)) for l in open(sys.argv[1]) if l.startswith('RESULT')]
def series(r, key):
    return [int(v) for v in r[key].strip('[]').split(',')][1:]
ms = {r['variant']: series(r, 'epoch_ms') for r in rows}
inside = {r['variant']: series(r, 'listener_ms') for r in rows}
base = ms['none']
print(f"{'variant':<16} {'median epoch ms':>15} {'x none':>7} {'median per-epoch x none':>24} {'ms in listener/epoch':>21}")
for name, m in ms.items():
    paired = statistics.median(a / b for a, b in zip(m, base))
    print(f"{name:<16} {statistics.median(m):>15.0f} {statistics.median(m) / statistics.median(base):>7.2f} {paired:>24.2f}"
          f" {statistics.median(inside[name]):>21.0f}")
print("(epochs 2..N; 'ms in listener' is the wall time inside StatsListener callbacks, less sensitive to other load)")
PY
