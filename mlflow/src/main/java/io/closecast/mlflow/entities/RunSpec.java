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
    /**
     * Checks and copies the spec.
     *
     * @param experimentId the experiment, non-blank
     * @param runName      the run's name, non-blank
     * @param startTime    when it starts
     * @param tags         tags to set at creation
     * @param parentRunId  the parent run, empty for a top-level run
     * @throws io.closecast.mlflow.MlflowException when a part is blank or missing
     */
    public RunSpec {
        Checks.notBlank(experimentId, "experiment id");
        Checks.notBlank(runName, "run name");
        Checks.notNull(startTime, "run start time");
        tags = Map.copyOf(tags);
        Checks.notNull(parentRunId, "parent run id");
        parentRunId.ifPresent(id -> Checks.notBlank(id, "parent run id"));
    }

    /**
     * A top-level run starting now with no tags.
     *
     * @param experimentId the experiment
     * @param runName      the run's name
     * @return the spec
     */
    public static RunSpec create(String experimentId, String runName) {
        return builder(experimentId, runName).build();
    }

    /**
     * A builder of a run starting now, top-level, no tags.
     *
     * @param experimentId the experiment
     * @param runName      the run's name
     * @return the builder
     */
    public static Builder builder(String experimentId, String runName) {
        return new Builder(experimentId, runName);
    }

    /**
     * The tags sent to MLflow: the given ones plus the parent link.
     *
     * @return the tags, with {@code mlflow.parentRunId} for a nested run
     */
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

        /**
         * Sets the start time.
         *
         * @param startTime when the run starts
         * @return this builder
         */
        public Builder startTime(Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        /**
         * Adds a tag.
         *
         * @param key   the key, non-blank
         * @param value the value
         * @return this builder
         */
        public Builder tag(String key, String value) {
            tags.put(Checks.notBlank(key, "tag key"), Checks.notNull(value, "tag '" + key + "' value"));
            return this;
        }

        /**
         * Adds tags.
         *
         * @param tags key to value
         * @return this builder
         */
        public Builder tags(Map<String, String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        /**
         * Nests the run under a parent.
         *
         * @param parentRunId the parent run, non-blank
         * @return this builder
         */
        public Builder parentRunId(String parentRunId) {
            this.parentRunId = Optional.of(Checks.notBlank(parentRunId, "parent run id"));
            return this;
        }

        /**
         * The spec.
         *
         * @return the spec
         */
        public RunSpec build() {
            return new RunSpec(experimentId, runName, startTime, tags, parentRunId);
        }
    }
}
