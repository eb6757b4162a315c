#!/usr/bin/env bash
# The GARCH(1,1) peer's cost beside Python's arch, one command:
#   bench/garch-bench.sh [ROUNDS] [WARMUP] [REPETITIONS]     (defaults 3 5 15)
# Per symbol (MSFT, AAPL, PETR4.SA from data/), the Student-t GARCH(1,1) fitted on the training returns (every daily
# log return of Close but the last EVAL_DAYS) and the interval evaluation of the last EVAL_DAYS (default 252, a year)
# with the parameters fixed: the filtered variances, the 80 % and 95 % intervals, coverage, Winkler score, Kupiec and
# Christoffersen. (a) closecast in one warm JVM (bench/GarchBench.java: WARMUP untimed rounds, then REPETITIONS timed
# ones), (b) arch in one Python process, the same rounds (bench/garch_bench.py: `fit(disp="off")` at arch's defaults
# and, as arch-tight, with the ftol 1e-12 GarchArchAgreementIT holds the Java fit against). ROUNDS alternating
# processes (java, [base,] python), so all see the same machine load. Prints per symbol the medians over every timed
# repetition, the fastest one, the spread (min-max of the per-round medians), the ratio arch / closecast (> 1: closecast
# faster) over all repetitions and per round, and
# both sides' estimates and interval scores (they should agree: the same work); "first ms" is the first call per
# symbol in its process (for the first symbol: cold, what one `closecast evaluate` pays); in every round also one fresh
# process per side, timed from start to exit (JVM or Python start, imports, MSFT fitted and evaluated twice).
# Env: BENCH_BASE=DIR|GIT-REF also runs another build in every round (impl=java-base): a directory with a checkout
# (built here with -pl model -am package), or a git revision of this repository (exported with git archive into
# bench/.build/garch-base-REV and built there): the same-run before/after of a change. EVAL_DAYS (default 252).
# The arch environment is model/.venv (model/arch-peer.sh makes it from PyPI on first use). Results:
# bench/results/garch.txt and stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUNDS=${1:-3}
WARMUP=${2:-5}
REPS=${3:-15}
EVAL_DAYS=${EVAL_DAYS:-252}
SYMBOLS=(MSFT AAPL PETR4.SA)
JAVA=${CLOSECAST_JAVA:-}
. scripts/lib/java.sh
[ -n "$JAVA" ] || JAVA="$(closecast_find_java)"
OUT=bench/results
mkdir -p "$OUT"

build() { # build DIR CLASSPATH-FILE: the model module and its runtime class path
  (cd "$1" && { ./mvnw -B -q -o -pl model -am package -DskipTests >/dev/null 2>&1 || ./mvnw -B -q -pl model -am package -DskipTests; } \
    && ./mvnw -B -q -o -pl model dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$2" >/dev/null)
}
build "$PWD" "$PWD/$OUT/garch-classpath.txt"
CP="model/target/classes:$(cat "$OUT/garch-classpath.txt")"
if [ -n "${BENCH_BASE:-}" ]; then
  BASE="$BENCH_BASE"
  if [ ! -d "$BASE" ]; then
    rev="$(git rev-parse --short "$BENCH_BASE")"
    BASE="$PWD/bench/.build/garch-base-$rev"
    if [ ! -d "$BASE/model" ]; then
      mkdir -p "$BASE"
      git archive "$rev" | tar -x -C "$BASE"
    fi
  fi
  BASE="$(cd "$BASE" && pwd)"
  build "$BASE" "$PWD/$OUT/garch-classpath-base.txt"
  BASE_CP="$BASE/model/target/classes:$(cat "$OUT/garch-classpath-base.txt")"
fi
bash model/arch-peer.sh install
# compiled once (not the source launcher), so a fresh process's time is the JVM's, not javac's
JAVAC="$(dirname "$JAVA")/javac"
rm -rf bench/.build/garch && "$JAVAC" -d bench/.build/garch -cp "$CP" bench/GarchBench.java
CP="bench/.build/garch:$CP"
if [ -n "${BENCH_BASE:-}" ]; then
  rm -rf bench/.build/garch-base && "$JAVAC" -d bench/.build/garch-base -cp "$BASE_CP" bench/GarchBench.java
  BASE_CP="bench/.build/garch-base:$BASE_CP"
fi
mapfile -t FLAGS < <(closecast_jvm_flags "$JAVA" 1g)
FLAGS+=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
ARGS=(data "$EVAL_DAYS" "$WARMUP" "$REPS" "${SYMBOLS[@]}")
# arch and numpy on one thread, as the Java fit
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc --all) cores; $("$JAVA" -version 2>&1 | head -1); $(model/.venv/bin/python -c 'import arch, numpy, sys; print(f"arch {arch.__version__}, numpy {numpy.__version__}, Python {sys.version.split()[0]}")')"
  echo "started $(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime | sed 's/.*up/ up/')"
  echo "rounds $ROUNDS, warm-up $WARMUP, repetitions $REPS, evaluated days $EVAL_DAYS${BENCH_BASE:+, base $BENCH_BASE}"
} | tee "$OUT/garch.txt"
for r in $(seq 1 "$ROUNDS"); do
  "$JAVA" "${FLAGS[@]}" -cp "$CP" GarchBench java "${ARGS[@]}" | grep '^RESULT' | sed "s/^RESULT /RESULT round=$r /" | tee -a "$OUT/garch.txt"
  if [ -n "${BENCH_BASE:-}" ]; then
    "$JAVA" "${FLAGS[@]}" -cp "$BASE_CP" GarchBench java-base "${ARGS[@]}" | grep '^RESULT' | sed "s/^RESULT /RESULT round=$r /" | tee -a "$OUT/garch.txt"
  fi
  model/.venv/bin/python bench/garch_bench.py "${ARGS[@]}" | grep '^RESULT' | sed "s/^RESULT /RESULT round=$r /" | tee -a "$OUT/garch.txt"
  # a fresh process each, start to exit: the JVM or Python start, reading MSFT, fit + evaluation twice (one warm-up)
  t0=$(date +%s%N); "$JAVA" "${FLAGS[@]}" -cp "$CP" GarchBench java data "$EVAL_DAYS" 1 1 MSFT >/dev/null
  t1=$(date +%s%N); GARCH_BENCH_IMPLS=arch model/.venv/bin/python bench/garch_bench.py data "$EVAL_DAYS" 1 1 MSFT >/dev/null
  t2=$(date +%s%N)
  echo "PROCESS round=$r java_ms=$(( (t1 - t0) / 1000000 )) arch_ms=$(( (t2 - t1) / 1000000 ))" | tee -a "$OUT/garch.txt"
  echo "after round $r: uptime:$(uptime | sed 's/.*up/ up/')" | tee -a "$OUT/garch.txt"
done

python3 - "$OUT/garch.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r'(\w+)=(\S+)', l)) for l in open(sys.argv[1]) if l.startswith('RESULT')]
nums = lambda s: [float(x) for x in s.strip('[]').split(',')]
impls = list(dict.fromkeys(r['impl'] for r in rows))
symbols = list(dict.fromkeys(r['symbol'] for r in rows))
med = {}
best = {}
print(f"\n{'symbol':<9} {'impl':<11} {'fit ms':>8} {'eval ms':>8} {'total ms':>9} {'min ms':>8} {'rounds (median total)':>24} {'first ms':>9} {'evals':>6}  estimate / 80 % interval score")
for s in symbols:
    for i in impls:
        rs = [r for r in rows if r['impl'] == i and r['symbol'] == s]
        if not rs:
            continue
        fit = [x for r in rs for x in nums(r['fit_ms'])]
        ev = [x for r in rs for x in nums(r['eval_ms'])]
        tot = [x for r in rs for x in nums(r['total_ms'])]
        per_round = [float(r['median_total_ms']) for r in rs]
        med[i, s] = statistics.median(tot)
        best[i, s] = min(tot)
        last = rs[-1]
        print(f"{s:<9} {i:<11} {statistics.median(fit):>8.2f} {statistics.median(ev):>8.2f} {med[i, s]:>9.2f} {best[i, s]:>8.2f} "
              f"{min(per_round):>11.2f}-{max(per_round):<11.2f} {statistics.median(float(r['first_ms']) for r in rs):>9.1f} {last['evaluations']:>6}  "
              f"alpha {float(last['alpha']):.5f} beta {float(last['beta']):.5f} nu {float(last['nu']):.3f} "
              f"loglik {float(last['loglik']):.4f} IS80 {float(last['interval_score_80']):.5f} cov80 {float(last['coverage_80']):.3f}")
print()
for s in symbols:
    parts = []
    for ref in ('arch', 'arch-tight', 'java-base'):
        if (ref, s) in med and ('java', s) in med:
            parts.append(f"{ref} / closecast = {med[ref, s] / med['java', s]:.2f} (fastest repetitions: {best[ref, s] / best['java', s]:.2f})")
    print(f"{s}: " + ", ".join(parts) + "  (> 1: closecast faster; medians of every timed repetition)")
rounds = sorted({r['round'] for r in rows})
for s in symbols:
    per = []
    for rd in rounds:
        j = next((float(r['median_total_ms']) for r in rows if r['round'] == rd and r['impl'] == 'java' and r['symbol'] == s), None)
        a = next((float(r['median_total_ms']) for r in rows if r['round'] == rd and r['impl'] == 'arch' and r['symbol'] == s), None)
        if j and a:
            per.append(f"{a / j:.1f}")
    if per:
        print(f"{s}: arch / closecast per round (medians within each round): {', '.join(per)}")
procs = [dict(re.findall(r'(\w+)=(\S+)', l)) for l in open(sys.argv[1]) if l.startswith('PROCESS')]
if procs:
    j = statistics.median(int(p['java_ms']) for p in procs)
    a = statistics.median(int(p['arch_ms']) for p in procs)
    print(f"a fresh process, start to exit, MSFT fitted and evaluated twice (median of {len(procs)}): "
          f"java {j:.0f} ms, arch {a:.0f} ms (imports numpy, scipy, arch)")
PY
