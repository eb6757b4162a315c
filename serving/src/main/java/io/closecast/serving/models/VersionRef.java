package io.closecast.serving.models;

import io.closecast.serving.ServingException;

import java.util.Objects;

/**
 * One registered model version as the registry names it.
 *
 * @param name    registered model name, e.g. {@code closecast-petr4}
 * @param version registry version number as text, e.g. {@code 3}
 * @param runId   the MLflow run that produced it
 */
public record VersionRef(String name, String version, String runId) {

    public VersionRef {
        requireText(name, "name");
        requireText(version, "version");
        requireText(runId, "runId");
    }

    public static VersionRef create(String name, String version, String runId) {
        return new VersionRef(name, version, runId);
    }

    public static void requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new ServingException(field + " must not be blank, found '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return name + " v" + version + " (run " + runId + ")";
    }
}
