package io.closecast.pipeline.sweep;

import io.closecast.model.train.EpochStats;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which metric of a trial the sweep optimises, and which per-epoch metric median pruning compares. */
public final class TrialObjective {
    private TrialObjective() {
    }

    /**
     * The run metric that holds a finished trial's objective: {@code val_loss} and {@code val_mase} are judged at the
     * best epoch (the weights the trial keeps), {@code best_val_loss} / {@code best_val_mase}; any other metric as is.
     */
    static String objectiveKey(String metric) {
        return metric.equals("val_loss") || metric.equals("val_mase") ? "best_" + metric : metric;
    }

    /** The sweep's objective from a finished trial: a logged metric, or the best epoch's loss. */
    static Optional<Double> objective(String metric, Map<String, Double> metrics, List<EpochStats> epochs) {
        if (metrics.containsKey(objectiveKey(metric))) {
            return Optional.of(metrics.get(objectiveKey(metric)));
        }
        if (metric.equals("train_loss") && !epochs.isEmpty()) {
            return Optional.of(epochs.getLast().trainLoss());
        }
        return Optional.empty();
    }

    /** Pruning compares per-epoch values: the sweep metric when it is logged per epoch, else val_loss. */
    public static String pruneMetric(SweepSpec spec) {
        return spec.metric().equals("train_loss") ? "train_loss" : "val_loss";
    }
}
