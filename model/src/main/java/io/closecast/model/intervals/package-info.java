/**
 * Forecast intervals: the split-conformal calibration, the baseline intervals they are judged against, and
 * coverage and interval-score metrics.
 * <p>Uses {@code dataset} and {@code prices}.
 */
package io.closecast.model.intervals;
