package io.closecast.model.train;

/**
 * One finished epoch.
 *
 * @param epoch       1-based
 * @param trainLoss   mean mini-batch loss (MSE plus the L2 term) over the epoch
 * @param valLoss     MSE on the validation samples after the epoch
 * @param epochMillis wall time of the epoch's training and validation
 * @param valScore    the trainer's validation score after the epoch (e.g. MASE against naive, in prices), NaN when
 *                    none was asked for
 */
public record EpochStats(int epoch, double trainLoss, double valLoss, long epochMillis, double valScore) {

    /**
     * An epoch without a validation score.
     *
     * @param epoch 1-based
     * @param trainLoss mean mini-batch loss (MSE plus the L2 term) over the epoch
     * @param valLoss MSE on the validation samples after the epoch
     * @param epochMillis wall time of the epoch's training and validation, in milliseconds
     */
    public EpochStats(int epoch, double trainLoss, double valLoss, long epochMillis) {
        this(epoch, trainLoss, valLoss, epochMillis, Double.NaN);
    }
}
