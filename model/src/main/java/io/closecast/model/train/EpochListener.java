package io.closecast.model.train;

/**
 * Told about every finished epoch (e.g. to log {@code val_loss} to MLflow with step = epoch), and says whether
 * training goes on: {@link EpochDecision#CONTINUE}, or {@link EpochDecision#stop} with a reason.
 */
@FunctionalInterface
public interface EpochListener {
    EpochDecision onEpoch(EpochStats stats);

    /** A listener that lets every epoch go on. */
    static EpochListener none() {
        return stats -> EpochDecision.CONTINUE;
    }
}
