/**
 * The model bundle as a forecaster: reading an MLflow model directory (MLmodel, weights, scaler, calibration,
 * checksums) into a {@code ForecastModel}, and the JSON helpers the bundle files use.
 * <p>Uses every other concern of the core; nothing in the core uses it.
 */
package io.closecast.model.bundle;
