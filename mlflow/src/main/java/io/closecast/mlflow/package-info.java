/**
 * A typed client for the MLflow 3 REST API as closecast uses it. {@link io.closecast.mlflow.MlflowClient} holds
 * the tracking calls (experiments, runs with batched logging, nested runs, dataset inputs, paged search, metric
 * history) and the life cycle, and hands out the {@link io.closecast.mlflow.artifacts.ArtifactStore} (artifacts
 * through the server's proxy) and the {@link io.closecast.mlflow.registry.ModelRegistry} (versions, tags, aliases,
 * legacy stages), as MLflow's Python client sits over its tracking and registry clients.
 *
 * <pre>{@code
 * try (MlflowClient mlflow = MlflowClient.fromEnvironment()) {
 *     Experiment exp = mlflow.getOrCreateExperiment("closecast-petr4");
 *     Run run = mlflow.createRun(RunSpec.create(exp.id(), "train"));
 *     mlflow.logBatch(run.id(), List.of(Metric.create("val_loss", 0.1, 1)), List.of(Param.create("seed", "42")), List.of());
 *     mlflow.artifacts().uploadDirectory(run.id(), bundleDir, "model");
 *     mlflow.setTerminated(run.id(), RunStatus.FINISHED);
 *     ModelVersion v = mlflow.registry().createModelVersion(ModelVersionSpec.create("closecast-petr4", run.id(), "model"));
 *     mlflow.registry().setAlias("closecast-petr4", "production", v.version());
 * }
 * }</pre>
 *
 * Every failure is an {@link io.closecast.mlflow.MlflowException} (a {@link io.closecast.mlflow.MlflowNotFoundException}
 * when the thing asked for does not exist) carrying MLflow's error code, message, HTTP method and path.
 * <p>The root holds the client, its configuration ({@code MlflowConfig}, {@code Credentials}, {@code RetryPolicy}),
 * the exceptions and the argument {@code Checks} every package of the module uses; it uses {@code entities},
 * {@code http}, {@code artifacts} and {@code registry}. Nothing of closecast's other modules.
 */
package io.closecast.mlflow;
