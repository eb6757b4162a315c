package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

/** A run parameter (immutable once logged). */
public record Param(String key, String value) {
    public Param {
        Checks.notBlank(key, "param key");
        Checks.notNull(value, "param '" + key + "' value");
    }

    public static Param create(String key, String value) {
        return new Param(key, value);
    }
}
