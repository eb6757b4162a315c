package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.sweep.pruning.Curves;
import io.closecast.pipeline.sweep.pruning.MedianPruner;
import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialScheduler;
import io.closecast.pipeline.tracking.RunMetadata;
import io.closecast.pipeline.training.TrainingJob;
import io.closecast.pipeline.training.TrainingUi;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.train.TrainingEngine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one trial of a sweep as a child run of the parent: binds its point to the base config (a bad value is a
 * FAILED run, and the sweep goes on), trains it with {@link TrainingJob} under median pruning and the time limit,
 * and returns its row. Thread-safe: the scheduler runs several at once; the loss curves pruning compares are shared.
 */
public final class TrialRunner implements TrialScheduler.Runner {

    private final MlflowClient client;
    private final Clock clock;
    private final SweepFile file;
    private final String experimentId;
    private final String parentId;
    private final String sweepId;
    private final int threads;
    private final Curves curves;
    private final SweepProgress progress;
    private final Path workDir;
    private final Optional<TrainingUi> ui;

    public TrialRunner(MlflowClient client, Clock clock, SweepFile file, String experimentId, String parentId,
                String sweepId, int threads, Curves curves, SweepProgress progress, Path workDir,
                Optional<TrainingUi> ui) {
        this.client = client;
        this.clock = clock;
        this.file = file;
        this.experimentId = experimentId;
        this.parentId = parentId;
        this.sweepId = sweepId;
        this.threads = threads;
        this.curves = curves;
        this.progress = progress;
        this.workDir = workDir;
        this.ui = ui;
    }

    @Override
    public RemoteTrial remote(TrialScheduler.Trial trial) {
        progress.started(trial.index(), trial.point());
        return RemoteTrialWorker.ship(trial, file, client.config().trackingUri().toString(), experimentId, parentId, sweepId,
                threads, progress);
    }

    /**
     * Runs {@code trial} unless an attempt of it already ended: a task Spark runs again after losing an executor, a
     * second process given the same trial. An ended attempt (finished, pruned, time-limited, failed) is returned as it
     * is; attempts still RUNNING (left by a lost executor or process) are closed KILLED as "superseded by attempt N"
     * and the trial runs as attempt N.
     */
    public TrialResult runOnce(TrialScheduler.Trial trial) {
        List<Run> attempts = attempts(trial.index());
        for (Run attempt : attempts.reversed()) {
            TrialStatus status = TrialStatus.of(attempt);
            if (attempt.info().status() != RunStatus.RUNNING && status != TrialStatus.INTERRUPTED) {
                TrialResult row = SweepState.row(file.symbol(), trial.index(), attempt, file.spec());
                progress.finished(trial.index(), row.status(), row.value(), "attempt already ended: " + row.note());
                return row;
            }
        }
        int attempt = attempts.size() + 1;
        for (Run earlier : attempts) {
            if (earlier.info().status() == RunStatus.RUNNING) {
                client.setTags(earlier.id(), Map.of(ClosecastTags.STOP_REASON, "superseded by attempt " + attempt,
                        ClosecastTags.TRIAL_STATUS, TrialStatus.INTERRUPTED.key()));
                client.setTerminated(earlier.id(), RunStatus.KILLED, Instant.now(clock));
            }
        }
        return run(trial, attempt);
    }

    /** Every attempt of trial {@code index} under the parent, oldest first. */
    private List<Run> attempts(int index) {
        return client.searchAllRuns(io.closecast.mlflow.entities.RunSearch.builder(experimentId)
                .filter("tags.`mlflow.parentRunId` = '" + parentId + "' and tags.`" + ClosecastTags.TRIAL_INDEX + "` = '"
                        + index + "'")
                .orderBy("attributes.start_time ASC").build());
    }

    @Override
    public TrialResult run(TrialScheduler.Trial trial) {
        return run(trial, 0);
    }

    private TrialResult run(TrialScheduler.Trial trial, int attempt) {
        int index = trial.index();
        Map<String, Object> point = trial.point();
        SweepSpec spec = file.spec();
        TrainConfig config;
        try {
            config = config(index, point);
        } catch (RuntimeException e) {
            progress.finished(index, TrialStatus.FAILED, Optional.empty(), e.getMessage());
            return recordConfigFailure(index, point, e.getMessage());
        }
        AtomicReference<TrialStatus> stoppedAs = new AtomicReference<>(TrialStatus.PRUNED);
        TrainingJob.EpochHook hook = hook(index, stoppedAs);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.SWEEP_ID, sweepId);
        tags.put(ClosecastTags.TRIAL_INDEX, Integer.toString(index));
        tags.put(ClosecastTags.TRIAL_POINT, TrialPoints.write(point));
        tags.put(ClosecastTags.SWEEP_RUN_ID, parentId);
        if (attempt > 0) {
            tags.put(ClosecastTags.TRIAL_ATTEMPT, Integer.toString(attempt));
        }
        tags.put(RunMetadata.NOTE, file.trialNote(index, parentId, point));
        progress.started(index, point);
        TrainingJob.Options jobOptions = new TrainingJob.Options("trial-" + index, Optional.of(parentId), tags, hook,
                workDir, "");
        if (ui.isPresent()) {
            jobOptions = jobOptions.withListeners(runId -> {
                String session = SweepIds.uiSession(index, runId);
                client.setTags(runId, Map.of(ClosecastTags.UI_SESSION_ID, session));
                return ui.get().listeners(session, SweepIds.uiWorker(index));
            });
        }
        TrainingJob.Result result = new TrainingJob(client, clock, new PrintWriter(java.io.OutputStream.nullOutputStream()))
                .run(config, experimentId, jobOptions);
        TrialStatus status = switch (result.outcome()) {
            case FINISHED -> TrialStatus.FINISHED;
            case KILLED -> stoppedAs.get();
            case FAILED -> TrialStatus.FAILED;
            case SUPERSEDED -> TrialStatus.INTERRUPTED; // the retry's process recorded it so: left as it is
        };
        if (result.outcome() != TrainingJob.Outcome.SUPERSEDED) {
            client.setTags(result.runId(), Map.of(ClosecastTags.TRIAL_STATUS, status.key()));
        }
        Optional<Double> value = status == TrialStatus.FINISHED
                ? TrialObjective.objective(spec.metric(), result.metrics(), result.epochs()) : Optional.empty();
        progress.finished(index, status, value, result.reason());
        return new TrialResult(file.symbol(), index, result.runId(), status, point, value, result.reason());
    }

    private TrainConfig config(int index, Map<String, Object> point) {
        return trialConfig(file, index, point, threads, ui.isPresent());
    }

    /** Trial {@code index}'s training config: the base config with its point bound, its own seed and thread count. */
    public static TrainConfig trialConfig(SweepFile file, int index, Map<String, Object> point, int threads,
                                   boolean dl4j) {
        YamlConfig yaml = file.yaml();
        for (Map.Entry<String, Object> p : point.entrySet()) {
            yaml = yaml.withOverride(p.getKey(), p.getValue());
        }
        TrainConfig config = TrainConfig.read(yaml, ProjectRoot.of(file.path()));
        if (!point.containsKey("training.seed")) {
            config = config.withSeed(SweepIds.trialSeed(file.spec().seed(), index));
        }
        config = config.withThreads(threads);
        if (dl4j) {
            config = config.withEngine(TrainingEngine.DL4J); // the fused engine calls no DL4J listener
        }
        return config;
    }

    /** After each epoch: record the curve, then stop for the time limit, or when the median pruner says so. */
    private TrainingJob.EpochHook hook(int index, AtomicReference<TrialStatus> stoppedAs) {
        SweepSpec spec = file.spec();
        Instant start = Instant.now(clock);
        Optional<MedianPruner> pruner = spec.pruning().map(SweepSpec.Pruning::pruner);
        String metric = TrialObjective.pruneMetric(spec);
        return stats -> {
            double value = metric.equals("train_loss") ? stats.trainLoss() : stats.valLoss();
            double oriented = spec.goal() == SweepSpec.Goal.MINIMIZE || !metric.equals(spec.metric()) ? value : -value;
            curves.record(index, stats.epoch(), oriented);
            progress.epoch(index, stats.epoch(), file.base().training().maxEpochs(), value);
            Optional<Duration> limit = spec.trialTimeLimit();
            Duration elapsed = Duration.between(start, Instant.now(clock));
            if (limit.isPresent() && elapsed.compareTo(limit.get()) > 0) {
                stoppedAs.set(TrialStatus.TIME_LIMITED);
                return Optional.of("time limit " + limit.get().toSeconds() + "s exceeded at epoch " + stats.epoch());
            }
            if (pruner.isEmpty()) {
                return Optional.empty();
            }
            List<Double> others = curves.others(index, stats.epoch());
            stoppedAs.set(TrialStatus.PRUNED);
            return pruner.get().shouldPrune(stats.epoch(), oriented, others).map(reason -> "pruned: " + reason);
        };
    }

    private TrialResult recordConfigFailure(int index, Map<String, Object> point, String reason) {
        Run run = client.createRun(RunSpec.builder(experimentId, "trial-" + index).parentRunId(parentId)
                .tag(ClosecastTags.SWEEP_ID, sweepId).tag(ClosecastTags.TRIAL_INDEX, Integer.toString(index))
                .tag(ClosecastTags.TRIAL_POINT, TrialPoints.write(point))
                .tag(ClosecastTags.KIND, "trial").tag(ClosecastTags.FAILURE_REASON, reason)
                .tag(ClosecastTags.TRIAL_STATUS, TrialStatus.FAILED.key()).tag(RunMetadata.USER, RunMetadata.user())
                .tag(RunMetadata.NOTE, file.trialNote(index, parentId, point)).build());
        client.setTerminated(run.id(), RunStatus.FAILED);
        return new TrialResult(file.symbol(), index, run.id(), TrialStatus.FAILED, point, Optional.empty(), reason);
    }
}
