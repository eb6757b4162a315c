package io.closecast.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import org.junit.jupiter.api.Test;

/**
 * A real fleet sweep (two symbols) on a real Spark standalone cluster (pyspark 4.2.0's master and two 1-core workers on
 * 127.0.0.1) through {@code bin/closecast sweep --register}, with one worker killed (SIGKILL, with its executor) while
 * both run a trial. MLflow's Python client then reads each symbol's sweep: every trial ended exactly once, none is
 * RUNNING, the lost executor's trial is closed KILLED as superseded by its retry, and each symbol's best trial is the
 * one version of its own registered model.
 */
class SparkSweepIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIALS = 2; // per symbol

    @Test
    void aSweepSurvivesLosingAWorkerAndEveryTrialEndsExactlyOnce() throws Exception {
        String experiment = "closecast-it-spark-" + UUID.randomUUID().toString().substring(0, 8);
        try (SparkCluster cluster = SparkCluster.start(2); MlflowClient client = MlflowClient.create(
                MlflowConfig.create(trackingUri()))) {
            Path config = config(experiment, cluster.url());
            Path log = Files.createTempFile(cluster.dir(), "sweep-", ".log");
            ProcessBuilder builder = new ProcessBuilder("bash", SparkCluster.root().resolve("bin/closecast").toString(),
                    "sweep", config.toString(), "--register").directory(SparkCluster.root().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("MLFLOW_TRACKING_URI", trackingUri());
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Process sweep = builder.start();
            Set<String> runningAtKill;
            try {
                runningAtKill = awaitTwoRunning(client, experiment, sweep, log);
                cluster.killWorker(1);
                assertTrue(sweep.waitFor(240, TimeUnit.SECONDS), "the sweep did not end in 240 s:\n" + Files.readString(log));
            } finally {
                sweep.descendants().forEach(ProcessHandle::destroyForcibly);
                sweep.destroyForcibly();
            }
            String out = Files.readString(log);
            assertEquals(0, sweep.exitValue(), out);
            assertTrue(out.contains("on Spark " + cluster.url()), out);

            JsonNode fleet = python(experiment);
            assertEquals(Set.of("MSFT", "AAPL"), Set.copyOf(iterable(fleet.fieldNames())), "one parent per symbol: " + fleet);
            List<JsonNode> superseded = new ArrayList<>();
            for (String symbol : List.of("MSFT", "AAPL")) {
                JsonNode sweepSeen = fleet.path(symbol);
                List<JsonNode> runs = new ArrayList<>();
                sweepSeen.path("children").forEach(runs::add);
                assertTrue(runs.stream().noneMatch(r -> r.path("status").asText().equals("RUNNING")),
                        symbol + ": no trial left RUNNING: " + runs);
                Map<Integer, List<JsonNode>> ended = new TreeMap<>();
                for (JsonNode run : runs) {
                    assertEquals(symbol, run.path("symbol").asText(), "a trial of " + symbol + "'s parent trains it");
                    boolean interrupted = run.path("trial_status").asText().equals("interrupted");
                    if (!interrupted) {
                        ended.computeIfAbsent(run.path("trial").asInt(), i -> new ArrayList<>()).add(run);
                    }
                }
                assertEquals(TRIALS, ended.size(), symbol + ": every trial ended: " + runs);
                ended.forEach((trial, attempts) -> assertEquals(1, attempts.size(),
                        symbol + ": trial " + trial + " ended exactly once: " + attempts));
                for (JsonNode old : runs) {
                    if (old.path("stop_reason").asText().startsWith("superseded by attempt ")) {
                        superseded.add(old);
                        assertEquals("KILLED", old.path("status").asText(), old.toString());
                        JsonNode retry = ended.get(old.path("trial").asInt()).getFirst();
                        assertEquals(old.path("stop_reason").asText(), "superseded by attempt " + retry.path("attempt").asText(),
                                "the retry is the attempt named: " + retry);
                    }
                }
                String best = sweepSeen.path("best_run_id").asText();
                assertFalse(best.isEmpty(), sweepSeen.toString());
                List<String> registered = new ArrayList<>();
                sweepSeen.path("registered_run_ids").forEach(n -> registered.add(n.asText()));
                assertEquals(List.of(best), registered, symbol + "'s best trial is the one version of its own model");
                assertEquals("FINISHED", runs.stream().filter(r -> r.path("run_id").asText().equals(best)).findFirst()
                        .orElseThrow().path("status").asText());
            }
            assertFalse(superseded.isEmpty(), "the trial of the killed worker's executor is closed as superseded: " + fleet);
            assertTrue(superseded.stream().anyMatch(r -> runningAtKill.contains(r.path("run_id").asText())),
                    "a trial running when the worker died was superseded: " + runningAtKill + " " + superseded);
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    /** Waits until two trials run at once (one on each worker's executor) and returns their run ids. */
    private static Set<String> awaitTwoRunning(MlflowClient client, String experiment, Process sweep, Path log)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(150));
        while (Instant.now().isBefore(deadline)) {
            if (!sweep.isAlive()) {
                fail("the sweep ended before two trials ran at once:\n" + Files.readString(log));
            }
            var exp = client.findExperimentByName(experiment);
            if (exp.isPresent()) {
                List<Run> running = client.searchAllRuns(RunSearch.builder(exp.get().id())
                        .filter("tags.`closecast.trial_index` != '' and attributes.status = 'RUNNING'").build());
                if (running.size() >= 2) {
                    return running.stream().map(Run::id).collect(Collectors.toSet());
                }
            }
            Thread.sleep(200);
        }
        fail("no two trials ran at once within 150 s:\n" + Files.readString(log));
        throw new IllegalStateException();
    }

    private static Path config(String experiment, String master) throws IOException {
        try (var in = SparkSweepIT.class.getResourceAsStream("/it/spark-sweep.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("EXPERIMENT", experiment)
                    .replace("MASTER", master);
            // inside the checkout, so that data/MSFT.csv resolves against it
            Path dir = Files.createDirectories(SparkCluster.root().resolve("spark/target/it-configs"));
            Path file = Files.createTempFile(dir, "closecast-it-", ".yaml");
            Files.writeString(file, text);
            return file;
        }
    }

    /** The sweep as MLflow's Python client reads it: the parent's children, best run and registered versions. */
    private static JsonNode python(String experiment) throws IOException, InterruptedException {
        String script = """
                import json, sys
                from mlflow import MlflowClient
                c = MlflowClient()
                exp = c.get_experiment_by_name(sys.argv[1])
                parents = c.search_runs([exp.experiment_id], "tags.`closecast.kind` = 'sweep'")
                out = {}
                for parent in parents:
                    symbol = parent.data.tags["closecast.symbol"]
                    assert symbol not in out, "two parents of " + symbol
                    children = c.search_runs([exp.experiment_id],
                                             "tags.`mlflow.parentRunId` = '%s'" % parent.info.run_id, max_results=1000)
                    model = sys.argv[1] + "-" + symbol.lower()
                    out[symbol] = {
                        "best_run_id": parent.data.tags.get("closecast.best_run_id", ""),
                        "registered_run_ids": [v.run_id for v in c.search_model_versions("name = '%s'" % model)],
                        "children": [{"run_id": r.info.run_id, "status": r.info.status,
                                      "symbol": r.data.params.get("data.symbol", ""),
                                      "trial": int(r.data.tags["closecast.trial_index"]),
                                      "trial_status": r.data.tags.get("closecast.trial_status", ""),
                                      "stop_reason": r.data.tags.get("closecast.stop_reason", ""),
                                      "attempt": r.data.tags.get("closecast.trial_attempt", "")} for r in children]}
                print(json.dumps(out))
                """;
        Path errors = Files.createTempFile("closecast-spark-it-python", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", SparkCluster.root().resolve("registry-server/mlflow-server.sh")
                .toString(), "python", "-c", script, experiment).redirectError(errors.toFile());
        builder.environment().put("MLFLOW_TRACKING_URI", trackingUri());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(errors);
        assertEquals(0, p.exitValue(), out + err);
        return JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    private static String trackingUri() {
        String env = System.getenv("MLFLOW_TRACKING_URI");
        String uri = env != null && !env.isBlank() ? env : System.getProperty("closecast.it.tracking-uri", "");
        if (uri.isBlank()) {
            fail("the spark integration tests need a real MLflow server: run them through the build"
                    + " (./mvnw -B -pl spark -am verify starts one), or export MLFLOW_TRACKING_URI");
        }
        return uri;
    }
}
