package io.closecast.model.prices;

import io.closecast.model.prices.checks.PriceChecks;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One daily bar in Yahoo's download layout. A missing value (an empty or {@code null} cell in a CSV,
 * a {@code null} in a chart response) is {@link Double#NaN}; {@link PriceChecks} reports it.
 */
public record PriceBar(LocalDate date, double open, double high, double low, double close, double adjClose,
                       double volume) {

    public PriceBar {
        Objects.requireNonNull(date, "date");
    }

    /** The value of one column. */
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

    /** True when any column is missing (NaN). */
    public boolean hasMissing() {
        for (PriceColumn c : PriceColumn.values()) {
            if (Double.isNaN(value(c))) {
                return true;
            }
        }
        return false;
    }
}
