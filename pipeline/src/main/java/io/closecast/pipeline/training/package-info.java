/**
 * One training run as an MLflow run: prices in, the network trained, held-out and walk-forward
 * evaluation beside the naive forecast, artifacts, the refit on all data and the registration.
 */
package io.closecast.pipeline.training;
