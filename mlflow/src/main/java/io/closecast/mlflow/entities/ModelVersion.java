package io.closecast.mlflow.entities;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A version of a registered model. */
public record ModelVersion(String name, int version, Instant created, Instant lastUpdated, Stage stage,
                           String description, String source, Optional<String> runId, ModelVersionStatus status,
                           String statusMessage, Map<String, String> tags, List<String> aliases) {
    public ModelVersion {
        tags = Map.copyOf(tags);
        aliases = List.copyOf(aliases);
    }

    public Optional<String> tag(String key) {
        return Optional.ofNullable(tags.get(key));
    }
}
