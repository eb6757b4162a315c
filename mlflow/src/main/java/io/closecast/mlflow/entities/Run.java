package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowClient;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run: metadata, latest metric values, params, tags and dataset inputs.
 *
 * @param metrics the latest value of each metric (use {@code MlflowClient.metricHistory} for all steps)
 */
public record Run(RunInfo info, List<Metric> metrics, Map<String, String> params, Map<String, String> tags,
                  List<DatasetInput> inputs) {
    /**
     * Copies the run's data.
     *
     * @param info    id, experiment, name, status, times, artifact URI
     * @param metrics the latest value of each metric
     * @param params  params
     * @param tags    tags
     * @param inputs  dataset inputs
     */
    public Run {
        metrics = List.copyOf(metrics);
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
        inputs = List.copyOf(inputs);
    }

    /**
     * The run's id.
     *
     * @return {@code info().runId()}
     */
    public String id() {
        return info.runId();
    }

    /**
     * The latest value of a metric.
     *
     * @param key the metric
     * @return its latest value, empty when never logged
     */
    public Optional<Metric> metric(String key) {
        return metrics.stream().filter(m -> m.key().equals(key)).findFirst();
    }

    /**
     * A param's value.
     *
     * @param key the param
     * @return its value, empty when not logged
     */
    public Optional<String> param(String key) {
        return Optional.ofNullable(params.get(key));
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

    /**
     * The parent run's id for a nested run.
     *
     * @return the parent's id, empty for a top-level run
     */
    public Optional<String> parentRunId() {
        return tag(Tag.PARENT_RUN_ID);
    }
}
