package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.Checks;

import java.time.Duration;
import java.util.Map;

/**
 * A model version to register from a run's artifact path, with version tags, a description and how long to wait for
 * it to become READY. {@link MlflowClient#createModelVersion} registers it with the resolved artifact URI as source
 * ({@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>}); {@link #source()} is the {@code runs:/} form.
 */
public record ModelVersionSpec(String modelName, String runId, String artifactPath, Map<String, String> tags,
                               String description, Duration readyTimeout) {
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(2);

    public ModelVersionSpec {
        Checks.notBlank(modelName, "registered model name");
        Checks.notBlank(runId, "run id");
        Checks.notNull(artifactPath, "artifact path");
        tags = Map.copyOf(tags);
        Checks.notNull(description, "description");
        Checks.notNull(readyTimeout, "ready timeout");
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new MlflowException("ready timeout must be > 0, found " + readyTimeout);
        }
    }

    /** No tags, no description, the default 2-minute wait. */
    public static ModelVersionSpec create(String modelName, String runId, String artifactPath) {
        return new ModelVersionSpec(modelName, runId, artifactPath, Map.of(), "", DEFAULT_READY_TIMEOUT);
    }

    public ModelVersionSpec withTags(Map<String, String> tags) {
        return new ModelVersionSpec(modelName, runId, artifactPath, tags, description, readyTimeout);
    }

    public ModelVersionSpec withDescription(String description) {
        return new ModelVersionSpec(modelName, runId, artifactPath, tags, description, readyTimeout);
    }

    public ModelVersionSpec withReadyTimeout(Duration readyTimeout) {
        return new ModelVersionSpec(modelName, runId, artifactPath, tags, description, readyTimeout);
    }

    /** {@code runs:/<runId>/<artifactPath>}. */
    public String source() {
        String path = artifactPath.replaceAll("^/+", "");
        return "runs:/" + runId + (path.isEmpty() ? "" : "/" + path);
    }
}
