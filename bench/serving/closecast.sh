#!/usr/bin/env bash
# The serving benchmark with closecast in it, one command:
#   bench/serving/closecast.sh [run.sh options...]      e.g. --duration 8s --rounds 2 --connections "1 16 64"
# Starts a private MLflow server (port $BENCH_MLFLOW_PORT, default 5077, store under bench/serving/.build/mlflow,
# fresh each time), trains bench/serving/closecast-model.yaml (the peers' architecture) and registers it as
# closecast-bench, promotes it to @production with --force (its accuracy is not what is measured; each
# --closecast-build NAME=DIR gets closecast-bench-NAME, trained by DIR's own bin/closecast), then runs
# bench/serving/run.sh with closecast started by bin/closecast-serve on port $BENCH_CLOSECAST_PORT (default 8092;
# --closecast-variant and --closecast-build targets on the next ports, side by side with it) beside the peers,
# and the same version served by `mlflow models serve` (peer mlflow-closecast: the bundle's python_function flavor,
# no Java). Stops the MLflow server at the end. Options after the script name go to run.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mlflow_port="${BENCH_MLFLOW_PORT:-5077}"
port="${BENCH_CLOSECAST_PORT:-8092}"
store="$here/.build/mlflow"
uri="http://127.0.0.1:$mlflow_port"
mkdir -p "$here/.build"

"$root/registry-server/mlflow-server.sh" start --port "$mlflow_port" --data "$store" --fresh >&2
trap '"$root/registry-server/mlflow-server.sh" stop --port "$mlflow_port" --data "$store" >/dev/null 2>&1 || true' EXIT
export MLFLOW_TRACKING_URI="$uri"

# train_and_promote CHECKOUT MODEL_NAME: trains CHECKOUT's bench/serving/closecast-model.yaml (this one's when it has
# none) with CHECKOUT's own bin/closecast, registers it as MODEL_NAME, moves @production to it; prints the version
train_and_promote() {
  local dir="$1" name="$2" config="$here/.build/closecast-model-$2.yaml" version
  local src="$dir/bench/serving/closecast-model.yaml"
  [ -f "$src" ] || src="$here/closecast-model.yaml"
  # absolute data paths (an older checkout resolves them against its working directory), the model's own name
  sed -e "s|^\(  file: \)data/|\1$dir/data/|" -e "s|^\(  registered-model: \).*|\1$name|" \
      -e "s|^\(  experiment: \).*|\1$name|" "$src" > "$config"
  echo "[bench] training and registering $name with $dir/bin/closecast ($src)" >&2
  (cd "$dir" && bin/closecast train "$config" --register) 2>&1 | grep -vE '^\[main\] INFO' | tail -5 >&2
  version="$(cd "$dir" && bin/closecast models list --name "$name" --json | python3 -c 'import json,sys; print(max(int(v["version"]) for v in json.load(sys.stdin)))')"
  (cd "$dir" && bin/closecast promote "$name" --version "$version" --force --reason "serving benchmark") 2>&1 | grep -vE '^\[main\] INFO' | tail -2 >&2
  echo "$version"
}
version="$(train_and_promote "$root" closecast-bench)"

# Each --closecast-build serves a model its own code trained (so a build that reads an older or newer bundle format
# is compared too): closecast-bench-NAME.
build_args=()
args=("$@")
for i in "${!args[@]}"; do
  if [ "${args[$i]}" = --closecast-build ] && [ $((i + 1)) -lt ${#args[@]} ]; then
    b="${args[$((i + 1))]}" bname="${args[$((i + 1))]%%=*}" bdir="${args[$((i + 1))]#*=}"
    [[ "$b" == *=* && -x "$bdir/bin/closecast" ]] || { echo "closecast.sh: --closecast-build: expected NAME=DIR with DIR/bin/closecast, found '$b'" >&2; exit 2; }
    train_and_promote "$(cd "$bdir" && pwd)" "closecast-bench-$bname" >/dev/null
    build_args+=(--closecast-build-env "$bname" "CLOSECAST_MODEL_NAME=closecast-bench-$bname")
  fi
done

# The same version as an MLflow model for peer mlflow-closecast (`mlflow models serve`, its python_function flavor).
pyfunc="$here/.build/closecast-pyfunc-model"
rm -rf "$pyfunc"
"$root/registry-server/mlflow-server.sh" python -c 'import sys, mlflow.artifacts; mlflow.artifacts.download_artifacts(sys.argv[1], dst_path=sys.argv[2])' \
  "models:/closecast-bench/$version" "$pyfunc" >/dev/null

# run.sh gives each started closecast target its port (CLOSECAST_PORT) and a fresh model cache
"$here/run.sh" --closecast-url "http://127.0.0.1:$port" --closecast-pyfunc-model "$pyfunc" \
  --peers "keras keras-pob mlflow mlflow-closecast" \
  --closecast-cmd "$root/bin/closecast-serve" \
  --closecast-env "CLOSECAST_TRACKING_URI=$uri CLOSECAST_MODEL_NAME=closecast-bench" \
  "${build_args[@]}" "$@"
