#!/usr/bin/env bash
# Sweeps on Spark vs local threads, measured: the same 6 trials (configs/quickstart.yaml's space, 4 epochs, no
# pruning, so every variant trains exactly the same networks) run as
#   local-p2   closecast sweep with sweep.parallel 2 (two threads of one JVM, one training thread each)
#   spark-1w   on a Spark standalone cluster, sweep.spark.cores 1 (one executor on one 1-core worker)
#   spark-2w   on the same cluster, sweep.spark.cores 2 (two executors, one on each of the two 1-core workers)
# ROUNDS times (default 3), the variants interleaved and rotated each round, each a whole `bin/closecast sweep`
# command timed (JVM start, Spark context and executors, MLflow logging included) and each a fresh experiment (no
# resume). Per variant: the median wall time, trials per hour, start-up, the median trial run, idle time per trial
# (bench/spark_sweep_report.py, from MLflow) and Spark's overhead per trial against local-p2. Writes bench/results/spark-sweep-<UTC time>.{csv,md}.
# Needs: MLFLOW_TRACKING_URI (else starts the local MLflow server on 5000); the cluster comes from spark/cluster.sh
# (pyspark 4.2.0, installed on first use) on ports 7280-7289.
#
#   bench/spark-sweep.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-3}"
export MLFLOW_TRACKING_URI="${MLFLOW_TRACKING_URI:-$(registry-server/mlflow-server.sh start --port 5000)}"
export SPARK_LOCAL_IP=127.0.0.1
stamp="$(date -u +%Y-%m-%dT%H%M)"
# inside the checkout, so that the configs' data/MSFT.csv resolves against it (their project root)
work="$(pwd)/target/bench-spark-$stamp"
mkdir -p "$work"
cluster="$work/cluster"
trap 'spark/cluster.sh stop --data "$cluster" || true; rm -rf "$work"' EXIT

./mvnw -q -B -pl spark -am package -DskipTests
master="$(spark/cluster.sh start --port 7280 --webui-port 7281 --workers 2 --worker-webui-port 7282 --cores 1 --data "$cluster")"
echo "cluster: $master, 2 workers x 1 core"

config() { # variant experiment
  local variant="$1" experiment="$2" extra=""
  case "$variant" in
    spark-1w) extra="  executor: spark\n  spark: {master: \"$master\", cores: 1}\n" ;;
    spark-2w) extra="  executor: spark\n  spark: {master: \"$master\", cores: 2}\n" ;;
  esac
  sed -e "s/^  experiment: .*/  experiment: $experiment/" -e "s#^  parallel: .*#  parallel: 2\n$extra#" \
      -e '/^  pruning:/d' -e "s/^  max-epochs: .*/  max-epochs: 4/" -e "s/^  patience: .*/  patience: 4/" \
      -e '/^  trial-time-limit:/d' configs/quickstart.yaml
}

variants=(local-p2 spark-1w spark-2w)
csv="bench/results/spark-sweep-$stamp.csv"
mkdir -p bench/results
echo "round,variant,experiment,wall_s,trials,median_trial_s" > "$csv"
for round in $(seq 1 "$rounds"); do
  for k in 0 1 2; do
    variant="${variants[$(( (k + round - 1) % 3 ))]}"
    experiment="closecast-bench-spark-$stamp-r$round-$variant"
    printf '%b' "$(config "$variant" "$experiment")" > "$work/$variant.yaml"
    start=$(date +%s.%N)
    bin/closecast sweep "$work/$variant.yaml" > "$work/$round-$variant.log" 2>&1 || { tail -30 "$work/$round-$variant.log"; exit 1; }
    end=$(date +%s.%N)
    # each trial's own time: its MLflow run from start to end, read with MLflow's Python client
    read -r trials median_trial < <(registry-server/mlflow-server.sh python -c '
import statistics, sys
from mlflow import MlflowClient
c = MlflowClient()
e = c.get_experiment_by_name(sys.argv[1])
runs = [r for r in c.search_runs([e.experiment_id], max_results=1000)
        if "closecast.trial_index" in r.data.tags and r.info.end_time]
print(len(runs), round(statistics.median((r.info.end_time - r.info.start_time) / 1000 for r in runs), 2))
' "$experiment")
    wall=$(python3 -c "print(round($end - $start, 1))")
    echo "$round,$variant,$experiment,$wall,$trials,$median_trial" >> "$csv"
    echo "round $round $variant: $wall s for $trials trials (median trial run $median_trial s)"
  done
done

machine="$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
registry-server/mlflow-server.sh python bench/spark_sweep_report.py "$csv" "$machine" "$rounds" \
  > "bench/results/spark-sweep-$stamp.md"
cat "bench/results/spark-sweep-$stamp.md"
