package io.closecast.model;

/** Told about every finished epoch, e.g. to log {@code val_loss} to MLflow with step = epoch. */
@FunctionalInterface
public interface EpochListener {
    void onEpoch(EpochStats stats);

    /** A listener that ignores every epoch. */
    static EpochListener none() {
        return stats -> { };
    }
}
