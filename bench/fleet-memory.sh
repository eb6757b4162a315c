#!/usr/bin/env bash
# Memory per loaded model (issue 19): registers COUNT copies of one msft.yaml-sized LSTM (2x32 units, window 60)
# as models PREFIX-1..COUNT in a real MLflow server (FleetMemoryBench), then for each n in COUNTS starts the real
# service process (io.closecast.serving.Main, the launcher's JVM flags, -Xmx1g as the image) serving the first n
# of them (CLOSECAST_MODEL_NAMES), waits for /health/ready, runs two full GCs (jcmd GC.run) and reads the process's
# own heap after GC (jvm_memory_used_bytes{area="heap"} from /metrics), its live threads and its resident memory.
# Heap per model = the slope between the smallest and the largest n (what one more model costs).
#   bench/fleet-memory.sh TRACKING_URI ["1 10 50"]
# Output: a Markdown table, also saved as bench/results/<date>-fleet-memory.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
uri="${1:?usage: bench/fleet-memory.sh TRACKING_URI [\"1 10 50\"]}"
read -r -a counts <<< "${2:-1 10 50}"
java_bin="${CLOSECAST_JAVA:-}"
if [ -z "$java_bin" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then java_bin="$j"; break; fi
  done
fi
[ -n "$java_bin" ] || { echo "fleet-memory: no JDK 21+ found (set CLOSECAST_JAVA)" >&2; exit 1; }
jcmd_bin="$(dirname "$java_bin")/jcmd"
[ -x "$jcmd_bin" ] || { echo "fleet-memory: no jcmd beside $java_bin" >&2; exit 1; }
./mvnw -B -q -pl serving -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="serving/target/test-classes:serving/target/classes:$(cat serving/target/bench-classpath.txt)"
. scripts/lib/java.sh
mapfile -t flags < <(closecast_jvm_flags "$java_bin" 1g)
mapfile -t serve_flags < <(closecast_serve_flags)
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
max="${counts[-1]}"
# CLOSECAST_FLEET_PREFIX=closecast-mem-HHMMSS reuses models an earlier run registered (at least max of them)
if [ -n "${CLOSECAST_FLEET_PREFIX:-}" ]; then
  prefix="$CLOSECAST_FLEET_PREFIX"
  registered="reusing models $prefix-1..$max"
else
  prefix="closecast-mem-$(date -u +%H%M%S)"
  registered="$("$java_bin" "${flags[@]}" -Djava.util.logging.config.file=/dev/null -cp "$cp" io.closecast.serving.FleetMemoryBench \
    "$uri" "$prefix" "$max" "$root" 2>"$work/register.log" | tail -1)"
fi
echo "$registered" >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
metric() { # metric NAME_AND_LABELS_PREFIX: the first sample's value from /metrics
  curl -s -o "$work/metrics.txt" "http://127.0.0.1:$port/metrics" -H 'Accept: text/plain'   # to a file: awk's early exit
  awk -v p="$1" 'index($0, p) == 1 { print $NF; exit }' "$work/metrics.txt"           # must not SIGPIPE curl (pipefail)
}

rows=()
declare -A heap
for n in "${counts[@]}"; do
  names="$(seq -s, -f "$prefix-%g" 1 "$n")"
  port="$(free_port)"
  start="$(date +%s%N)"
  CLOSECAST_MODEL_NAMES="$names" CLOSECAST_TRACKING_URI="$uri" CLOSECAST_PORT="$port" \
    CLOSECAST_MODEL_CACHE_DIR="$work/cache-$n" CLOSECAST_DATA_DIR="$work/none" \
    "$java_bin" "${flags[@]}" "${serve_flags[@]}" -Djava.util.logging.config.file=/dev/null -cp "$cp" \
    io.closecast.serving.Main configs/serving.yaml >"$work/serve-$n.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve-$n.log" >&2; exit 1; }
    sleep 0.5
  done
  [ "$code" = 200 ] || { echo "fleet-memory: $n models not ready after 300 s" >&2; tail -20 "$work/serve-$n.log" >&2; exit 1; }
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  served="$(curl -s "http://127.0.0.1:$port/v1/models" | python3 -c 'import json,sys; print(sum(m["condition"] == "serving" for m in json.load(sys.stdin)["models"]))')"
  [ "$served" = "$n" ] || { echo "fleet-memory: expected $n models serving, found $served" >&2; exit 1; }
  sleep 2
  "$jcmd_bin" "$pid" GC.run >/dev/null
  "$jcmd_bin" "$pid" GC.run >/dev/null
  sleep 1
  used="$(metric 'jvm_memory_used_bytes{area="heap"')"
  threads="$(metric 'jvm_threads_live')"
  rss_kb="$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")"
  heap[$n]="$used"
  rows+=("$(python3 -c "import sys; n,u,t,r,ms=sys.argv[1:]; print(f'| {n} | {float(u)/2**20:.1f} | {int(float(t))} | {int(r)/1024:.0f} | {int(ms)/1000:.1f} |')" "$n" "$used" "$threads" "$rss_kb" "$ready_ms")")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
first="${counts[0]}"
per="$(python3 -c "import sys; a,b,n1,n2=map(float,sys.argv[1:]); print(f'{(b-a)/(n2-n1)/1024:.0f}')" "${heap[$first]}" "${heap[$max]}" "$first" "$max")"
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%d)-fleet-memory.md"
{
  echo "# Memory per loaded model: \`bench/fleet-memory.sh $uri \"${counts[*]}\"\`, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$registered. One service process per row (io.closecast.serving.Main, -Xmx1g), serving the first n models"
  echo "from MLflow; heap after two full GCs (jcmd GC.run), from the process's /metrics."
  echo
  echo "| models | heap after GC (MiB) | live threads | RSS (MiB) | start to ready (s) |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Heap per loaded model (slope from $first to $max models): **$per KiB**."
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo), $("$java_bin" -version 2>&1 | head -1); shared with other builds while it ran."
} | tee "$out"
echo "saved $out" >&2
