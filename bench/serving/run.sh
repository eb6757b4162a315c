#!/usr/bin/env bash
# Serving benchmark, one command: closecast's Helidon service vs the peers a user would pick instead
# (a: FastAPI + uvicorn + Keras model.predict; b: `mlflow models serve` of the same network as a PyTorch/Keras
# MLflow model), all on 127.0.0.1, driven by wrk at each concurrency level. See README.md.
#
#   bench/serving/run.sh [--closecast-url URL] [--closecast-cmd "CMD"] [--closecast-path /v1/predict]
#                        [--closecast-header "X-API-Key: KEY"] [--duration 10s] [--connections "1 16 64"]
#                        [--peers "keras keras-pob mlflow"] [--keras-workers 2] [--ports "18611 18612"] [--warmup 10s]
#                        [--mlflow-flavor pytorch|keras] [--closecast-same-weights] [--rounds 3]
#                        [--closecast-variant "JVM FLAGS"]... [--closecast-build NAME=DIR]... [--wrk-threads 1]
#                        [--closecast-pyfunc-model DIR] [--closecast-env "VAR=VALUE ..."]
#                        [--closecast-build-env NAME "VAR=VALUE ..."]
# Each concurrency level runs --rounds times (c levels interleaved per round); the table shows medians.
# --closecast-same-weights: closecast serves weights.json's network, so its answer must equal the reference too.
# --closecast-variant: with --closecast-cmd, also runs closecast started by the same command with CLOSECAST_JAVA_OPTS set
#   to these flags (after the launcher's own, so they win), named closecast-v1, -v2, ...; the report compares each
#   with closecast. Repeatable.
# --closecast-build NAME=DIR: with --closecast-cmd, also runs another closecast checkout DIR (built: its
#   serving/target), started by the same command with its bin/closecast-serve in place of the command's; named
#   closecast-NAME, compared with closecast like a variant. Repeatable.
# Started closecast targets (closecast, its variants and builds) run side by side: each gets CLOSECAST_PORT (the
#   --closecast-url port, then the next ones) and its own fresh CLOSECAST_MODEL_CACHE_DIR under the run directory;
#   all are started and warmed up first, then every round runs each target in turn (the order reversed every other
#   round), so they share the machine's minutes. --closecast-env: more variables for every started closecast target
#   (repeatable, added up); --closecast-build-env NAME: more for build NAME only (after the others, so they win).
# --closecast-pyfunc-model: a closecast model directory (a downloaded version); peer mlflow-closecast serves it with
#   `mlflow models serve` through its python_function flavor (the NumPy loader in the bundle, no Java).
# --wrk-threads: wrk's threads (at most one per connection). One thread drives 64 connections at well over what
#   closecast serves here; a second one only competes for the same 2 cores and starves its own connections.
#
# Writes bench/serving/results/latest.md (and results/run-TIMESTAMP/ with the raw wrk output) and prints it.
#
#   bench/serving/run.sh --forecast-log-on-off [log-on-off.sh options]
# the forecast log's mode: closecast with the log on and off, two processes, no peers (log-on-off.sh; see README.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ "${1:-}" = --forecast-log-on-off ]; then
  shift
  exec "$here/log-on-off.sh" "$@"
fi

closecast_url="" closecast_cmd="" closecast_path="/v1/predict" closecast_headers="" closecast_variants=() closecast_builds=()
pyfunc_model="" closecast_env="" build_envs=()
duration="10s" connections="1 16 64" peers="keras keras-pob mlflow" mlflow_flavor=pytorch closecast_same_weights=no rounds=3 keras_workers=2 ports="18611 18612" warmup="10s" wrk_threads=1
ready_timeout=300
usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --closecast-url) closecast_url="${2:?--closecast-url needs a URL like http://127.0.0.1:8080}"; shift 2 ;;
    --closecast-cmd) closecast_cmd="${2:?--closecast-cmd needs a command}"; shift 2 ;;
    --closecast-path) closecast_path="${2:?--closecast-path needs a path}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --closecast-same-weights) closecast_same_weights=yes; shift ;;
    --closecast-variant) closecast_variants+=("${2:?--closecast-variant needs JVM flags, e.g. -Djdk.pollerMode=2}"); shift 2 ;;
    --closecast-build) closecast_builds+=("${2:?--closecast-build needs NAME=DIR, e.g. base=/work/closecast-base}"); shift 2 ;;
    --closecast-env) closecast_env+="${closecast_env:+ }${2?--closecast-env needs VAR=VALUE pairs}"; shift 2 ;;
    --closecast-build-env) build_envs+=("${2:?--closecast-build-env needs a build NAME and VAR=VALUE pairs}	${3?--closecast-build-env needs VAR=VALUE pairs after the NAME}"); shift 3 ;;
    --closecast-header) closecast_headers+="${2:?--closecast-header needs 'Name: value'}"$'\n'; shift 2 ;;
    --duration) duration="${2:?--duration needs e.g. 10s}"; shift 2 ;;
    --connections) connections="${2:?--connections needs e.g. \"1 16 64\"}"; shift 2 ;;
    --peers) peers="${2-}"; shift 2 ;;
    --keras-workers) keras_workers="${2:?--keras-workers needs a number}"; shift 2 ;;
    --ports) ports="${2:?--ports needs two ports}"; shift 2 ;;
    --mlflow-flavor) mlflow_flavor="${2:?--mlflow-flavor needs pytorch or keras}"; shift 2 ;;
    --closecast-pyfunc-model) pyfunc_model="${2:?--closecast-pyfunc-model needs a closecast model directory}"; shift 2 ;;
    --wrk-threads) wrk_threads="${2:?--wrk-threads needs a number}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs e.g. 3s}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (expected one of the options in --help)" >&2; exit 2 ;;
  esac
done
die() { echo "run.sh: $*" >&2; exit 2; }
[[ "$duration" =~ ^[0-9]+[smh]?$ ]] || die "--duration: expected a wrk duration like 10s, found '$duration'"
[[ "$warmup" =~ ^[0-9]+[smh]?$ ]] || die "--warmup: expected a wrk duration like 3s, found '$warmup'"
for c in $connections; do [[ "$c" =~ ^[1-9][0-9]*$ ]] || die "--connections: expected positive integers, found '$c'"; done
[[ "$mlflow_flavor" == pytorch || "$mlflow_flavor" == keras ]] || die "--mlflow-flavor: expected pytorch or keras, found '$mlflow_flavor'"
[[ "$wrk_threads" =~ ^[1-9][0-9]*$ ]] || die "--wrk-threads: expected a positive integer, found '$wrk_threads'"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds: expected a positive integer, found '$rounds'"
[[ "$keras_workers" =~ ^[1-9][0-9]*$ ]] || die "--keras-workers: expected a positive integer, found '$keras_workers'"
for p in $peers; do [[ "$p" == keras || "$p" == keras-pob || "$p" == mlflow || "$p" == mlflow-closecast ]] || die "--peers: expected some of keras keras-pob mlflow mlflow-closecast, found '$p'"; done
if [[ " $peers " == *" mlflow-closecast "* ]]; then
  [ -f "$pyfunc_model/MLmodel" ] && grep -q '^  python_function:' "$pyfunc_model/MLmodel" \
    || die "--peers mlflow-closecast: expected --closecast-pyfunc-model DIR holding a closecast MLmodel with a python_function flavor, found '$pyfunc_model'"
  pyfunc_model="$(cd "$pyfunc_model" && pwd)"
fi
read -r keras_port mlflow_port <<<"$ports"
[[ "${keras_port:-}" =~ ^[0-9]+$ && "${mlflow_port:-}" =~ ^[0-9]+$ ]] || die "--ports: expected two port numbers, found '$ports'"
if [ -n "$closecast_cmd" ] && [ -z "$closecast_url" ]; then
  die "--closecast-cmd: expected --closecast-url too (where the started service listens), found none"
fi
if [ ${#closecast_variants[@]} -gt 0 ] && [ -z "$closecast_cmd" ]; then
  die "--closecast-variant: expected --closecast-cmd too (the variant is that command with other JVM flags), found none"
fi
if [ ${#closecast_builds[@]} -gt 0 ]; then
  [ -n "$closecast_cmd" ] || die "--closecast-build: expected --closecast-cmd too (the build is started by that command with its own bin/closecast-serve), found none"
  [[ "$closecast_cmd" =~ [^[:space:]]*bin/closecast-serve ]] \
    || die "--closecast-build: expected --closecast-cmd to run bin/closecast-serve (replaced by each build's), found '$closecast_cmd'"
  for b in "${closecast_builds[@]}"; do
    [[ "$b" =~ ^[A-Za-z0-9._-]+=.+$ ]] || die "--closecast-build: expected NAME=DIR with NAME of letters, digits, '.', '_' or '-', found '$b'"
    d="${b#*=}"
    [ -x "$d/bin/closecast-serve" ] || die "--closecast-build ${b%%=*}: expected a closecast checkout with bin/closecast-serve at '$d', found none"
    [ -d "$d/serving/target/lib" ] && [ -d "$d/serving/target/classes" ] \
      || die "--closecast-build ${b%%=*}: expected '$d' built (serving/target/lib and classes: ./mvnw -pl serving -am package -DskipTests), found it unbuilt"
  done
fi
for kv in $closecast_env; do
  [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] || die "--closecast-env: expected VAR=VALUE pairs separated by spaces, found '$kv'"
done
# build_env NAME: the --closecast-build-env variables of build NAME
build_env() {
  local e out=""
  for e in "${build_envs[@]}"; do [ "${e%%	*}" != "$1" ] || out+="${out:+ }${e#*	}"; done
  echo "$out"
}
for e in "${build_envs[@]}"; do
  n="${e%%	*}" found=no
  for b in "${closecast_builds[@]}"; do [ "${b%%=*}" != "$n" ] || found=yes; done
  [ $found = yes ] || die "--closecast-build-env: expected the NAME of a --closecast-build, found '$n'"
  for kv in ${e#*	}; do
    [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] || die "--closecast-build-env $n: expected VAR=VALUE pairs separated by spaces, found '$kv'"
  done
done
if [ -n "$closecast_url" ]; then
  [[ "$closecast_url" =~ ^https?://[^/]+$ ]] || die "--closecast-url: expected a base URL like http://127.0.0.1:8080 (no path), found '$closecast_url'"
  [ -z "$closecast_cmd" ] || [[ "$closecast_url" =~ :[0-9]+$ ]] \
    || die "--closecast-cmd: expected --closecast-url with a port (the started targets listen there and on the next ports), found '$closecast_url'"
fi

# --- tools and the Python environment ------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  echo "installing wrk (apt-get)" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
command -v curl >/dev/null || die "curl: expected on PATH, found none"
# BENCH_SERVING_VENV: an existing environment to use as it is (e.g. another checkout's bench/serving/.venv)
venv="${BENCH_SERVING_VENV:-$here/.venv}"
py="$venv/bin/python"
if ! [ -x "$py" ] || ! "$py" -c "import keras, tensorflow, fastapi, uvicorn, mlflow" 2>/dev/null; then
  [ -z "${BENCH_SERVING_VENV:-}" ] || die "BENCH_SERVING_VENV: expected a Python environment with keras, tensorflow, fastapi, uvicorn and mlflow at '$venv', found none (unset it to create bench/serving/.venv)"
  echo "creating $venv (pip install -r requirements.txt)" >&2
  [ -x "$py" ] || python3 -m venv "$venv"
  "$py" -m pip install -q -r "$here/requirements.txt"
fi
if [[ " $peers " == *" mlflow "* ]] && [ "$mlflow_flavor" = pytorch ] && ! "$py" -c "import torch" 2>/dev/null; then
  # PyPI's Linux torch wheel is the CUDA build: it needs its nvidia-* wheels (about 3 GB, pip's cache helps) even on CPU.
  [ -z "${BENCH_SERVING_VENV:-}" ] || die "BENCH_SERVING_VENV: expected torch in '$venv' for the mlflow peer, found none (--mlflow-flavor keras avoids it)"
  echo "installing torch==2.15.0 from PyPI for the mlflow peer (--mlflow-flavor keras avoids it)" >&2
  "$py" -m pip install -q torch==2.15.0
fi
[ -f "$here/weights.json" ] || (cd "$here" && "$py" make_weights.py)

ts="$(date -u +%Y%m%dT%H%M%SZ)"
run="$here/results/run-$ts"
mkdir -p "$run"
echo "$connections" > "$run/connections.txt"
echo "$duration" > "$run/duration.txt"
echo "$rounds" > "$run/rounds.txt"
echo "$wrk_threads" > "$run/wrk-threads.txt"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$run/targets.tsv"
(cd "$here" && "$py" - "$root" "$run" <<'PY'
import json, sys
import lstm_ref
root, run = sys.argv[1], sys.argv[2]
closes = lstm_ref.request_closes(root)
json.dump({"closes": closes, "horizon": 1}, open(f"{run}/body.json", "w"))
json.dump({"inputs": [[[c] for c in closes]]}, open(f"{run}/body-invocations.json", "w"))
json.dump({"dataframe_split": {"columns": ["Close"], "data": [[c] for c in closes]}}, open(f"{run}/body-pyfunc.json", "w"))
PY
)

if [ -n "$peers" ] && [[ " $peers " == *" mlflow "* ]]; then
  model_dir="$here/.build/mlflow-model"
  if [ ! -f "$model_dir/MLmodel" ] || [ "$here/weights.json" -nt "$model_dir/MLmodel" ] \
      || [ "$(cat "$model_dir/bench-flavor.txt" 2>/dev/null)" != "$mlflow_flavor" ]; then
    (cd "$here" && "$py" mlflow_peer_build.py "$model_dir" --flavor "$mlflow_flavor") >&2
  fi
fi

# --- process handling -----------------------------------------------------------------------------------------------
started=()   # process-group leaders we started
cleanup() {
  local pid
  # one at a time (closecast targets of one checkout write the same class-data archive when they exit)
  for pid in "${started[@]}"; do  # wait for the whole process group (uvicorn workers too), then force
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 100); do pgrep -g "$pid" >/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do pgrep -g "$pid" >/dev/null || break; sleep 0.1; done
  done
  started=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
port_of() { local u="${1#*://}"; u="${u%%/*}"; echo "${u##*:}"; }
port_free() {  # nothing accepts connections on the port (waits up to 10 s for a previous target to let go)
  for _ in $(seq 50); do ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

# start NAME LOG CMD...: runs CMD in its own session (so the trap can stop its whole group); sets $last_pid
start() {
  local name="$1" log="$2"; shift 2
  local pidfile="$run/$name.pid"
  rm -f "$pidfile"
  # setsid forks when its caller leads a process group (job control on): the new session's pid comes from the file
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >"$log" 2>&1 < /dev/null &
  for _ in $(seq 100); do [ -s "$pidfile" ] && break; sleep 0.05; done
  [ -s "$pidfile" ] || { echo "run.sh: could not start $name: $*" >&2; exit 1; }
  last_pid="$(cat "$pidfile")"
  started+=("$last_pid")
}

# wait_ready URL PID LOG: polls until HTTP 200; sets $startup (seconds since $t0)
wait_ready() {
  local url="$1" pid="$2" log="$3" deadline=$((SECONDS + ready_timeout))
  while true; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then
      startup="$(awk -v a="$(now)" -v b="$t0" 'BEGIN {printf "%.2f", a - b}')"; return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "run.sh: the process for $url exited before it was ready; its log ($log):" >&2; tail -30 "$log" >&2; exit 1; fi
    [ $SECONDS -lt $deadline ] || { echo "run.sh: $url not ready after ${ready_timeout}s; log $log:" >&2; tail -30 "$log" >&2; exit 1; }
    sleep 0.2
  done
}

# the pids whose RSS counts for a target: the process we started (or the port's listeners) and all descendants
tree_pids() {
  local todo=("$@") seen=" " p
  while [ ${#todo[@]} -gt 0 ]; do
    p="${todo[0]}"; todo=("${todo[@]:1}")
    [[ "$seen" == *" $p "* ]] && continue
    seen+="$p "
    echo "$p"
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do todo+=("$c"); done
  done
}
listener_pids() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }
rss_kb() {
  local total=0 kb
  for p in $(tree_pids "$@"); do
    kb="$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null || true)"
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# prepare NAME URL BODY_FILE HEADERS: the answer check and the warm-up
prepare() {
  local name="$1" url="$2" body="$3" headers="$4" hdr=()
  while IFS= read -r h; do [ -n "$h" ] && hdr+=(-H "$h"); done <<<"$headers"
  curl -s --max-time 60 -H 'Content-Type: application/json' "${hdr[@]}" --data-binary @"$body" "$url" \
    > "$run/response-$name.json" || true
  echo "  $name answers: $(head -c 300 "$run/response-$name.json")" >&2
  export BENCH_BODY="$body" BENCH_HEADERS="$headers"
  local maxc; maxc="$(echo $connections | tr ' ' '\n' | sort -n | tail -1)"
  wrk -t "$((maxc < wrk_threads ? maxc : wrk_threads))" -c "$maxc" -d "$warmup" --timeout 60s -s "$here/post.lua" "$url" > "$run/warmup-$name.txt" 2>&1 || true
}

# measure NAME URL BODY_FILE HEADERS ROUND C ROOT_PIDS...: one wrk run at C connections, sampling the RSS of the roots
measure() {
  local name="$1" url="$2" body="$3" headers="$4" r="$5" c="$6"; shift 6
  local roots=("$@") rss="$run/rss-$name-c$c.txt" out="$run/wrk-$name-c$c-r$r.txt"
  export BENCH_BODY="$body" BENCH_HEADERS="$headers"
  ( while true; do rss_kb "${roots[@]}" >> "$rss"; sleep 0.5; done ) &
  local sampler=$!
  printf '%s\t%s\t%s\t%s\n' "$name" "$c" "$r" "$(cut -d' ' -f1 /proc/loadavg)" >> "$run/load.tsv"
  wrk -t "$((c < wrk_threads ? c : wrk_threads))" -c "$c" -d "$duration" --timeout 60s --latency \
    -s "$here/post.lua" "$url" > "$out" 2>&1 || echo "run.sh: wrk failed for $name c=$c round $r" >&2
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  echo "  $name c=$c round $r: $(grep -E 'Requests/sec' "$out" | tr -s ' ')" >&2
}

# bench NAME URL BODY_FILE HEADERS ROOT_PIDS...: answer check, warm-up, then wrk at each concurrency, round by round
bench() {
  local name="$1" url="$2" body="$3" headers="$4"; shift 4
  prepare "$name" "$url" "$body" "$headers"
  local r c
  for r in $(seq "$rounds"); do
    for c in $connections; do measure "$name" "$url" "$body" "$headers" "$r" "$c" "$@"; done
  done
}

# --- closecast -----------------------------------------------------------------------------------------------------
# Every closecast target (closecast, its variants, other builds) is started, timed to ready and warmed up; then the
# rounds run each target in turn (reversed every other round), so a comparison between them shares the same minutes.
cc_names=() cc_roles=() cc_cmds=() cc_urls=() cc_roots=()
if [ -n "$closecast_url" ]; then
  cc_names+=(closecast); cc_roles+=(closecast); cc_cmds+=("$closecast_cmd")
  i=0
  for flags in "${closecast_variants[@]}"; do
    i=$((i + 1))
    cc_names+=("closecast-v$i"); cc_roles+=(closecast-variant)
    cc_cmds+=("CLOSECAST_JAVA_OPTS=$(printf '%q' "$flags") $closecast_cmd")
  done
  for b in "${closecast_builds[@]}"; do
    [[ "$closecast_cmd" =~ [^[:space:]]*bin/closecast-serve ]]
    launcher="${BASH_REMATCH[0]}" dir="$(cd "${b#*=}" && pwd)"
    cc_names+=("closecast-${b%%=*}"); cc_roles+=(closecast-build)
    cc_cmds+=("${closecast_cmd/"$launcher"/"$dir/bin/closecast-serve"}")
  done
fi
base_port="$(port_of "$closecast_url")"
for i in "${!cc_names[@]}"; do
  name="${cc_names[$i]}" cmd="${cc_cmds[$i]}"
  if [ -n "$cmd" ]; then
    port=$((base_port + i)) url="${closecast_url%:*}:$((base_port + i))"
    extra="$closecast_env"
    [ "${cc_roles[$i]}" != closecast-build ] || extra+="${extra:+ }$(build_env "${name#closecast-}")"
    cmd="CLOSECAST_PORT=$port CLOSECAST_MODEL_CACHE_DIR=$run/cache-$name${extra:+ $extra} $cmd"
    echo "== $name ($url$closecast_path)" >&2
    port_free "$port" || die "--closecast-cmd: expected port $port to be free before starting $name, found it in use"
    t0="$(now)"
    start "$name" "$run/$name.log" bash -c "$cmd"
    wait_ready "$url/health/ready" "$last_pid" "$run/$name.log"
    roots="$last_pid" startup_txt="$(printf '%.1f' "$startup")" settings="started by \`$cmd\`"
  else
    url="$closecast_url"
    echo "== $name ($url$closecast_path)" >&2
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/health/ready" || true)" = 200 ] \
      || die "--closecast-url: expected $url/health/ready to answer 200, found no ready service"
    roots="$(listener_pids "$base_port" | tr '\n' ' ')"
    startup_txt="- (already running)" settings="already running at the given URL"
  fi
  [ -n "$roots" ] || echo "run.sh: no local process listens on $url: RSS not sampled" >&2
  cc_urls+=("$url$closecast_path"); cc_roots+=("$roots")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${cc_roles[$i]}" "POST $url$closecast_path" "$settings" "$startup_txt" \
    "$closecast_same_weights" >> "$run/targets.tsv"
done
for i in "${!cc_names[@]}"; do prepare "${cc_names[$i]}" "${cc_urls[$i]}" "$run/body.json" "$closecast_headers"; done
order=("${!cc_names[@]}")
for r in $(seq "$rounds"); do
  [ ${#order[@]} -gt 0 ] || break
  for c in $connections; do
    for i in "${order[@]}"; do
      # shellcheck disable=SC2086
      measure "${cc_names[$i]}" "${cc_urls[$i]}" "$run/body.json" "$closecast_headers" "$r" "$c" ${cc_roots[$i]}
    done
  done
  mapfile -t order < <(printf '%s\n' "${order[@]}" | tac)
done
cleanup
rm -rf "$run"/cache-*

# --- peers ---------------------------------------------------------------------------------------------------------
for peer in $peers; do
  case "$peer" in
    keras|keras-pob)
      port_free "$keras_port" || die "keras peer: expected port $keras_port to be free, found it in use (--ports)"
      call=predict name=keras-fastapi
      if [ "$peer" = keras-pob ]; then call=predict_on_batch name=keras-fastapi-pob; fi
      echo "== peer $name (FastAPI + uvicorn --workers $keras_workers + Keras model.$call) on :$keras_port" >&2
      t0="$(now)"
      start "$name" "$run/$name.log" env -C "$here" KERAS_BACKEND=tensorflow TF_CPP_MIN_LOG_LEVEL=2 BENCH_KERAS_CALL="$call" \
        "$venv/bin/uvicorn" keras_peer:app --host 127.0.0.1 --port "$keras_port" --workers "$keras_workers" --no-access-log
      pid=$last_pid
      wait_ready "http://127.0.0.1:$keras_port/health/ready" "$pid" "$run/$name.log"
      # ready means one worker answered: wait until every worker has built and warmed its model
      while [ "$(grep -c 'Application startup complete' "$run/$name.log" || true)" -lt "$keras_workers" ]; do
        kill -0 "$pid" 2>/dev/null || { tail -30 "$run/$name.log" >&2; exit 1; }
        sleep 0.2
      done
      startup="$(awk -v a="$(now)" -v b="$t0" 'BEGIN {printf "%.2f", a - b}')"
      ver="$("$py" -c 'import keras, tensorflow as tf, fastapi, uvicorn; print(f"keras {keras.__version__}, tensorflow {tf.__version__}, fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}")' 2>/dev/null)"
      printf '%s\tpeer\t%s\t%s\t%.1f\tyes\n' "$name" "POST http://127.0.0.1:$keras_port/predict" \
        "uvicorn --workers $keras_workers, sync handler (thread pool), \`model.$call\` per request; $ver" "$startup" >> "$run/targets.tsv"
      bench "$name" "http://127.0.0.1:$keras_port/predict" "$run/body.json" "" "$pid"
      cleanup ;;
    mlflow)
      port_free "$mlflow_port" || die "mlflow peer: expected port $mlflow_port to be free, found it in use (--ports)"
      flavor="$(cat "$here/.build/mlflow-model/bench-flavor.txt")"
      echo "== peer mlflow models serve ($flavor flavor) on :$mlflow_port" >&2
      t0="$(now)"
      start mlflow "$run/mlflow.log" env -C "$here" PATH="$venv/bin:$PATH" KERAS_BACKEND=tensorflow TF_CPP_MIN_LOG_LEVEL=2 \
        "$venv/bin/mlflow" models serve -m "$here/.build/mlflow-model" --env-manager local -h 127.0.0.1 -p "$mlflow_port"
      pid=$last_pid
      wait_ready "http://127.0.0.1:$mlflow_port/ping" "$pid" "$run/mlflow.log"
      ver="$("$py" -c 'import mlflow; print(f"mlflow {mlflow.__version__}")' 2>/dev/null)"
      if [ "$flavor" = pytorch ]; then ver+=", torch $("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null)"; fi
      printf 'mlflow-serve-%s\tpeer\t%s\t%s\t%.1f\tyes\n' "$flavor" "POST http://127.0.0.1:$mlflow_port/invocations" \
        "\`mlflow models serve --env-manager local\`, default workers (${MLFLOW_MODELS_WORKERS:-1}); $ver" "$startup" >> "$run/targets.tsv"
      bench "mlflow-serve-$flavor" "http://127.0.0.1:$mlflow_port/invocations" "$run/body-invocations.json" "" "$pid"
      cleanup ;;
    mlflow-closecast)
      port_free "$mlflow_port" || die "mlflow-closecast peer: expected port $mlflow_port to be free, found it in use (--ports)"
      echo "== peer mlflow models serve of the closecast model ($pyfunc_model, python_function flavor) on :$mlflow_port" >&2
      t0="$(now)"
      start mlflow-closecast "$run/mlflow-closecast.log" env -C "$here" PATH="$venv/bin:$PATH" \
        "$venv/bin/mlflow" models serve -m "$pyfunc_model" --env-manager local -h 127.0.0.1 -p "$mlflow_port"
      pid=$last_pid
      wait_ready "http://127.0.0.1:$mlflow_port/ping" "$pid" "$run/mlflow-closecast.log"
      ver="$("$py" -c 'import mlflow, numpy; print(f"mlflow {mlflow.__version__}, numpy {numpy.__version__}")' 2>/dev/null)"
      # closecast's own network (not weights.json's): its answer is checked for a finite price only
      printf 'mlflow-serve-closecast-pyfunc\tpeer\t%s\t%s\t%.1f\tno\n' "POST http://127.0.0.1:$mlflow_port/invocations" \
        "\`mlflow models serve --env-manager local\` of the closecast bundle (NumPy loader), default workers (${MLFLOW_MODELS_WORKERS:-1}); $ver" "$startup" >> "$run/targets.tsv"
      bench mlflow-serve-closecast-pyfunc "http://127.0.0.1:$mlflow_port/invocations" "$run/body-pyfunc.json" "" "$pid"
      cleanup ;;
  esac
done

# --- machine and report ----------------------------------------------------------------------------------------------
{
  echo "cpu:    $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores available)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "os:     $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "jdk:    $( (/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -version 2>&1 || java -version 2>&1) | head -1)"
  echo "python: $("$py" --version 2>&1)"
  echo "wrk:    $(wrk -v 2>&1 | head -1)"
  echo "load average at start: $load_at_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg) (machine shared with other work: numbers are noisy)"
  echo "date:   $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$run/machine.txt"
mkdir -p "$here/results"
status=0
(cd "$here" && "$py" report.py "$run" "$here/results/latest.md") || status=$?
cp "$here/results/latest.md" "$run/results.md"
echo "saved $here/results/latest.md and $run/" >&2
exit $status
