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
 */
public record PriceSeries(String symbol, String source, List<PriceBar> bars, boolean adjCloseFromClose) {

    public PriceSeries {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(source, "source");
        bars = List.copyOf(bars);
    }

    /** A series whose Adj Close values came from the source. */
    public PriceSeries(String symbol, String source, List<PriceBar> bars) {
        this(symbol, source, bars, false);
    }

    public static PriceSeries create(String symbol, String source, List<PriceBar> bars) {
        return new PriceSeries(symbol, source, bars);
    }

    public int size() {
        return bars.size();
    }

    public boolean isEmpty() {
        return bars.isEmpty();
    }

    public PriceBar bar(int index) {
        return bars.get(index);
    }

    /** The first bar's date; the series must not be empty. */
    public LocalDate firstDate() {
        requireNotEmpty();
        return bars.getFirst().date();
    }

    /** The last bar's date; the series must not be empty. */
    public LocalDate lastDate() {
        requireNotEmpty();
        return bars.getLast().date();
    }

    /** One column as an array, in row order. */
    public double[] column(PriceColumn column) {
        double[] values = new double[bars.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = bars.get(i).value(column);
        }
        return values;
    }

    /** True when every date is later than the one before it (sorted, no duplicates). */
    public boolean isStrictlyAscending() {
        for (int i = 1; i < bars.size(); i++) {
            if (!bars.get(i).date().isAfter(bars.get(i - 1).date())) {
                return false;
            }
        }
        return true;
    }

    /** The bars dated within [from, to], both inclusive, sorted by date. */
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

    /** The same symbol and source with other bars. */
    public PriceSeries withBars(List<PriceBar> newBars) {
        return new PriceSeries(symbol, source, newBars, adjCloseFromClose);
    }

    private void requireNotEmpty() {
        if (bars.isEmpty()) {
            throw new ModelException("price series " + symbol + " from " + source + " has no bars, expected at least one");
        }
    }
}
