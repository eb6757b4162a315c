package io.closecast.pipeline;

import io.closecast.model.prices.source.ChartReplayServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code closecast retrain} against a real MLflow server and a price directory that gains days: the first retrain
 * registers and promotes, a second on the same data does nothing, and after new days a retrain evaluates the candidate
 * against production on them and records the gate's verdict on the version and on its own run.
 */
class RetrainIT {
    private static MlflowClient client;
    @TempDir
    static Path work;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    /** {@code data/MSFT.csv}'s rows up to {@code last} (inclusive) as {@code dir/MSFT.csv}. */
    private static void prices(Path dir, String last) throws Exception {
        prices(dir, "MSFT", last);
    }

    /** {@code data/SYMBOL.csv}'s rows up to {@code last} (inclusive) as {@code dir/SYMBOL.csv}. */
    private static void prices(Path dir, String symbol, String last) throws Exception {
        List<String> lines = Files.readAllLines(Cli.data(symbol + ".csv"));
        List<String> kept = new java.util.ArrayList<>(List.of(lines.getFirst()));
        for (String line : lines.subList(1, lines.size())) {
            if (line.substring(0, 10).compareTo(last) <= 0) {
                kept.add(line);
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(symbol + ".csv"), kept);
    }

    @Test
    void retrainRegistersPromotesThenWaitsForNewDaysThenJudgesAgainstProduction() throws Exception {
        String experiment = ItServers.unique("closecast-it-retrain");
        String model = ItServers.unique("closecast-it-retrain");
        Path config = CliProcess.config("tiny-train.yaml", experiment);
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-train",
                "registered-model: " + model));
        Path dir = work.resolve("prices");
        prices(dir, "2024-11-29");
        String[] gate = {"--days", "3", "--max-mase", "100"};
        ObjectMapper json = new ObjectMapper();

        Cli first = Cli.run(concat(new String[] {"retrain", config.toString(), "--prices", dir.toString(), "--json",
                "--trigger", "schedule"}, gate));
        assertEquals(0, first.code(), first.out() + first.err());
        JsonNode one = json.readTree(first.out());
        assertEquals("promoted", one.path("status").asText(), first.out());
        assertEquals("2024-11-29", one.path("data_day").asText());
        int v1 = one.path("version").asInt();
        assertEquals(v1, client.registry().getModelVersionByAlias(model, "production").version());
        ModelVersion version1 = client.registry().getModelVersion(model, v1);
        assertEquals("2024-11-29", version1.tag("closecast.retrain.data_day").orElseThrow());
        assertEquals("schedule", version1.tag("closecast.retrain.trigger").orElseThrow());
        assertEquals("promoted", version1.tag("closecast.retrain.verdict").orElseThrow());
        assertEquals("passed", version1.tag("closecast.servability.verdict").orElseThrow());
        Run run1 = client.getRun(one.path("run_id").asText());
        assertEquals(RunStatus.FINISHED, run1.info().status());
        assertEquals("retrain", run1.tags().get("closecast.run_type"));
        assertEquals("promoted", run1.tags().get("closecast.retrain.verdict"));
        assertTrue(run1.tags().get("closecast.retrain.data_range").endsWith("..2024-11-29"), run1.tags().toString());
        assertTrue(run1.metric("retrain_seconds").isPresent());
        assertEquals(run1.info().endTime(), new io.closecast.pipeline.retrain.Retrainer(client, java.time.Clock.systemUTC(),
                new java.io.PrintWriter(java.io.Writer.nullWriter())).lastFinished(config),
                "the receiver's staleness gauge sees this retrain through MLflow");
        assertEquals("", client.registry().getRegisteredModel(model).tags().getOrDefault("closecast.retrain.lock", ""),
                "the lock is released");

        Cli again = Cli.run(concat(new String[] {"retrain", config.toString(), "--prices", dir.toString(), "--json"}, gate));
        assertEquals(0, again.code(), again.out() + again.err());
        JsonNode two = json.readTree(again.out());
        assertEquals("up_to_date", two.path("status").asText(), again.out());
        assertTrue(two.path("reason").asText().contains("trained on data to 2024-11-29"), again.out());
        assertEquals(1, client.registry().searchModelVersions("name = '" + model + "'", List.of()).size(), "one version");

        prices(dir, "2024-12-31");
        Cli later = Cli.run(concat(new String[] {"retrain", config.toString(), "--prices", dir.toString()}, gate));
        assertEquals(0, later.code(), later.out() + later.err());
        assertTrue(later.out().contains(model + " (MSFT, prices 2010-01-04..2024-12-30, trigger manual): "), later.out());
        List<ModelVersion> versions = client.registry().searchModelVersions("name = '" + model + "'", List.of());
        assertEquals(2, versions.size());
        ModelVersion version2 = versions.stream().filter(v -> v.version() != v1).findFirst().orElseThrow();
        String verdict = version2.tag("closecast.retrain.verdict").orElseThrow();
        assertTrue(Set.of("promoted", "refused").contains(verdict), verdict);
        assertEquals(Integer.toString(v1), version2.tag("closecast.promotion.production_version").orElseThrow());
        assertTrue(version2.tag("closecast.promotion.comparison").orElseThrow().startsWith("production version " + v1 + " on "),
                version2.tags().toString());
        assertEquals("2024-12-30", version2.tag("closecast.retrain.data_day").orElseThrow());
        int holder = client.registry().getModelVersionByAlias(model, "production").version();
        assertEquals(verdict.equals("promoted") ? version2.version() : v1, holder, "the alias follows the verdict");
    }

    @Test
    void fetchFillsThePriceDirectoryFromYahooFirst() throws Exception {
        String model = ItServers.unique("closecast-it-retrain-fetch");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-retrain"));
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-train",
                "registered-model: " + model).replace("symbol: MSFT", "symbol: AAPL").replace("file: data/MSFT.csv",
                "file: data/AAPL.csv").replace("from: 2023-01-01", "from: 2019-01-01"));
        Path dir = work.resolve("fetched");
        prices(dir, "AAPL", "2020-10-30");
        try (ChartReplayServer yahoo = ChartReplayServer.start()) {
            Cli result = Cli.run("retrain", config.toString(), "--prices", dir.toString(), "--fetch", "--base-url",
                    yahoo.baseUrl().toString(), "--days", "3", "--max-mase", "100", "--json");
            assertEquals(0, result.code(), result.out() + result.err());
            JsonNode outcome = new ObjectMapper().readTree(result.out());
            assertEquals("2020-11-06", outcome.path("data_day").asText(), "the recorded Yahoo answer ends on 2020-11-06");
            assertEquals("promoted", outcome.path("status").asText(), result.out());
        }
        List<String> rows = Files.readAllLines(dir.resolve("AAPL.csv"));
        assertTrue(rows.getLast().startsWith("2020-11-06,"), rows.getLast());
    }

    @Test
    void aSweepConfigIsSweptItsBestTrialRegisteredAndJudged() throws Exception {
        String model = ItServers.unique("closecast-it-retrain-sweep");
        Path config = CliProcess.config("tiny-sweep.yaml", ItServers.unique("closecast-it-retrain"));
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-sweep",
                "registered-model: " + model).replace("training.batch-size: [32, 64, 16]", "training.batch-size: [32]"));
        Path dir = work.resolve("swept");
        prices(dir, "2024-12-30");
        Cli result = Cli.run("retrain", config.toString(), "--prices", dir.toString(), "--days", "3", "--max-mase", "100",
                "--json", "--trigger", "alert:CloseCastWorseThanNaive");
        assertEquals(0, result.code(), result.out() + result.err());
        JsonNode outcome = new ObjectMapper().readTree(result.out());
        assertEquals("promoted", outcome.path("status").asText(), result.out());
        ModelVersion version = client.registry().getModelVersion(model, outcome.path("version").asInt());
        assertEquals("alert:CloseCastWorseThanNaive", version.tag("closecast.retrain.trigger").orElseThrow());
        assertEquals("2024-12-30", version.tag("closecast.retrain.data_day").orElseThrow());
        Run best = client.getRun(version.runId().orElseThrow());
        assertTrue(best.tags().containsKey("closecast.sweep_run_id"), "a trial of a sweep: " + best.tags());
    }

    @Test
    void aRetrainKilledMidTrainingLeavesNoLockAndNoVersion() throws Exception {
        String model = ItServers.unique("closecast-it-retrain-kill");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-retrain"));
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-train",
                "registered-model: " + model).replace("max-epochs: 3", "max-epochs: 5000").replace("patience: 3",
                "patience: 5000"));
        Path dir = work.resolve("killed");
        prices(dir, "2024-12-30");
        Path output = Files.createTempFile("closecast-retrain-kill", ".log");
        Process retrain = CliProcess.builder(output, "retrain", config.toString(), "--prices", dir.toString()).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(240);
            while (!lockHeld(model)) {
                assertTrue(retrain.isAlive(), "the retrain ended before it took its lock:\n" + Files.readString(output));
                assertTrue(System.nanoTime() < deadline, "no lock after 240 s:\n" + Files.readString(output));
                Thread.sleep(200);
            }
            Thread.sleep(3000); // into the training
            assertTrue(retrain.isAlive(), Files.readString(output));
            retrain.destroy(); // SIGTERM, as Kubernetes stops a pod
            assertTrue(retrain.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), Files.readString(output));
        } finally {
            retrain.destroyForcibly();
        }
        assertEquals("", client.registry().getRegisteredModel(model).tags().getOrDefault("closecast.retrain.lock", ""),
                "the lock is freed:\n" + Files.readString(output));
        assertTrue(client.registry().searchModelVersions("name = '" + model + "'", List.of()).isEmpty(),
                "no version registered");
    }

    @Test
    void aRetrainKilledOutrightLeavesARunningRunThatTheNextRetrainEndsKilled() throws Exception {
        String model = ItServers.unique("closecast-it-retrain-kill9");
        String experiment = ItServers.unique("closecast-it-retrain");
        Path config = CliProcess.config("tiny-train.yaml", experiment);
        String normal = Files.readString(config).replace("registered-model: closecast-it-train", "registered-model: " + model);
        Files.writeString(config, normal.replace("max-epochs: 3", "max-epochs: 5000").replace("patience: 3", "patience: 5000"));
        Path dir = work.resolve("killed-hard");
        prices(dir, "2024-12-30");
        Path output = Files.createTempFile("closecast-retrain-kill9", ".log");
        Process retrain = CliProcess.builder(output, "retrain", config.toString(), "--prices", dir.toString(),
                "--lock-lease", "PT6S").start();
        String experimentId;
        List<Run> running;
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(240);
            for (;;) {
                assertTrue(retrain.isAlive(), "the retrain ended before it trained:\n" + Files.readString(output));
                assertTrue(System.nanoTime() < deadline, "no training run after 240 s:\n" + Files.readString(output));
                experimentId = client.findExperimentByName(experiment).map(e -> e.id()).orElse(null);
                running = experimentId == null ? List.of() : client.searchAllRuns(io.closecast.mlflow.entities.RunSearch
                        .builder(experimentId).filter("attributes.status = 'RUNNING'").build());
                if (running.size() == 2) { // the retrain run and its training run
                    break;
                }
                Thread.sleep(200);
            }
            Thread.sleep(2000); // into the training
            retrain.destroyForcibly(); // SIGKILL: no shutdown hook, no run ended, the lease left to expire
            assertTrue(retrain.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            retrain.destroyForcibly();
        }
        for (Run run : running) {
            assertEquals(RunStatus.RUNNING, client.getRun(run.id()).info().status(), "left RUNNING by the kill");
        }
        Thread.sleep(7000); // the 6 s lease expires
        Files.writeString(config, normal);
        Cli next = Cli.run("retrain", config.toString(), "--prices", dir.toString(), "--days", "3", "--max-mase", "100",
                "--json");
        assertEquals(0, next.code(), next.out() + next.err());
        assertEquals("promoted", new ObjectMapper().readTree(next.out()).path("status").asText(), next.out());
        for (Run run : running) {
            Run now = client.getRun(run.id());
            assertEquals(RunStatus.KILLED, now.info().status(), now.info().runName() + " " + now.tags());
            assertTrue(now.tags().getOrDefault("closecast.stop_reason", "").startsWith("killed: its retrain stopped"),
                    now.tags().toString());
        }
        assertEquals(0, client.searchAllRuns(io.closecast.mlflow.entities.RunSearch.builder(experimentId)
                .filter("attributes.status = 'RUNNING'").build()).size(), "nothing left RUNNING");
    }

    private static boolean lockHeld(String model) {
        try {
            return !client.registry().getRegisteredModel(model).tags().getOrDefault("closecast.retrain.lock", "").isBlank();
        } catch (io.closecast.mlflow.MlflowException notYetCreated) {
            return false;
        }
    }

    @Test
    void twoRetrainsAtOnceProduceOneVersion() throws Exception {
        String model = ItServers.unique("closecast-it-retrain-twice");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-retrain"));
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-train",
                "registered-model: " + model));
        Path dir = work.resolve("twice");
        prices(dir, "2024-12-30");
        // two CronJob pods, or two receivers, starting together: the same request from two threads
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<io.closecast.pipeline.retrain.Retrainer.Outcome>> both = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                both.add(pool.submit(() -> new io.closecast.pipeline.retrain.Retrainer(client, java.time.Clock.systemUTC(),
                        new java.io.PrintWriter(java.io.Writer.nullWriter())).run(new io.closecast.pipeline.retrain.Retrainer.Request(
                        config, java.util.Optional.of(dir), false, "schedule", new io.closecast.pipeline.registry.Gate.Policy(
                        100, 3, false, 0.05), java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(2),
                        java.util.Optional.empty()))));
            }
            List<String> statuses = new java.util.ArrayList<>();
            for (var f : both) {
                statuses.add(f.get(300, java.util.concurrent.TimeUnit.SECONDS).status().name());
            }
            java.util.Collections.sort(statuses);
            assertTrue(statuses.equals(List.of("LOCKED", "PROMOTED")) || statuses.equals(List.of("ALREADY_RETRAINED", "PROMOTED")),
                    statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, client.registry().searchModelVersions("name = '" + model + "'", List.of()).size(), "one version");
    }

    @Test
    void aSymbolWithoutDataIsAClearErrorExitOne() throws Exception {
        Path config = CliProcess.config("tiny-train.yaml", "unused");
        Path empty = Files.createDirectories(work.resolve("empty"));
        Cli result = Cli.run("retrain", config.toString(), "--prices", empty.toString());
        assertEquals(1, result.code(), result.out() + result.err());
        assertTrue(result.err().contains("error: no prices for MSFT: " + empty.toAbsolutePath().resolve("MSFT.csv")
                + " does not exist (--prices " + empty.toAbsolutePath() + ")"), result.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
