package io.closecast.model.prices.source;

import java.net.URI;
import java.time.LocalDate;

/**
 * Where {@link PriceCache} gets daily bars: Yahoo's chart API ({@link YahooChartClient}) or Alpha Vantage
 * ({@link AlphaVantageClient}). Every source answers in the same {@link ChartData}: bars in the cache's layout
 * (Close split-adjusted, Adj Close split- and dividend-adjusted where the source says so), dated in the exchange's
 * time zone, with the split and dividend events of the range.
 */
public interface PriceSource {

    /** The source's name for messages, e.g. {@code Yahoo}. */
    String name();

    /** The request for {@code symbol}'s bars dated {@code from..to}, as it may be shown: any credential masked. */
    URI requestUri(String symbol, LocalDate from, LocalDate to);

    /** Daily bars of {@code symbol} dated {@code from..to} (inclusive, in the exchange's time zone). */
    ChartData fetch(String symbol, LocalDate from, LocalDate to);
}
