# syntax=docker/dockerfile:1
# The closecast command line (pipeline module) as a one-shot job: docker-compose.yml runs
# `closecast sweep configs/quickstart.yaml --register --promote` with it. Build context: the repository root.
# It also carries Spark (the spark module, and pyspark 4.2.0's distribution under /opt/spark): the same image is the
# submitter, the driver and the executors of a sweep on Spark on Kubernetes (deploy/kubernetes/sweep/spark;
# docker/pipeline-entrypoint.sh tells the cases apart).
#
#   docker build -f docker/pipeline.Dockerfile -t closecast-pipeline .
#   docker run --rm -e MLFLOW_TRACKING_URI=http://host:5000 closecast-pipeline data check data/MSFT.csv

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
# The Maven repository is a BuildKit cache, so a rebuild downloads nothing it already has.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -pl pipeline,spark -am package -DskipTests \
 && test -d pipeline/target/classes && test -d pipeline/target/lib && test -s spark/target/lib.classpath \
 && cp pipeline/target/closecast-pipeline-*.jar /src/closecast-pipeline.jar \
 && cp spark/target/closecast-spark-*.jar /src/closecast-spark.jar

# Spark's distribution (bin/, jars/ with spark-kubernetes) from PyPI's pyspark, the version spark/requirements.txt pins
FROM python:3.12-slim AS spark
COPY spark/requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --target /tmp/py -r /tmp/requirements.txt \
 && mkdir -p /opt/spark && cp -r /tmp/py/pyspark/bin /tmp/py/pyspark/jars /opt/spark/ && mkdir -p /opt/spark/conf

FROM eclipse-temurin:21-jre
RUN groupadd --system closecast && useradd --system --gid closecast --create-home closecast
WORKDIR /app
COPY --from=build /src/pipeline/target/classes /app/classes
COPY --from=build /src/pipeline/target/lib /app/lib
COPY --from=build /src/closecast-pipeline.jar /app/closecast-pipeline.jar
COPY --from=build /src/closecast-spark.jar /app/spark/closecast-spark.jar
COPY --from=spark /opt/spark /opt/spark
COPY docker/pipeline-entrypoint.sh /app/entrypoint.sh
# The job's inputs: sweep/training configs and the bundled price files (paths are relative to /app).
COPY --chown=closecast:closecast configs /app/configs
COPY --chown=closecast:closecast data /app/data
RUN chown closecast:closecast /app
USER closecast
ENV SPARK_HOME=/opt/spark
# ND4J keeps most of its memory off-heap: -Xmx bounds only the Java heap, so leave the container room.
# (--sun-misc-unsafe-memory-access is a JDK 23+ flag and must not be given to this JDK 21.)
ENV JDK_JAVA_OPTIONS="-XX:+UseContainerSupport -Xmx2g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
# `closecast retrain --listen 9095`: Alertmanager's webhook receiver (docker-compose.yml's retrain service, the
# Kubernetes Deployment closecast-retrain-receiver); the one-shot jobs of this image listen on nothing.
EXPOSE 9095
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["--help"]
