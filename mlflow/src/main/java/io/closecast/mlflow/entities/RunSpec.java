package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to create a run with. A parent run id nests the run under it (tag {@code mlflow.parentRunId}).
 */
public record RunSpec(String experimentId, String runName, Instant startTime, Map<String, String> tags,
                      Optional<String> parentRunId) {
    public RunSpec {
        Checks.notBlank(experimentId, "experiment id");
        Checks.notBlank(runName, "run name");
        Checks.notNull(startTime, "run start time");
        tags = Map.copyOf(tags);
        Checks.notNull(parentRunId, "parent run id");
        parentRunId.ifPresent(id -> Checks.notBlank(id, "parent run id"));
    }

    /** A top-level run starting now with no tags. */
    public static RunSpec create(String experimentId, String runName) {
        return builder(experimentId, runName).build();
    }

    public static Builder builder(String experimentId, String runName) {
        return new Builder(experimentId, runName);
    }

    /** The tags sent to MLflow: the given ones plus the parent link. */
    public Map<String, String> allTags() {
        Map<String, String> all = new LinkedHashMap<>(tags);
        parentRunId.ifPresent(id -> all.put(Tag.PARENT_RUN_ID, id));
        return all;
    }

    /** Builds a {@link RunSpec}. */
    public static final class Builder {
        private final String experimentId;
        private final String runName;
        private Instant startTime = Instant.now();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private Optional<String> parentRunId = Optional.empty();

        private Builder(String experimentId, String runName) {
            this.experimentId = experimentId;
            this.runName = runName;
        }

        public Builder startTime(Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        public Builder tag(String key, String value) {
            tags.put(Checks.notBlank(key, "tag key"), Checks.notNull(value, "tag '" + key + "' value"));
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        public Builder parentRunId(String parentRunId) {
            this.parentRunId = Optional.of(Checks.notBlank(parentRunId, "parent run id"));
            return this;
        }

        public RunSpec build() {
            return new RunSpec(experimentId, runName, startTime, tags, parentRunId);
        }
    }
}
