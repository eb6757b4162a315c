#!/usr/bin/env bash
# What forecast intervals cost per forecast: ForecastModel.forecast vs forecastWithIntervals on the shipped configs'
# network ([32, 32] LSTM, window 60, levels 0.8 and 0.95), pure Java as serving runs it, in one JVM, medians of rounds.
#
#   bench/interval-cost.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA=${CLOSECAST_JAVA:-}
. scripts/lib/java.sh
[ -n "$JAVA" ] || JAVA="$(closecast_find_java)"
OUT=bench/results
mkdir -p "$OUT"
./mvnw -B -q -o -pl training -am test-compile -DskipTests >/dev/null 2>&1 || ./mvnw -B -q -pl training -am test-compile -DskipTests
./mvnw -B -q -o -pl training dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$OUT/interval-classpath.txt" >/dev/null
CP="training/target/test-classes:training/target/classes:model/target/classes:$(cat "$OUT/interval-classpath.txt")"
mapfile -t FLAGS < <(closecast_jvm_flags "$JAVA" 2g)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA" -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$JAVA" "${FLAGS[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.closecast.training.IntervalCostBench
