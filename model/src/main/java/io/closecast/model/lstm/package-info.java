/**
 * The LSTM itself: its spec, its weights, the verified kernels (scalar and Vector API), the forecaster that
 * runs a forward pass without DL4J, and the optional distribution head ({@code Distribution}) with its negative
 * log-likelihood ({@code DistributionLoss}), shared by both training engines.
 * <p>Uses {@code dataset}.
 */
package io.closecast.model.lstm;
