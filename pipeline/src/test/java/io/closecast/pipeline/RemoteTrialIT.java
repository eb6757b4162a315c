package io.closecast.pipeline;

import io.closecast.pipeline.sweep.RemoteTrialWorker;
import io.closecast.pipeline.sweep.SweepFile;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.sweep.SweepProgress;
import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialScheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import org.junit.jupiter.api.Test;

/**
 * What an executor does with a trial's payload, against a real MLflow, without Spark: it trains the trial once as the
 * parent's child run; run again (a task Spark retries) it returns the ended attempt instead of training again; a
 * RUNNING attempt (a lost executor's) is closed KILLED as superseded and the trial runs as the next attempt; an
 * attempt superseded while it still trains (an executor taken for lost but alive) does not end its run FINISHED.
 */
class RemoteTrialIT {

    @Test
    void aRetriedTaskReturnsTheEndedAttemptAndSupersedesARunningOne() throws Exception {
        String experiment = ItServers.unique("closecast-it-remote");
        String text;
        try (var in = RemoteTrialIT.class.getResourceAsStream("/it/parallel-sweep.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("EXPERIMENT", experiment);
        }
        Path root = ItServers.root();
        SweepFile file = SweepFile.parse(root.resolve("pipeline/target/it-configs/remote.yaml"),
                text, root, "MSFT");
        try (MlflowClient client = ItServers.client()) {
            String experimentId = client.getOrCreateExperiment(experiment).id();
            Run parent = client.createRun(RunSpec.builder(experimentId, "sweep").tag(ClosecastTags.KIND, "sweep").build());
            SweepProgress progress = new SweepProgress(new PrintWriter(OutputStream.nullOutputStream()), 2, file.spec(), "");
            TrialScheduler.Trial first = new TrialScheduler.Trial("MSFT", 0, Map.of("training.learning-rate", 0.005));
            String payload = RemoteTrialWorker.ship(first, file, ItServers.trackingUri(), experimentId, parent.id(), "sweep-it",
                    1, progress).payload();

            RemoteTrial driverSide = RemoteTrialWorker.ship(first, file, ItServers.trackingUri(), experimentId, parent.id(),
                    "sweep-it", 1, progress);
            TrialResult trained = driverSide.ended(RemoteTrialWorker.INSTANCE.run(payload));
            assertEquals(TrialStatus.FINISHED, trained.status(), trained.toString());
            TrialResult again = driverSide.ended(RemoteTrialWorker.INSTANCE.run(payload));
            assertEquals(trained.runId(), again.runId(), "the retry returns the ended attempt");
            assertEquals(trained.value(), again.value());
            assertEquals(1, attempts(client, experimentId, parent.id(), 0).size(), "trained once");
            assertEquals("1", client.getRun(trained.runId()).tags().get(ClosecastTags.TRIAL_ATTEMPT));

            TrialScheduler.Trial second = new TrialScheduler.Trial("MSFT", 1, Map.of("training.learning-rate", 0.002));
            Run lost = client.createRun(RunSpec.builder(experimentId, "trial-1").parentRunId(parent.id())
                    .tag(ClosecastTags.TRIAL_INDEX, "1").build());
            TrialResult retried = RemoteTrialWorker.ship(second, file, ItServers.trackingUri(), experimentId,
                    parent.id(), "sweep-it", 1, progress).ended(RemoteTrialWorker.INSTANCE.run(RemoteTrialWorker.ship(second, file,
                    ItServers.trackingUri(), experimentId, parent.id(), "sweep-it", 1, progress).payload()));
            Run closed = client.getRun(lost.id());
            assertEquals(RunStatus.KILLED, closed.info().status());
            assertEquals("superseded by attempt 2", closed.tags().get("closecast.stop_reason"));
            assertEquals("interrupted", closed.tags().get(ClosecastTags.TRIAL_STATUS));
            assertNotEquals(lost.id(), retried.runId());
            assertEquals("2", client.getRun(retried.runId()).tags().get(ClosecastTags.TRIAL_ATTEMPT));
            assertEquals(RunStatus.FINISHED, client.getRun(retried.runId()).info().status());

            // an executor taken for lost but still alive: the retry supersedes its attempt while it trains; when it
            // ends it leaves that run as the retry recorded it (not FINISHED beside the retry's) and says superseded
            TrialScheduler.Trial third = new TrialScheduler.Trial("MSFT", 2, Map.of("training.learning-rate", 0.003,
                    "training.max-epochs", 200, "training.patience", 200));
            RemoteTrial task = RemoteTrialWorker.ship(third, file, ItServers.trackingUri(), experimentId, parent.id(),
                    "sweep-it", 1, progress);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<String> alive = executor.submit(() -> RemoteTrialWorker.INSTANCE.run(task.payload()));
                Run slow = awaitRunning(client, experimentId, parent.id(), 2, alive);
                TrialResult retry = task.ended(RemoteTrialWorker.INSTANCE.run(task.payload()));
                TrialResult late = task.ended(alive.get(5, TimeUnit.MINUTES));
                assertNotEquals(slow.id(), retry.runId(), "the retry ran as a new attempt");
                assertEquals(RunStatus.FINISHED, client.getRun(retry.runId()).info().status());
                Run superseded = client.getRun(slow.id());
                assertEquals(RunStatus.KILLED, superseded.info().status(), "the late attempt did not end it FINISHED");
                assertEquals("superseded by attempt 2", superseded.tags().get("closecast.stop_reason"));
                assertEquals("interrupted", superseded.tags().get(ClosecastTags.TRIAL_STATUS));
                assertEquals(slow.id(), late.runId());
                assertEquals(TrialStatus.INTERRUPTED, late.status(), late.toString());
            } finally {
                executor.shutdownNow();
            }
        }
    }

    /** Waits until trial {@code index} has a RUNNING attempt, while {@code task} trains it. */
    private static Run awaitRunning(MlflowClient client, String experimentId, String parentId, int index,
                                    Future<String> task) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            for (Run run : attempts(client, experimentId, parentId, index)) {
                if (run.info().status() == RunStatus.RUNNING) {
                    return run;
                }
            }
            assertFalse(task.isDone(), "the attempt ended before it could be superseded");
            assertTrue(System.nanoTime() < deadline, "no RUNNING attempt of trial " + index + " in 2 minutes");
            Thread.sleep(50);
        }
    }

    private static List<Run> attempts(MlflowClient client, String experimentId, String parentId, int index) {
        return client.searchAllRuns(RunSearch.builder(experimentId).filter("tags.`mlflow.parentRunId` = '" + parentId
                + "' and tags.`" + ClosecastTags.TRIAL_INDEX + "` = '" + index + "'").build());
    }
}
