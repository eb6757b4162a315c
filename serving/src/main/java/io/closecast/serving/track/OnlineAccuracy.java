package io.closecast.serving.track;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.VersionRef;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Online accuracy of one served model from feedback: for each of its versions, the last {@code window} reported days
 * (by date; a day reported again replaces the earlier report), the model's MAE, the naive forecast's MAE on the same
 * days and their ratio, MASE (&lt; 1: the model beats tomorrow = today). A service keeps one per served model (a fleet
 * one per model), so two models' version "3" never mix. Exposed as gauges labelled with the model, as the other
 * per-model meters ({@link ServingMetrics.ModelMeters}) are: {@code closecast_online_mae{model,version}},
 * {@code closecast_online_naive_mae{model,version}}, {@code closecast_online_mase{model,version}} (NaN while the
 * naive MAE is 0) and the counter {@code closecast_feedback_total{model}}. Reports that carry the forecast's
 * intervals also give, per version and level, the share of the last {@value #COVERAGE_WINDOW} such reports whose
 * actual close fell inside: {@code closecast_online_coverage{model,version,level}} and how many reports it covers,
 * {@code closecast_online_coverage_reports{model,version,level}} (at most {@value #MAX_LEVELS} levels per version).
 * At most {@link #MAX_VERSIONS} versions are kept per model (the least recently reported one is dropped with its
 * gauges), so clients cannot grow the label set without bound. Thread-safe.
 */
public final class OnlineAccuracy {

    /** The largest window the config accepts. */
    public static final int MAX_WINDOW = 100_000;
    /** Versions kept at once. */
    public static final int MAX_VERSIONS = 20;
    /** Online coverage is over this many of the latest reports (by date) with an interval of the level. */
    public static final int COVERAGE_WINDOW = 50;
    /** Interval levels tracked per version; reports of further levels count for accuracy but not coverage. */
    public static final int MAX_LEVELS = 8;

    /**
     * The interval a client was given for the reported day at one level.
     *
     * @param level the interval's nominal coverage, in (0, 1)
     * @param lower its lower bound
     * @param upper its upper bound, &gt;= lower
     */
    public record Interval(double level, double lower, double upper) {
        public Interval {
            if (!(level > 0 && level < 1)) {
                throw new ServingException("intervals[].level must be in (0, 1), found " + level);
            }
            if (!Double.isFinite(lower) || !Double.isFinite(upper) || lower > upper) {
                throw new ServingException("intervals[] must have finite lower <= upper, found " + lower + ".." + upper);
            }
        }

        public boolean covers(double actual) {
            return actual >= lower && actual <= upper;
        }
    }

    /**
     * The online coverage of one level: {@code inside} of the last {@code reports} reports with that level's interval.
     */
    public record Coverage(double level, int inside, int reports) {
        public double coverage() {
            return reports == 0 ? Double.NaN : (double) inside / reports;
        }
    }

    /**
     * One reported day.
     *
     * @param date      the day the forecast was for
     * @param actual    the close that happened
     * @param predicted the model's forecast for that day
     * @param last      the last close known when forecasting (the naive forecast)
     * @param version   the model version that forecast
     * @param intervals the intervals given with the forecast for that day (may be none), one per level
     */
    public record Feedback(LocalDate date, double actual, double predicted, double last, String version,
                           List<Interval> intervals) {
        public Feedback {
            Objects.requireNonNull(date, "date");
            requirePrice(actual, "actual");
            requirePrice(predicted, "predicted");
            requirePrice(last, "last");
            VersionRef.requireText(version, "version");
            intervals = List.copyOf(intervals);
        }

        /** A report without intervals. */
        public Feedback(LocalDate date, double actual, double predicted, double last, String version) {
            this(date, actual, predicted, last, version, List.of());
        }

        private static void requirePrice(double v, String field) {
            if (!Double.isFinite(v) || v <= 0) {
                throw new ServingException(field + " must be a finite price > 0, found " + v);
            }
        }
    }

    /**
     * The accuracy of one version over its window.
     *
     * @param version  model version
     * @param count    days in the window (1..window)
     * @param mae      mean absolute error of the model
     * @param naiveMae mean absolute error of the naive forecast on the same days
     * @param mase     mae / naiveMae; empty while naiveMae is 0
     * @param first    earliest day in the window
     * @param last     latest day in the window
     * @param coverage online interval coverage per level reported, ascending level
     */
    public record Summary(String version, int count, double mae, double naiveMae, OptionalDouble mase,
                          LocalDate first, LocalDate last, List<Coverage> coverage) {
        public Summary {
            VersionRef.requireText(version, "version");
            Objects.requireNonNull(mase, "mase");
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(last, "last");
            coverage = List.copyOf(coverage);
        }

        /** A summary without interval coverage. */
        public Summary(String version, int count, double mae, double naiveMae, OptionalDouble mase, LocalDate first,
                       LocalDate last) {
            this(version, count, mae, naiveMae, mase, first, last, List.of());
        }

        /** The coverage of {@code level}, if reported. */
        public Optional<Coverage> coverage(double level) {
            return coverage.stream().filter(c -> c.level() == level).findFirst();
        }
    }

    private final class Track {
        final String version;
        final TreeMap<LocalDate, Feedback> days = new TreeMap<>();
        volatile Summary summary;
        final List<Meter> gauges = new ArrayList<>(3);
        final java.util.TreeSet<Double> levels = new java.util.TreeSet<>();

        Track(String version) {
            this.version = version;
        }

        void add(Feedback f) {
            days.put(f.date(), f);
            while (days.size() > window) {
                days.pollFirstEntry();
            }
            double err = 0;
            double naive = 0;
            for (Feedback d : days.values()) {
                err += Math.abs(d.actual() - d.predicted());
                naive += Math.abs(d.actual() - d.last());
            }
            int n = days.size();
            double mae = err / n;
            double naiveMae = naive / n;
            List<Double> fresh = new ArrayList<>();
            for (Interval interval : f.intervals()) {
                if (levels.size() < MAX_LEVELS && levels.add(interval.level())) {
                    fresh.add(interval.level());
                }
            }
            summary = new Summary(version, n, mae, naiveMae,
                    naiveMae > 0 ? OptionalDouble.of(mae / naiveMae) : OptionalDouble.empty(),
                    days.firstKey(), days.lastKey(), coverage());
            if (!gauges.isEmpty()) {
                fresh.forEach(this::registerCoverage);
            }
        }

        /** Per tracked level, the share inside over the latest {@link #COVERAGE_WINDOW} reports with that level. */
        private List<Coverage> coverage() {
            List<Coverage> out = new ArrayList<>(levels.size());
            for (double level : levels) {
                int reports = 0;
                int inside = 0;
                for (Feedback d : days.descendingMap().values()) {
                    for (Interval interval : d.intervals()) {
                        if (interval.level() == level) {
                            reports++;
                            inside += interval.covers(d.actual()) ? 1 : 0;
                            break;
                        }
                    }
                    if (reports == COVERAGE_WINDOW) {
                        break;
                    }
                }
                out.add(new Coverage(level, inside, reports));
            }
            return out;
        }

        private void registerCoverage(double level) {
            List<Tag> tags = List.of(Tag.create("model", model), Tag.create("version", version),
                    Tag.create("level", Double.toString(level)));
            gauges.add(gauge("closecast_online_coverage", "Share of the last " + COVERAGE_WINDOW
                            + " reported closes inside the forecast interval of this level (nominal: the level)", tags,
                    () -> summary.coverage(level).map(Coverage::coverage).orElse(Double.NaN)));
            gauges.add(gauge("closecast_online_coverage_reports", "Reports the online coverage of this level is over (at most "
                    + COVERAGE_WINDOW + ")", tags, () -> (double) summary.coverage(level).map(Coverage::reports).orElse(0)));
        }

        void register() {
            List<Tag> tags = List.of(Tag.create("model", model), Tag.create("version", version));
            gauges.add(gauge("closecast_online_mae", "Mean absolute error of the model over the last reported days", tags,
                    () -> summary.mae()));
            gauges.add(gauge("closecast_online_naive_mae", "Mean absolute error of the naive forecast (tomorrow = today) on the same days",
                    tags, () -> summary.naiveMae()));
            gauges.add(gauge("closecast_online_mase", "Online MAE / naive MAE (< 1 beats naive; NaN while the naive MAE is 0)",
                    tags, () -> summary.mase().orElse(Double.NaN)));
            levels.forEach(this::registerCoverage);
        }

        void unregister() {
            gauges.forEach(registry::remove);
            gauges.clear();
        }
    }

    private final MeterRegistry registry;
    private final String model;
    private final int window;
    private final Counter received;
    private final boolean gauges;
    private final LinkedHashMap<String, Track> tracks = new LinkedHashMap<>(16, 0.75f, true); // access order: eldest = least recently reported

    private OnlineAccuracy(MeterRegistry registry, String model, int window, boolean gauges) {
        if (window < 1 || window > MAX_WINDOW) {
            throw new ServingException("feedback.window must be 1.." + MAX_WINDOW + ", found " + window);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        VersionRef.requireText(model, "model");
        this.model = model;
        this.window = window;
        this.gauges = gauges;
        this.received = registry.getOrCreate(Counter.builder("closecast_feedback")
                .description("Feedback reports accepted (POST /v1/feedback, POST /v1/models/{name}/feedback), by model")
                .tags(List.of(Tag.create("model", model))));
    }

    /**
     * Tracks the feedback of one served model in {@code registry} over the last {@code window} reported days per
     * version; its meters carry {@code model="MODEL"}.
     */
    public static OnlineAccuracy create(MeterRegistry registry, String model, int window) {
        return new OnlineAccuracy(registry, model, window, true);
    }

    /**
     * As {@link #create(MeterRegistry, String, int)}, without the {@code closecast_online_*} gauges: where the track
     * record scores the feedback, its gauges are the source and publish the deprecated names as aliases
     * ({@link TrackGauges}); the counter {@code closecast_feedback_total} stays here.
     */
    public static OnlineAccuracy withoutGauges(MeterRegistry registry, String model, int window) {
        return new OnlineAccuracy(registry, model, window, false);
    }

    /** The registered model whose feedback this is. */
    public String model() {
        return model;
    }

    /** How many reported days each version's figures cover at most. */
    public int window() {
        return window;
    }

    /** Adds one report and returns its version's figures after it. */
    public synchronized Summary record(Feedback feedback) {
        Track track = tracks.get(feedback.version());
        boolean fresh = track == null;
        if (fresh) {
            track = new Track(feedback.version());
            tracks.put(feedback.version(), track);
        }
        track.add(feedback);
        if (fresh) {
            if (gauges) {
                track.register();
            }
            evict();
        }
        received.increment();
        return track.summary;
    }

    /** The figures of one version, if it has feedback. */
    public synchronized Optional<Summary> summary(String version) {
        Track t = tracks.get(version);
        return t == null ? Optional.empty() : Optional.of(t.summary);
    }

    /** Every version with feedback, the highest version number first. */
    public synchronized List<Summary> summaries() {
        List<Summary> out = new ArrayList<>(tracks.size());
        for (Track t : tracks.values()) {
            out.add(t.summary);
        }
        out.sort(Comparator.comparing((Summary s) -> s.version().length()).thenComparing(Summary::version).reversed());
        return out;
    }

    /** Reports accepted for this model since its counter was registered (in this registry). */
    public long received() {
        return received.count();
    }

    /** Removes every version's gauges (the service stops). */
    public synchronized void close() {
        tracks.values().forEach(Track::unregister);
        tracks.clear();
    }

    private void evict() {
        Iterator<Map.Entry<String, Track>> it = tracks.entrySet().iterator();
        while (tracks.size() > MAX_VERSIONS && it.hasNext()) {
            Track eldest = it.next().getValue();
            it.remove();
            eldest.unregister();
        }
    }

    private Meter gauge(String name, String description, List<Tag> tags, java.util.function.Supplier<Double> value) {
        registry.gauge(name, tags).ifPresent(registry::remove); // a gauge left by an earlier service in this registry
        return registry.getOrCreate(Gauge.builder(name, value).description(description).tags(tags));
    }
}
