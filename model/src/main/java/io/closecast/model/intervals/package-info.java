/**
 * Forecast intervals: the split-conformal calibration (scaled by the input window's EWMA volatility, or by a
 * distribution head's predicted scale: {@code PredictedScaleCalibration}), adaptive conformal inference over them
 * ({@code AdaptiveConformal}: a running miss rate per level, updated from realised outcomes), the baseline intervals they are judged
 * against, and coverage and interval-score metrics.
 * <p>Uses {@code dataset} and {@code prices}.
 */
package io.closecast.model.intervals;
