package io.closecast.mlflow.entities;

import java.util.Map;

/** An MLflow experiment. */
public record Experiment(String id, String name, String artifactLocation, String lifecycleStage,
                         Map<String, String> tags) {
    /**
     * Copies the tags.
     *
     * @param id               the id
     * @param name             the name
     * @param artifactLocation where its runs' artifacts go
     * @param lifecycleStage   {@code active} or {@code deleted}
     * @param tags             its tags
     */
    public Experiment {
        tags = Map.copyOf(tags);
    }
}
