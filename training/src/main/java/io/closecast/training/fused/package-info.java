/**
 * The fused trainer: closecast's own LSTM forward and backward passes over the model core's kernels
 * ({@code ForwardBackwardPass}), each thread's buffers ({@code ThreadWorkspace}) and the split of a mini-batch over
 * threads ({@code BatchThreads}), DL4J's update step ({@code UpdateStep}: clipping, regularization, the
 * {@code GradientOptimizer}s), the parameter layout they share with DL4J, and {@code FusedLstmTrainer}, which puts
 * them together, and {@code Dl4jBridge}, which reads a DL4J network definition into that layout (parameters,
 * regularization, the optimizer) and writes the trained weights back. Uses the model core and DL4J's network
 * definition; no DL4J on its hot path; its parity with DL4J is tested.
 */
package io.closecast.training.fused;
