package io.closecast.serving.models;

import io.closecast.serving.monitoring.ServingMetrics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread that runs a model's checks: at start, then every {@code pollInterval} while a model
 * serves, or with exponential backoff (from {@code retryInitial}, doubling, capped at {@code retryMax}) while none
 * does or a check failed. Nothing a check throws ends the loop.
 */
final class AliasPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AliasPoller.class);

    /** One check: resolve the alias and load what it points at if needed. */
    @FunctionalInterface
    interface Check {
        /**
         * @param force retry a version that was refused before
         * @return true when a model serves afterwards
         */
        boolean run(boolean force);
    }

    private final LoaderSettings settings;
    private final Check check;
    private final BooleanSupplier ready;
    private final ServingMetrics.ModelMeters metrics;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> next;
    private Duration backoff;
    private volatile boolean closed;

    /**
     * @param name  the model's name, for the thread's
     * @param ready whether a version serves (after a check that threw)
     */
    AliasPoller(String name, LoaderSettings settings, Check check, BooleanSupplier ready, ServingMetrics.ModelMeters metrics) {
        this.settings = settings;
        this.check = check;
        this.ready = ready;
        this.metrics = metrics;
        this.backoff = settings.retryInitial();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "closecast-model-loader-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The first check runs at once; returns immediately. */
    void start() {
        schedule(Duration.ZERO);
    }

    /** An extra check as soon as the thread is free, retrying a refused version; returns immediately. */
    void checkNow() {
        if (!closed) {
            try {
                scheduler.execute(() -> runCheck(true));
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    private void runCheck(boolean force) {
        if (closed) {
            return;
        }
        boolean serving;
        boolean failed = false;
        try {
            serving = check.run(force);
        } catch (Throwable e) {
            // anything a check can raise (a StackOverflowError from a hostile listing included) must not end the
            // loop: log it, count it, back off, keep polling
            LOG.warn("Model check failed unexpectedly: {}; retrying with backoff", e.toString());
            metrics.checkFailed();
            serving = ready.getAsBoolean();
            failed = true;
        }
        synchronized (this) {
            if (next != null) {
                next.cancel(false);
            }
            if (serving && !failed) {
                backoff = settings.retryInitial();
                schedule(settings.pollInterval());
            } else {
                Duration wait = backoff;
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : doubled;
                schedule(wait);
            }
        }
    }

    private synchronized void schedule(Duration delay) {
        if (!closed) {
            try {
                next = scheduler.schedule(() -> runCheck(false), delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    /** Stops the thread; a check in progress is interrupted. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
    }
}
