package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

/**
 * A dataset as MLflow records it on a run's inputs.
 *
 * @param name       e.g. {@code PETR4.SA-daily}
 * @param digest     a short content hash identifying this version of the data
 * @param sourceType e.g. {@code local}, {@code http}
 * @param source     where it came from (a JSON string by MLflow convention, e.g. {@code {"uri": "data/PETR4.SA.csv"}})
 * @param schema     JSON schema text, empty when not known
 * @param profile    JSON profile text (e.g. row counts), empty when not known
 */
public record Dataset(String name, String digest, String sourceType, String source, String schema, String profile) {
    /**
     * Checks the dataset.
     *
     * @param name       the name, non-blank
     * @param digest     the content hash, non-blank
     * @param sourceType the source type, non-blank
     * @param source     where it came from
     * @param schema     JSON schema text, "" when not known
     * @param profile    JSON profile text, "" when not known
     * @throws io.closecast.mlflow.MlflowException when a part is blank or missing
     */
    public Dataset {
        Checks.notBlank(name, "dataset name");
        Checks.notBlank(digest, "dataset '" + name + "' digest");
        Checks.notBlank(sourceType, "dataset '" + name + "' source type");
        Checks.notNull(source, "dataset '" + name + "' source");
        Checks.notNull(schema, "dataset '" + name + "' schema");
        Checks.notNull(profile, "dataset '" + name + "' profile");
    }
}
