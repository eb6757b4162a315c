package io.closecast.model.train;

import io.closecast.model.ModelException;

import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link EpochListener} says after an epoch: go on, or stop with a reason (median pruning, a time limit).
 * Stopping this way is a normal end of training, not an error: the trainer keeps the best epoch's weights and its
 * result says why it stopped.
 */
public final class EpochDecision {
    /** Go on training (early stopping and the epoch limit still apply). */
    public static final EpochDecision CONTINUE = new EpochDecision(Optional.empty());

    private final Optional<String> stopReason;

    private EpochDecision(Optional<String> stopReason) {
        this.stopReason = stopReason;
    }

    /**
     * Stop after this epoch because of {@code reason}.
     *
     * @param reason why, in words (e.g. the sweep pruned the trial), not blank
     * @return a decision that ends training after this epoch
     * @throws ModelException when the reason is blank
     */
    public static EpochDecision stop(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new ModelException("a stop decision needs a reason, found a blank one");
        }
        return new EpochDecision(Optional.of(reason));
    }

    /**
     * Why to stop, or empty to go on.
     *
     * @return the reason given to {@link #stop}, or empty for {@link #CONTINUE}
     */
    public Optional<String> stopReason() {
        return stopReason;
    }

    @Override
    public String toString() {
        return stopReason.map(r -> "stop: " + r).orElse("continue");
    }
}
