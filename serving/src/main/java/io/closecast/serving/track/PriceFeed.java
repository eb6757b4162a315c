package io.closecast.serving.track;

import io.closecast.serving.ServingException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.closecast.model.ModelException;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.source.AlphaVantageClient;
import io.closecast.model.prices.source.AlphaVantageConfig;
import io.closecast.model.prices.source.PriceSource;
import io.closecast.model.prices.source.YahooChartClient;
import io.closecast.model.prices.source.YahooConfig;

/**
 * Where the track record's realised closes come from ({@code track.feed.source}): the {@link PriceDirectory}
 * (read at every refresh: offline, and the tests'), or a network source of the model core, the same clients the
 * pipeline's {@code data fetch} uses (Yahoo's chart API, Alpha Vantage's daily series). A network symbol is asked only
 * when its exchange has closed a trading day ({@link ExchangeClose}, plus {@code track.feed.delay}) that the store
 * has no close for yet: from the day after the last stored close (at most {@value #LOOKBACK_DAYS} days back) to that
 * day; bars after it (today's unfinished one) are left for later. Either way the bars go through the directory's
 * checks ({@link PriceDirectory#check}) before anything is stored.
 */
public final class PriceFeed {

    /** How far back a symbol with no stored close is fetched from, in calendar days. */
    public static final int LOOKBACK_DAYS = 60;

    private final FeedSettings settings;
    private final PriceDirectory directory;
    private final Optional<PriceSource> source;
    private final Clock clock;

    PriceFeed(FeedSettings settings, PriceDirectory directory, Optional<PriceSource> source, Clock clock) {
        this.settings = settings;
        this.directory = directory;
        this.source = source;
        this.clock = clock;
    }

    /**
     * The feed {@code settings} name, over {@code pricesDir} for the directory.
     *
     * @throws ServingException when the source cannot be built (Alpha Vantage without {@code ALPHAVANTAGE_API_KEY})
     */
    public static PriceFeed create(FeedSettings settings, Path pricesDir, Clock clock) {
        PriceDirectory directory = new PriceDirectory(pricesDir, clock);
        try {
            Optional<PriceSource> source = switch (settings.source()) {
                case DIRECTORY -> Optional.empty();
                case YAHOO -> Optional.of(YahooChartClient.create(settings.baseUrl()
                        .map(YahooConfig.defaults()::withBaseUrl).orElse(YahooConfig.defaults())));
                case ALPHA_VANTAGE -> Optional.of(AlphaVantageClient.fromEnvironment(settings.baseUrl()
                        .map(AlphaVantageConfig.defaults()::withBaseUrl).orElse(AlphaVantageConfig.defaults())));
            };
            return new PriceFeed(settings, directory, source, clock);
        } catch (ModelException e) {
            throw new ServingException("track.feed.source " + settings.source().key() + ": " + e.getMessage(), e);
        }
    }

    /** {@code directory}, {@code yahoo} or {@code alpha-vantage}. */
    public String name() {
        return settings.source().key();
    }

    /**
     * The checked closes of {@code symbol} after {@code after} (the last stored close, or {@link LocalDate#MIN}), or
     * empty when a network source has nothing due (its exchange has closed no day the store lacks).
     *
     * @throws ModelException when the file or the provider fails (missing file, unknown symbol, rate limit, ...)
     */
    public Optional<PriceDirectory.Refresh> read(String symbol, LocalDate after) {
        if (source.isEmpty()) {
            return Optional.of(directory.read(symbol, after));
        }
        LocalDate closed = ExchangeClose.forSymbol(symbol).latestClosed(clock.instant(), settings.delay());
        if (!closed.isAfter(after)) {
            return Optional.empty();
        }
        LocalDate from = after.equals(LocalDate.MIN) || after.isBefore(closed.minusDays(LOOKBACK_DAYS))
                ? closed.minusDays(LOOKBACK_DAYS) : after.plusDays(1);
        PriceSeries fetched = source.get().fetch(providerSymbol(symbol), from, closed).series();
        List<PriceBar> settled = fetched.bars().stream().filter(b -> !b.date().isAfter(closed)).toList();
        return Optional.of(directory.check(new PriceSeries(symbol, fetched.source(), settled), after));
    }

    /** When the next symbol's exchange closes a day (plus the delay); empty for the directory, read at every refresh. */
    public Optional<Instant> nextDue(Collection<String> symbols) {
        if (source.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return symbols.stream().map(s -> ExchangeClose.forSymbol(s).nextDue(now, settings.delay())).min(Instant::compareTo);
    }

    /** The provider's spelling: Alpha Vantage lists B3 as {@code .SAO} where Yahoo says {@code .SA}. */
    String providerSymbol(String symbol) {
        if (settings.source() == FeedSettings.Source.ALPHA_VANTAGE && symbol.endsWith(".SA")) {
            return symbol + "O";
        }
        return symbol;
    }
}
