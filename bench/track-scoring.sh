#!/usr/bin/env bash
# Times the scoring of N logged forecasts (issue 26: one million under 30 s) on the embedded H2 store and on a real
# PostgreSQL (Debian's, a throw-away cluster started by scripts/lib/postgres.sh on 127.0.0.1), one after the other.
#
#   bench/track-scoring.sh [N] [--h2-only|--postgres-only]     # N defaults to 1000000
#   BENCH_JAVA_OPTS=-Dclosecast.bench.no-analyze=true bench/track-scoring.sh ...   # PostgreSQL without ANALYZE after loading
#
# Each run logs N one-step forecasts with two interval levels (1000 days x N/1000 symbols) through the store's own
# append, stores the closes, then times the store's first scoring pass, a second store's first pass (every span read
# once, nothing left: what a restart costs) with the track record, both with the scoring thread's CPU, and a later pass. Output (with `uptime` before and after each store: the machine is shared) goes to stdout and to
# bench/results/track-scoring-<UTC timestamp>.txt. Builds serving's test classes first (MVN_ARGS, e.g. -o, passed on).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=1000000
which=both
for a in "$@"; do
  case "$a" in
    --h2-only) which=h2 ;;
    --postgres-only) which=postgres ;;
    ''|*[!0-9]*) echo "usage: $0 [N] [--h2-only|--postgres-only]; found '$a'" >&2; exit 2 ;;
    *) n="$a" ;;
  esac
done
port="${BENCH_PG_PORT:-55491}"
password="${CLOSECAST_POSTGRES_PASSWORD:-mlflow}"
work="$(mktemp -d /tmp/closecast-track-scoring.XXXXXX)"
chmod 755 "$work" # PostgreSQL runs as the user postgres when this runs as root: it must reach $work/pg
mkdir -p "$root/bench/results"
out="$root/bench/results/track-scoring-$(date -u +%Y%m%dT%H%M%SZ).txt"
pg_started=0
cleanup() {
  if [ "$pg_started" = 1 ]; then bash "$root/scripts/lib/postgres.sh" stop "$work/pg" "$port" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
# shellcheck disable=SC2086
./mvnw -B -q ${MVN_ARGS:-} -pl serving -am test-compile
# shellcheck disable=SC2086
./mvnw -B -q ${MVN_ARGS:-} -pl serving dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
# the reactor's own modules from their target/classes, not from a local repository that may hold older ones
cp="serving/target/test-classes:serving/target/classes:model/target/classes:mlflow/target/classes:$(tr ':' '\n' < "$work/cp.txt" | grep -v '/io/closecast/' | paste -sd:)"
# shellcheck source=../scripts/lib/java.sh
. "$root/scripts/lib/java.sh"
java="$(closecast_find_java)"

bench() { # label, then ScoringBench's arguments
  local label="$1"; shift
  { echo "== $label, N=$n, $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ)"; echo "uptime before: $(uptime)"; } | tee -a "$out"
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS: words
  "$java" -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.closecast.serving.track.ScoringBench "$n" "$@" 2>&1 \
    | grep --line-buffered -E '^(H2|PostgreSQL):|^scored|Exception|Error' | tee -a "$out"
  echo "uptime after: $(uptime)" | tee -a "$out"
}

if [ "$which" != postgres ]; then
  mkdir -p "$work/h2"
  bench "H2 (embedded, $work/h2)" "$work/h2"
fi
if [ "$which" != h2 ]; then
  bash scripts/lib/postgres.sh start "$work/pg" "$port" >/dev/null
  pg_started=1
  bash scripts/lib/postgres.sh psql "$work/pg" "$port" -q -c "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION mlflow;"
  bench "PostgreSQL ($(bash scripts/lib/postgres.sh psql "$work/pg" "$port" -tAc 'SHOW server_version'))" "$work" \
    "jdbc:postgresql://127.0.0.1:$port/mlflow" mlflow "$password"
fi
echo "written to ${out#"$root"/} (ignored by git: copy what BENCHMARKS.md cites into a bench/results/*.md)"
