#!/usr/bin/env bash
# Start-up benchmark of bin/closecast-serve, one command: how long from launching the process until
# GET /health/ready answers 200 (model resolved, downloaded into an empty cache, verified, loaded, warmed up),
# the CPU time the process used until then and its resident memory. Variants side by side: the launcher's
# CLOSECAST_SERVE_TUNING=throughput (the default: the JVM's defaults, C2, G1) and =startup (C1 JIT, serial GC).
#   bench/serve-startup.sh TRACKING_URI MODEL_NAME [rounds=5]
# The model must have a version behind @production (or the legacy stage Production).
# Output: one line per run, then medians and the ratios throughput / startup; also saved under bench/results/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
uri="${1:?usage: bench/serve-startup.sh TRACKING_URI MODEL_NAME [rounds]}"
model="${2:?usage: bench/serve-startup.sh TRACKING_URI MODEL_NAME [rounds]}"
rounds="${3:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/bench/results"
out="$root/bench/results/serve-startup-$(date -u +%Y%m%dT%H%M%SZ).txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# one run with CLOSECAST_SERVE_TUNING=$1: prints "ready_ms cpu_ms rss_mb"
run_once() {
    local tuning="$1" port cache pid start now ms cpu rss
    port="$(free_port)"
    cache="$work/cache-$RANDOM$RANDOM"
    start="$(date +%s%N)"
    CLOSECAST_SERVE_TUNING="$tuning" CLOSECAST_TRACKING_URI="$uri" CLOSECAST_MODEL_NAME="$model" CLOSECAST_PORT="$port" \
        CLOSECAST_MODEL_CACHE_DIR="$cache" setsid "$root/bin/closecast-serve" >"$work/serve.log" 2>&1 &
    pid=$!
    while :; do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" 2>/dev/null)" = 200 ]; then
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "serve-startup: the service exited before it was ready:" >&2; cat "$work/serve.log" >&2; exit 1
        fi
        now="$(date +%s%N)"
        if [ $(( (now - start) / 1000000 )) -gt 60000 ]; then
            echo "serve-startup: not ready within 60 s:" >&2; tail -20 "$work/serve.log" >&2; kill -- "-$pid"; exit 1
        fi
        sleep 0.01
    done
    now="$(date +%s%N)"
    ms=$(( (now - start) / 1000000 ))
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat")
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$ms $cpu $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
col() { cut -d' ' -f"$1" "$work/$2" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

run_once startup >/dev/null   # builds the serving module if needed; warms the OS file cache
{
    echo "closecast-serve start-up to ready, $model at $uri, $rounds rounds per variant, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
    printf '%-11s %-6s %9s %7s %7s\n' tuning round ready_ms cpu_ms rss_mb
    : >"$work/startup"; : >"$work/throughput"
    for r in $(seq 1 "$rounds"); do
        for v in startup throughput; do
            read -r ms cpu rss < <(run_once "$v")
            printf '%-11s %-6s %9s %7s %7s\n' "$v" "$r" "$ms" "$cpu" "$rss"
            echo "$ms $cpu $rss" >>"$work/$v"
        done
    done
    echo "median ready: startup $(col 1 startup) ms, throughput $(col 1 throughput) ms, ratio throughput/startup $(ratio "$(col 1 throughput)" "$(col 1 startup)")"
    echo "median CPU:   startup $(col 2 startup) ms, throughput $(col 2 throughput) ms, ratio throughput/startup $(ratio "$(col 2 throughput)" "$(col 2 startup)")"
    echo "median RSS:   startup $(col 3 startup) MB, throughput $(col 3 throughput) MB"
} | tee "$out"
echo "saved $out" >&2
