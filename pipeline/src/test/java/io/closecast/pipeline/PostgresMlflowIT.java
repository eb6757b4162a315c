package io.closecast.pipeline;

import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.registry.Promotion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * MLflow on PostgreSQL, as production runs it: this test starts Debian's PostgreSQL on 127.0.0.1
 * ({@code scripts/lib/postgres.sh}) and an MLflow server whose backend store is that database
 * ({@code registry-server/mlflow-server.sh --backend-store-uri postgresql+psycopg2://...}), then runs the
 * registry flow (promotion gate, forced promotion, rollback, read back by MLflow's Python client) and a
 * real sweep with {@code --register} through {@code bin/closecast}, and reads MLflow's own tables with
 * {@code psql} to show the rows live in PostgreSQL.
 *
 * <p>Ports: {@code -Dclosecast.it.postgres.port} (default 55432) and {@code -Dclosecast.it.postgres.mlflow-port}
 * (default 5081). This test always starts its own servers: {@code MLFLOW_TRACKING_URI} and the build's
 * SQLite-backed server are not used here.
 */
class PostgresMlflowIT {
    private static final int PG_PORT = Integer.getInteger("closecast.it.postgres.port", 55432);
    private static final int MLFLOW_PORT = Integer.getInteger("closecast.it.postgres.mlflow-port", 5081);
    private static final String SWEEP_MODEL = "closecast-it-sweep";

    @TempDir
    static Path work;
    /** PostgreSQL's data directory: under the system temp dir, so the postgres user can own it. */
    private static Path pgData;
    private static Path mlflowData;
    private static String storeUri;
    private static String trackingUri;
    private static MlflowClient client;

    private static final Promotion.Evaluator EVALUATOR = RuleEvaluator.onRandomWalk(23, 50, 0.012);

    @BeforeAll
    static void startPostgresAndMlflow() throws Exception {
        pgData = Files.createTempDirectory("closecast-it-pg-");
        mlflowData = Files.createDirectories(work.resolve("mlflow"));
        storeUri = script(120, "scripts/lib/postgres.sh", "start", pgData.toString(), Integer.toString(PG_PORT));
        assertTrue(storeUri.startsWith("postgresql+psycopg2://") && storeUri.endsWith("@127.0.0.1:" + PG_PORT + "/mlflow"),
                "postgres.sh start prints the SQLAlchemy URI of database mlflow on 127.0.0.1:" + PG_PORT
                        + ", found '" + storeUri + "'");
        // The first start creates MLflow's schema in PostgreSQL (about 90 s on a busy 2-core machine).
        trackingUri = script(420, "registry-server/mlflow-server.sh", "start", "--port", Integer.toString(MLFLOW_PORT),
                "--data", mlflowData.toString(), "--backend-store-uri", storeUri);
        assertEquals("http://127.0.0.1:" + MLFLOW_PORT, trackingUri);
        client = MlflowClient.create(MlflowConfig.create(trackingUri));
    }

    @AfterAll
    static void stopMlflowAndPostgres() throws Exception {
        List<String> problems = new ArrayList<>();
        if (client != null) {
            client.close();
        }
        if (mlflowData != null) {
            stopQuietly(problems, "registry-server/mlflow-server.sh", "stop", "--data", mlflowData.toString());
        }
        if (pgData != null) {
            stopQuietly(problems, "scripts/lib/postgres.sh", "stop", pgData.toString(), Integer.toString(PG_PORT));
            if (problems.isEmpty()) {
                try (Stream<Path> walk = Files.walk(pgData)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void registryFlowOnPostgres() throws Exception {
        String experiment = client.getOrCreateExperiment("closecast-it-postgres-promotion").id();
        Run run = client.createRun(RunSpec.create(experiment, "postgres-promotion-it"));
        String runId = run.info().runId();
        Path model = Files.createDirectories(work.resolve("model"));
        Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
        client.artifacts().uploadDirectory(runId, model, "model");
        client.setTerminated(runId, RunStatus.FINISHED);

        String name = ItServers.unique("closecast-it-pg-promote");
        client.registry().createRegisteredModel(name);
        Promotion promotion = new Promotion(client, Clock.systemUTC(), "it-user", RuleEvaluator.SYNTHETIC);
        int bad = version(name, runId, "bad");
        int good = version(name, runId, "good");
        int other = version(name, runId, "bad");

        Promotion.Verdict refused = promotion.promote(request(name, bad, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, refused.decision(), refused.reason());
        assertTrue(refused.reason().startsWith("refused: MASE "), refused.reason());
        assertTrue(client.registry().findModelVersionByAlias(name, "production").isEmpty(), "a refused version does not move the alias");
        assertEquals("refused", client.registry().getModelVersion(name, bad).tag("closecast.promotion.verdict").orElseThrow());
        assertEquals(Optional.empty(), ItServers.pythonAlias(trackingUri, name, "production"));

        Promotion.Verdict promoted = promotion.promote(request(name, good, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.PROMOTED, promoted.decision(), promoted.reason());
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version());
        ModelVersion goodVersion = client.registry().getModelVersion(name, good);
        assertEquals(Stage.PRODUCTION, goodVersion.stage());
        assertEquals("passed", goodVersion.tag("closecast.promotion.verdict").orElseThrow());
        assertTrue(Double.parseDouble(goodVersion.tag("closecast.promotion.candidate_mase").orElseThrow()) < 1.0,
                goodVersion.tags().toString());
        assertEquals(Optional.of(good), ItServers.pythonAlias(trackingUri, name, "production"));

        Promotion.Verdict forced = promotion.promote(request(name, other, Optional.of("hotfix for a data bug")), EVALUATOR);
        assertEquals(Promotion.Decision.FORCED, forced.decision(), forced.reason());
        ModelVersion forcedVersion = client.registry().getModelVersion(name, other);
        assertEquals("forced", forcedVersion.tag("closecast.promotion.verdict").orElseThrow());
        assertEquals("hotfix for a data bug", forcedVersion.tag("closecast.promotion.reason").orElseThrow());
        assertEquals(Stage.PRODUCTION, forcedVersion.stage());
        assertEquals(Stage.ARCHIVED, client.registry().getModelVersion(name, good).stage(), "the old holder is archived");
        assertEquals(Optional.of(other), ItServers.pythonAlias(trackingUri, name, "production"));
        assertEquals(List.of(good, other), promotion.history(name, "production"));

        Promotion.Rollback rollback = promotion.rollback(name, "production");
        assertEquals(new Promotion.Rollback(name, "production", other, good), rollback);
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version());
        assertEquals(Stage.PRODUCTION, client.registry().getModelVersion(name, good).stage());
        assertEquals(Optional.of(good), ItServers.pythonAlias(trackingUri, name, "production"));

        // The alias, stages and verdict tags are rows in PostgreSQL.
        assertEquals(Integer.toString(good), sql("select version from registered_model_aliases"
                + " where name = '" + name + "' and alias = 'production'"));
        assertEquals(Stage.PRODUCTION.mlflowName(), sql("select current_stage from model_versions where name = '"
                + name + "' and version = " + good));
        assertEquals(client.registry().getModelVersion(name, other).stage().mlflowName(), sql("select current_stage from model_versions"
                + " where name = '" + name + "' and version = " + other), "the REST API reads the stage from PostgreSQL");
        assertEquals("3", sql("select count(*) from model_versions where name = '" + name + "'"));
        assertEquals("refused", sql("select value from model_version_tags where name = '" + name + "' and version = "
                + bad + " and key = 'closecast.promotion.verdict'"));
        assertEquals("FINISHED", sql("select status from runs where run_uuid = '" + runId + "'"));
    }

    @Test
    void sweepWithRegisterOnPostgres() throws Exception {
        String experiment = ItServers.unique("closecast-it-pg-sweep");
        Path config = CliProcess.config("tiny-sweep.yaml", experiment);
        CliProcess.Result sweep = CliProcess.run(trackingUri, 900, "sweep", config.toString(), "--register");
        assertEquals(0, sweep.code(), sweep.out());

        String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
        List<Run> parents = client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`closecast.kind` = 'sweep'").build());
        assertEquals(1, parents.size(), "one parent run for the sweep: " + parents);
        Run parent = client.getRun(parents.getFirst().id());
        assertEquals(RunStatus.FINISHED, parent.info().status(), parent.tags().toString());
        List<Run> children = client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`mlflow.parentRunId` = '" + parent.id() + "'").build());
        assertEquals(6, children.size(), "one nested child run per trial of the 3 x 2 grid");
        for (Run child : children) {
            assertFalse(child.info().status() == RunStatus.RUNNING, "trial left RUNNING: " + child.tags());
        }
        String best = parent.tags().get("closecast.best_run_id");
        assertTrue(children.stream().anyMatch(r -> r.id().equals(best) && r.info().status() == RunStatus.FINISHED),
                "the best run is a FINISHED child: " + best);
        assertTrue(parent.metric("best_val_loss").isPresent(), "best_val_loss on the parent");
        assertTrue(parent.metric("best_test_mase").isPresent(), "best_test_mase on the parent");
        assertTrue(parent.metric("best_naive_test_mae").isPresent(), "the naive baseline beside the best trial");
        List<ModelVersion> registered = client.registry().searchModelVersions("run_id = '" + best + "'", List.of());
        assertEquals(1, registered.size(), "the best trial is registered once");
        ModelVersion version = registered.getFirst();
        assertEquals(SWEEP_MODEL, version.name());
        assertEquals(SWEEP_MODEL + "/" + version.version(), parent.tags().get("closecast.registered_version"));
        assertTrue(sweep.out().contains("as " + SWEEP_MODEL + " version " + version.version()), sweep.out());

        // MLflow really stores them in PostgreSQL: its own tables hold the runs and the model version.
        assertEquals(Integer.toString(children.size() + 1), sql("select count(*) from runs r join experiments e"
                + " on r.experiment_id = e.experiment_id where e.name = '" + experiment + "'"));
        assertEquals("FINISHED", sql("select status from runs where run_uuid = '" + parent.id() + "'"));
        assertEquals(best, sql("select run_id from model_versions where name = '" + SWEEP_MODEL
                + "' and version = " + version.version()));
        assertEquals(parent.metric("best_val_loss").orElseThrow().value(), Double.parseDouble(sql(
                "select value from latest_metrics where run_uuid = '" + parent.id() + "' and key = 'best_val_loss'")), 1e-12);
        assertFalse(Files.exists(mlflowData.resolve("mlflow.db")), "no SQLite store beside the PostgreSQL one");
    }

    /**
     * Runs that log one new dataset at once race in PostgreSQL too (duplicate key on {@code dataset_pk}): 4 parallel
     * runs in each of 6 rounds all end up with it, and a sweep of 4 parallel trials on one dataset has no failed trial
     * and one dataset row.
     */
    @Test
    void parallelTrialsOnOneDatasetOnPostgres() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 6; round++) {
                String experimentId = client.getOrCreateExperiment(ItServers.unique("closecast-it-pg-datasets")).id();
                List<Run> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(client.createRun(RunSpec.create(experimentId, "trial-" + i)));
                }
                io.closecast.mlflow.entities.DatasetInput input = io.closecast.mlflow.entities.DatasetInput.create(new io.closecast.mlflow.entities.Dataset(
                        "MSFT-daily", "digest" + round, "local", "{}", "{}", "{}"), "training");
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
                List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
                for (Run run : runs) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        client.logInputs(run.id(), List.of(input));
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> call : calls) {
                    call.get();
                }
                for (Run run : runs) {
                    assertEquals(1, client.getRun(run.id()).inputs().size(), "round " + round + " run " + run.id());
                }
            }
        } finally {
            pool.shutdownNow();
        }

        String experiment = ItServers.unique("closecast-it-pg-parallel");
        CliProcess.Result sweep = CliProcess.run(trackingUri, 600, "sweep",
                CliProcess.config("parallel-sweep.yaml", experiment).toString());
        assertEquals(0, sweep.code(), sweep.out());
        String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
        List<Run> trials = client.searchAllRuns(RunSearch.builder(experimentId).filter("tags.`closecast.kind` = 'trial'").build());
        assertEquals(4, trials.size());
        for (Run trial : trials) {
            assertEquals(RunStatus.FINISHED, trial.info().status(), trial.tags().toString());
        }
        assertEquals("1", sql("select count(*) from datasets where experiment_id = " + experimentId));
        assertEquals("4", sql("select count(*) from inputs i join datasets d on i.source_id = d.dataset_uuid"
                + " where d.experiment_id = " + experimentId));
    }

    private static int version(String name, String runId, String rule) {
        return client.registry().createModelVersion(ModelVersionSpec.create(name, runId, "model")
                .withTags(Map.of("it.rule", rule))).version();
    }

    private static Promotion.Request request(String name, int version, Optional<String> force) {
        return new Promotion.Request(name, version, "production", Gate.Policy.DEFAULT, force);
    }

    /** One value (or rows joined by newlines) from MLflow's database, through {@code postgres.sh psql}. */
    private static String sql(String query) throws IOException, InterruptedException {
        return script(60, "scripts/lib/postgres.sh", "psql", pgData.toString(), Integer.toString(PG_PORT), "-tAc", query);
    }

    /** Runs a repository script, returning its trimmed standard output; fails with its output when it fails. */
    private static String script(int timeoutSeconds, String path, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ItServers.root().resolve(path).toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "script", ".out");
        Path err = Files.createTempFile(work, "script", ".err");
        Process process = new ProcessBuilder(command).directory(ItServers.root().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; stderr:\n" + Files.readString(err));
        }
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + process.exitValue() + "; stdout:\n" + Files.readString(out)
                    + "\nstderr:\n" + Files.readString(err));
        }
        return Files.readString(out).strip();
    }

    private static void stopQuietly(List<String> problems, String path, String... args) {
        try {
            script(120, path, args);
        } catch (AssertionError | IOException | InterruptedException e) {
            problems.add(e.getMessage());
        }
    }
}
