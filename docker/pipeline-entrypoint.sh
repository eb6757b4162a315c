#!/usr/bin/env bash
# The pipeline image's entrypoint (docker/pipeline.Dockerfile):
#   ARGS...                  the closecast command line (docker-compose.yml, the Indexed Job): closecast ARGS
#   spark-submit ARGS...     Spark's spark-submit with closecast's main class and jars added (the Spark-on-Kubernetes
#                            submission, deploy/kubernetes/sweep/spark)
#   driver ARGS... | executor   what Spark on Kubernetes runs in the driver and executor pods it creates from this
#                            image (as Spark's own image's entrypoint does): the driver in client mode inside its pod,
#                            an executor with Spark's jars first, then closecast's.
set -euo pipefail

spark_home=/opt/spark
# closecast's code for Spark: this module's jar first, then the pipeline's jar and its runtime libraries
closecast_jars() {
  local sep="$1" out="/app/spark/closecast-spark.jar${sep}/app/closecast-pipeline.jar" jar
  for jar in /app/lib/*.jar; do out="$out$sep$jar"; done
  echo "$out"
}
local_uris() { closecast_jars , | sed 's#\(^\|,\)/#\1local:///#g'; }
closecast_java_options="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"

case "${1:-}" in
  spark-submit)
    shift
    exec "$spark_home/bin/spark-submit" --class io.closecast.pipeline.cli.Closecast --jars "$(local_uris)" \
      --conf "spark.executor.extraJavaOptions=$closecast_java_options" \
      --conf "spark.driver.extraJavaOptions=$closecast_java_options" \
      "$@" ;;
  driver)
    shift
    exec "$spark_home/bin/spark-submit" --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS}" \
      --deploy-mode client "$@" ;;
  executor)
    shift
    mapfile -t java_opts < <(env | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n | sed 's/[^=]*=\(.*\)/\1/')
    exec java "${java_opts[@]}" -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
      -cp "$spark_home/conf:$spark_home/jars/*" org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" --cores "$SPARK_EXECUTOR_CORES" \
      --app-id "$SPARK_APPLICATION_ID" --hostname "$SPARK_EXECUTOR_POD_IP" \
      --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" --podName "$SPARK_EXECUTOR_POD_NAME" ;;
  *)
    exec java -cp "/app/classes:/app/lib/*" io.closecast.pipeline.cli.Closecast "$@" ;;
esac
