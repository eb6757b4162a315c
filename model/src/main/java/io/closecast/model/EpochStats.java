package io.closecast.model;

/**
 * One finished epoch.
 *
 * @param epoch       1-based
 * @param trainLoss   mean mini-batch loss (MSE plus the L2 term) over the epoch
 * @param valLoss     MSE on the validation samples after the epoch
 * @param epochMillis wall time of the epoch's training and validation
 */
public record EpochStats(int epoch, double trainLoss, double valLoss, long epochMillis) {
}
