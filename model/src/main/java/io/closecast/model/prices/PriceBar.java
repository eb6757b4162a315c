package io.closecast.model.prices;

import io.closecast.model.prices.checks.PriceChecks;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One daily bar in Yahoo's download layout. A missing value (an empty or {@code null} cell in a CSV,
 * a {@code null} in a chart response) is {@link Double#NaN}; {@link PriceChecks} reports it.
 *
 * @param date the trading day
 * @param open the opening price, in the listing's currency; NaN when missing
 * @param high the day's highest price; NaN when missing
 * @param low the day's lowest price; NaN when missing
 * @param close the closing price; NaN when missing
 * @param adjClose the close adjusted for splits and dividends; NaN when missing
 * @param volume shares traded; NaN when missing
 */
public record PriceBar(LocalDate date, double open, double high, double low, double close, double adjClose,
                       double volume) {

    public PriceBar {
        Objects.requireNonNull(date, "date");
    }

    /**
     * The value of one column.
     *
     * @param column which column
     * @return its value; NaN when missing
     */
    public double value(PriceColumn column) {
        return switch (column) {
            case OPEN -> open;
            case HIGH -> high;
            case LOW -> low;
            case CLOSE -> close;
            case ADJ_CLOSE -> adjClose;
            case VOLUME -> volume;
        };
    }

    /**
     * True when any column is missing (NaN).
     *
     * @return true when a column is NaN
     */
    public boolean hasMissing() {
        for (PriceColumn c : PriceColumn.values()) {
            if (Double.isNaN(value(c))) {
                return true;
            }
        }
        return false;
    }
}
