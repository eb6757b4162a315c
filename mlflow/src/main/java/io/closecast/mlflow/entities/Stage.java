package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowException;

/** MLflow's legacy model-version stages (kept in step with aliases for older tools). */
public enum Stage {
    NONE("None"), STAGING("Staging"), PRODUCTION("Production"), ARCHIVED("Archived");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    /** The name MLflow uses ({@code Production}). */
    public String mlflowName() {
        return wire;
    }

    /** Parses MLflow's stage name, case-insensitively. */
    public static Stage fromMlflowName(String name) {
        for (Stage stage : values()) {
            if (stage.wire.equalsIgnoreCase(name)) {
                return stage;
            }
        }
        throw new MlflowException("stage must be one of None, Staging, Production, Archived, found '" + name + "'");
    }
}
