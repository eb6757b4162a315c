#!/usr/bin/env bash
# The serving benchmark with the forecast log on and off (issue 26: throughput with the log at least 0.95 of without
# at 16 connections). Two service processes, each the service as Main.start builds it serving the bench model
# (~0.1 ms per forecast, MSFT, intervals at two levels: ForecastLogServer, test scope): one with the forecast log on
# (the embedded H2 store in a fresh directory), one with it off. wrk (its own process, not in either measured JVM)
# drives each in turn with a dated POST /v1/predict (horizon 5: every answer of the first is logged), the order
# reversed every other round, after a warm-up of each (20 s by default: the logging service's JIT and H2 settle later
# than the other's; with 5 s its first rounds ran at 0.56-0.86 of the other's); per round the throughput ratio
# on/off, then the median (many short rounds: this shared VM's speed drifts by 10-20 % within minutes). Beside throughput, each
# service's CPU time per request (utime+stime from /proc over the round, all its threads: the log's writer included)
# and the 1-minute load average as each round starts. At the end the log must have written every request it
# answered (its /metrics: closecast_forecast_log_written_total = the 2xx answers wrk counted, lost 0, queue empty),
# or the comparison is void and the script exits 1.
#
#   bench/serving/log-on-off.sh [--rounds 11] [--duration 6s] [--connections 16] [--warmup 20s]
#                               [--store h2|down] [--java-opts "JVM FLAGS"] [--keep DIR]
# --store down: the logging service's store is a PostgreSQL URL nobody listens on (forecasts built and queued,
#   nothing written): the request path alone; the end check is then queued = made (less the writer's batch in hand),
#   written 0.
# --java-opts: more JVM flags for both services (e.g. a JFR recording: -XX:StartFlightRecording=filename=x.jfr,
#   %p is not expanded: use --keep and a relative name, each service runs in its own directory).
# --keep DIR: the run's directory (services' logs, bodies, wrk output); default a temporary one, removed.
# Prints the table and saves it as bench/results/forecast-log-wrk-TIMESTAMP.txt (not committed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=11 duration=6s connections=16 warmup=20s store=h2 java_opts="" keep=""
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --duration) duration="${2:?--duration needs e.g. 10s}"; shift 2 ;;
    --connections) connections="${2:?--connections needs a number}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs e.g. 5s}"; shift 2 ;;
    --store) store="${2:?--store needs h2 or down}"; shift 2 ;;
    --java-opts) java_opts="${2?--java-opts needs JVM flags}"; shift 2 ;;
    --keep) keep="${2:?--keep needs a directory}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "log-on-off.sh: unknown argument '$1' (expected one of the options in --help)" >&2; exit 2 ;;
  esac
done
die() { echo "log-on-off.sh: $*" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds: expected a positive integer, found '$rounds'"
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || die "--connections: expected a positive integer, found '$connections'"
[[ "$duration" =~ ^[0-9]+[smh]?$ ]] || die "--duration: expected a wrk duration like 10s, found '$duration'"
[[ "$warmup" =~ ^[0-9]+[smh]?$ ]] || die "--warmup: expected a wrk duration like 5s, found '$warmup'"
[[ "$store" == h2 || "$store" == down ]] || die "--store: expected h2 or down, found '$store'"
command -v wrk >/dev/null || { sudo -n apt-get install -y wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null; } \
  || die "wrk is not installed and apt-get could not install it"

cd "$root"
. scripts/lib/java.sh
java_bin="${CLOSECAST_JAVA:-$(closecast_find_java)}"
./mvnw -B -q -o -pl serving -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2 \
  || ./mvnw -B -q -pl serving -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="$root/serving/target/test-classes:$root/serving/target/classes:$(cat serving/target/bench-classpath.txt)"
mapfile -t flags < <(closecast_jvm_flags "$java_bin" 1g; closecast_serve_flags)  # as bin/closecast-serve runs it
read -r -a extra <<<"$java_opts"

run_dir="${keep:-$(mktemp -d /tmp/closecast-log-on-off.XXXXXX)}"
mkdir -p "$run_dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$keep" ] || rm -rf "$run_dir"
}
trap cleanup EXIT

declare -A pid port
on_mode=on; [ "$store" = down ] && on_mode=store-down
for name in on off; do
  mode=$name; [ "$name" = on ] && mode=$on_mode
  mkdir -p "$run_dir/$name"
  rm -f "$run_dir/$name/port" "$run_dir/wrk-$name.txt"
  (cd "$run_dir/$name" && exec "$java_bin" "${flags[@]}" "${extra[@]}" -Djava.util.logging.config.file=/dev/null \
      -cp "$cp" io.closecast.serving.ForecastLogServer "$mode" "$run_dir/$name/port" "$run_dir/body.json" \
      "$run_dir/$name/track" >"$run_dir/$name/service.log" 2>&1) &
  pid[$name]=$!
  pids+=("$!")
done
for name in on off; do
  for _ in $(seq 600); do [ -s "$run_dir/$name/port" ] && break; kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
  [ -s "$run_dir/$name/port" ] || { tail -30 "$run_dir/$name/service.log" >&2; die "service '$name' did not start"; }
  port[$name]=$(cat "$run_dir/$name/port")
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-API-Key: bench-key' "http://127.0.0.1:${port[$name]}/health/ready")" = 200 ] && break
    sleep 0.1
  done
done

export BENCH_BODY="$run_dir/body.json" BENCH_HEADERS="X-API-Key: bench-key"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
declare -A answered=([on]=0 [off]=0)
# one wrk run against service $1 for $2: prints "req/s p50_ms p99_ms cpu_us_per_req requests errors"
drive() {
  local name=$1 d=$2 c0 c1 out
  c0=$(cpu_ticks "${pid[$name]}")
  out=$(wrk -t1 -c"$connections" -d"$d" --latency -s "$here/post.lua" "http://127.0.0.1:${port[$name]}/v1/predict")
  c1=$(cpu_ticks "${pid[$name]}")
  echo "$out" >>"$run_dir/wrk-$name.txt"
  python3 - "$c0" "$c1" "$hz" "$(grep '^BENCHJSON ' <<<"$out" | sed 's/^BENCHJSON //')" <<'PY'
import json, sys
j = json.loads(sys.argv[4]); c0, c1, hz = map(float, sys.argv[1:4])
n = j["requests"]; errs = j["connect_errors"] + j["read_errors"] + j["write_errors"] + j["status_errors"] + j["timeouts"]
print(f'{n / (j["duration_us"] / 1e6):.0f} {j["p50_us"] / 1000:.3f} {j["p99_us"] / 1000:.3f} '
      f'{(c1 - c0) / hz * 1e6 / max(n, 1):.1f} {n} {errs}')
PY
}
count() { # adds a run's 2xx answers to answered[$1]; fails on any wrk error
  local name=$1 r
  read -r -a r <<<"$2"
  [ "${r[5]}" = 0 ] || die "wrk saw ${r[5]} errors against '$name' (see $run_dir/wrk-$name.txt; --keep DIR keeps it)"
  answered[$name]=$(( ${answered[$name]} + ${r[4]} ))
}

out_file="$root/bench/results/forecast-log-wrk-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"
{
echo "closecast forecast log on vs off, wrk: $connections connections (1 thread), $rounds rounds x $duration per service"
echo "(order reversed every other round), dated POST /v1/predict, horizon 5, MSFT bench model ~0.1 ms/forecast with"
echo "2 interval levels, store: $([ "$store" = down ] && echo "down (the request path alone)" || echo "embedded H2")"
echo "$(nproc) cores (shared), $("$java_bin" -version 2>&1 | head -1), git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- serving model || echo ' (+ working tree)'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(uptime | sed 's/.*load/load/')"
} | tee "$out_file"
for name in on off; do count "$name" "$(drive "$name" "$warmup")"; done
printf '%-6s %-4s %10s %9s %9s %12s %8s %6s\n' round log req/s "p50 ms" "p99 ms" "CPU us/req" on/off load | tee -a "$out_file"
results="$run_dir/rounds.tsv"
: >"$results"
for r in $(seq "$rounds"); do
  order="on off"; [ $((r % 2)) = 0 ] && order="off on"
  declare -A res=()
  declare -A load=()
  for name in $order; do
    load[$name]=$(cut -d' ' -f1 /proc/loadavg)
    res[$name]=$(drive "$name" "$duration")
    count "$name" "${res[$name]}"
  done
  read -r on_rps on_p50 on_p99 on_cpu _ <<<"${res[on]}"
  read -r off_rps off_p50 off_p99 off_cpu _ <<<"${res[off]}"
  ratio=$(awk -v a="$on_rps" -v b="$off_rps" 'BEGIN{printf "%.3f", a / b}')
  cratio=$(awk -v a="$on_cpu" -v b="$off_cpu" 'BEGIN{printf "%.3f", a / b}')
  printf '%-6s %-4s %10s %9s %9s %12s %8s %6s\n' "$r" on "$on_rps" "$on_p50" "$on_p99" "$on_cpu" "$ratio" "${load[on]}" | tee -a "$out_file"
  printf '%-6s %-4s %10s %9s %9s %12s %8s %6s\n' "$r" off "$off_rps" "$off_p50" "$off_p99" "$off_cpu" "" "${load[off]}" | tee -a "$out_file"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$on_rps" "$off_rps" "$on_p50" "$off_p50" "$on_p99" "$off_p99" \
    "$on_cpu" "$off_cpu" "$ratio" "$cratio" >>"$results"
done
python3 - "$results" <<'PY' | tee -a "$out_file"
import statistics as st, sys
rows = [list(map(float, l.split('\t'))) for l in open(sys.argv[1]) if l.strip()]
m = [st.median(c) for c in zip(*rows)]
print(f'{"median":<6} {"on":<4} {m[0]:10.0f} {m[2]:9.3f} {m[4]:9.3f} {m[6]:12.1f} {m[8]:8.3f}')
print(f'{"median":<6} {"off":<4} {m[1]:10.0f} {m[3]:9.3f} {m[5]:9.3f} {m[7]:12.1f}')
print(f'throughput with the log / without (median of the per-round ratios): {m[8]:.3f}; target >= 0.95: '
      f'{"met" if m[8] >= 0.95 else "NOT met"}')
print(f'CPU per request with the log / without (median of the per-round ratios): {m[9]:.3f}')
PY
metric() { # metric NAME: its value in the logging service's /metrics (0 when absent)
  curl -s -H 'X-API-Key: bench-key' "http://127.0.0.1:${port[on]}/metrics" \
    | awk -v n="$1" '$1 == n || index($1, n "{") == 1 {v = $2} END {print (v == "" ? 0 : v) + 0}'
}
# every forecast the logging service made (closecast_predictions_total: wrk's answers plus those in flight when a
# run ended, answered after wrk stopped counting) must be in the log
predicted=$(metric closecast_predictions_total); predicted=${predicted%.*}
[ "$predicted" -ge "${answered[on]}" ] || die "the logging service counts $predicted predictions, wrk ${answered[on]} answers"
# store down: nothing written, everything queued but the batch in the writer's hand (retried; at most track.batch-size)
expect_written=$predicted expect_queued=0
[ "$store" = down ] && expect_written=0 expect_queued=$predicted
for _ in $(seq 600); do
  written=$(metric closecast_forecast_log_written_total); lost=$(metric closecast_forecast_log_lost_total)
  queued=$(metric closecast_forecast_log_queued)
  [ "$store" = down ] && break
  [ "${written%.*}" -ge "$expect_written" ] && [ "${queued%.*}" -le "$expect_queued" ] && break
  sleep 0.1
done
echo "forecast log: $predicted forecasts made (wrk counted ${answered[on]} answers), ${written%.*} written, ${lost%.*} lost, ${queued%.*} queued at the end ($(uptime | sed 's/.*load/load/'))" | tee -a "$out_file"
echo "saved $out_file" >&2
in_hand=$(( expect_queued - ${queued%.*} ))
if [ "${lost%.*}" != 0 ] || [ "${written%.*}" != "$expect_written" ] || [ "$in_hand" -lt 0 ] || [ "$in_hand" -gt 500 ]; then
  echo "log-on-off.sh: the log did not keep every answer (expected $expect_written written, $expect_queued queued less at most a batch in hand, 0 lost): the comparison does not measure logging every request" >&2
  exit 1
fi
