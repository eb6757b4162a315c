# syntax=docker/dockerfile:1
# The closecast Helidon SE service (serving module). Build context: the repository root.
#
#   docker build -f docker/serving.Dockerfile -t closecast-serving .
#   docker run --rm -p 8080:8080 -e MLFLOW_TRACKING_URI=http://host:5000 \
#       -e CLOSECAST_MODEL_NAME=closecast-quickstart closecast-serving

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -pl serving -am package -DskipTests \
 && test -d serving/target/classes && test -d serving/target/lib
# The service never runs the DL4J training UI: refuse an image that would carry it (or its Vert.x server).
RUN if ls serving/target/lib | grep -E '^deeplearning4j-(ui|vertx)-[0-9]'; then \
      echo "serving/target/lib contains deeplearning4j-ui (listed above): exclude it from closecast-serving" >&2; exit 1; \
    fi

FROM eclipse-temurin:21-jre
# curl only for the container health check (GET /health/ready).
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && groupadd --system closecast && useradd --system --gid closecast --create-home closecast
WORKDIR /app
COPY --from=build /src/serving/target/classes /app/classes
COPY --from=build /src/serving/target/lib /app/lib
USER closecast
EXPOSE 8080
ENV CLOSECAST_PORT=8080 \
    JDK_JAVA_OPTIONS="-XX:+UseContainerSupport -Xmx1g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.pollerMode=2 -Djdk.readPollers=1"
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=6 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "-cp", "/app/classes:/app/lib/*", "io.closecast.serving.Main"]
