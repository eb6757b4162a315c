package io.closecast.model.prices.checks;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One thing {@link PriceChecks} found: its kind, the dates it spans ({@code from == to} for a single
 * row), the rows it concerns (indexes into the series as read; a file's line is index + 2) and a
 * sentence that says what was expected and what was found.
 *
 * @param kind what kind of problem
 * @param from the first date concerned
 * @param to the last date concerned; equal to {@code from} for one row
 * @param rows the 0-based indexes of the rows concerned in the series as read
 * @param detail what was expected and what was found, in a sentence
 */
public record Finding(FindingKind kind, LocalDate from, LocalDate to, List<Integer> rows, String detail) {

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(detail, "detail");
        rows = List.copyOf(rows);
    }

    /**
     * The dates as text: one date, or {@code from..to}.
     *
     * @return {@code from}, or {@code from..to} when they differ
     */
    public String dates() {
        return from.equals(to) ? from.toString() : from + ".." + to;
    }

    @Override
    public String toString() {
        return kind + " " + dates() + ": " + detail;
    }
}
