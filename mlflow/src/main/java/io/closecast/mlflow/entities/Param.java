package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

/** A run parameter (immutable once logged). */
public record Param(String key, String value) {
    /**
     * Checks the param.
     *
     * @param key   the key, non-blank
     * @param value the value, given (may be "")
     * @throws io.closecast.mlflow.MlflowException when the key is blank or the value null
     */
    public Param {
        Checks.notBlank(key, "param key");
        Checks.notNull(value, "param '" + key + "' value");
    }

    /**
     * A param.
     *
     * @param key   the key, non-blank
     * @param value the value, given (may be "")
     * @return the param
     */
    public static Param create(String key, String value) {
        return new Param(key, value);
    }
}
