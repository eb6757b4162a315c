package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

import java.time.Instant;

/** One metric value: key, value, when it was measured and at which step (e.g. the epoch). */
public record Metric(String key, double value, Instant timestamp, long step) {
    public Metric {
        Checks.notBlank(key, "metric key");
        Checks.notNull(timestamp, "metric '" + key + "' timestamp");
    }

    /** A metric at {@code step}, timestamped now. */
    public static Metric create(String key, double value, long step) {
        return new Metric(key, value, Instant.now(), step);
    }

    /** A metric at step 0, timestamped now. */
    public static Metric create(String key, double value) {
        return create(key, value, 0);
    }
}
