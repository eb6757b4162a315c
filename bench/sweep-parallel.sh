#!/usr/bin/env bash
# Does running sweep trials in parallel pay on this machine? Runs the same small sweep (6 trials of a real
# LSTM on bundled MSFT data, no pruning) with sweep.parallel 1, then 2 (each trial gets cores/parallel ND4J
# threads), against the MLflow server at MLFLOW_TRACKING_URI (default: starts the local one), and prints the
# wall time of each and the ratio. Usage: bench/sweep-parallel.sh [TRIALS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trials="${1:-6}"
export MLFLOW_TRACKING_URI="${MLFLOW_TRACKING_URI:-$(registry-server/mlflow-server.sh start --port 5000)}"
# The configs live inside the project, so their relative data path (data/MSFT.csv) resolves against its root.
mkdir -p bench/.build
work="$(mktemp -d bench/.build/sweep-parallel.XXXXXX)"
trap 'rm -rf "$work"' EXIT
stamp="$(date +%s)"
declare -A seconds
for parallel in 1 2; do
  sed -e "s/^  experiment: .*/  experiment: closecast-bench-parallel-$stamp-p$parallel/" \
      -e "s/^  parallel: .*/  parallel: $parallel/" -e "s/^  trials: .*/  trials: $trials/" \
      -e '/^  pruning:/d' -e "s/^  max-epochs: .*/  max-epochs: 4/" -e "s/^  patience: .*/  patience: 4/" \
      configs/quickstart.yaml > "$work/p$parallel.yaml"
  start=$(date +%s.%N)
  bin/closecast sweep "$work/p$parallel.yaml" > "$work/p$parallel.log" 2>&1 || { tail -20 "$work/p$parallel.log"; exit 1; }
  end=$(date +%s.%N)
  seconds[$parallel]=$(python3 -c "print(round($end - $start, 1))")
  echo "parallel $parallel: ${seconds[$parallel]} s for $trials trials"
done
python3 -c "print('parallel 2 vs 1: %.2fx the wall time (below 1 = parallel is faster)' % (${seconds[2]} / ${seconds[1]}))"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
