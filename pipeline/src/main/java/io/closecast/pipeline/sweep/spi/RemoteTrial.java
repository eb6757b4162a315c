package io.closecast.pipeline.sweep.spi;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.sweep.SweepProgress;
import io.closecast.pipeline.sweep.SweepRunner;
import io.closecast.pipeline.sweep.TrialRunner;
import io.closecast.pipeline.sweep.TrialStatus;
import io.closecast.pipeline.sweep.pruning.MlflowCurves;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;

/**
 * One trial shipped to another JVM (a Spark executor) and its result coming back, both as JSON text: the whole
 * {@link TrialScheduler.Trial} and what the other side needs to rebuild the {@link TrialRunner}: the sweep file's
 * text (and the path and project root its relative paths resolve against, which must hold the same data there: the
 * pipeline image, or a shared checkout), the tracking URI, the experiment, the parent run and the sweep id. The other
 * JVM runs it with {@link #execute}: idempotently ({@link TrialRunner#runOnce}), with median pruning reading the other
 * trials' curves from MLflow ({@link MlflowCurves}), logging to MLflow itself.
 */
public final class RemoteTrial {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** What travels to the executor. */
    record Task(TrialScheduler.Trial trial, String sweepPath, String sweepText, String projectRoot, String trackingUri,
                String experimentId, String parentId, String sweepId, int threads) {
    }

    /** What comes back: a {@link SweepRunner.TrialRow} ({@code value} null when the row has none). */
    record Row(String symbol, int index, String runId, TrialStatus status, Map<String, Object> point, Double value,
               String note) {
        static Row of(SweepRunner.TrialRow row) {
            return new Row(row.symbol(), row.index(), row.runId(), row.status(), row.point(), row.value().orElse(null),
                    row.note());
        }

        SweepRunner.TrialRow row() {
            return new SweepRunner.TrialRow(symbol, index, runId, status, point, Optional.ofNullable(value), note);
        }
    }

    private final Task task;
    private final SweepProgress progress;

    private RemoteTrial(Task task, SweepProgress progress) {
        this.task = task;
        this.progress = progress;
    }

    public static RemoteTrial create(TrialScheduler.Trial trial, SweepRunner.SweepFile file, String trackingUri,
                              String experimentId, String parentId, String sweepId, int threads, SweepProgress progress) {
        Path path = file.path().toAbsolutePath().normalize();
        return new RemoteTrial(new Task(trial, path.toString(), file.text(), ProjectRoot.of(path).toString(), trackingUri,
                experimentId, parentId, sweepId, threads), progress);
    }

    /** The trial's index in the sweep. */
    public int index() {
        return task.trial().index();
    }

    /** The task as JSON, for {@link #execute} in the other JVM. */
    public String payload() {
        return write(task);
    }

    /** The row {@link #execute} returned (its JSON), recorded in this JVM's progress. */
    public SweepRunner.TrialRow ended(String result) {
        SweepRunner.TrialRow row = read(result, Row.class).row();
        if (row.index() != index() || !row.symbol().equals(task.trial().symbol())) {
            throw new PipelineException("trial " + index() + " of " + task.trial().symbol() + " came back as trial "
                    + row.index() + " of " + row.symbol() + ": " + result);
        }
        progress.finished(row.index(), row.status(), row.value(), row.note());
        return row;
    }

    /**
     * In the other JVM: runs the trial of {@code payload} (unless an attempt of it already ended) and returns its row as
     * JSON. MLflow's credentials come from this JVM's environment ({@code MLFLOW_TRACKING_TOKEN}, ...), the URI from
     * the task.
     */
    public static String execute(String payload) {
        Task task = read(payload, Task.class);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MLFLOW_TRACKING_URI", task.trackingUri());
        Path work;
        try {
            work = Files.createTempDirectory("closecast-trial-" + task.trial().index() + "-");
        } catch (IOException e) {
            throw new PipelineException("cannot create a work directory for trial " + task.trial().index(), e);
        }
        try (MlflowClient client = MlflowClient.create(MlflowConfig.fromEnvironment(env))) {
            SweepRunner.SweepFile file = SweepRunner.SweepFile.parse(Path.of(task.sweepPath()), task.sweepText(),
                    Path.of(task.projectRoot()), task.trial().symbol());
            SweepProgress silent = new SweepProgress(new PrintWriter(OutputStream.nullOutputStream()), 1, file.spec(), "");
            TrialRunner runner = new TrialRunner(client, Clock.systemUTC(), file, task.experimentId(), task.parentId(),
                    task.sweepId(), task.threads(), new MlflowCurves(client, task.experimentId(), task.parentId(),
                            file.spec()), silent, work, Optional.empty());
            return write(Row.of(runner.runOnce(task.trial())));
        } finally {
            try {
                WorkDirs.delete(work);
            } catch (IOException e) {
                // a temp dir left behind is not worth failing a finished trial for
            }
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new PipelineException("not a closecast trial " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT)
                    + ": " + e.getOriginalMessage(), e);
        }
    }
}
