package io.closecast.model.prices;

import io.closecast.model.ModelException;

import java.time.LocalDate;
import java.util.Objects;

/**
 * An inclusive range of dates.
 *
 * @param from the first day, included
 * @param to the last day, included; not before {@code from}
 */
public record DateRange(LocalDate from, LocalDate to) {

    public DateRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new ModelException("date range must end on or after its start, found " + from + ".." + to);
        }
    }

    /**
     * The days from {@code from} to {@code to}, both included.
     *
     * @param from the first day
     * @param to the last day, not before {@code from}
     * @return the range
     * @throws ModelException when {@code to} is before {@code from}
     */
    public static DateRange create(LocalDate from, LocalDate to) {
        return new DateRange(from, to);
    }

    /**
     * Whether {@code date} lies in this range.
     *
     * @param date a day
     * @return true when {@code from <= date <= to}
     */
    public boolean contains(LocalDate date) {
        return !date.isBefore(from) && !date.isAfter(to);
    }

    @Override
    public String toString() {
        return from + ".." + to;
    }
}
