/**
 * The LSTM itself: its spec, its weights, the verified kernels (scalar and Vector API) and the forecaster that
 * runs a forward pass without DL4J.
 * <p>Uses {@code dataset}.
 */
package io.closecast.model.lstm;
