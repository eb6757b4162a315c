package io.closecast.model.prices.source;

import io.closecast.model.prices.PriceSeries;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * A parsed v8 chart response: the bars (dates in the exchange's time zone), how many bars were dropped
 * because Yahoo sent nulls, and the dividend and split events.
 */
public record ChartData(PriceSeries series, ZoneId exchangeZone, String currency, int droppedNullBars,
                        List<Dividend> dividends, List<StockSplit> splits) {

    public ChartData {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(exchangeZone, "exchangeZone");
        Objects.requireNonNull(currency, "currency");
        dividends = List.copyOf(dividends);
        splits = List.copyOf(splits);
    }

    /** A cash dividend: its ex-date in the exchange's zone and the amount per share. */
    public record Dividend(LocalDate date, double amount) {
    }

    /** A stock split, e.g. 4:1 ({@code numerator 4, denominator 1}). */
    public record StockSplit(LocalDate date, double numerator, double denominator) {
        public String ratio() {
            return fmt(numerator) + ":" + fmt(denominator);
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
