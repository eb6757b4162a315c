package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.Executor;
import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.tracking.RunMetadata;
import io.closecast.pipeline.tracking.Provenance;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Tag;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A sweep's persistent state, which lives in MLflow: the parent run (found again by the sweep id, so a sweep
 * started again resumes or extends) and its child runs, one per trial attempt. On resume, trials left RUNNING by a
 * sweep that died are closed as interrupted; ended trials give back their rows and loss curves; interrupted ones are
 * run again with the point they ran.
 */
public final class SweepState {
    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;
    private final String experimentId;
    private final String symbol;
    private final String sweepId;
    private final Run parent;
    private final Map<Integer, Run> children;
    private final Optional<Integer> onlyTrial;

    private SweepState(MlflowClient client, Clock clock, PrintWriter console, String experimentId, String symbol,
                       String sweepId, Run parent, Map<Integer, Run> children, Optional<Integer> onlyTrial) {
        this.symbol = symbol;
        this.sweepId = sweepId;
        this.onlyTrial = onlyTrial;
        this.client = client;
        this.clock = clock;
        this.console = console;
        this.experimentId = experimentId;
        this.parent = parent;
        this.children = children;
    }

    /**
     * Finds the sweep's parent run (reopening it) or creates it, and reads its trials. With {@code onlyTrial}
     * ({@code sweep --trial I}), only that trial's attempts count as this process's: other trials RUNNING may be running
     * in other processes right now, and are left alone here and on interrupt.
     */
    static SweepState open(MlflowClient client, Clock clock, PrintWriter console, SweepFile file,
                           String experimentId, String sweepId, int trials, Optional<Integer> onlyTrial) {
        Run parent = findOrCreateParent(client, clock, console, file, experimentId, sweepId, trials);
        SweepState state = new SweepState(client, clock, console, experimentId, file.symbol(), sweepId, parent,
                children(client, experimentId, parent.id()), onlyTrial);
        state.closeLeftRunning();
        return state;
    }

    /**
     * The sweep as MLflow has it now, after this process's trials: the parent every process agrees on (a process that
     * started together with this one may have created a parent that comes first; this one's trials are then moved
     * under it) and every trial's latest attempt, whoever ran it.
     */
    SweepState now() {
        List<Run> found = parents(client, experimentId, sweepId);
        Run first = found.isEmpty() ? parent : first(found);
        Set<String> merged = new LinkedHashSet<>(ids(found));
        merged.add(parent.id()); // this one's own, maybe deleted by another process's merge before its trials moved
        merge(client, console, experimentId, first.id(), merged);
        return new SweepState(client, clock, console, experimentId, symbol, sweepId, first,
                children(client, experimentId, first.id()), onlyTrial);
    }

    String experimentId() {
        return experimentId;
    }

    String parentId() {
        return parent.id();
    }

    /** The latest attempt of each trial, by index. */
    Map<Integer, Run> children() {
        return children;
    }

    /** Whether trial {@code index} must (still) run: never started, or interrupted. */
    boolean needsRun(int index) {
        Run run = children.get(index);
        return run == null || TrialStatus.of(run) == TrialStatus.INTERRUPTED;
    }

    /** The point an earlier attempt of trial {@code index} ran, to run exactly that again. */
    Optional<Map<String, Object>> earlierPoint(int index) {
        Run run = children.get(index);
        return run == null || !run.tags().containsKey(ClosecastTags.TRIAL_POINT) ? Optional.empty()
                : Optional.of(TrialPoints.read(run.tags().get(ClosecastTags.TRIAL_POINT)));
    }

    /** Whether trial {@code index}'s latest attempt is RUNNING (with {@code --trial}: in another process, maybe). */
    boolean running(int index) {
        Run run = children.get(index);
        return run != null && run.info().status() == RunStatus.RUNNING;
    }

    /** The trials of {@code 0 .. trials - 1} not ended: never started, interrupted, or RUNNING (elsewhere, maybe). */
    List<Integer> notEnded(int trials) {
        return IntStream.range(0, trials).filter(i -> needsRun(i) || running(i)).boxed().toList();
    }

    /** The rows of the trials that ended (not interrupted, not running), by index. */
    Map<Integer, TrialResult> endedRows(SweepSpec spec) {
        Map<Integer, TrialResult> rows = new TreeMap<>();
        children.forEach((index, child) -> {
            if (!needsRun(index) && !running(index)) {
                rows.put(index, row(symbol, index, child, spec));
            }
        });
        return rows;
    }

    /** The per-epoch values median pruning compares, of every ended trial. */
    Map<Integer, Map<Long, Double>> endedCurves(SweepSpec spec) {
        Map<Integer, Map<Long, Double>> curves = new ConcurrentHashMap<>();
        children.forEach((index, child) -> {
            if (!needsRun(index) && !running(index)) {
                Map<Long, Double> curve = new ConcurrentHashMap<>();
                for (Metric m : client.metricHistory(child.id(), TrialObjective.pruneMetric(spec))) {
                    curve.put(m.step(), m.value());
                }
                curves.put(index, curve);
            }
        });
        return curves;
    }

    /**
     * Ctrl-C / SIGTERM: every trial in flight and the parent are recorded KILLED with the reason
     * {@link SweepRunner#INTERRUPTED}; a resumed sweep runs those trials again. With {@code --trial I} only trial I's
     * attempt is, and the parent is left as it is (other processes' trials run under it). Best effort: with MLflow
     * unreachable, the resumed sweep closes them instead.
     */
    void closeOnInterrupt() {
        try {
            for (Map.Entry<Integer, Run> e : children(client, experimentId, parent.id()).entrySet()) {
                if (e.getValue().info().status() == RunStatus.RUNNING && ours(e.getKey())) {
                    markInterrupted(e.getValue());
                }
            }
            if (onlyTrial.isPresent()) {
                return;
            }
            client.setTags(parent.id(), Map.of(ClosecastTags.STOP_REASON, TrialStatus.INTERRUPTED_REASON));
            client.setTerminated(parent.id(), RunStatus.KILLED);
        } catch (RuntimeException e) {
            // MLflow unreachable while shutting down: resume closes the runs instead.
        }
    }

    /** Trials left RUNNING by a sweep that died (SIGKILL, power cut) are closed as interrupted, to be re-run. */
    private void closeLeftRunning() {
        for (Map.Entry<Integer, Run> e : children.entrySet()) {
            Run run = e.getValue();
            if (run.info().status() == RunStatus.RUNNING && ours(e.getKey())) {
                markInterrupted(run);
                console.printf(Locale.ROOT, "trial %d of %s was left RUNNING by an interrupted sweep: closed as KILLED,"
                        + " re-running it%n", e.getKey(), symbol);
                e.setValue(client.getRun(run.id()));
            }
        }
        console.flush();
    }

    /** Whether trial {@code index} is this process's to close: every trial, or with --trial I only I. */
    private boolean ours(int index) {
        return onlyTrial.map(i -> i == index).orElse(true);
    }

    private void markInterrupted(Run run) {
        client.setTags(run.id(), Map.of(ClosecastTags.STOP_REASON, TrialStatus.INTERRUPTED_REASON,
                ClosecastTags.TRIAL_STATUS, TrialStatus.INTERRUPTED.key()));
        client.setTerminated(run.id(), RunStatus.KILLED, Instant.now(clock));
    }

    static TrialResult row(String symbol, int index, Run child, SweepSpec spec) {
        Map<String, Object> point = child.tags().containsKey(ClosecastTags.TRIAL_POINT)
                ? TrialPoints.read(child.tags().get(ClosecastTags.TRIAL_POINT)) : Map.of();
        TrialStatus status = TrialStatus.of(child);
        Optional<Double> value = Optional.empty();
        if (status == TrialStatus.FINISHED) {
            value = child.metric(TrialObjective.objectiveKey(spec.metric())).map(Metric::value);
        }
        String note = child.tags().getOrDefault(ClosecastTags.STOP_REASON, child.tags().getOrDefault(ClosecastTags.FAILURE_REASON, ""));
        return new TrialResult(symbol, index, child.id(), status, point, value, note);
    }

    private static Map<Integer, Run> children(MlflowClient client, String experimentId, String parentId) {
        Map<Integer, Run> byTrial = new TreeMap<>();
        for (Run run : attempts(client, experimentId, parentId)) {
            String index = run.tags().get(ClosecastTags.TRIAL_INDEX);
            if (index != null) {
                byTrial.put(Integer.parseInt(index), run); // the latest attempt of a trial wins
            }
        }
        return byTrial;
    }

    /** Every child run of {@code parentId} (every attempt of every trial), oldest first. */
    private static List<Run> attempts(MlflowClient client, String experimentId, String parentId) {
        return client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`" + Tag.PARENT_RUN_ID + "` = '" + parentId + "'").orderBy("attributes.start_time ASC").build());
    }

    /** The sweep's parent runs, earliest first: one, or more when processes that started together each created one. */
    private static List<Run> parents(MlflowClient client, String experimentId, String sweepId) {
        return client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`" + ClosecastTags.SWEEP_ID + "` = '" + sweepId + "' and tags.`" + ClosecastTags.KIND
                        + "` = 'sweep'")
                .orderBy("attributes.start_time ASC").build());
    }

    /**
     * The parent every process settles on: the earliest started, then the smallest run id. Once every process has
     * created its own (each creates at most one, and only when it found none), all of them pick the same one, whatever
     * their clocks.
     */
    static Run first(List<Run> parents) {
        return parents.stream().min(Comparator.comparing((Run r) -> r.info().startTime()).thenComparing(Run::id))
                .orElseThrow();
    }

    /**
     * Finds the parent, else creates it and then looks again (create, then resolve): when {@code sweep --trial}
     * processes start together (an Indexed Job's pods), each may find none and create one; they then all settle on
     * {@link #first} and the others' trials are moved under it ({@link #merge}). Only the first gets the sweep's params
     * and file, by the process that created it.
     */
    private static Run findOrCreateParent(MlflowClient client, Clock clock, PrintWriter console,
                                          SweepFile file, String experimentId, String sweepId, int trials) {
        List<Run> found = parents(client, experimentId, sweepId);
        if (!found.isEmpty()) {
            Run parent = first(found);
            client.reopenRun(parent.id());
            client.logParams(parent.id(), Map.of("sweep.trials.requested." + Instant.now(clock).toEpochMilli(),
                    Integer.toString(trials)));
            merge(client, console, experimentId, parent.id(), ids(found));
            return parent;
        }
        String name = file.path().getFileName().toString().replaceAll("\\.ya?ml$", "") + "-sweep-" + sweepId.substring(0, 6);
        RunSpec.Builder spec = RunSpec.builder(experimentId, name).startTime(Instant.now(clock))
                .tag(ClosecastTags.SWEEP_ID, sweepId).tag(ClosecastTags.KIND, "sweep")
                .tag(ClosecastTags.VERSION, Provenance.closecast()).tag("mlflow.source.name", "closecast sweep")
                .tag(RunMetadata.USER, RunMetadata.user()).tag(RunMetadata.NOTE, file.sweepNote(trials));
        Provenance.gitCommit().ifPresent(c -> spec.tag("mlflow.source.git.commit", c));
        Run created = client.createRun(spec.build());
        found = new ArrayList<>(parents(client, experimentId, sweepId));
        if (found.stream().noneMatch(r -> r.id().equals(created.id()))) {
            found.add(created);
        }
        Run parent = first(found);
        if (!parent.id().equals(created.id())) {
            console.printf(Locale.ROOT, "sweep %s: another process created its parent run %s at the same time: using"
                    + " that one%n", sweepId, parent.id());
            client.reopenRun(parent.id());
        } else {
            describe(client, file, parent);
        }
        merge(client, console, experimentId, parent.id(), ids(found));
        return parent;
    }

    private static List<String> ids(List<Run> runs) {
        return runs.stream().map(Run::id).toList();
    }

    /** The sweep's params and its file on a parent run this process created. */
    private static void describe(MlflowClient client, SweepFile file, Run parent) {
        Map<String, String> params = new LinkedHashMap<>();
        SweepSpec s = file.spec();
        params.put("sweep.metric", s.metric());
        params.put("sweep.goal", ConfigSection.kebab(s.goal()));
        params.put("sweep.method", ConfigSection.kebab(s.method()));
        params.put("sweep.seed", Long.toString(s.seed()));
        params.put("sweep.executor", ConfigSection.kebab(s.executor()));
        if (s.executor() == Executor.LOCAL) {
            params.put("sweep.parallel", Integer.toString(s.parallel()));
        } else {
            // sweep.parallel does not apply on Spark: the slots are the cores over the cores per trial
            params.put("sweep.spark.master", s.spark().master().orElse("(spark-submit's)"));
            params.put("sweep.spark.cores", s.spark().cores().map(String::valueOf).orElse("(the application's)"));
            params.put("sweep.spark.task-cpus", Integer.toString(s.spark().taskCpus()));
        }
        params.put("sweep.pruning", s.pruning().map(p -> "median warmup=" + p.warmupEpochs() + " min-trials=" + p.minTrials())
                .orElse("off"));
        params.put("sweep.trial-time-limit", s.trialTimeLimit().map(Duration::toString).orElse("none"));
        s.space().params().forEach((key, domain) -> params.put("space." + key, SweepReport.describe(domain)));
        client.logParams(parent.id(), params);
        client.artifacts().uploadFile(parent.id(), file.path(), "sweep");
    }

    /**
     * Moves the trials of the sweep's other parent runs ({@code parentIds} but {@code parentId}) under {@code parentId}
     * and deletes those (to MLflow's trash). Any process may do it, more than once: a trial already moved is not found
     * under a duplicate again.
     */
    private static void merge(MlflowClient client, PrintWriter console, String experimentId, String parentId,
                              Collection<String> parentIds) {
        for (String duplicate : parentIds) {
            if (duplicate.equals(parentId)) {
                continue;
            }
            List<Run> trials = attempts(client, experimentId, duplicate);
            for (Run trial : trials) {
                client.setTags(trial.id(), Map.of(Tag.PARENT_RUN_ID, parentId));
            }
            boolean deletedHere = !"deleted".equals(client.getRun(duplicate).info().lifecycleStage());
            if (deletedHere) {
                client.deleteRun(duplicate);
            }
            if (deletedHere || !trials.isEmpty()) {
                console.printf(Locale.ROOT, "parent run %s duplicated the sweep's parent %s (processes started"
                        + " together): %d trial(s) moved under %s, the duplicate deleted%n", duplicate, parentId,
                        trials.size(), parentId);
            }
        }
        console.flush();
    }
}
