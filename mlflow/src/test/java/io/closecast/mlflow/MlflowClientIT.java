package io.closecast.mlflow;

import io.closecast.mlflow.entities.Dataset;
import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.FileInfo;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Page;
import io.closecast.mlflow.entities.Param;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Tag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every client call round-trips through a real MLflow server. */
class MlflowClientIT {
    private static MlflowClient client;
    private static Experiment experiment;

    @BeforeAll
    static void connect() {
        client = ItServer.client();
        experiment = client.getOrCreateExperiment(ItServer.unique("it-client"));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void getOrCreateExperimentTwiceAndConcurrentlyGivesOneId() throws Exception {
        String name = ItServer.unique("it-exp");
        Experiment first = client.getOrCreateExperiment(name);
        Experiment second = client.getOrCreateExperiment(name);
        assertEquals(first.id(), second.id());
        assertEquals(name, second.name());
        assertTrue(first.artifactLocation().startsWith("mlflow-artifacts:"), first.artifactLocation());

        String raced = ItServer.unique("it-race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> tasks = IntStream.range(0, 4)
                    .mapToObj(i -> (Callable<String>) () -> client.getOrCreateExperiment(raced).id()).toList();
            Set<String> ids = new java.util.HashSet<>();
            for (Future<String> f : pool.invokeAll(tasks)) {
                ids.add(f.get());
            }
            assertEquals(1, ids.size(), "ids " + ids);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Optional.empty(), client.findExperimentByName(ItServer.unique("never-created")));
    }

    @Test
    void runLifecycleWithParamsMetricsTagsNameAndStatus() {
        Instant start = Instant.ofEpochMilli(1_700_000_000_000L);
        Run run = client.createRun(RunSpec.builder(experiment.id(), "lifecycle").startTime(start)
                .tag("kind", "test").tag("doomed", "yes").build());
        assertEquals(RunStatus.RUNNING, run.info().status());
        assertEquals(start, run.info().startTime());
        assertEquals("lifecycle", run.info().runName());

        List<Param> params = IntStream.range(0, 250).mapToObj(i -> Param.create("p" + i, "v" + i)).toList();
        List<Tag> tags = IntStream.range(0, 120).mapToObj(i -> Tag.create("t" + i, "x" + i)).toList();
        client.logBatch(run.id(), List.of(Metric.create("test_mae", 1.25), Metric.create("test_rmse", 2.5)),
                params, tags);
        client.setRunName(run.id(), "lifecycle-renamed");
        client.deleteTag(run.id(), "doomed");
        Instant end = start.plusSeconds(60);
        client.setTerminated(run.id(), RunStatus.FINISHED, end);

        Run back = client.getRun(run.id());
        assertEquals(250, back.params().size());
        assertEquals(Optional.of("v249"), back.param("p249"));
        assertEquals(Optional.of("x119"), back.tag("t119"));
        assertEquals(Optional.of("test"), back.tag("kind"));
        assertEquals(Optional.empty(), back.tag("doomed"));
        assertEquals(1.25, back.metric("test_mae").orElseThrow().value());
        assertEquals(2.5, back.metric("test_rmse").orElseThrow().value());
        assertEquals("lifecycle-renamed", back.info().runName());
        assertEquals(RunStatus.FINISHED, back.info().status());
        assertEquals(Optional.of(end), back.info().endTime());

        Run failed = client.createRun(RunSpec.create(experiment.id(), "failing"));
        client.setTerminated(failed.id(), RunStatus.FAILED);
        assertEquals(RunStatus.FAILED, client.getRun(failed.id()).info().status());
        Run killed = client.createRun(RunSpec.create(experiment.id(), "killed"));
        client.setTerminated(killed.id(), RunStatus.KILLED);
        assertEquals(RunStatus.KILLED, client.getRun(killed.id()).info().status());
    }

    @Test
    void nestedRunsAndPagedSearch() {
        Experiment exp = client.getOrCreateExperiment(ItServer.unique("it-search"));
        Run parent = client.createRun(RunSpec.create(exp.id(), "sweep"));
        List<String> childIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Run child = client.createRun(RunSpec.builder(exp.id(), "trial-" + i).parentRunId(parent.id()).build());
            client.logMetrics(child.id(), List.of(Metric.create("val_loss", 1.0 / (i + 1))));
            childIds.add(child.id());
        }
        assertEquals(Optional.of(parent.id()), client.getRun(childIds.get(0)).parentRunId());

        RunSearch children = RunSearch.builder(exp.id())
                .filter("tags.mlflow.parentRunId = '" + parent.id() + "'")
                .orderBy("metrics.val_loss ASC").maxResults(2).build();
        Page<Run> first = client.searchRuns(children);
        assertEquals(2, first.items().size());
        assertTrue(first.nextPageToken().isPresent());
        Page<Run> second = client.searchRuns(children.withPageToken(first.nextPageToken().get()));
        assertEquals(2, second.items().size());
        assertNotEquals(first.items().get(0).id(), second.items().get(0).id());

        List<Run> all = client.searchAllRuns(children);
        assertEquals(5, all.size());
        // lowest val_loss first: trial-4 (0.2) ... trial-0 (1.0)
        assertEquals(List.of("trial-4", "trial-3", "trial-2", "trial-1", "trial-0"),
                all.stream().map(r -> r.info().runName()).toList());
        assertEquals(6, client.searchAllRuns(RunSearch.builder(exp.id()).build()).size());

        // a child moved under another parent (a sweep's duplicate parent merged into the first one), then the
        // emptied parent deleted: gone from searches, kept in the trash
        Run other = client.createRun(RunSpec.create(exp.id(), "duplicate-sweep"));
        Run moved = client.createRun(RunSpec.builder(exp.id(), "trial-5").parentRunId(other.id()).build());
        client.setTags(moved.id(), Map.of(Tag.PARENT_RUN_ID, parent.id()));
        client.deleteRun(other.id());
        client.deleteRun(other.id()); // two processes merging the same duplicate: the second delete is no error
        assertEquals(6, client.searchAllRuns(children).size());
        assertEquals(Optional.of(parent.id()), client.getRun(moved.id()).parentRunId());
        assertEquals("deleted", client.getRun(other.id()).info().lifecycleStage());
        assertEquals(7, client.searchAllRuns(RunSearch.builder(exp.id()).build()).size());
    }

    @Test
    void metricHistoryOf2500StepsComesBackInOrder() {
        Run run = client.createRun(RunSpec.create(experiment.id(), "history"));
        Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
        List<Metric> values = IntStream.range(0, 2500)
                .mapToObj(i -> new Metric("val_loss", 1.0 / (i + 1), t0.plusMillis(i), i)).toList();
        client.logMetrics(run.id(), values);
        List<Metric> history = client.metricHistory(run.id(), "val_loss");
        assertEquals(2500, history.size());
        for (int i = 0; i < 2500; i++) {
            assertEquals(i, history.get(i).step());
            assertEquals(1.0 / (i + 1), history.get(i).value(), 0.0);
            assertEquals(t0.plusMillis(i), history.get(i).timestamp());
        }
        assertEquals(2499, client.getRun(run.id()).metric("val_loss").orElseThrow().step());
        assertEquals(List.of(), client.metricHistory(run.id(), "never_logged"));
    }

    @Test
    void datasetInputsRoundTrip() {
        Run run = client.createRun(RunSpec.create(experiment.id(), "inputs"));
        Dataset data = new Dataset("PETR4.SA-daily", "d1g3st", "local", "{\"uri\": \"data/PETR4.SA.csv\"}",
                "{\"mlflow_colspec\": []}", "{\"rows\": 1234}");
        client.logInputs(run.id(), List.of(DatasetInput.create(data, "training")));
        List<DatasetInput> inputs = client.getRun(run.id()).inputs();
        assertEquals(1, inputs.size());
        assertEquals(data, inputs.get(0).dataset());
        assertEquals(Map.of(DatasetInput.CONTEXT_TAG, "training"), inputs.get(0).tags());
    }

    @Test
    void artifactDirectoryUploadListDownloadIsByteForByte(@TempDir Path tmp) throws IOException {
        Run run = client.createRun(RunSpec.create(experiment.id(), "artifacts"));
        Path src = tmp.resolve("src");
        byte[] binary = new byte[300_000];
        new Random(42).nextBytes(binary);
        write(src.resolve("MLmodel"), "flavors:\n  closecast-dl4j: {}\n".getBytes(StandardCharsets.UTF_8));
        write(src.resolve("network/weights.bin"), binary);
        write(src.resolve("network/deeper/notes with space.txt"), "ação ✓".getBytes(StandardCharsets.UTF_8));
        write(src.resolve("empty.txt"), new byte[0]);
        client.artifacts().uploadDirectory(run.id(), src, "bundle");
        Path single = tmp.resolve("single.json");
        write(single, "{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        client.artifacts().uploadFile(run.id(), single, "");

        List<FileInfo> top = client.artifacts().listArtifacts(run.id(), "");
        assertEquals(Set.of(new FileInfo("bundle", true, 0), new FileInfo("single.json", false, 8)), Set.copyOf(top));
        List<FileInfo> bundle = client.artifacts().listArtifacts(run.id(), "bundle");
        assertTrue(bundle.contains(new FileInfo("bundle/network", true, 0)), bundle.toString());
        assertTrue(bundle.contains(new FileInfo("bundle/MLmodel", false, Files.size(src.resolve("MLmodel")))), bundle.toString());
        assertEquals(Set.of("bundle/MLmodel", "bundle/empty.txt", "bundle/network/weights.bin",
                        "bundle/network/deeper/notes with space.txt"),
                client.artifacts().listArtifactsRecursively(run.id(), "bundle").stream().map(FileInfo::path)
                        .collect(Collectors.toSet()));

        Path out = tmp.resolve("out");
        List<Path> written = client.artifacts().downloadDirectory(run.id(), "bundle", out);
        assertEquals(4, written.size());
        assertTreesEqual(src, out);

        Path file = client.artifacts().downloadFile(run.id(), "single.json", tmp.resolve("again/single.json"));
        assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(file));

        MlflowException missing = assertThrows(MlflowNotFoundException.class,
                () -> client.artifacts().downloadFile(run.id(), "bundle/nope.bin", tmp.resolve("nope.bin")));
        assertTrue(missing.getMessage().contains("nope.bin"), missing.getMessage());
        assertFalse(Files.exists(tmp.resolve("nope.bin")));
    }

    /**
     * Runs that log one new dataset at once race in MLflow's store (one inserts it, the others got a UNIQUE constraint
     * error as a 400); each of 4 parallel runs must still end up with the dataset, in every one of 6 rounds.
     */
    @Test
    void parallelRunsLoggingOneNewDatasetAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 6; round++) {
                Experiment fresh = client.getOrCreateExperiment(ItServer.unique("it-datasets"));
                List<Run> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(client.createRun(RunSpec.create(fresh.id(), "trial-" + i)));
                }
                Dataset data = new Dataset("MSFT-daily", "d1g3st" + round, "local", "{\"uri\": \"data/MSFT.csv\"}",
                        "{}", "{}");
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
                List<Future<?>> calls = new ArrayList<>();
                for (Run run : runs) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        client.logInputs(run.id(), List.of(DatasetInput.create(data, "training")));
                        return null;
                    }));
                }
                for (Future<?> call : calls) {
                    call.get(); // rethrows a failed log-inputs
                }
                for (Run run : runs) {
                    List<DatasetInput> inputs = client.getRun(run.id()).inputs();
                    assertEquals(1, inputs.size(), "round " + round + ", run " + run.id() + ": " + inputs);
                    assertEquals(data.digest(), inputs.getFirst().dataset().digest());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingThingsNameThemselvesInTheError() {
        String name = ItServer.unique("no-such-model");
        MlflowNotFoundException e = assertThrows(MlflowNotFoundException.class, () -> client.registry().getRegisteredModel(name));
        assertEquals(Optional.of("RESOURCE_DOES_NOT_EXIST"), e.errorCode());
        assertTrue(e.getMessage().startsWith("RESOURCE_DOES_NOT_EXIST: Registered Model with name=" + name
                + " not found (HTTP 404 on GET /api/2.0/mlflow/registered-models/get?name=" + name + ")"), e.getMessage());
        MlflowNotFoundException run = assertThrows(MlflowNotFoundException.class, () -> client.getRun("0123456789abcdef"));
        assertTrue(run.getMessage().contains("0123456789abcdef"), run.getMessage());
        MlflowException badVersion = assertThrows(MlflowException.class,
                () -> client.registry().createModelVersion(ModelVersionSpec.create(name, "0123456789abcdef", "model")));
        assertTrue(badVersion.getMessage().contains(name), badVersion.getMessage());
    }

    private static void write(Path path, byte[] bytes) throws IOException {
        Files.createDirectories(path.getParent());
        Files.write(path, bytes);
    }

    static void assertTreesEqual(Path expected, Path actual) throws IOException {
        List<Path> expectedFiles;
        List<Path> actualFiles;
        try (Stream<Path> e = Files.walk(expected); Stream<Path> a = Files.walk(actual)) {
            expectedFiles = e.filter(Files::isRegularFile).map(expected::relativize).sorted().toList();
            actualFiles = a.filter(Files::isRegularFile).map(actual::relativize).sorted().toList();
        }
        assertEquals(expectedFiles, actualFiles);
        for (Path relative : expectedFiles) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(relative)), Files.readAllBytes(actual.resolve(relative)),
                    relative.toString());
        }
    }
}
