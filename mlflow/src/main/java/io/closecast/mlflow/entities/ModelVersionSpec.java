package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.Checks;

import java.time.Duration;
import java.util.Map;

/**
 * A model version to register from a run's artifact path, with version tags, a description and how long to wait for
 * it to become READY. {@code ModelRegistry.createModelVersion} registers it with the resolved artifact URI as source
 * ({@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>}); {@link #source()} is the {@code runs:/} form.
 */
public record ModelVersionSpec(String modelName, String runId, String artifactPath, Map<String, String> tags,
                               String description, Duration readyTimeout) {
    /** How long registration waits for READY unless told otherwise. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Checks and copies the spec.
     *
     * @param modelName    the registered model, non-blank
     * @param runId        the run whose artifacts hold the model, non-blank
     * @param artifactPath the model's directory under the run's artifact root ("" = the root)
     * @param tags         version tags
     * @param description  the version's description ("" = none)
     * @param readyTimeout how long to wait for READY, {@code > 0}
     * @throws MlflowException when a part is missing or the timeout is not positive
     */
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

    /**
     * A spec with no tags, no description and the default 2-minute wait.
     *
     * @param modelName    the registered model
     * @param runId        the run whose artifacts hold the model
     * @param artifactPath the model's directory under the run's artifact root
     * @return the spec
     */
    public static ModelVersionSpec create(String modelName, String runId, String artifactPath) {
        return new ModelVersionSpec(modelName, runId, artifactPath, Map.of(), "", DEFAULT_READY_TIMEOUT);
    }

    /**
     * The same spec with other version tags.
     *
     * @param tags the version tags
     * @return the new spec
     */
    public ModelVersionSpec withTags(Map<String, String> tags) {
        return new ModelVersionSpec(modelName, runId, artifactPath, tags, description, readyTimeout);
    }

    /**
     * The same spec with another description.
     *
     * @param description the description ("" = none)
     * @return the new spec
     */
    public ModelVersionSpec withDescription(String description) {
        return new ModelVersionSpec(modelName, runId, artifactPath, tags, description, readyTimeout);
    }

    /**
     * The same spec with another wait for READY.
     *
     * @param readyTimeout how long to wait, {@code > 0}
     * @return the new spec
     */
    public ModelVersionSpec withReadyTimeout(Duration readyTimeout) {
        return new ModelVersionSpec(modelName, runId, artifactPath, tags, description, readyTimeout);
    }

    /**
     * The source in its {@code runs:/} form.
     *
     * @return {@code runs:/<runId>/<artifactPath>}
     */
    public String source() {
        String path = artifactPath.replaceAll("^/+", "");
        return "runs:/" + runId + (path.isEmpty() ? "" : "/" + path);
    }
}
