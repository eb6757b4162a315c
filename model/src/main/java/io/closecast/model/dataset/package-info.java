/**
 * From prices to supervised windows: features, targets and their transforms, chronological splits, the
 * scaler fitted on training data only, and the codec that turns a forecast back into prices.
 * <p>Uses {@code prices} and {@code prices.checks}.
 */
package io.closecast.model.dataset;
