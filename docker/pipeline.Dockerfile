# syntax=docker/dockerfile:1
# The closecast command line (pipeline module) as a one-shot job: docker-compose.yml runs
# `closecast sweep configs/quickstart.yaml --register --promote` with it. Build context: the repository root.
#
#   docker build -f docker/pipeline.Dockerfile -t closecast-pipeline .
#   docker run --rm -e MLFLOW_TRACKING_URI=http://host:5000 closecast-pipeline data check data/MSFT.csv

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
# The Maven repository is a BuildKit cache, so a rebuild downloads nothing it already has.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -pl pipeline -am package -DskipTests \
 && test -d pipeline/target/classes && test -d pipeline/target/lib

FROM eclipse-temurin:21-jre
RUN groupadd --system closecast && useradd --system --gid closecast --create-home closecast
WORKDIR /app
COPY --from=build /src/pipeline/target/classes /app/classes
COPY --from=build /src/pipeline/target/lib /app/lib
# The job's inputs: sweep/training configs and the bundled price files (paths are relative to /app).
COPY --chown=closecast:closecast configs /app/configs
COPY --chown=closecast:closecast data /app/data
RUN chown closecast:closecast /app
USER closecast
# ND4J keeps most of its memory off-heap: -Xmx bounds only the Java heap, so leave the container room.
# (--sun-misc-unsafe-memory-access is a JDK 23+ flag and must not be given to this JDK 21.)
ENV JDK_JAVA_OPTIONS="-XX:+UseContainerSupport -Xmx2g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
ENTRYPOINT ["java", "-cp", "/app/classes:/app/lib/*", "io.closecast.pipeline.Closecast"]
CMD ["--help"]
