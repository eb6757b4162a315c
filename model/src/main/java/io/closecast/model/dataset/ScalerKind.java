package io.closecast.model.dataset;

/** How a {@link Scaler} maps each feature: to [0, 1] by its training min and max, or to mean 0 and sd 1. */
public enum ScalerKind {
    MIN_MAX,
    STANDARD
}
