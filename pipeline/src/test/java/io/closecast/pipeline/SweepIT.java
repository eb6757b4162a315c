package io.closecast.pipeline;

import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.sweep.spi.TrialStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep killed with SIGKILL half-way and started again finishes without re-training finished trials. */
class SweepIT {
    private static MlflowClient client;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static List<Run> children(String experimentId, String parentId) {
        return client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`mlflow.parentRunId` = '" + parentId + "'").build());
    }

    @Test
    void killedSweepResumesPrunesRegistersAndReplaysOneTrial() throws Exception {
        String experiment = ItServers.unique("closecast-it-sweep");
        Path config = CliProcess.config("tiny-sweep.yaml", experiment);
        // a model no run has registered into yet: the sweep creates it
        String model = ItServers.unique("closecast-it-sweep-model");
        Files.writeString(config, Files.readString(config).replace("registered-model: closecast-it-sweep",
                "registered-model: " + model));
        Path log = Files.createTempFile("closecast-sweep", ".log");
        Process sweep = CliProcess.builder(log, "sweep", config.toString()).start();
        // Wait until two trials finished, then kill -9 the sweep in the middle of the next one.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (!Files.readString(log).contains("-- 2/6 done") && !Files.readString(log).contains("2 pruned")
                && !Files.readString(log).contains("1 pruned")) {
            assertTrue(sweep.isAlive(), "the sweep ended before it could be killed:\n" + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no two trials ended in 6 minutes:\n" + Files.readString(log));
            Thread.sleep(200);
        }
        String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
        Run parent = client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`closecast.kind` = 'sweep'").build()).getFirst();
        String inFlight = awaitRunningTrial(sweep, log, experimentId, parent.id(), deadline);
        sweep.destroyForcibly(); // SIGKILL, while a trial runs: no shutdown hook runs
        assertTrue(sweep.waitFor(30, TimeUnit.SECONDS));
        Map<String, RunStatus> before = children(experimentId, parent.id()).stream()
                .collect(Collectors.toMap(Run::id, r -> r.info().status()));
        assertEquals(RunStatus.RUNNING, before.get(inFlight), "the trial in flight is left RUNNING by SIGKILL");
        Set<String> finishedBefore = before.entrySet().stream().filter(e -> e.getValue() != RunStatus.RUNNING)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertTrue(finishedBefore.size() >= 2, "two trials ended before the kill: " + before);

        CliProcess.Result resumed = CliProcess.run(600, "sweep", config.toString(), "--register");
        assertEquals(0, resumed.code(), resumed.out());
        assertTrue(resumed.out().contains("sweep " + parent.tags().get("closecast.sweep_id")), resumed.out());

        List<Run> after = children(experimentId, parent.id());
        for (Run run : after) {
            assertFalse(run.info().status() == RunStatus.RUNNING, "trial left RUNNING: " + run.tags());
        }
        Run closed = client.getRun(inFlight);
        assertEquals(RunStatus.KILLED, closed.info().status());
        assertEquals(TrialStatus.INTERRUPTED_REASON, closed.tags().get("closecast.stop_reason"));
        assertEquals("interrupted", closed.tags().get(ClosecastTags.TRIAL_STATUS));
        Map<String, Integer> endedPerTrial = new HashMap<>();
        for (Run run : after) {
            boolean interrupted = TrialStatus.INTERRUPTED_REASON.equals(run.tags().get("closecast.stop_reason"));
            if (!interrupted) {
                endedPerTrial.merge(run.tags().get(ClosecastTags.TRIAL_INDEX), 1, Integer::sum);
            }
        }
        assertEquals(Set.of("0", "1", "2", "3", "4", "5"), endedPerTrial.keySet(), "every trial of the grid ran");
        endedPerTrial.forEach((trial, count) -> assertEquals(1, count, "trial " + trial + " was trained more than once"));
        for (String id : finishedBefore) {
            assertTrue(after.stream().anyMatch(r -> r.id().equals(id) && r.info().status() == before.get(id)),
                    "a trial that had ended before the kill is kept as it was: " + id);
        }
        assertTrue(after.stream().anyMatch(r -> r.info().status() == RunStatus.KILLED
                        && r.tags().getOrDefault("closecast.stop_reason", "").startsWith("pruned: epoch")),
                "the learning rate of 1e-6 is pruned against the trials with 3e-3");
        for (Run pruned : after.stream().filter(r -> r.info().status() == RunStatus.KILLED
                && r.tags().getOrDefault("closecast.stop_reason", "").startsWith("pruned: epoch")).toList()) {
            assertTrue(client.artifacts().listArtifacts(pruned.id(), "plots").stream().anyMatch(f -> f.path().equals("plots/loss.png")),
                    "a pruned trial keeps its loss curve, as finished trials do: " + pruned.id());
        }
        Run parentAfter = client.getRun(parent.id());
        assertEquals(RunStatus.FINISHED, parentAfter.info().status());
        String best = parentAfter.tags().get("closecast.best_run_id");
        assertTrue(after.stream().anyMatch(r -> r.id().equals(best) && r.info().status() == RunStatus.FINISHED));
        assertTrue(parentAfter.metric("best_val_loss").isPresent());
        assertTrue(parentAfter.metric("best_test_mase").isPresent());
        assertTrue(client.artifacts().listArtifacts(parent.id(), "summary").stream().anyMatch(f -> f.path().endsWith("trials.csv")));
        assertEquals(1, client.registry().searchModelVersions("run_id = '" + best + "'", List.of()).size(), "the best trial is registered");
        assertEquals("closecast LSTM forecasts of MSFT closing prices; versions carry their test metrics beside the naive"
                + " forecast as tags.", client.registry().getRegisteredModel(model).description(),
                "a model a sweep creates has the description train --register gives it");

        // --trial i runs exactly that trial again, with the same params and seed: the same metrics.
        Run bestRun = client.getRun(best);
        String index = bestRun.tags().get(ClosecastTags.TRIAL_INDEX);
        // ... and leaves the other trials' RUNNING runs alone: they may be another process's (an Indexed Job's pods)
        String other = index.equals("0") ? "1" : "0";
        Run elsewhere = client.createRun(io.closecast.mlflow.entities.RunSpec.builder(experimentId, "trial-" + other)
                .parentRunId(parent.id()).tag(ClosecastTags.TRIAL_INDEX, other).build());
        CliProcess.Result replay = CliProcess.run(300, "sweep", config.toString(), "--trial", index);
        assertEquals(0, replay.code(), replay.out());
        assertEquals(RunStatus.RUNNING, client.getRun(elsewhere.id()).info().status(),
                "--trial " + index + " left trial " + other + "'s running attempt alone: " + replay.out());
        client.setTags(elsewhere.id(), Map.of(ClosecastTags.TRIAL_STATUS, TrialStatus.INTERRUPTED.key()));
        client.setTerminated(elsewhere.id(), RunStatus.KILLED);
        Run again = children(experimentId, parent.id()).stream()
                .filter(r -> index.equals(r.tags().get(ClosecastTags.TRIAL_INDEX)) && !r.id().equals(best)
                        && r.info().status() == RunStatus.FINISHED)
                .findFirst().orElseThrow();
        assertEquals(bestRun.params(), again.params());
        assertEquals(bestRun.metric("test_mae").orElseThrow().value(), again.metric("test_mae").orElseThrow().value(), 1e-9);
    }

    /**
     * {@code sweep --trial I} processes running at once, as an Indexed Job's pods do: the parent is finished only by the
     * last one to end, with every trial; a parent created by another process that comes first (here one started a
     * second earlier, as a pod with a clock behind would) is settled on by all of them, the trials moved under it and
     * the other deleted; a duplicate found at the start is merged the same way.
     */
    @Test
    void trialProcessesAtOnceSettleOnOneParentAndTheLastToEndFinishesIt() throws Exception {
        String experiment = ItServers.unique("closecast-it-sweep-pods");
        Path config = CliProcess.config("tiny-sweep.yaml", experiment);
        CliProcess.Result first = CliProcess.run(300, "sweep", config.toString(), "--trials", "3", "--trial", "0");
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().contains("left RUNNING: trial(s) [1, 2] not ended yet"), first.out());
        String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
        Run started = parents(experimentId).getFirst();
        assertEquals(RunStatus.RUNNING, client.getRun(started.id()).info().status(), "two trials have not run yet");
        assertEquals(1, children(experimentId, started.id()).size());

        Path log1 = Files.createTempFile("closecast-pod-1", ".log");
        Path log2 = Files.createTempFile("closecast-pod-2", ".log");
        Process pod1 = CliProcess.builder(log1, "sweep", config.toString(), "--trials", "3", "--trial", "1").start();
        Process pod2 = CliProcess.builder(log2, "sweep", config.toString(), "--trials", "3", "--trial", "2").start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        awaitRunningTrial(pod1, log1, experimentId, started.id(), deadline);
        // while they run, a parent appears that every process must settle on (the earliest started)
        Run earlier = client.createRun(io.closecast.mlflow.entities.RunSpec.builder(experimentId, "raced-parent")
                .startTime(started.info().startTime().minusSeconds(1))
                .tag(ClosecastTags.SWEEP_ID, started.tags().get(ClosecastTags.SWEEP_ID))
                .tag("closecast.kind", "sweep").build());
        assertTrue(pod1.waitFor(5, TimeUnit.MINUTES) && pod2.waitFor(5, TimeUnit.MINUTES),
                Files.readString(log1) + Files.readString(log2));
        String out = Files.readString(log1) + Files.readString(log2);
        assertEquals(0, pod1.exitValue(), out);
        assertEquals(0, pod2.exitValue(), out);

        assertEquals(List.of(earlier.id()), parents(experimentId).stream().map(Run::id).toList(), out);
        assertEquals("deleted", client.getRun(started.id()).info().lifecycleStage());
        assertEquals(0, children(experimentId, started.id()).size(), "no trial is left under the deleted parent");
        List<Run> trials = children(experimentId, earlier.id());
        assertEquals(Set.of("0", "1", "2"), trials.stream().map(r -> r.tags().get(ClosecastTags.TRIAL_INDEX))
                .collect(Collectors.toSet()), out);
        assertTrue(trials.stream().noneMatch(r -> r.info().status() == RunStatus.RUNNING), out);
        Run parent = client.getRun(earlier.id());
        assertEquals(RunStatus.FINISHED, parent.info().status(), "the last process to end finished it: " + out);
        assertEquals(3.0, parent.metric("trials_finished").orElseThrow().value()
                + parent.metric("trials_pruned").orElseThrow().value()
                + parent.metric("trials_failed").orElseThrow().value(), "every trial counted, not one process's: " + out);
        assertTrue(trials.stream().anyMatch(r -> r.id().equals(parent.tags().get("closecast.best_run_id"))), out);

        // a duplicate found at the start (a pod that created one at the same moment) is merged into the first
        Run duplicate = client.createRun(io.closecast.mlflow.entities.RunSpec.builder(experimentId, "duplicate-parent")
                .startTime(started.info().startTime().plusSeconds(5))
                .tag(ClosecastTags.SWEEP_ID, started.tags().get(ClosecastTags.SWEEP_ID))
                .tag("closecast.kind", "sweep").build());
        CliProcess.Result again = CliProcess.run(300, "sweep", config.toString(), "--trials", "3", "--trial", "2");
        assertEquals(0, again.code(), again.out());
        assertTrue(again.out().contains("parent run " + duplicate.id() + " duplicated the sweep's parent " + earlier.id()),
                again.out());
        assertEquals(List.of(earlier.id()), parents(experimentId).stream().map(Run::id).toList());
        assertEquals(RunStatus.FINISHED, client.getRun(earlier.id()).info().status(), again.out());
        // --trial runs its trial again (a re-run by hand): a fourth attempt, under the first parent as the others
        assertEquals(4, children(experimentId, earlier.id()).size(), again.out());
    }

    private static List<Run> parents(String experimentId) {
        return client.searchAllRuns(RunSearch.builder(experimentId).filter("tags.`closecast.kind` = 'sweep'")
                .orderBy("attributes.start_time ASC").build());
    }

    /** Waits until a child run of the sweep is RUNNING (a trial in flight) and returns its id. */
    private static String awaitRunningTrial(Process sweep, Path log, String experimentId, String parentId, long deadline)
            throws Exception {
        while (true) {
            for (Run run : children(experimentId, parentId)) {
                if (run.info().status() == RunStatus.RUNNING) {
                    return run.id();
                }
            }
            assertTrue(sweep.isAlive(), "the sweep ended before a trial ran:\n" + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no trial running in time:\n" + Files.readString(log));
            Thread.sleep(100);
        }
    }

    @Test
    void sigtermRecordsEveryTrialInFlightKilledWithTheReasonAndTheResumeRunsItAgain() throws Exception {
        String experiment = ItServers.unique("closecast-it-sweep-term");
        Path config = CliProcess.config("tiny-sweep.yaml", experiment);
        Path log = Files.createTempFile("closecast-sweep-term", ".log");
        Process sweep = CliProcess.builder(log, "sweep", config.toString()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        String experimentId = null;
        while (experimentId == null) {
            assertTrue(System.nanoTime() < deadline, "no experiment in time:\n" + Files.readString(log));
            experimentId = client.findExperimentByName(experiment).map(e -> e.id()).orElse(null);
            Thread.sleep(100);
        }
        List<Run> parents = List.of();
        while (parents.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no parent run in time:\n" + Files.readString(log));
            parents = client.searchAllRuns(RunSearch.builder(experimentId).filter("tags.`closecast.kind` = 'sweep'").build());
            Thread.sleep(100);
        }
        String parentId = parents.getFirst().id();
        String inFlight = awaitRunningTrial(sweep, log, experimentId, parentId, deadline);
        sweep.destroy(); // SIGTERM: the shutdown hook records the runs
        assertTrue(sweep.waitFor(60, TimeUnit.SECONDS));
        for (Run run : children(experimentId, parentId)) {
            assertFalse(run.info().status() == RunStatus.RUNNING, "a trial in flight was left RUNNING: " + run.tags());
        }
        Run killed = client.getRun(inFlight);
        assertEquals(RunStatus.KILLED, killed.info().status());
        assertEquals(TrialStatus.INTERRUPTED_REASON, killed.tags().get("closecast.stop_reason"));
        assertEquals("interrupted", killed.tags().get(ClosecastTags.TRIAL_STATUS));
        assertEquals(RunStatus.KILLED, client.getRun(parentId).info().status());
    }
}
