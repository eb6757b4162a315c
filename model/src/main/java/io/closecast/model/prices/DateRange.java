package io.closecast.model.prices;

import io.closecast.model.ModelException;

import java.time.LocalDate;
import java.util.Objects;

/** An inclusive range of dates. */
public record DateRange(LocalDate from, LocalDate to) {

    public DateRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new ModelException("date range must end on or after its start, found " + from + ".." + to);
        }
    }

    public static DateRange create(LocalDate from, LocalDate to) {
        return new DateRange(from, to);
    }

    public boolean contains(LocalDate date) {
        return !date.isBefore(from) && !date.isAfter(to);
    }

    @Override
    public String toString() {
        return from + ".." + to;
    }
}
