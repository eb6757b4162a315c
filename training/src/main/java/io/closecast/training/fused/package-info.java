/**
 * The fused trainer: closecast's own LSTM forward and backward passes over the model core's kernels, the
 * parameter layout they share with DL4J, and the gradient optimizers. No DL4J on its hot path; its parity
 * with DL4J is tested.
 */
package io.closecast.training.fused;
