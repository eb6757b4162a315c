package io.closecast.serving.track;

import io.closecast.serving.models.ModelInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.closecast.model.intervals.ForecastInterval;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that makes the track record: dated forecasts go to the {@link ForecastLog}; every
 * {@code track.refresh-interval}, and for a network feed also when an exchange's close (plus {@code track.feed.delay})
 * comes due, the realised closes of each logged symbol are read from the {@link PriceFeed} (a price directory, Yahoo or
 * Alpha Vantage) and every logged forecast whose target day now has a close is scored once; {@link #trackRecord} reads
 * the result. A symbol whose feed fails is counted ({@code closecast_price_feed_failures_total{symbol}}), named in
 * readiness details ({@code feed_errors}) and asked again at the next refresh; no request waits for the feed.
 * The store is opened lazily and again after it failed, so a store that is down at start costs no request.
 */
public final class Tracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);

    /** What the track loop reports in readiness details. */
    public record Status(boolean enabled, String store, ForecastLog.Status log, Map<String, String> feedErrors,
                         long scored, String feed) {
    }

    /** What one refresh did: closes stored per symbol, bars refused, forecasts scored. */
    public record Refreshed(Map<String, Integer> stored, List<String> refused, int scored) {
    }

    private final TrackSettings settings;
    private final LazyStore store;
    private final ForecastLog log;
    private final PriceFeed feed;
    private final Map<String, Counter> feedFailures = new ConcurrentHashMap<>();
    private final Clock clock;
    private final MeterRegistry registry;
    private final Counter scoredCounter;
    private final Counter refusedCounter;
    private final Map<String, Counter> undated = new ConcurrentHashMap<>();
    private final Set<String> symbols = ConcurrentHashMap.newKeySet();
    private final Map<String, String> feedErrors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final TrackGauges gauges;
    private final ShadowRuns shadowRuns;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    /** Per model and alias, the steps of the forecast logged last ({@link #dated}). */
    private final SharedSteps lastSteps = new SharedSteps();
    private volatile java.util.function.BiConsumer<String, List<Score>> onScored;

    private Tracker(TrackSettings settings, Supplier<TrackStore> opener, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
        this.store = new LazyStore(opener);
        this.log = new ForecastLog(store, settings.queueCapacity(), settings.batchSize(), registry);
        this.feed = PriceFeed.create(settings.feed(), settings.pricesDir(), clock);
        this.scoredCounter = registry.getOrCreate(Counter.builder("closecast_forecasts_scored")
                .description("Logged forecast steps scored against their realised close (each logical forecast once)"));
        this.refusedCounter = registry.getOrCreate(Counter.builder("closecast_realised_closes_refused")
                .description("Price bars the feed refused (data checks, future dates, non-trading days)"));
        this.gauges = new TrackGauges(registry);
        this.shadowRuns = new ShadowRuns(ShadowRuns.THREADS, ShadowRuns.CAPACITY, registry);
        java.util.concurrent.ScheduledThreadPoolExecutor refresher = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().daemon().name("closecast-track-refresh").unstarted(r));
        refresher.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // the next tick is not waited for at close
        this.scheduler = refresher;
        scheduler.schedule(this::tick, Math.min(settings.refreshInterval().toMillis(), 5_000), TimeUnit.MILLISECONDS);
    }

    /** Starts logging and the refresh loop; {@code opener} opens the store (it may fail: it is tried again). */
    public static Tracker start(TrackSettings settings, Supplier<TrackStore> opener, MeterRegistry registry, Clock clock) {
        return new Tracker(settings, opener, registry, clock);
    }

    public TrackSettings settings() {
        return settings;
    }

    /** Logs one dated forecast (never blocks; counted as lost when the queue is full). */
    public void dated(ModelInfo info, String requestId, LocalDate asOf, List<LocalDate> targets, double[] points,
                      List<ForecastInterval> intervals, double[] naive) {
        dated(info, info.alias(), requestId, asOf, targets, points, intervals, naive);
    }

    /** As {@link #dated(ModelInfo, String, LocalDate, List, double[], List, double[])}, logged under {@code alias}. */
    public void dated(ModelInfo info, String alias, String requestId, LocalDate asOf, List<LocalDate> targets,
                      double[] points, List<ForecastInterval> intervals, double[] naive) {
        List<LoggedForecast.Step> steps = lastSteps.steps(info.name(), alias, targets, points, intervals, naive);
        if (!info.symbol().isEmpty()) {
            symbols.add(info.symbol());
        }
        models.add(info.name());
        log.submit(new LoggedForecast(requestId, clock.instant(), info.name(), info.version(), alias, info.symbol(),
                asOf, steps));
    }


    /**
     * Runs {@code run} (the challenger of {@code model} on one answered request, which logs its forecast) off the
     * request thread ({@link ShadowRuns}); false, counted as dropped, when the shadow queue is full. Never blocks.
     */
    public boolean inShadow(String model, Runnable run) {
        return shadowRuns.submit(model, run);
    }

    /** Challenger runs in shadow dropped since start (their queue was full). */
    public long shadowDropped() {
        return shadowRuns.dropped();
    }

    /** Counts one undated forecast of {@code model} (not logged: it has no target day to score). */
    public void undated(String model) {
        undated.computeIfAbsent(model, m -> registry.getOrCreate(Counter.builder("closecast_forecasts_undated")
                .description("Forecasts answered without dates: counted, not logged").tags(List.of(Tag.create("model", m)))))
                .increment();
    }

    /**
     * Reads new closes of every logged symbol, stores those that pass the checks, then scores what they make
     * scorable. Called by the refresh loop; tests call it after moving their clock.
     *
     * @throws TrackStoreException when the store cannot be reached
     */
    public synchronized Refreshed refresh() {
        TrackStore s = store.get();
        Set<String> all = new HashSet<>(symbols);
        all.addAll(s.symbols());
        symbols.addAll(all);
        Map<String, Integer> stored = new java.util.TreeMap<>();
        List<String> refused = new ArrayList<>();
        for (String symbol : all) {
            if (symbol.startsWith(NO_SYMBOL_PREFIX)) {
                continue; // a model without a symbol: only feedback brings its closes
            }
            try {
                Optional<PriceDirectory.Refresh> due = feed.read(symbol, s.lastClose(symbol).orElse(LocalDate.MIN));
                if (due.isEmpty()) {
                    continue; // a network feed with no closed day to fetch yet
                }
                PriceDirectory.Refresh r = due.get();
                stored.put(symbol, s.putCloses(symbol, r.accepted()));
                r.refused().forEach(why -> refused.add(symbol + " " + why));
                refusedCounter.increment(r.refused().size());
                feedErrors.remove(symbol);
            } catch (TrackStoreException e) {
                throw e;
            } catch (RuntimeException e) {
                feedErrors.put(symbol, feed.name() + ": " + e.getMessage());
                feedFailures.computeIfAbsent(symbol, sym -> registry.getOrCreate(Counter.builder("closecast_price_feed_failures")
                        .description("Price feed reads that failed, per symbol (missing file, provider error); asked again at the next refresh")
                        .tags(List.of(Tag.create("symbol", sym))))).increment();
            }
        }
        if (!refused.isEmpty()) {
            LOG.warn("Price feed: refused {} bar(s), e.g. {}", refused.size(), refused.getFirst());
        }
        return new Refreshed(stored, refused, score());
    }

    /** What a push did: closes stored (new days), forecasts scored; or, when any bar is refused, the refusals. */
    public record Pushed(int stored, int scored, List<PricePush.Refusal> refused) {
    }

    /**
     * Realised bars of {@code symbol} pushed by a client: checked ({@link PricePush}); when none is refused their closes
     * are stored as the price directory's are (a day already stored keeps its first close) and what they make
     * scorable is scored. One refused bar: nothing stored.
     *
     * @throws TrackStoreException when the store cannot be reached
     */
    public synchronized Pushed push(String symbol, List<io.closecast.model.prices.PriceBar> bars) {
        PricePush.Checked checked = PricePush.check(symbol, bars, clock);
        if (!checked.refused().isEmpty()) {
            refusedCounter.increment(checked.refused().size());
            return new Pushed(0, 0, checked.refused());
        }
        int stored = store.get().putCloses(symbol, checked.closes());
        symbols.add(symbol);
        return new Pushed(stored, score(), List.of());
    }

    /** Where a model whose bundle names no symbol keeps the closes its feedback reports: {@code ~NAME}. */
    public static final String NO_SYMBOL_PREFIX = "~";

    /**
     * What one feedback report did: the symbol and last input day its forecast was logged under, whether the report's
     * own forecast was scored ({@code counted}; false: the same logical forecast was already scored, or is scored now
     * from an earlier request of it, from the forecast log, the feed or an earlier report) and how many steps were
     * scored now in all.
     */
    public record Reported(String symbol, LocalDate asOf, boolean counted, int scored) {
    }

    /**
     * A realised close a client reports ({@code /v1/feedback}) with the forecast it had for that day: stored as the
     * feed's closes are (a day already stored keeps its first close; none for a day after today or one the symbol's
     * exchange does not trade, which is left out of the track record) and logged as a
     * one-step forecast made on the symbol's trading day before {@code date}, then scored as every logged forecast is.
     * A forecast the service logged for the same model, version, symbol and day is the same logical forecast, so the
     * day is counted once, whichever of feedback and feed came first. A model without a symbol reports under
     * {@code ~NAME}, a symbol no feed reads.
     *
     * @throws TrackStoreException when the store cannot be reached
     */
    public synchronized Reported feedback(String model, String version, String symbol, LocalDate date, double actual,
                                          double predicted, double last, List<LoggedForecast.Bound> bounds) {
        String sym = symbol.isEmpty() ? NO_SYMBOL_PREFIX + model : symbol;
        io.closecast.model.prices.TradingCalendar calendar = io.closecast.model.prices.TradingCalendar.forSymbol(sym);
        LocalDate asOf = date.minusDays(1);
        for (int i = 0; i < 30 && !calendar.isTradingDay(asOf); i++) {
            asOf = asOf.minusDays(1);
        }
        if (date.isAfter(LocalDate.now(clock)) || !calendar.isTradingDay(date)) {
            return new Reported(sym, asOf, false, 0); // no close yet, or none that day: nothing to store or score
        }
        TrackStore s = store.get();
        String id = "feedback-" + RequestIds.next();
        s.append(List.of(new LoggedForecast(id, clock.instant(), model, version, "feedback", sym, asOf,
                List.of(new LoggedForecast.Step(1, date, predicted, last, bounds)))));
        s.putCloses(sym, Map.of(date, actual));
        models.add(model);
        int scored = score();
        boolean counted = s.scoredRequest(new LoggedForecast.Key(model, version, sym, asOf, 1)).filter(id::equals).isPresent();
        return new Reported(sym, asOf, counted, scored);
    }

    /** The symbols whose closes are tracked: every one a forecast was logged for, or the store holds. */
    public Set<String> symbols() {
        return Set.copyOf(symbols);
    }

    /** Scores every pending logical forecast once; returns how many were scored. */
    synchronized int score() {
        int added = store.get().score();
        scoredCounter.increment(added);
        for (String model : models) {
            List<Score> scores = store.get().scores(model); // read once: the gauges' record and the listener's outcomes
            gauges.publish(trackRecord(model, scores));
            if (onScored != null) {
                onScored.accept(model, scores);
            }
        }
        return added;
    }

    /**
     * After every scoring pass, hands each model's scores (all of them, by target day) to {@code listener} (the
     * adaptive intervals learn from them); replaces an earlier listener.
     */
    public void onScored(java.util.function.BiConsumer<String, List<Score>> listener) {
        this.onScored = listener;
    }

    /** One refresh, then the next one: after {@code track.refresh-interval}, or sooner when an exchange's close comes due. */
    private void tick() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Track record refresh failed (tried again in {}): {}", settings.refreshInterval(), e.getMessage());
        }
        long wait = settings.refreshInterval().toMillis();
        try {
            wait = Math.min(wait, Math.max(1_000, feed.nextDue(symbols)
                    .map(due -> Duration.between(clock.instant(), due).toMillis()).orElse(wait)));
            scheduler.schedule(this::tick, wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // close() shut the scheduler down
        }
    }

    /** The model's track record from what is scored now. */
    public TrackRecord trackRecord(String model) {
        return trackRecord(model, store.get().scores(model));
    }

    private TrackRecord trackRecord(String model, List<Score> scores) {
        long count = Optional.ofNullable(undated.get(model)).map(Counter::count).orElse(0L);
        return TrackRecord.of(model, settings.window(), store.get().counts(model), count, scores);
    }

    /** The challenger version beside the production version of {@code model}, per step, on their common scored days. */
    public List<ChallengerComparison> compare(String model, String production, String challenger) {
        return ChallengerComparison.of(store.get().scores(model), production, challenger, settings.window());
    }

    /** One page of {@code model}'s logged forecasts ({@link TrackStore#forecasts}). */
    public List<LoggedForecast> forecasts(String model, LocalDate from, LocalDate to, Optional<TrackStore.Cursor> after, int limit) {
        return store.get().forecasts(model, from, to, after, limit);
    }

    /**
     * Waits until everything logged so far is written, at most {@code timeout}: first the challenger runs in shadow
     * handed over so far (they log too), then the log.
     */
    public boolean flush(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        return shadowRuns.awaitIdle(timeout) && log.flush(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    }

    public Status status() {
        return new Status(true, store.describe(), log.status(), Map.copyOf(feedErrors), (long) scoredCounter.count(),
                feed.name());
    }

    /** Stops the refresh loop, runs the queued challenger runs, writes what is queued (the log's drain), closes the store. */
    @Override
    public void close() {
        scheduler.shutdown(); // no interrupt: H2 closes its file when a thread in it is interrupted
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shadowRuns.close(); // the challengers' runs still queued log their forecasts before the log drains
        log.close();
        store.close();
    }

    /** The store, opened on first use and again after it failed to open. */
    private static final class LazyStore implements Supplier<TrackStore> {
        private final Supplier<TrackStore> opener;
        private TrackStore store;
        private String described = "not opened yet";

        LazyStore(Supplier<TrackStore> opener) {
            this.opener = opener;
        }

        @Override
        public synchronized TrackStore get() {
            if (store == null) {
                store = opener.get();
                described = store.describe();
            }
            return store;
        }

        synchronized String describe() {
            return described;
        }

        synchronized void close() {
            if (store != null) {
                store.close();
            }
        }
    }
}
