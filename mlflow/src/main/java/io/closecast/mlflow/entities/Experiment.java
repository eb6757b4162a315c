package io.closecast.mlflow.entities;

import java.util.Map;

/** An MLflow experiment. */
public record Experiment(String id, String name, String artifactLocation, String lifecycleStage,
                         Map<String, String> tags) {
    public Experiment {
        tags = Map.copyOf(tags);
    }
}
