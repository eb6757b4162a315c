package io.closecast.mlflow.http;

import io.closecast.mlflow.entities.Dataset;
import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.LogBatch;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionStatus;
import io.closecast.mlflow.entities.RegisteredModel;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunInfo;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** MLflow's REST JSON to closecast records and back; nothing outside this class sees a wire field name. */
public final class Wire {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    // ---- requests

    /**
     * The {@code runs/create} body.
     *
     * @param spec the run to create
     * @return the body
     */
    public static ObjectNode createRun(RunSpec spec) {
        ObjectNode body = JSON.createObjectNode();
        body.put("experiment_id", spec.experimentId());
        body.put("run_name", spec.runName());
        body.put("start_time", spec.startTime().toEpochMilli());
        body.set("tags", keyValues(spec.allTags()));
        return body;
    }

    /**
     * The {@code runs/log-batch} body.
     *
     * @param runId the run
     * @param batch metrics, params and tags within MLflow's limits
     * @return the body
     */
    public static ObjectNode logBatch(String runId, LogBatch batch) {
        ObjectNode body = JSON.createObjectNode();
        body.put("run_id", runId);
        ArrayNode metrics = body.putArray("metrics");
        for (Metric metric : batch.metrics()) {
            ObjectNode node = metrics.addObject();
            node.put("key", metric.key());
            node.put("value", metric.value());
            node.put("timestamp", metric.timestamp().toEpochMilli());
            node.put("step", metric.step());
        }
        ArrayNode params = body.putArray("params");
        batch.params().forEach(p -> params.addObject().put("key", p.key()).put("value", p.value()));
        ArrayNode tags = body.putArray("tags");
        batch.tags().forEach(t -> tags.addObject().put("key", t.key()).put("value", t.value()));
        return body;
    }

    /**
     * The {@code runs/log-inputs} body.
     *
     * @param runId  the run
     * @param inputs the datasets and their input tags
     * @return the body
     */
    public static ObjectNode logInputs(String runId, List<DatasetInput> inputs) {
        ObjectNode body = JSON.createObjectNode();
        body.put("run_id", runId);
        ArrayNode datasets = body.putArray("datasets");
        for (DatasetInput input : inputs) {
            ObjectNode node = datasets.addObject();
            node.set("tags", keyValues(input.tags()));
            Dataset d = input.dataset();
            ObjectNode dataset = node.putObject("dataset");
            dataset.put("name", d.name());
            dataset.put("digest", d.digest());
            dataset.put("source_type", d.sourceType());
            dataset.put("source", d.source());
            if (!d.schema().isEmpty()) {
                dataset.put("schema", d.schema());
            }
            if (!d.profile().isEmpty()) {
                dataset.put("profile", d.profile());
            }
        }
        return body;
    }

    /**
     * The {@code runs/search} body.
     *
     * @param search the search
     * @return the body
     */
    public static ObjectNode searchRuns(RunSearch search) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putArray("experiment_ids");
        search.experimentIds().forEach(ids::add);
        if (!search.filter().isBlank()) {
            body.put("filter", search.filter());
        }
        if (!search.orderBy().isEmpty()) {
            ArrayNode order = body.putArray("order_by");
            search.orderBy().forEach(order::add);
        }
        body.put("max_results", search.maxResults());
        body.put("run_view_type", "ACTIVE_ONLY");
        search.pageToken().ifPresent(token -> body.put("page_token", token));
        return body;
    }

    /**
     * MLflow's list of {@code {"key": k, "value": v}} objects.
     *
     * @param map key to value
     * @return the list
     */
    public static ArrayNode keyValues(Map<String, String> map) {
        ArrayNode array = JSON.createArrayNode();
        map.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
        return array;
    }

    // ---- responses

    /**
     * Reads an experiment.
     *
     * @param node the {@code experiment} object
     * @return the experiment
     */
    public static Experiment experiment(JsonNode node) {
        return new Experiment(text(node, "experiment_id"), text(node, "name"), text(node, "artifact_location"),
                text(node, "lifecycle_stage"), tagMap(node.path("tags")));
    }

    /**
     * Reads a run.
     *
     * @param node the {@code run} object
     * @return the run
     */
    public static Run run(JsonNode node) {
        JsonNode info = node.path("info");
        String runId = text(info, "run_id").isEmpty() ? text(info, "run_uuid") : text(info, "run_id");
        RunInfo runInfo = new RunInfo(runId, text(info, "experiment_id"), text(info, "run_name"),
                RunStatus.valueOf(info.path("status").asText("RUNNING")),
                Instant.ofEpochMilli(info.path("start_time").asLong(0)),
                info.hasNonNull("end_time") ? Optional.of(Instant.ofEpochMilli(info.path("end_time").asLong()))
                        : Optional.empty(),
                text(info, "artifact_uri"), text(info, "lifecycle_stage"), text(info, "user_id"));
        JsonNode data = node.path("data");
        List<Metric> metrics = new ArrayList<>();
        data.path("metrics").forEach(m -> metrics.add(metric(m)));
        List<DatasetInput> inputs = new ArrayList<>();
        for (JsonNode input : node.path("inputs").path("dataset_inputs")) {
            JsonNode d = input.path("dataset");
            inputs.add(new DatasetInput(new Dataset(text(d, "name"), text(d, "digest"), text(d, "source_type"),
                    text(d, "source"), text(d, "schema"), text(d, "profile")), tagMap(input.path("tags"))));
        }
        return new Run(runInfo, metrics, tagMap(data.path("params")), tagMap(data.path("tags")), inputs);
    }

    /**
     * Reads a metric.
     *
     * @param m a {@code metrics} item
     * @return the metric
     */
    public static Metric metric(JsonNode m) {
        return new Metric(text(m, "key"), number(m.path("value")), Instant.ofEpochMilli(m.path("timestamp").asLong(0)),
                m.path("step").asLong(0));
    }

    /**
     * Reads a model version.
     *
     * @param node the {@code model_version} object
     * @return the version
     */
    public static ModelVersion modelVersion(JsonNode node) {
        List<String> aliases = new ArrayList<>();
        node.path("aliases").forEach(a -> aliases.add(a.asText()));
        String runId = text(node, "run_id");
        return new ModelVersion(text(node, "name"), node.path("version").asInt(),
                Instant.ofEpochMilli(node.path("creation_timestamp").asLong(0)),
                Instant.ofEpochMilli(node.path("last_updated_timestamp").asLong(0)),
                Stage.fromMlflowName(node.path("current_stage").asText("None")), text(node, "description"),
                text(node, "source"), runId.isEmpty() ? Optional.empty() : Optional.of(runId),
                ModelVersionStatus.valueOf(node.path("status").asText("READY")), text(node, "status_message"),
                tagMap(node.path("tags")), aliases);
    }

    /**
     * Reads a registered model.
     *
     * @param node the {@code registered_model} object
     * @return the model
     */
    public static RegisteredModel registeredModel(JsonNode node) {
        Map<String, Integer> aliases = new LinkedHashMap<>();
        node.path("aliases").forEach(a -> aliases.put(text(a, "alias"), a.path("version").asInt()));
        List<ModelVersion> latest = new ArrayList<>();
        node.path("latest_versions").forEach(v -> latest.add(modelVersion(v)));
        return new RegisteredModel(text(node, "name"), Instant.ofEpochMilli(node.path("creation_timestamp").asLong(0)),
                Instant.ofEpochMilli(node.path("last_updated_timestamp").asLong(0)), text(node, "description"),
                tagMap(node.path("tags")), aliases, latest);
    }

    /**
     * The token of the next page.
     *
     * @param response a paged answer
     * @return its {@code next_page_token}, empty on the last page
     */
    public static Optional<String> pageToken(JsonNode response) {
        String token = text(response, "next_page_token");
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static double number(JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        return switch (value.asText("")) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> value.asDouble(0.0);
        };
    }

    private static Map<String, String> tagMap(JsonNode array) {
        Map<String, String> map = new LinkedHashMap<>();
        array.forEach(kv -> map.put(text(kv, "key"), text(kv, "value")));
        return map;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }
}
