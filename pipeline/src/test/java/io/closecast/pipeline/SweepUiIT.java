package io.closecast.pipeline;

import io.closecast.pipeline.sweep.SweepIds;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.training.TrainingUi;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.closecast.mlflow.entities.FileInfo;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunStatus;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code closecast sweep --ui}: the DL4J training UI answers while the sweep runs and lists the running trial's
 * session; the trials trained with the DL4J engine (and say so in their params); the parent run holds the stats file,
 * which lists every trial's session when read back with {@link FileStatsStorage}; the UI is stopped at the end; a trial
 * run again with --ui adds its session to the earlier ones.
 */
class SweepUiIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static MlflowClient client;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void uiServesTheRunningTrialsAndTheStatsFileIsLoggedToTheParentRun() throws Exception {
        String experiment = ItServers.unique("closecast-it-ui");
        Path config = CliProcess.config("tiny-ui-sweep.yaml", experiment);
        Path log = Files.createTempFile("closecast-sweep-ui", ".log");
        int port = freePort();
        Process sweep = CliProcess.builder(log, "sweep", config.toString(), "--ui", "--ui-port", Integer.toString(port),
                "--ui-frequency", "2").start();
        try {
            String url = "training UI: http://localhost:" + port + TrainingUi.OVERVIEW_PATH;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.readString(log).contains(url)) {
                assertTrue(sweep.isAlive(), "the sweep ended before it printed '" + url + "':\n" + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "no UI URL in 3 minutes:\n" + Files.readString(log));
                Thread.sleep(100);
            }
            HttpResponse<String> overview = get(port, TrainingUi.OVERVIEW_PATH);
            assertEquals(200, overview.statusCode(), overview.body());
            assertTrue(overview.body().contains("DL4J Training UI"), overview.body());

            // While trial 0 trains, the UI lists its session (trial-0-<run id>) with its worker.
            String sessions = "";
            while (!sessions.contains("\"trial-0-")) {
                assertTrue(sweep.isAlive(), "the sweep ended before the UI listed trial 0's session; last answer "
                        + sessions + "\n" + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "the UI listed no session in 3 minutes: " + sessions);
                HttpResponse<String> info = get(port, "/train/sessions/info");
                assertEquals(200, info.statusCode(), info.body());
                sessions = info.body();
                Thread.sleep(100);
            }
            assertTrue(sessions.contains("\"trial-0\""), "worker id trial-0 in " + sessions);
            HttpResponse<String> data = get(port, "/train/overview/data");
            assertEquals(200, data.statusCode(), data.body());
            assertTrue(data.body().contains("\"scores\""), "the overview data has the score chart: " + data.body());

            assertTrue(sweep.waitFor(5, TimeUnit.MINUTES), "the sweep did not end in 5 minutes:\n" + Files.readString(log));
            String out = Files.readString(log);
            assertEquals(0, sweep.exitValue(), out);
            assertTrue(out.contains("--ui: trials train with training.engine=dl4j instead of fused"), out);
            assertThrows(ConnectException.class, () -> get(port, TrainingUi.OVERVIEW_PATH),
                    "the UI server is stopped when the sweep ends");

            String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
            Run parent = client.searchAllRuns(RunSearch.builder(experimentId)
                    .filter("tags.`closecast.kind` = 'sweep'").build()).getFirst();
            assertEquals(RunStatus.FINISHED, client.getRun(parent.id()).info().status());
            List<Run> trials = client.searchAllRuns(RunSearch.builder(experimentId)
                    .filter("tags.`mlflow.parentRunId` = '" + parent.id() + "'").build());
            assertEquals(2, trials.size(), "two trials: " + trials);
            Set<String> expected = new TreeSet<>();
            for (Run trial : trials) {
                String session = SweepIds.uiSession(Integer.parseInt(trial.tags().get(ClosecastTags.TRIAL_INDEX)), trial.id());
                expected.add(session);
                assertEquals(RunStatus.FINISHED, trial.info().status(), trial.tags().toString());
                assertEquals("dl4j", trial.param("training.engine").orElseThrow(), "the trial's params name the engine");
                assertEquals(session, trial.tags().get(ClosecastTags.UI_SESSION_ID));
            }

            String artifact = TrainingUi.ARTIFACT_DIR + "/" + TrainingUi.STATS_FILE;
            FileInfo logged = client.artifacts().listArtifacts(parent.id(), TrainingUi.ARTIFACT_DIR).stream()
                    .filter(f -> f.path().equals(artifact)).findFirst()
                    .orElseThrow(() -> new AssertionError(artifact + " is not an artifact of the parent run"));
            assertTrue(logged.fileSize() > 0, "the stats file is not empty: " + logged);
            Path copy = client.artifacts().downloadFile(parent.id(), artifact, Files.createTempDirectory("closecast-ui-it")
                    .resolve(TrainingUi.STATS_FILE));
            FileStatsStorage storage = new FileStatsStorage(copy.toFile());
            try {
                assertEquals(expected, new TreeSet<>(storage.listSessionIDs()), "the stats file's sessions");
                for (String session : expected) {
                    String worker = session.substring(0, session.indexOf('-', "trial-".length()));
                    assertEquals(List.of(worker), storage.listWorkerIDsForSession(session));
                    // 12 epochs of ~13 mini-batches, every 2nd iteration reported: dozens of updates per trial.
                    int updates = storage.getNumUpdateRecordsFor(session);
                    assertTrue(updates >= 20, session + " has " + updates + " stats updates");
                }
            } finally {
                storage.close();
            }
            assertEquals(expected, trials.stream().map(t -> t.tags().get(ClosecastTags.UI_SESSION_ID))
                    .collect(Collectors.toCollection(TreeSet::new)));

            // Trial 0 again under the same parent: the new stats file keeps the earlier sessions and adds the new one.
            CliProcess.Result again = CliProcess.run(300, "sweep", config.toString(), "--trial", "0", "--ui",
                    "--ui-port", Integer.toString(freePort()));
            assertEquals(0, again.code(), again.out());
            assertTrue(again.out().contains("training UI: 2 earlier session(s) from the parent run's " + artifact
                    + " kept"), again.out());
            Run rerun = client.searchAllRuns(RunSearch.builder(experimentId)
                    .filter("tags.`mlflow.parentRunId` = '" + parent.id() + "'").build()).stream()
                    .filter(r -> trials.stream().noneMatch(t -> t.id().equals(r.id()))).findFirst().orElseThrow();
            expected.add(SweepIds.uiSession(0, rerun.id()));
            Path merged = client.artifacts().downloadFile(parent.id(), artifact, Files.createTempDirectory("closecast-ui-it")
                    .resolve(TrainingUi.STATS_FILE));
            FileStatsStorage all = new FileStatsStorage(merged.toFile());
            try {
                assertEquals(expected, new TreeSet<>(all.listSessionIDs()), "earlier and new sessions");
                for (String session : expected) {
                    assertTrue(all.getNumUpdateRecordsFor(session) >= 20, session + " kept its updates");
                }
            } finally {
                all.close();
            }
        } finally {
            sweep.destroyForcibly();
        }
    }
}
