package io.closecast.mlflow.registry;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.entities.ModelVersion;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

/** Waits for a new model version to leave PENDING_REGISTRATION: READY is returned, FAILED_REGISTRATION thrown. */
final class ReadyWait {
    private static final Duration READY_POLL = Duration.ofMillis(200);

    private ReadyWait() {
    }

    /**
     * Polls until the version is READY.
     *
     * @param version  the version as created
     * @param timeout  how long it may stay PENDING_REGISTRATION
     * @param versions reads a version by model name and number
     * @return the READY version
     * @throws MlflowException on FAILED_REGISTRATION, when still pending after {@code timeout} or when interrupted
     */
    static ModelVersion await(ModelVersion version, Duration timeout, BiFunction<String, Integer, ModelVersion> versions) {
        Instant deadline = Instant.now().plus(timeout);
        ModelVersion current = version;
        while (true) {
            switch (current.status()) {
                case READY -> {
                    return current;
                }
                case FAILED_REGISTRATION -> throw new MlflowException("model version " + current.name() + " v"
                        + current.version() + " failed registration: expected READY, found FAILED_REGISTRATION ("
                        + current.statusMessage() + "; source " + current.source() + ")");
                case PENDING_REGISTRATION -> {
                    if (Instant.now().isAfter(deadline)) {
                        throw new MlflowException("model version " + current.name() + " v" + current.version()
                                + " expected READY within " + timeout + ", found still PENDING_REGISTRATION");
                    }
                    try {
                        Thread.sleep(READY_POLL.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new MlflowException("interrupted waiting for " + current.name() + " v"
                                + current.version() + " to become READY", e);
                    }
                    current = versions.apply(current.name(), current.version());
                }
                default -> throw new IllegalStateException("unknown status " + current.status());
            }
        }
    }
}
