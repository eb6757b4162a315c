/**
 * Continuous training: {@code closecast retrain} reads the newest prices, decides whether a new trading day came in
 * since production's data, trains, registers and sends the candidate through the servability check and the gate
 * ({@link io.closecast.pipeline.retrain.Retrainer}), one retrain per registered model at a time
 * ({@link io.closecast.pipeline.retrain.RetrainLock}, a lease in a registered-model tag). Uses {@code config},
 * {@code data} (Yahoo), {@code registry}, {@code sweep} (a sweep config is swept), {@code tracking}, {@code training}, the model core
 * and MLflow; never {@code cli}.
 */
package io.closecast.pipeline.retrain;
