/**
 * One training as one MLflow run: {@link io.closecast.pipeline.training.TrainingJob} (the run's life cycle: created,
 * tagged, ended FINISHED, KILLED, FAILED or left as another process closed it), {@code HeldOutTraining} (prices in,
 * the network trained on the chronological split, metrics out), {@code EpochLoggingTrainer} (one network, its epochs
 * logged), {@code HeldOutEvaluation} (test metrics beside the naive forecast and the interval baseline, pure),
 * {@code WalkForwardFolds}, {@link io.closecast.pipeline.training.RunArtifacts} (bundle, plots, predictions) and the
 * training UI. Uses {@code config}, {@code data}, {@code tracking}, the model core, the training module and MLflow;
 * never {@code registry}, {@code sweep} or {@code cli}: registering a run is the registry's job.
 */
package io.closecast.pipeline.training;
