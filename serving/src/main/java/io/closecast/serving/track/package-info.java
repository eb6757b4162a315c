/**
 * The track record of served forecasts: how the forecasts a model served compare, once the market has closed,
 * with what happened (online MAE, MASE against naive, direction, interval coverage per model and version).
 * <p>Uses {@code models} (what served) and {@code monitoring} (the meters it sets); no HTTP types.
 */
package io.closecast.serving.track;
