/**
 * A run's artifacts through the MLflow server's artifact proxy: upload, list and download
 * ({@code ArtifactStore}), the bounds on a directory download ({@code DownloadLimits}) and the checks on artifact
 * paths ({@code ArtifactPaths}: no {@code .} or {@code ..} segments, nothing written outside the target directory).
 * <p>Uses the module's root ({@code Checks}, the exceptions), {@code entities} and {@code http}; never
 * {@code registry}.
 */
package io.closecast.mlflow.artifacts;
