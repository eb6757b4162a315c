package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowException;

/** MLflow's legacy model-version stages (kept in step with aliases for older tools). */
public enum Stage {
    /** No stage. */
    NONE("None"),
    /** Being tried. */
    STAGING("Staging"),
    /** Serving. */
    PRODUCTION("Production"),
    /** Retired. */
    ARCHIVED("Archived");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    /**
     * The name MLflow uses.
     *
     * @return e.g. {@code Production}
     */
    public String mlflowName() {
        return wire;
    }

    /**
     * Parses MLflow's stage name, case-insensitively.
     *
     * @param name e.g. {@code Production}
     * @return the stage
     * @throws MlflowException when it is no stage
     */
    public static Stage fromMlflowName(String name) {
        for (Stage stage : values()) {
            if (stage.wire.equalsIgnoreCase(name)) {
                return stage;
            }
        }
        throw new MlflowException("stage must be one of None, Staging, Production, Archived, found '" + name + "'");
    }
}
