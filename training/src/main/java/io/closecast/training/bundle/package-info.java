/**
 * Writing a trained model as an MLflow model directory that the model core's bundle reader loads.
 */
package io.closecast.training.bundle;
