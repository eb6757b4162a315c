/**
 * A typed client for the MLflow 3 REST API as closecast uses it: experiments, runs (batched logging, nested
 * runs, dataset inputs, paged search, metric history), artifacts through the server's proxy, and the model
 * registry (versions, tags, aliases, legacy stages).
 *
 * <pre>{@code
 * try (MlflowClient mlflow = MlflowClient.fromEnvironment()) {
 *     Experiment exp = mlflow.getOrCreateExperiment("closecast-petr4");
 *     Run run = mlflow.createRun(RunSpec.create(exp.id(), "train"));
 *     mlflow.logBatch(run.id(), List.of(Metric.create("val_loss", 0.1, 1)), List.of(Param.create("seed", "42")), List.of());
 *     mlflow.uploadDirectory(run.id(), bundleDir, "model");
 *     mlflow.setTerminated(run.id(), RunStatus.FINISHED);
 *     ModelVersion v = mlflow.createModelVersion(ModelVersionSpec.create("closecast-petr4", run.id(), "model"));
 *     mlflow.setAlias("closecast-petr4", "production", v.version());
 * }
 * }</pre>
 *
 * Every failure is an {@link io.closecast.mlflow.MlflowException} (a {@link io.closecast.mlflow.MlflowNotFoundException}
 * when the thing asked for does not exist) carrying MLflow's error code, message, HTTP method and path.
 */
package io.closecast.mlflow;
