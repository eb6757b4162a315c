package io.closecast.pipeline.sweep.pruning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Median stopping: a trial whose intermediate value at an epoch is worse than the median of what earlier
 * trials reported at that same epoch is stopped, once it is past {@code warmupEpochs} and at least
 * {@code minTrials} earlier trials reported that epoch. Values are oriented so that lower is better.
 */
public record MedianPruner(int warmupEpochs, int minTrials) {
    public MedianPruner {
        if (warmupEpochs < 0 || minTrials < 1) {
            throw new IllegalArgumentException("pruning needs warm-up >= 0 and min trials >= 1, found "
                    + warmupEpochs + " and " + minTrials);
        }
    }

    /**
     * Why to stop, or empty to go on. {@code epoch} counts from 1; {@code others} are the values other
     * (earlier) trials reported at this epoch.
     */
    public Optional<String> shouldPrune(int epoch, double value, Collection<Double> others) {
        if (epoch <= warmupEpochs || others.size() < minTrials) {
            return Optional.empty();
        }
        double median = median(others);
        if (!Double.isFinite(value) || value > median) {
            return Optional.of(String.format(java.util.Locale.ROOT,
                    "epoch %d: value %.6g worse than the median %.6g of %d earlier trials at that epoch",
                    epoch, value, median, others.size()));
        }
        return Optional.empty();
    }

    public static double median(Collection<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
