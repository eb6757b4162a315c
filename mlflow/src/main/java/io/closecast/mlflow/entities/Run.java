package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowClient;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run: metadata, latest metric values, params, tags and dataset inputs.
 *
 * @param metrics the latest value of each metric (use {@link MlflowClient#metricHistory} for all steps)
 */
public record Run(RunInfo info, List<Metric> metrics, Map<String, String> params, Map<String, String> tags,
                  List<DatasetInput> inputs) {
    public Run {
        metrics = List.copyOf(metrics);
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
        inputs = List.copyOf(inputs);
    }

    public String id() {
        return info.runId();
    }

    public Optional<Metric> metric(String key) {
        return metrics.stream().filter(m -> m.key().equals(key)).findFirst();
    }

    public Optional<String> param(String key) {
        return Optional.ofNullable(params.get(key));
    }

    public Optional<String> tag(String key) {
        return Optional.ofNullable(tags.get(key));
    }

    /** The parent run's id for a nested run. */
    public Optional<String> parentRunId() {
        return tag(Tag.PARENT_RUN_ID);
    }
}
