package io.closecast.model.train;

/**
 * Told about every finished epoch (e.g. to log {@code val_loss} to MLflow with step = epoch), and says whether
 * training goes on: {@link EpochDecision#CONTINUE}, or {@link EpochDecision#stop} with a reason.
 */
@FunctionalInterface
public interface EpochListener {
    /**
     * Called after each epoch, before the trainer decides on early stopping.
     *
     * @param stats the finished epoch's losses, time and validation score
     * @return {@link EpochDecision#CONTINUE} to go on, or {@link EpochDecision#stop} to end training after this epoch
     */
    EpochDecision onEpoch(EpochStats stats);

    /**
     * A listener that lets every epoch go on.
     *
     * @return a listener that always answers {@link EpochDecision#CONTINUE}
     */
    static EpochListener none() {
        return stats -> EpochDecision.CONTINUE;
    }
}
