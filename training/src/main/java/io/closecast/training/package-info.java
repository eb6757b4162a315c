/**
 * Training an LSTM forecaster: {@code Trainer} picks the engine (closecast's fused kernels or DL4J) and returns
 * a {@code TrainingResult}. The engines are the sub-packages {@code fused} and {@code dl4j}; {@code bundle}
 * writes what was trained as a model bundle.
 */
package io.closecast.training;
