package io.closecast.pipeline.training;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.tracking.Provenance;
import io.closecast.pipeline.tracking.RunMetadata;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.train.EpochStats;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training as one MLflow run, and the run's life cycle: the run created with its tags and params, the training
 * ({@link HeldOutTraining}: prices -> checked, leak-free windows -> LSTM training with per-epoch metrics -> test
 * metrics beside the naive forecast and walk-forward folds -> the model bundle, plots and predictions as artifacts),
 * then the run ended. A failure ends the run FAILED with the reason as a tag; a pruned or timed-out trial ends KILLED.
 * Registering a finished run is the registry's ({@code Registrar}), not training's.
 */
public final class TrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

    private final MlflowClient client;
    private final Clock clock;
    private final RunArtifacts artifacts;
    private final HeldOutTraining training;

    public TrainingJob(MlflowClient client, Clock clock, PrintWriter console) {
        this.client = client;
        this.clock = clock;
        this.artifacts = new RunArtifacts(client);
        this.training = new HeldOutTraining(client, clock, console, artifacts);
    }

    /** Called after every epoch; may stop the training by returning why (median pruning, time limit). */
    @FunctionalInterface
    public interface EpochHook {
        Optional<String> afterEpoch(EpochStats stats);

        static EpochHook none() {
            return stats -> Optional.empty();
        }
    }

    /**
     * Extra DL4J listeners for a run's network (the main training, not walk-forward folds), given the run id, e.g.
     * the training UI's stats listener. Only {@code training.engine=dl4j} calls them: the fused engine has no
     * per-iteration hooks.
     */
    @FunctionalInterface
    public interface NetworkListeners {
        List<TrainingListener> forRun(String runId);

        static NetworkListeners none() {
            return runId -> List.of();
        }
    }

    /**
     * How to run: the run's name, its parent (a sweep), extra tags, the epoch hook, the working directory for files
     * written before upload, the config as written (quoted in the bundle's config), and extra DL4J listeners.
     */
    public record Options(String runName, Optional<String> parentRunId, Map<String, String> tags, EpochHook hook,
                          Path workDir, String configText, NetworkListeners listeners) {
        public Options {
            tags = Map.copyOf(tags);
            Objects.requireNonNull(listeners, "listeners");
        }

        /** Options without extra DL4J listeners. */
        public Options(String runName, Optional<String> parentRunId, Map<String, String> tags, EpochHook hook,
                       Path workDir, String configText) {
            this(runName, parentRunId, tags, hook, workDir, configText, NetworkListeners.none());
        }

        /** The same options with {@code listeners} attached to the run's network. */
        public Options withListeners(NetworkListeners listeners) {
            return new Options(runName, parentRunId, tags, hook, workDir, configText, listeners);
        }
    }

    /**
     * How a training ended. {@code SUPERSEDED}: another process closed the run while it trained (a sweep's retry of a
     * trial whose executor was taken for lost), so this one left the run as that process recorded it.
     */
    public enum Outcome { FINISHED, FAILED, KILLED, SUPERSEDED }

    /** The run, how it ended, why, its test metrics (when finished) and the held-out model's epochs. */
    public record Result(String runId, Outcome outcome, String reason, Map<String, Double> metrics,
                         List<EpochStats> epochs) {
        public Result {
            metrics = Map.copyOf(metrics);
            epochs = List.copyOf(epochs);
        }
    }

    /** Creates the run and trains; never throws for a failed training: the result says FAILED and why. */
    public Result run(TrainConfig config, String experimentId, Options options) {
        RunSpec.Builder spec = RunSpec.builder(experimentId, options.runName())
                .startTime(Instant.now(clock))
                .tag(ClosecastTags.KIND, options.parentRunId().isPresent() ? "trial" : "train")
                .tag(ClosecastTags.SEED, Long.toString(config.training().seed()))
                .tag(ClosecastTags.VERSION, Provenance.closecast())
                .tag("mlflow.source.type", "LOCAL")
                .tag("mlflow.source.name", "closecast")
                .tag(RunMetadata.USER, RunMetadata.user())
                .tags(options.tags());
        Provenance.gitCommit().ifPresent(commit -> spec.tag("mlflow.source.git.commit", commit));
        options.parentRunId().ifPresent(spec::parentRunId);
        Run run = client.createRun(spec.build());
        String runId = run.info().runId();
        List<EpochStats> epochs = new ArrayList<>();
        try {
            client.logParams(runId, config.resolved());
            HeldOutTraining.Trained trained = train(config, runId, options, epochs);
            Optional<String> closed = closedElsewhere(runId);
            if (closed.isPresent()) {
                LOG.warn("run {} was closed by another process while it trained ({}): left as it is", runId, closed.get());
                return new Result(runId, Outcome.SUPERSEDED, closed.get(), Map.of(), epochs);
            }
            if (trained.stopReason().isPresent()) {
                String reason = trained.stopReason().get();
                client.setTags(runId, Map.of(ClosecastTags.STOPPED_AT_EPOCH, Integer.toString(epochs.size()),
                        ClosecastTags.STOP_REASON, reason));
                artifacts.logLossCurve(runId, epochs, options.workDir(), "stopped at epoch " + epochs.size());
                client.setTerminated(runId, RunStatus.KILLED, Instant.now(clock));
                return new Result(runId, Outcome.KILLED, reason, Map.of(), epochs);
            }
            client.setTerminated(runId, RunStatus.FINISHED, Instant.now(clock));
            return new Result(runId, Outcome.FINISHED, "", trained.metrics(), epochs);
        } catch (RuntimeException e) {
            return fail(runId, e, epochs);
        }
    }

    /**
     * Ends run {@code runId} FAILED, {@code e}'s message its {@value ClosecastTags#FAILURE_REASON} tag: a training
     * that threw, or a finished run whose next step failed (its registration, by {@code train --register}).
     */
    public Result fail(String runId, RuntimeException e, List<EpochStats> epochs) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.warn("training run {} failed: {}", runId, reason, e);
        try {
            client.setTags(runId, Map.of(ClosecastTags.FAILURE_REASON, truncate(reason, 4000)));
            client.setTerminated(runId, RunStatus.FAILED, Instant.now(clock));
        } catch (RuntimeException mlflowDown) {
            LOG.error("could not mark run {} FAILED: {}", runId, mlflowDown.getMessage());
        }
        return new Result(runId, Outcome.FAILED, reason, Map.of(), epochs);
    }

    /**
     * Why the run is no longer RUNNING, when another process ended it while this one trained: a sweep that took this
     * attempt's executor for lost closes it as superseded and runs the trial again; this attempt must not then end it
     * FINISHED beside the retry. (Checked once, when training ends: a close in the moment between the check and this
     * process's end is not caught.)
     */
    private Optional<String> closedElsewhere(String runId) {
        Run now = client.getRun(runId);
        return now.info().status() == RunStatus.RUNNING ? Optional.empty()
                : Optional.of(now.tags().getOrDefault(ClosecastTags.STOP_REASON, "ended " + now.info().status()
                        + " by another process"));
    }

    private HeldOutTraining.Trained train(TrainConfig config, String runId, Options options, List<EpochStats> epochs) {
        try {
            return training.train(config, runId, options, epochs);
        } catch (IOException e) {
            throw new PipelineException("cannot write the run's files: " + e.getMessage(), e);
        }
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
