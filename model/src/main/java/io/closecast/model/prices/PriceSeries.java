package io.closecast.model.prices;

import io.closecast.model.ModelException;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.prices.checks.FindingKind;
import io.closecast.model.prices.checks.PriceChecks;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The bars of one symbol in the order they were read (which may be unsorted or hold duplicates until
 * {@link CheckPolicy#apply} cleans them), and where they came from ({@code source}: a file path or URL).
 * {@code adjCloseFromClose} is true when the source had no Adj Close column and Adj Close was set equal to Close
 * ({@link PriceChecks} reports it as {@link FindingKind#MISSING_ADJ_CLOSE}).
 *
 * @param symbol the ticker, e.g. {@code PETR4.SA}
 * @param source where the bars came from: a file path or URL
 * @param bars the bars in the order read
 * @param adjCloseFromClose true when Adj Close was set equal to Close for want of the column
 */
public record PriceSeries(String symbol, String source, List<PriceBar> bars, boolean adjCloseFromClose) {

    public PriceSeries {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(source, "source");
        bars = List.copyOf(bars);
    }

    /**
     * A series whose Adj Close values came from the source.
     *
     * @param symbol the ticker, e.g. {@code PETR4.SA}
     * @param source where the bars came from: a file path or URL
     * @param bars the bars in the order read
     */
    public PriceSeries(String symbol, String source, List<PriceBar> bars) {
        this(symbol, source, bars, false);
    }

    /**
     * A series whose Adj Close values came from the source.
     *
     * @param symbol the ticker, e.g. {@code PETR4.SA}
     * @param source where the bars came from: a file path or URL
     * @param bars the bars in the order read
     * @return the series
     */
    public static PriceSeries create(String symbol, String source, List<PriceBar> bars) {
        return new PriceSeries(symbol, source, bars);
    }

    /**
     * Rows in the series.
     *
     * @return the number of bars, 0 when empty
     */
    public int size() {
        return bars.size();
    }

    /**
     * Whether the series has no bar.
     *
     * @return true when there is none
     */
    public boolean isEmpty() {
        return bars.isEmpty();
    }

    /**
     * One bar.
     *
     * @param index its row in the series, 0-based
     * @return the bar
     */
    public PriceBar bar(int index) {
        return bars.get(index);
    }

    /**
     * The first bar's date; the series must not be empty.
     *
     * @return the date of bar 0
     * @throws ModelException when the series is empty
     */
    public LocalDate firstDate() {
        requireNotEmpty();
        return bars.getFirst().date();
    }

    /**
     * The last bar's date; the series must not be empty.
     *
     * @return the date of the last bar
     * @throws ModelException when the series is empty
     */
    public LocalDate lastDate() {
        requireNotEmpty();
        return bars.getLast().date();
    }

    /**
     * One column as an array, in row order.
     *
     * @param column which column
     * @return one value per bar; NaN where missing
     */
    public double[] column(PriceColumn column) {
        double[] values = new double[bars.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = bars.get(i).value(column);
        }
        return values;
    }

    /**
     * True when every date is later than the one before it (sorted, no duplicates).
     *
     * @return true when sorted by date without duplicates (also for 0 or 1 bar)
     */
    public boolean isStrictlyAscending() {
        for (int i = 1; i < bars.size(); i++) {
            if (!bars.get(i).date().isAfter(bars.get(i - 1).date())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bars dated within [from, to], both inclusive, sorted by date.
     *
     * @param from the first day kept
     * @param to the last day kept
     * @return a series of the same symbol and source; empty when no bar falls within
     */
    public PriceSeries between(LocalDate from, LocalDate to) {
        List<PriceBar> kept = new ArrayList<>();
        for (PriceBar bar : bars) {
            if (!bar.date().isBefore(from) && !bar.date().isAfter(to)) {
                kept.add(bar);
            }
        }
        kept.sort(Comparator.comparing(PriceBar::date));
        return new PriceSeries(symbol, source, kept, adjCloseFromClose);
    }

    /**
     * The same symbol and source with other bars.
     *
     * @param newBars the bars, in their order
     * @return a series of this symbol, source and Adj Close origin
     */
    public PriceSeries withBars(List<PriceBar> newBars) {
        return new PriceSeries(symbol, source, newBars, adjCloseFromClose);
    }

    private void requireNotEmpty() {
        if (bars.isEmpty()) {
            throw new ModelException("price series " + symbol + " from " + source + " has no bars, expected at least one");
        }
    }
}
