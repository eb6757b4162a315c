package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.prices.DateRange;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The sliding windows of one part (train, validation or test). Window {@code i} has scaled inputs
 * {@code inputs[i][step][feature]} and scaled targets {@code targets[i][h]} for the next {@code horizon} days;
 * its raw target prices {@code targetPrices[i][h]}, the dates of its first and last targets, and the date and
 * target-column price of its last input day ({@code lastPrices[i]}: the naive forecast and the base for reconstructing prices).
 * The arrays are shared, not copied: treat them as read-only.
 *
 * @param part the part's name: {@code train}, {@code validation} or {@code test}
 * @param inputs the scaled inputs {@code [window][step][feature]}
 * @param targets the scaled targets {@code [window][h]}
 * @param targetPrices the raw target prices {@code [window][h]}
 * @param targetDates each window's first target date
 * @param lastTargetDates each window's last target date
 * @param lastInputDates each window's last input date
 * @param lastPrices each window's last input price of the target column
 */
public record WindowSet(String part, float[][][] inputs, float[][] targets, double[][] targetPrices,
                        List<LocalDate> targetDates, List<LocalDate> lastTargetDates, List<LocalDate> lastInputDates,
                        double[] lastPrices) {

    public WindowSet {
        Objects.requireNonNull(part, "part");
        targetDates = List.copyOf(targetDates);
        lastTargetDates = List.copyOf(lastTargetDates);
        lastInputDates = List.copyOf(lastInputDates);
        int n = inputs.length;
        if (targets.length != n || targetPrices.length != n || targetDates.size() != n || lastTargetDates.size() != n || lastInputDates.size() != n
                || lastPrices.length != n) {
            throw new ModelException("window set " + part + " must have one target, date and last price per window ("
                    + n + "), found " + targets.length + " targets, " + targetDates.size() + " dates, "
                    + lastPrices.length + " last prices");
        }
    }

    /**
     * Windows in this part.
     *
     * @return 0 or more
     */
    public int size() {
        return inputs.length;
    }

    /**
     * Whether this part has no window.
     *
     * @return true when it has none
     */
    public boolean isEmpty() {
        return inputs.length == 0;
    }

    /**
     * The first and last target dates of this part's windows (the last window's last target), if any.
     *
     * @return the range; empty when the part has no window
     */
    public Optional<DateRange> targetRange() {
        if (isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(DateRange.create(targetDates.getFirst(), lastTargetDates.getLast()));
    }

    /**
     * The naive forecast (tomorrow = today) for every window and horizon step: the last input price repeated.
     *
     * @return {@code [window][h]} prices
     */
    public double[][] naivePrices() {
        double[][] naive = new double[size()][];
        for (int i = 0; i < naive.length; i++) {
            naive[i] = new double[targets[i].length];
            java.util.Arrays.fill(naive[i], lastPrices[i]);
        }
        return naive;
    }
}
