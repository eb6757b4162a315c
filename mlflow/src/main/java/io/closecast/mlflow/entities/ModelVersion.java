package io.closecast.mlflow.entities;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A version of a registered model. */
public record ModelVersion(String name, int version, Instant created, Instant lastUpdated, Stage stage,
                           String description, String source, Optional<String> runId, ModelVersionStatus status,
                           String statusMessage, Map<String, String> tags, List<String> aliases) {
    /**
     * Copies the version's data.
     *
     * @param name          the registered model
     * @param version       the version number
     * @param created       when it was created
     * @param lastUpdated   when it last changed
     * @param stage         its legacy stage
     * @param description   its description
     * @param source        where its files are (an artifact URI)
     * @param runId         the run it came from, if known
     * @param status        its registration state
     * @param statusMessage the registration's message
     * @param tags          its tags
     * @param aliases       the aliases pointing at it
     */
    public ModelVersion {
        tags = Map.copyOf(tags);
        aliases = List.copyOf(aliases);
    }

    /**
     * A tag's value.
     *
     * @param key the tag
     * @return its value, empty when not set
     */
    public Optional<String> tag(String key) {
        return Optional.ofNullable(tags.get(key));
    }
}
