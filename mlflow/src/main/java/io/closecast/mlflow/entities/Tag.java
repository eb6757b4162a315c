package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

/** A key/value tag on a run, experiment, registered model or model version. */
public record Tag(String key, String value) {
    /** MLflow's tag naming a run's parent, which nests the run under it in the UI. */
    public static final String PARENT_RUN_ID = "mlflow.parentRunId";
    /** MLflow's tag holding the run name. */
    public static final String RUN_NAME = "mlflow.runName";

    /**
     * Checks the tag.
     *
     * @param key   the key, non-blank
     * @param value the value, given (may be "")
     * @throws io.closecast.mlflow.MlflowException when the key is blank or the value null
     */
    public Tag {
        Checks.notBlank(key, "tag key");
        Checks.notNull(value, "tag '" + key + "' value");
    }

    /**
     * A tag.
     *
     * @param key   the key, non-blank
     * @param value the value, given (may be "")
     * @return the tag
     */
    public static Tag create(String key, String value) {
        return new Tag(key, value);
    }
}
