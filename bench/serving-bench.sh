#!/usr/bin/env bash
# Serving latency benchmark, one command: builds the serving module (and what it needs) through the reactor, then
# runs io.closecast.serving.ServingBench (test scope) on the toolchain JDK.
#   bench/serving-bench.sh [rounds=5] [seconds=5] [connections=16]
#   bench/serving-bench.sh --log [rounds=5] [seconds=5] [connections=16]   # the forecast log on vs off, dated requests
# Output: a table per round, medians over rounds, the predict/live ratio; also saved under bench/results/.
set -euo pipefail
main=io.closecast.serving.ServingBench
name=serving
if [ "${1:-}" = --log ]; then
  main=io.closecast.serving.ForecastLogBench
  name=forecast-log
  shift
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java_bin="${CLOSECAST_JAVA:-}"
if [ -z "$java_bin" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then java_bin="$j"; break; fi
  done
fi
[ -n "$java_bin" ] || { echo "serving-bench: no JDK 21+ found (set CLOSECAST_JAVA)" >&2; exit 1; }
./mvnw -B -q -pl serving -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="serving/target/test-classes:serving/target/classes:$(cat serving/target/bench-classpath.txt)"
mkdir -p bench/results
out="bench/results/$name-$(date -u +%Y%m%dT%H%M%SZ).txt"
. scripts/lib/java.sh
mapfile -t flags < <(closecast_jvm_flags "$java_bin" 1g)
"$java_bin" "${flags[@]}" -Djava.util.logging.config.file=/dev/null -cp "$cp" "$main" "$@" 2> >(grep -vE '^(INFO|WARNING|[A-Z][a-z]{2} [0-9]+, )' >&2) | tee "$out"
echo "saved $out" >&2
