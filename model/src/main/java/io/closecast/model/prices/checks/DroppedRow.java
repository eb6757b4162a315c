package io.closecast.model.prices.checks;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A row that a {@link CheckPolicy} removed: its date, its index in the series as read (file line = row + 2),
 * the kinds of findings that dropped it and a readable reason (training logs these).
 *
 * @param date the row's date
 * @param row the row's 0-based index in the series as read
 * @param kinds the kinds of findings that dropped it
 * @param reason the findings' details in words
 */
public record DroppedRow(LocalDate date, int row, List<FindingKind> kinds, String reason) {

    public DroppedRow {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(reason, "reason");
        kinds = List.copyOf(kinds);
    }

    @Override
    public String toString() {
        return date + " (line " + (row + 2) + "): " + reason;
    }
}
