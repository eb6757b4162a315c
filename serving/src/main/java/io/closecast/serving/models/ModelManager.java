package io.closecast.serving.models;

import io.closecast.serving.ServingException;
import io.closecast.serving.monitoring.ServingMetrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
     * @param serveCachedOnOutage when the registry cannot be asked and nothing serves (a restart during an outage),
     *                      serve the last version this source verified and served, from its cache, until it answers
     */
    public record Settings(Duration pollInterval, Duration retryInitial, Duration retryMax, int warmupRounds,
                           boolean serveCachedOnOutage) {
        public Settings(Duration pollInterval, Duration retryInitial, Duration retryMax, int warmupRounds) {
            this(pollInterval, retryInitial, retryMax, warmupRounds, true);
        }

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

    /**
     * What the manager knows now; {@code reason} is present exactly when nothing serves.
     *
     * @param serving           the version that serves
     * @param reason            why nothing serves
     * @param lastFailure       the last refused version and why (kept after a later success, for operators)
     * @param aliasTarget       what the alias pointed at when last resolved; absent before the first answer, and
     *                          {@code Optional.of(Optional.empty())} when it points at none
     * @param refused           the version the alias points at that was refused, and why, while it still does
     * @param registryDownSince when the registry stopped answering, while it does not
     * @param registryError     why it does not answer, while it does not
     * @param fromCache         the serving version came from the local cache while the registry was unreachable
     */
    public record Status(Optional<ModelInfo> serving, Optional<String> reason, Optional<String> lastFailure,
                         Optional<Optional<VersionRef>> aliasTarget, Optional<String> refused,
                         Optional<Instant> registryDownSince, Optional<String> registryError, boolean fromCache) {
        public boolean ready() {
            return serving.isPresent();
        }

        /**
         * One word for the model's state: {@code serving}; else {@code no_version} (the registry answered that the
         * alias points at none), {@code refused} (the version it points at failed to load), {@code registry_unreachable}
         * (the registry does not answer and no cached version serves) or {@code loading} (starting, or loading the
         * version the alias points at).
         */
        public String condition() {
            if (serving.isPresent()) {
                return "serving";
            }
            if (registryDownSince.isPresent()) {
                return "registry_unreachable";
            }
            if (aliasTarget.isPresent() && aliasTarget.get().isEmpty()) {
                return "no_version";
            }
            return refused.isPresent() ? "refused" : "loading";
        }

        /** The alias was resolved and points at something other than what serves (or at nothing while one serves). */
        public boolean aliasMismatch() {
            if (aliasTarget.isEmpty()) {
                return false;
            }
            Optional<VersionRef> target = aliasTarget.get();
            Optional<VersionRef> served = serving.map(ModelInfo::ref);
            return target.isPresent() ? !target.equals(served) : served.isPresent();
        }
    }

    /**
     * A request's hold on one loaded version. Close it exactly once, when the request is done with the model;
     * the version is closed after it was swapped out and its last lease was closed.
     */
    public static final class Lease implements AutoCloseable {
        private final Forecaster forecaster;
        private final ModelInfo info;
        private final ServingMetrics.ModelMeters meters;
        private final AtomicInteger holds = new AtomicInteger(1);

        private Lease(Forecaster forecaster, ServingMetrics.ModelMeters meters) {
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
    private final ServingMetrics.ModelMeters metrics;
    private final AtomicReference<Lease> current = new AtomicReference<>();
    private final ReentrantLock checkLock = new ReentrantLock();
    private final ScheduledExecutorService scheduler;
    private volatile String reason = "starting: no model version loaded yet";
    private volatile String lastFailure;
    private volatile VersionRef refused;
    private volatile String refusedWhy;
    private volatile Optional<VersionRef> aliasTarget; // null until the registry first answered
    private volatile Instant registryDownSince;
    private volatile String registryError;
    private volatile boolean fromCache;
    private boolean cacheTried;
    private ScheduledFuture<?> next;
    private Duration backoff;
    private volatile boolean closed;

    private ModelManager(ModelSource source, Settings settings, ServingMetrics metrics) {
        this.source = Objects.requireNonNull(source, "source");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics").model(source.name());
        this.backoff = settings.retryInitial();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "closecast-model-loader-" + source.name());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A manager that has not started yet: call {@link #start()}. Its meters carry the label {@code model=source.name()};
     * it registers the model's {@code closecast_model_ready} and {@code closecast_model_alias_mismatch} gauges.
     */
    public static ModelManager create(ModelSource source, Settings settings, ServingMetrics metrics) {
        ModelManager manager = new ModelManager(source, settings, metrics);
        manager.metrics.registerState(manager::ready, () -> manager.status().aliasMismatch());
        return manager;
    }

    /** The registered model this manager serves, e.g. {@code closecast-MSFT}. */
    public String name() {
        return source.name();
    }

    /** This model's meters (predictions are counted by the routes that answer them). */
    public ServingMetrics.ModelMeters meters() {
        return metrics;
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
        Optional<VersionRef> target = aliasTarget;
        VersionRef refusedNow = refused;
        Optional<String> refusal = refusedNow != null && target != null && target.isPresent() && target.get().equals(refusedNow)
                ? Optional.ofNullable(refusedWhy) : Optional.empty();
        return new Status(info, info.isPresent() ? Optional.empty() : Optional.of(reason), Optional.ofNullable(lastFailure),
                Optional.ofNullable(target), refusal, Optional.ofNullable(registryDownSince), Optional.ofNullable(registryError),
                info.isPresent() && fromCache);
    }

    /** The alias this manager follows, e.g. {@code production}. */
    public String alias() {
        return source.alias();
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
        boolean failed = false;
        try {
            serving = check(force);
        } catch (Throwable e) {
            // anything a check can raise (a StackOverflowError from a hostile listing included) must not end the
            // loop: log it, count it, back off, keep polling
            LOG.warn("Model check failed unexpectedly: {}; retrying with backoff", e.toString());
            metrics.checkFailed();
            serving = ready();
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

    private boolean doCheck(boolean force) {
        Optional<VersionRef> resolved;
        try {
            resolved = source.resolve();
        } catch (Exception | StackOverflowError e) {
            if (registryDownSince == null) {
                registryDownSince = Instant.now();
            }
            registryError = message(e);
            metrics.registryReachable(false);
            reason = "model source " + source.describe() + " unreachable: " + message(e);
            LOG.warn("Cannot resolve {}: {}", source.describe(), message(e));
            if (!ready() && settings.serveCachedOnOutage() && !cacheTried) {
                cacheTried = true;
                serveCached();
            }
            return ready();
        }
        if (registryDownSince != null) {
            LOG.info("{} answers again (unreachable since {})", source.describe(), registryDownSince);
        }
        registryDownSince = null;
        registryError = null;
        metrics.registryReachable(true);
        aliasTarget = resolved;
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
            if (fromCache) {
                fromCache = false;
                LOG.info("The registry confirms {}, which serves from the cache", ref);
            }
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
            Lease old = current.getAndSet(new Lease(loaded, metrics));
            fromCache = false;
            metrics.modelLoaded(info, took);
            refused = null; // lastFailure stays: the last refused version and why, for operators
            refusedWhy = null;
            served(ref);
            if (old != null) {
                LOG.info("Now serving {} (was v{}), loaded in {} ms", ref, old.info().version(), took.toMillis());
                old.close(); // the manager's own hold; closes the model when in-flight requests are done
            } else {
                LOG.info("Now serving {}, loaded in {} ms", ref, took.toMillis());
            }
        } catch (Exception | Error e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.modelLoadFailed(took);
            refused = ref;
            String why = "loading " + ref + " failed: " + message(e);
            refusedWhy = message(e);
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

    /** Tells the source what serves now (it remembers it for a start during an outage); its failure is only logged. */
    private void served(VersionRef ref) {
        try {
            source.served(ref);
        } catch (Exception e) {
            LOG.warn("Could not record {} as the last served version: {}", ref, message(e));
        }
    }

    /** The registry cannot be asked and nothing serves: the last verified bundle from the source's cache, if any. */
    private void serveCached() {
        Forecaster cached = null;
        try {
            Optional<Forecaster> found = source.loadLastVerified();
            if (found.isEmpty()) {
                LOG.info("No verified cached bundle to serve while {} is unreachable", source.describe());
                return;
            }
            cached = found.get();
            warmUp(cached);
            fromCache = true;
            current.set(new Lease(cached, metrics));
            metrics.modelLoaded(cached.info(), Duration.ZERO);
            LOG.warn("Serving {} from the local cache (verified) while the registry is unreachable; switching as soon "
                    + "as it answers", cached.info().ref());
        } catch (Exception | Error e) {
            LOG.warn("The cached bundle cannot serve while the registry is unreachable: {}", message(e));
            if (cached != null) {
                try {
                    cached.close();
                } catch (Exception ce) {
                    LOG.warn("Closing the cached model failed: {}", ce.toString());
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
