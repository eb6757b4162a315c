package io.closecast.serving.adaptive;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.AdaptiveConformal;
import io.closecast.model.intervals.ForecastInterval;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served intervals with adaptive conformal inference ({@code intervals.adaptive.gamma}, see
 * {@link AdaptiveConformal}): per model version and level a running miss rate {@code alpha_t}, the intervals of
 * every forecast re-read for it ({@link #adjust}), updated from realised closes ({@link #observe}, {@link #observeAll}).
 *
 * <p><b>Outcomes.</b> One per model version and target day, in target-day order: a day at or before the last one
 * applied is skipped, so a forecast reported by {@code /v1/feedback} and scored by the track record is counted once,
 * whichever comes first, and the same day reported again is not counted twice. The track record gives each scored
 * next-day (step 1) forecast's inside/outside per level; feedback gives the intervals the client reports for the day.
 * Only versions that served here (or whose state was saved) are updated.
 *
 * <p><b>State.</b> A new version starts at the nominal miss rates. At most {@value #MAX_VERSIONS} versions per model
 * and {@value #MAX_LEVELS} levels per version are kept (the least recently used version is dropped with its gauges).
 * Every update is saved to the {@link AlphaStore} and read back when the version loads again (a restart); a store
 * that fails is logged and the state in memory keeps serving. Gauge: {@code closecast_aci_alpha{model,version,level}}.
 * Thread-safe.
 */
public final class AdaptiveIntervals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveIntervals.class);

    /** Versions kept per model. */
    public static final int MAX_VERSIONS = 20;
    /** Levels tracked per version. */
    public static final int MAX_LEVELS = 8;
    /** Appended to a calibration's method name when its intervals were adjusted: {@code split-conformal-...+aci}. */
    public static final String METHOD_SUFFIX = "+aci";

    /** What {@code /v1/model} shows of one version. */
    public record View(AdaptiveConformal state, Optional<LocalDate> lastOutcome, String store) {
    }

    private final class Entry {
        final String model;
        final String version;
        volatile AdaptiveConformal state;
        LocalDate last;
        final List<Meter> gauges = new ArrayList<>();

        Entry(String model, String version, AdaptiveConformal state, LocalDate last) {
            this.model = model;
            this.version = version;
            this.state = state;
            this.last = last;
        }

        void register(double level) {
            List<Tag> tags = List.of(Tag.create("model", model), Tag.create("version", version),
                    Tag.create("level", Double.toString(level)));
            registry.gauge("closecast_aci_alpha", tags).ifPresent(registry::remove);
            gauges.add(registry.getOrCreate(Gauge.builder("closecast_aci_alpha", () -> state.alpha(level))
                    .description("Adaptive conformal inference: the miss rate the served interval of this level is made"
                            + " for now (nominal: 1 - level; lower = wider)").tags(tags)));
        }

        void unregister() {
            gauges.forEach(registry::remove);
            gauges.clear();
        }

        Optional<LocalDate> lastOutcome() {
            return Optional.ofNullable(last.equals(LocalDate.MIN) ? null : last);
        }
    }

    private final Map<String, Double> gammas;
    private final AlphaStore store;
    private final MeterRegistry registry;
    private final Map<String, LinkedHashMap<String, Entry>> byModel = new HashMap<>();

    private AdaptiveIntervals(Map<String, Double> gammas, AlphaStore store, MeterRegistry registry) {
        gammas.values().forEach(AdaptiveConformal::requireGamma);
        this.gammas = Map.copyOf(gammas);
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** ACI for the models in {@code gammas} (model name to step size); the others' intervals are left as they are. */
    public static AdaptiveIntervals create(Map<String, Double> gammas, AlphaStore store, MeterRegistry registry) {
        return new AdaptiveIntervals(gammas, store, registry);
    }

    /** The step size of one model, empty when ACI is off for it. */
    public OptionalDouble gamma(String model) {
        Double g = gammas.get(model);
        return g == null ? OptionalDouble.empty() : OptionalDouble.of(g);
    }

    /** Where the state is saved. */
    public String store() {
        return store.describe();
    }

    /**
     * Reads the saved state of a version that is about to serve (the loader's thread, not a request's), so its first
     * forecasts already use it; nothing when ACI is off for the model.
     */
    public void prepare(String model, String version) {
        if (gammas.containsKey(model)) {
            entry(model, version);
        }
    }

    /**
     * The forecast with its intervals re-read for the version's miss rates and its method marked
     * {@value #METHOD_SUFFIX}; as it is when ACI is off for the model or the forecast has no intervals.
     */
    public ForecastModel.Forecast adjust(String model, String version, ForecastModel.Forecast forecast) {
        if (!gammas.containsKey(model) || forecast.intervals().isEmpty()) {
            return forecast;
        }
        Entry e = entry(model, version);
        AdaptiveConformal state = e.state;
        for (ForecastInterval interval : forecast.intervals()) {
            if (!state.levels().contains(interval.level())) {
                state = addLevel(e, interval.level());
            }
        }
        return new ForecastModel.Forecast(forecast.prices(), state.adjust(forecast.prices(), forecast.intervals()),
                forecast.intervalMethod() + METHOD_SUFFIX);
    }

    private synchronized AdaptiveConformal addLevel(Entry e, double level) {
        if (!e.state.levels().contains(level) && e.state.levels().size() < MAX_LEVELS) {
            e.state = e.state.withLevel(level);
            e.register(level);
        }
        return e.state;
    }

    /**
     * One outcome of a version: per level whether the realised close fell outside the interval served for
     * {@code target}. Applied when ACI is on for the model, the version has a state and {@code target} is after the
     * last day applied; saved then.
     *
     * @return whether it was applied
     */
    public synchronized boolean observe(String model, String version, LocalDate target, Map<Double, Boolean> missed) {
        if (!gammas.containsKey(model) || missed.isEmpty()) {
            return false;
        }
        LinkedHashMap<String, Entry> versions = byModel.get(model);
        Entry e = versions == null ? null : versions.get(version);
        if (e == null || !target.isAfter(e.last)) {
            return false;
        }
        e.state = e.state.update(missed);
        e.last = target;
        save(e);
        return true;
    }

    /**
     * One scored forecast step of the track record.
     *
     * @param version the version that forecast
     * @param target  the day it was for
     * @param step    its horizon step, 1-based (only next-day forecasts, step 1, update the state)
     * @param missed  per level whether the realised close fell outside the interval served
     */
    public record Outcome(String version, LocalDate target, int step, Map<Double, Boolean> missed) {
        public Outcome {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(target, "target");
            missed = Map.copyOf(missed);
        }
    }

    /**
     * The track record's scored steps of one model (any order): each version's next-day forecasts, in target-day
     * order, as {@link #observe} outcomes.
     *
     * @return how many were applied
     */
    public synchronized int observeAll(String model, List<Outcome> outcomes) {
        if (!gammas.containsKey(model)) {
            return 0;
        }
        List<Outcome> next = outcomes.stream().filter(o -> o.step() == 1 && !o.missed().isEmpty())
                .sorted(Comparator.comparing(Outcome::target)).toList();
        int applied = 0;
        for (Outcome o : next) {
            applied += observe(model, o.version(), o.target(), o.missed()) ? 1 : 0;
        }
        return applied;
    }

    /** The state of one version, when ACI is on for its model and it has one. */
    public synchronized Optional<View> view(String model, String version) {
        LinkedHashMap<String, Entry> versions = byModel.get(model);
        Entry e = versions == null ? null : versions.get(version);
        return e == null ? Optional.empty() : Optional.of(new View(e.state, e.lastOutcome(), store.describe()));
    }

    private synchronized Entry entry(String model, String version) {
        LinkedHashMap<String, Entry> versions = byModel.computeIfAbsent(model,
                m -> new LinkedHashMap<>(16, 0.75f, true));
        Entry e = versions.get(version);
        if (e != null) {
            return e;
        }
        double gamma = gammas.get(model);
        AdaptiveConformal state = AdaptiveConformal.start(gamma, List.of());
        LocalDate last = LocalDate.MIN;
        try {
            Optional<AlphaStore.Saved> saved = store.load(model, version);
            if (saved.isPresent()) {
                List<Double> levels = saved.get().levels();
                List<Double> alphas = new ArrayList<>();
                for (int i = 0; i < levels.size(); i++) {
                    double level = levels.get(i);
                    alphas.add(Math.max(AdaptiveConformal.minAlpha(level), Math.min(AdaptiveConformal.maxAlpha(level),
                            saved.get().alphas().get(i))));
                }
                state = new AdaptiveConformal(gamma, levels, alphas, saved.get().updates());
                last = saved.get().lastOutcome().orElse(LocalDate.MIN);
                LOG.info("Adaptive intervals of {} v{}: resumed from {} ({} outcomes, alpha {} at levels {})", model,
                        version, store.describe(), state.updates(), state.alphas(), state.levels());
            }
        } catch (RuntimeException ex) {
            LOG.warn("Adaptive intervals of {} v{}: cannot read the saved state ({}); starting from the nominal levels",
                    model, version, ex.getMessage());
        }
        e = new Entry(model, version, state, last);
        versions.put(version, e);
        state.levels().forEach(e::register);
        evict(versions);
        return e;
    }

    private void evict(LinkedHashMap<String, Entry> versions) {
        Iterator<Map.Entry<String, Entry>> it = versions.entrySet().iterator();
        while (versions.size() > MAX_VERSIONS && it.hasNext()) {
            Entry eldest = it.next().getValue();
            it.remove();
            eldest.unregister();
        }
    }

    private void save(Entry e) {
        try {
            store.save(new AlphaStore.Saved(e.model, e.version, e.state.levels(), e.state.alphas(), e.state.updates(),
                    e.lastOutcome()));
        } catch (RuntimeException ex) {
            LOG.warn("Adaptive intervals of {} v{}: cannot save the state to {} ({}); kept in memory", e.model, e.version,
                    store.describe(), ex.getMessage());
        }
    }

    /** Removes the gauges and closes the store. */
    @Override
    public synchronized void close() {
        byModel.values().forEach(v -> v.values().forEach(Entry::unregister));
        byModel.clear();
        store.close();
    }
}
