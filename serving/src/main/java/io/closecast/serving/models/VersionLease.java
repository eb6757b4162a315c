package io.closecast.serving.models;

import io.closecast.serving.monitoring.ServingMetrics;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request's hold on one loaded version ({@link ModelManager#acquire()}). Close it exactly once, when the request
 * is done with the model; the version is closed after it was swapped out and its last lease was closed (the manager
 * holds one lease of its own while the version serves).
 */
public final class VersionLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VersionLease.class);

    private final Forecaster forecaster;
    private final ModelInfo info;
    private final ServingMetrics.ModelMeters meters;
    private final AtomicInteger holds = new AtomicInteger(1);

    /** The manager's own hold on a version that starts serving. */
    VersionLease(Forecaster forecaster, ServingMetrics.ModelMeters meters) {
        this.forecaster = forecaster;
        this.info = forecaster.info();
        this.meters = meters;
    }

    /** The meters of the model this version belongs to (routes count their forecasts there). */
    public ServingMetrics.ModelMeters meters() {
        return meters;
    }

    public Forecaster forecaster() {
        return forecaster;
    }

    public ModelInfo info() {
        return info;
    }

    /** One more hold, unless the last one was closed already (then the version is closed and must not be used). */
    boolean retain() {
        for (;;) {
            int h = holds.get();
            if (h == 0) {
                return false;
            }
            if (holds.compareAndSet(h, h + 1)) {
                return true;
            }
        }
    }

    @Override
    public void close() {
        if (holds.decrementAndGet() == 0) {
            try {
                forecaster.close();
                LOG.info("Closed model {} v{}", info.name(), info.version());
            } catch (Exception e) {
                LOG.warn("Closing model {} v{} failed: {}", info.name(), info.version(), e.toString());
            }
        }
    }
}
