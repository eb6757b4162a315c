package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

/** A key/value tag on a run, experiment, registered model or model version. */
public record Tag(String key, String value) {
    /** MLflow's tag naming a run's parent, which nests the run under it in the UI. */
    public static final String PARENT_RUN_ID = "mlflow.parentRunId";
    /** MLflow's tag holding the run name. */
    public static final String RUN_NAME = "mlflow.runName";

    public Tag {
        Checks.notBlank(key, "tag key");
        Checks.notNull(value, "tag '" + key + "' value");
    }

    public static Tag create(String key, String value) {
        return new Tag(key, value);
    }
}
