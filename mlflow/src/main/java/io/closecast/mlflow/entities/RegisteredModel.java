package io.closecast.mlflow.entities;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registered model.
 *
 * @param aliases        alias -> version number
 * @param latestVersions the latest version per stage, as MLflow reports them
 */
public record RegisteredModel(String name, Instant created, Instant lastUpdated, String description,
                              Map<String, String> tags, Map<String, Integer> aliases,
                              List<ModelVersion> latestVersions) {
    /**
     * Copies the model's data.
     *
     * @param name           the name
     * @param created        when it was created
     * @param lastUpdated    when it last changed
     * @param description    its description
     * @param tags           its tags
     * @param aliases        alias -> version number
     * @param latestVersions the latest version per stage
     */
    public RegisteredModel {
        tags = Map.copyOf(tags);
        aliases = Map.copyOf(aliases);
        latestVersions = List.copyOf(latestVersions);
    }

    /**
     * The version an alias points at.
     *
     * @param alias the alias
     * @return the version number, empty when there is no such alias
     */
    public Optional<Integer> aliasVersion(String alias) {
        return Optional.ofNullable(aliases.get(alias));
    }
}
