/**
 * The fused trainer: closecast's own LSTM forward and backward passes over the model core's kernels
 * ({@code ForwardBackwardPass}), each thread's buffers ({@code ThreadWorkspace}) and the split of a mini-batch over
 * threads ({@code BatchThreads}), DL4J's update step ({@code UpdateStep}: clipping, regularization, the
 * {@code GradientOptimizer}s), the parameter layout they share with DL4J, and {@code FusedLstmTrainer}, which puts
 * them together. Uses the model core and the training module's DL4J bridge; no DL4J on its hot path; its parity
 * with DL4J is tested.
 */
package io.closecast.training.fused;
