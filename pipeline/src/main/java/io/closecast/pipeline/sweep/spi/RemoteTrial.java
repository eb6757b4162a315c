package io.closecast.pipeline.sweep.spi;

import io.closecast.pipeline.PipelineException;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One trial shipped to another JVM (a Spark executor) and its result coming back, both as JSON text: the whole
 * {@link TrialScheduler.Trial} and what the other side needs to rebuild the trial's runner ({@link Task}): the sweep
 * file's text (and the path and project root its relative paths resolve against, which must hold the same data there:
 * the pipeline image, or a shared checkout), the tracking URI, the experiment, the parent run and the sweep id. The
 * other JVM runs the payload with the trial's {@link Worker}, which the sweep hands over with the task (a serializable
 * object, so a distributed scheduler ships it beside the payload): idempotently, with median pruning reading the other
 * trials' curves from MLflow, logging to MLflow itself.
 */
public final class RemoteTrial {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** What travels to the executor. */
    public record Task(TrialScheduler.Trial trial, String sweepPath, String sweepText, String projectRoot,
                       String trackingUri, String experimentId, String parentId, String sweepId, int threads) {
        /** The task a {@link #payload} carries. */
        public static Task of(String payload) {
            return read(payload, Task.class);
        }
    }

    /**
     * Runs a {@link #payload} in the other JVM and returns the trial's result as {@link #resultJson} gives it.
     * Serializable: a distributed scheduler ships it with the payload.
     */
    @FunctionalInterface
    public interface Worker extends Serializable {
        String run(String payload);
    }

    /** What comes back: a {@link TrialResult} ({@code value} null when it has none). */
    record Row(String symbol, int index, String runId, TrialStatus status, Map<String, Object> point, Double value,
               String note) {
        static Row of(TrialResult result) {
            return new Row(result.symbol(), result.index(), result.runId(), result.status(), result.point(),
                    result.value().orElse(null), result.note());
        }

        TrialResult result() {
            return new TrialResult(symbol, index, runId, status, point, Optional.ofNullable(value), note);
        }
    }

    private final Task task;
    private final Worker worker;
    private final Consumer<TrialResult> recorded;

    private RemoteTrial(Task task, Worker worker, Consumer<TrialResult> recorded) {
        this.task = task;
        this.worker = worker;
        this.recorded = recorded;
    }

    /** {@code task}, run in the other JVM by {@code worker}; {@code recorded} hears of its result in this JVM. */
    public static RemoteTrial create(Task task, Worker worker, Consumer<TrialResult> recorded) {
        return new RemoteTrial(task, worker, recorded);
    }

    /** The trial's index in the sweep. */
    public int index() {
        return task.trial().index();
    }

    /** The task as JSON, for the {@link #worker} in the other JVM. */
    public String payload() {
        return write(task);
    }

    /** What runs the {@link #payload} in the other JVM. */
    public Worker worker() {
        return worker;
    }

    /** The result the worker returned (its JSON), recorded in this JVM. */
    public TrialResult ended(String result) {
        TrialResult ended = read(result, Row.class).result();
        if (ended.index() != index() || !ended.symbol().equals(task.trial().symbol())) {
            throw new PipelineException("trial " + index() + " of " + task.trial().symbol() + " came back as trial "
                    + ended.index() + " of " + ended.symbol() + ": " + result);
        }
        recorded.accept(ended);
        return ended;
    }

    /** A trial's result as a worker returns it. */
    public static String resultJson(TrialResult result) {
        return write(Row.of(result));
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
