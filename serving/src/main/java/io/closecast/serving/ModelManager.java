package io.closecast.serving;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the version a registry alias points at loaded and serving.
 * <p>
 * One background thread resolves the alias: at start, then every {@code pollInterval} while a model serves,
 * or with exponential backoff (from {@code retryInitial}, doubling, capped at {@code retryMax}) while none does.
 * When the alias moves, the new version is loaded beside the old one, warmed up, and swapped in atomically.
 * Requests hold a {@link Lease}; the old version is closed when the last request that leased it finishes.
 * A version that fails to load or warm up is refused with a logged reason, and the old one keeps serving.
 */
public final class ModelManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    /**
     * Timing of the background loader.
     *
     * @param pollInterval  how often the alias is resolved while a model serves
     * @param retryInitial  first wait after a failed start-up attempt
     * @param retryMax      cap of the doubling wait
     * @param warmupRounds  forecasts run on a new version before it serves (and to check its answers)
     */
    public record Settings(Duration pollInterval, Duration retryInitial, Duration retryMax, int warmupRounds) {
        public Settings {
            requirePositive(pollInterval, "poll-interval");
            requirePositive(retryInitial, "retry.initial");
            requirePositive(retryMax, "retry.max");
            if (retryMax.compareTo(retryInitial) < 0) {
                throw new ServingException("retry.max must be >= retry.initial (" + retryInitial + "), found " + retryMax);
            }
            if (warmupRounds < 1) {
                throw new ServingException("warmup-rounds must be >= 1, found " + warmupRounds);
            }
        }

        private static void requirePositive(Duration d, String field) {
            Objects.requireNonNull(d, field);
            if (d.isNegative() || d.isZero()) {
                throw new ServingException(field + " must be > 0, found " + d);
            }
        }
    }

    /** What the manager knows now; {@code reason} is present exactly when nothing serves. */
    public record Status(Optional<ModelInfo> serving, Optional<String> reason, Optional<String> lastFailure) {
        public boolean ready() {
            return serving.isPresent();
        }
    }

    /**
     * A request's hold on one loaded version. Close it exactly once, when the request is done with the model;
     * the version is closed after it was swapped out and its last lease was closed.
     */
    public static final class Lease implements AutoCloseable {
        private final Forecaster forecaster;
        private final ModelInfo info;
        private final AtomicInteger holds = new AtomicInteger(1);

        private Lease(Forecaster forecaster) {
            this.forecaster = forecaster;
            this.info = forecaster.info();
        }

        public Forecaster forecaster() {
            return forecaster;
        }

        public ModelInfo info() {
            return info;
        }

        private boolean retain() {
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

    private final ModelSource source;
    private final Settings settings;
    private final ServingMetrics metrics;
    private final AtomicReference<Lease> current = new AtomicReference<>();
    private final ReentrantLock checkLock = new ReentrantLock();
    private final ScheduledExecutorService scheduler;
    private volatile String reason = "starting: no model version loaded yet";
    private volatile String lastFailure;
    private volatile VersionRef refused;
    private ScheduledFuture<?> next;
    private Duration backoff;
    private volatile boolean closed;

    private ModelManager(ModelSource source, Settings settings, ServingMetrics metrics) {
        this.source = Objects.requireNonNull(source, "source");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.backoff = settings.retryInitial();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "closecast-model-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** A manager that has not started yet: call {@link #start()}. */
    public static ModelManager create(ModelSource source, Settings settings, ServingMetrics metrics) {
        return new ModelManager(source, settings, metrics);
    }

    /** Starts the background loader; the first check runs at once. Returns immediately. */
    public ModelManager start() {
        schedule(Duration.ZERO);
        return this;
    }

    /** Asks for an immediate check (e.g. a registry webhook said the alias moved). Returns immediately. */
    public void checkNow() {
        if (!closed) {
            scheduler.execute(() -> runCheck(true));
        }
    }

    /**
     * Resolves the alias and loads a new version if it moved, on the caller's thread.
     *
     * @param force retry a version that was refused before
     * @return true when a model serves afterwards
     */
    public boolean check(boolean force) {
        checkLock.lock();
        try {
            return doCheck(force);
        } finally {
            checkLock.unlock();
        }
    }

    /** Leases the serving version, or empty when none serves. Close the lease when done. */
    public Optional<Lease> acquire() {
        for (;;) {
            Lease lease = current.get();
            if (lease == null) {
                return Optional.empty();
            }
            if (lease.retain()) {
                return Optional.of(lease);
            }
            // swapped out and closed between get() and retain(): read the new one
        }
    }

    /** Whether a version serves now. */
    public boolean ready() {
        return current.get() != null;
    }

    public Status status() {
        Lease lease = current.get();
        Optional<ModelInfo> info = lease == null ? Optional.empty() : Optional.of(lease.info());
        return new Status(info, info.isPresent() ? Optional.empty() : Optional.of(reason), Optional.ofNullable(lastFailure));
    }

    /** Where versions come from, e.g. {@code models:/closecast-petr4@production}. */
    public String sourceDescription() {
        return source.describe();
    }

    private void runCheck(boolean force) {
        if (closed) {
            return;
        }
        boolean serving;
        try {
            serving = check(force);
        } catch (RuntimeException e) {
            LOG.warn("Model check failed unexpectedly: {}", e.toString());
            serving = ready();
        }
        synchronized (this) {
            if (next != null) {
                next.cancel(false);
            }
            if (serving) {
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
            next = scheduler.schedule(() -> runCheck(false), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private boolean doCheck(boolean force) {
        Optional<VersionRef> resolved;
        try {
            resolved = source.resolve();
        } catch (Exception e) {
            reason = "model source " + source.describe() + " unreachable: " + message(e);
            LOG.warn("Cannot resolve {}: {}", source.describe(), message(e));
            return ready();
        }
        if (resolved.isEmpty()) {
            reason = "no model version: " + source.describe() + " points at none";
            if (ready()) {
                LOG.warn("{} points at no version now; the loaded version keeps serving", source.describe());
            } else {
                LOG.warn("{} points at no version; not ready", source.describe());
            }
            return ready();
        }
        VersionRef ref = resolved.get();
        Lease serving = current.get();
        if (serving != null && serving.info().ref().equals(ref)) {
            return true;
        }
        if (!force && serving != null && ref.equals(refused)) {
            return true; // refused before; retried on the next webhook or when the alias moves again
        }
        load(ref);
        return ready();
    }

    private void load(VersionRef ref) {
        long start = System.nanoTime();
        Forecaster loaded = null;
        try {
            LOG.info("Loading {} from {}", ref, source.describe());
            loaded = source.load(ref);
            if (loaded == null) {
                throw new ServingException("model source returned no model for " + ref);
            }
            ModelInfo info = loaded.info();
            if (!info.name().equals(ref.name()) || !info.version().equals(ref.version())) {
                throw new ServingException("expected model " + ref.name() + " v" + ref.version() + ", found "
                        + info.name() + " v" + info.version() + " in what was loaded");
            }
            warmUp(loaded);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Lease old = current.getAndSet(new Lease(loaded));
            metrics.modelLoaded(info, took);
            refused = null; // lastFailure stays: the last refused version and why, for operators
            if (old != null) {
                LOG.info("Now serving {} (was v{}), loaded in {} ms", ref, old.info().version(), took.toMillis());
                old.close(); // the manager's own hold; closes the model when in-flight requests are done
            } else {
                LOG.info("Now serving {}, loaded in {} ms", ref, took.toMillis());
            }
        } catch (Exception | LinkageError e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.modelLoadFailed(took);
            refused = ref;
            String why = "loading " + ref + " failed: " + message(e);
            lastFailure = why;
            reason = ready() ? reason : why;
            LOG.warn("Refused {}: {}{}", ref, message(e), ready() ? "; the previous version keeps serving" : "");
            if (loaded != null) {
                try {
                    loaded.close();
                } catch (Exception ce) {
                    LOG.warn("Closing refused model {} failed: {}", ref, ce.toString());
                }
            }
        }
    }

    private void warmUp(Forecaster forecaster) {
        ModelInfo info = forecaster.info();
        double[] window = new double[info.windowLength()];
        for (int round = 0; round < settings.warmupRounds(); round++) {
            for (int i = 0; i < window.length; i++) {
                window[i] = 100.0 + i * 0.1 + round;
            }
            int horizon = round % 2 == 0 ? info.maxHorizon() : 1;
            double[] out = forecaster.forecast(window.clone(), horizon);
            if (out == null || out.length != horizon) {
                throw new ServingException("warm-up forecast " + (round + 1) + " expected " + horizon + " values, found "
                        + (out == null ? "none" : out.length));
            }
            for (int i = 0; i < out.length; i++) {
                if (!Double.isFinite(out[i])) {
                    throw new ServingException("warm-up forecast " + (round + 1) + " expected finite values, found "
                            + out[i] + " at step " + (i + 1));
                }
            }
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Stops the loader and closes the serving version once its requests are done. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        Lease lease = current.getAndSet(null);
        if (lease != null) {
            lease.close();
        }
        metrics.modelUnloaded();
    }
}
