package io.closecast.serving.models;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.bundle.Servability;
import io.closecast.serving.ServingException;
import io.closecast.serving.monitoring.ServingMetrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the version a registry alias points at loaded and serving.
 * <p>
 * Its {@link AliasPoller} resolves the alias in the background. When the alias moves, the new version is loaded
 * beside the old one, warmed up (the model core's {@link Servability#warmUp}, which the pipeline runs too before it
 * moves an alias), and swapped in atomically: everything the manager knows is one {@link ModelState}, replaced as a
 * whole. Requests hold a {@link VersionLease}; the old version is closed when the
 * last request that leased it finishes. A version that fails to load or warm up is refused with a logged reason, and
 * the old one keeps serving.
 */
public final class ModelManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    private final ModelSource source;
    private final LoaderSettings settings;
    private final ServingMetrics.ModelMeters metrics;
    private final AtomicReference<ModelState> state = new AtomicReference<>(ModelState.starting());
    private final ReentrantLock checkLock = new ReentrantLock();
    private final AliasPoller poller;
    private boolean cacheTried; // guarded by checkLock

    private ModelManager(ModelSource source, LoaderSettings settings, ServingMetrics metrics, String label) {
        this.source = Objects.requireNonNull(source, "source");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics").model(label);
        this.poller = new AliasPoller(label, settings, this::check, this::ready, this.metrics);
    }

    /**
     * A manager that has not started yet: call {@link #start()}. Its meters carry the label {@code model=source.name()};
     * it registers the model's {@code closecast_model_ready} and {@code closecast_model_alias_mismatch} gauges.
     */
    public static ModelManager create(ModelSource source, LoaderSettings settings, ServingMetrics metrics) {
        ModelManager manager = new ModelManager(source, settings, metrics, source.name());
        manager.metrics.registerState(manager::ready, () -> manager.status().aliasMismatch());
        return manager;
    }

    /**
     * A manager of a challenger in shadow (not started yet): its meters carry {@code model=NAME@ALIAS}, so they never
     * mix with the production version's ({@code closecast_model_ready} included).
     */
    public static ModelManager createShadow(ModelSource source, LoaderSettings settings, ServingMetrics metrics) {
        ModelManager manager = new ModelManager(source, settings, metrics, source.name() + "@" + source.alias());
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
        poller.start();
        return this;
    }

    /** Asks for an immediate check (e.g. a registry webhook said the alias moved). Returns immediately. */
    public void checkNow() {
        poller.checkNow();
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
    public Optional<VersionLease> acquire() {
        for (;;) {
            Optional<VersionLease> lease = state.get().lease();
            if (lease.isEmpty() || lease.get().retain()) {
                return lease;
            }
            // swapped out and closed between get() and retain(): read the new one
        }
    }

    /** Whether a version serves now. */
    public boolean ready() {
        return state.get().ready();
    }

    /** What the manager knows now. */
    public ModelState status() {
        return state.get();
    }

    /** The alias this manager follows, e.g. {@code production}. */
    public String alias() {
        return source.alias();
    }

    /** Where versions come from, e.g. {@code models:/closecast-petr4@production}. */
    public String sourceDescription() {
        return source.describe();
    }

    private boolean doCheck(boolean force) {
        Optional<VersionRef> resolved;
        try {
            resolved = source.resolve();
        } catch (Exception | StackOverflowError e) {
            state.updateAndGet(s -> s.registryDown(Instant.now(), message(e),
                    "model source " + source.describe() + " unreachable: " + message(e)));
            metrics.registryReachable(false);
            LOG.warn("Cannot resolve {}: {}", source.describe(), message(e));
            if (!ready() && settings.serveCachedOnOutage() && !cacheTried) {
                cacheTried = true;
                serveCached();
            }
            return ready();
        }
        ModelState before = state.getAndUpdate(s -> s.registryAnswered(AliasTarget.resolvedTo(resolved)));
        before.registryDownSince().ifPresent(since -> LOG.info("{} answers again (unreachable since {})", source.describe(), since));
        metrics.registryReachable(true);
        if (resolved.isEmpty()) {
            ModelState now = state.updateAndGet(s -> s.withReason("no model version: " + source.describe() + " points at none"));
            if (now.ready()) {
                LOG.warn("{} points at no version now; the loaded version keeps serving", source.describe());
            } else {
                LOG.warn("{} points at no version; not ready", source.describe());
            }
            return now.ready();
        }
        VersionRef ref = resolved.get();
        ModelState now = state.get();
        if (now.serving().map(ModelInfo::ref).filter(ref::equals).isPresent()) {
            if (now.fromCache()) {
                state.updateAndGet(ModelState::confirmed);
                LOG.info("The registry confirms {}, which serves from the cache", ref);
            }
            return true;
        }
        if (!force && now.ready() && now.refusal().filter(r -> r.version().equals(ref)).isPresent()) {
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
            VersionLease next = new VersionLease(loaded, metrics);
            Optional<VersionLease> old = state.getAndUpdate(s -> s.serving(next)).lease();
            metrics.modelLoaded(info.name(), info.version(), info.runId(), took);
            served(ref);
            if (old.isPresent()) {
                LOG.info("Now serving {} (was v{}), loaded in {} ms", ref, old.get().info().version(), took.toMillis());
                old.get().close(); // the manager's own hold; closes the model when in-flight requests are done
            } else {
                LOG.info("Now serving {}, loaded in {} ms", ref, took.toMillis());
            }
        } catch (Exception | Error e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.modelLoadFailed(took);
            ModelState now = state.updateAndGet(s -> s.refusing(ref, message(e), "loading " + ref + " failed: " + message(e)));
            LOG.warn("Refused {}: {}{}", ref, message(e), now.ready() ? "; the previous version keeps serving" : "");
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
            VersionLease next = new VersionLease(cached, metrics);
            state.updateAndGet(s -> s.servingFromCache(next));
            metrics.modelLoaded(cached.info().name(), cached.info().version(), cached.info().runId(), Duration.ZERO);
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

    /** The warm-up every version passes before it serves: finite forecasts and intervals (see {@link Servability}). */
    private void warmUp(Forecaster forecaster) {
        ModelInfo info = forecaster.info();
        Servability.warmUp(new Servability.WarmUpTarget() {
            @Override
            public int windowLength() {
                return info.windowLength();
            }

            @Override
            public int maxHorizon() {
                return info.maxHorizon();
            }

            @Override
            public ForecastModel.Forecast forecast(double[] window, int horizon) {
                return forecaster.forecastWithIntervals(window, horizon);
            }
        }, settings.warmupRounds());
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Stops the loader and closes the serving version once its requests are done. */
    @Override
    public void close() {
        poller.close();
        state.getAndUpdate(ModelState::closed).lease().ifPresent(VersionLease::close);
        metrics.modelUnloaded();
    }
}
