package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

import java.time.Instant;

/** One metric value: key, value, when it was measured and at which step (e.g. the epoch). */
public record Metric(String key, double value, Instant timestamp, long step) {
    /**
     * Checks the metric.
     *
     * @param key       the key, non-blank
     * @param value     the value
     * @param timestamp when it was measured
     * @param step      at which step
     * @throws io.closecast.mlflow.MlflowException when the key is blank or the timestamp missing
     */
    public Metric {
        Checks.notBlank(key, "metric key");
        Checks.notNull(timestamp, "metric '" + key + "' timestamp");
    }

    /**
     * A metric at {@code step}, timestamped now.
     *
     * @param key   the key
     * @param value the value
     * @param step  the step, e.g. the epoch
     * @return the metric
     */
    public static Metric create(String key, double value, long step) {
        return new Metric(key, value, Instant.now(), step);
    }

    /**
     * A metric at step 0, timestamped now.
     *
     * @param key   the key
     * @param value the value
     * @return the metric
     */
    public static Metric create(String key, double value) {
        return create(key, value, 0);
    }
}
