package io.closecast.mlflow;

import io.closecast.mlflow.artifacts.ArtifactStore;
import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.LogBatch;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.Page;
import io.closecast.mlflow.entities.Param;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Tag;
import io.closecast.mlflow.http.Errors;
import io.closecast.mlflow.http.Http;
import io.closecast.mlflow.http.Wire;
import io.closecast.mlflow.registry.ModelRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed client for what closecast needs of MLflow 3: experiments, runs, proxied artifacts and the model
 * registry. Thread-safe; close it to release the HTTP client.
 */
public final class MlflowClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowClient.class);
    private static final int HISTORY_PAGE = 25_000;

    private final MlflowConfig config;
    private final Http http;
    private final ArtifactStore artifacts;
    private final ModelRegistry registry;

    private MlflowClient(MlflowConfig config) {
        this.config = config;
        this.http = new Http(config);
        this.artifacts = new ArtifactStore(http, this::getRun);
        this.registry = new ModelRegistry(http, this::getRun, artifacts);
    }

    public static MlflowClient create(MlflowConfig config) {
        return new MlflowClient(Checks.notNull(config, "MLflow config"));
    }

    /** A client for the server named by {@code MLFLOW_TRACKING_URI} (and its credentials variables). */
    public static MlflowClient fromEnvironment() {
        return create(MlflowConfig.fromEnvironment());
    }

    public MlflowConfig config() {
        return config;
    }

    public ArtifactStore artifacts() {
        return artifacts;
    }

    public ModelRegistry registry() {
        return registry;
    }

    // ------------------------------------------------------------------ experiments

    /** The experiment with this name, created if missing (a concurrent creation is tolerated). */
    public Experiment getOrCreateExperiment(String name) {
        Checks.notBlank(name, "experiment name");
        Optional<Experiment> existing = findExperimentByName(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            ObjectNode body = http.object().put("name", name);
            String id = http.post("experiments/create", body).path("experiment_id").asText();
            LOG.info("created MLflow experiment '{}' (id {})", name, id);
            return getExperiment(id);
        } catch (MlflowException e) {
            if (Errors.isAlreadyExists(e)) {
                LOG.debug("experiment '{}' was created concurrently; reading it", name);
                return findExperimentByName(name).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    public Optional<Experiment> findExperimentByName(String name) {
        Checks.notBlank(name, "experiment name");
        try {
            return Optional.of(Wire.experiment(http.get("experiments/get-by-name",
                    Map.of("experiment_name", List.of(name))).path("experiment")));
        } catch (MlflowNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Sets a tag on an experiment ({@code mlflow.note.content} is its description in the UI). */
    public void setExperimentTag(String experimentId, String key, String value) {
        Checks.notBlank(experimentId, "experiment id");
        Tag tag = Tag.create(key, value);
        http.post("experiments/set-experiment-tag", http.object().put("experiment_id", experimentId)
                .put("key", tag.key()).put("value", tag.value()));
    }

    public Experiment getExperiment(String experimentId) {
        Checks.notBlank(experimentId, "experiment id");
        return Wire.experiment(http.get("experiments/get", Map.of("experiment_id", List.of(experimentId)))
                .path("experiment"));
    }

    // ------------------------------------------------------------------ runs

    public Run createRun(RunSpec spec) {
        Checks.notNull(spec, "run spec");
        Run run = Wire.run(http.post("runs/create", Wire.createRun(spec)).path("run"));
        LOG.info("created run {} '{}' in experiment {}{}", run.id(), spec.runName(), spec.experimentId(),
                spec.parentRunId().map(p -> " (child of " + p + ")").orElse(""));
        return run;
    }

    public Run getRun(String runId) {
        Checks.notBlank(runId, "run id");
        return Wire.run(http.get("runs/get", Map.of("run_id", List.of(runId))).path("run"));
    }

    /** Logs everything through {@code runs/log-batch}, split into as many requests as MLflow's limits need. */
    public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        Checks.notBlank(runId, "run id");
        List<LogBatch> batches = LogBatch.split(metrics, params, tags);
        for (LogBatch batch : batches) {
            try {
                http.post("runs/log-batch", Wire.logBatch(runId, batch));
            } catch (MlflowException e) {
                if (!alreadyStored(e)) {
                    throw e;
                }
                // A retried request whose first attempt was stored after all (the answer was lost): the server
                // refuses the duplicate rows. Params must then hold exactly our values, or it is a real conflict.
                Map<String, String> stored = getRun(runId).params();
                for (Param param : batch.params()) {
                    if (!param.value().equals(stored.get(param.key()))) {
                        throw e;
                    }
                }
                LOG.warn("log-batch to run {} was already stored by an earlier attempt: {}", runId, e.errorCode().orElse(""));
            }
        }
        LOG.debug("logged {} metrics, {} params, {} tags to run {} in {} request(s)", metrics.size(), params.size(),
                tags.size(), runId, batches.size());
    }

    public void logMetrics(String runId, List<Metric> metrics) {
        logBatch(runId, metrics, List.of(), List.of());
    }

    public void logParams(String runId, Map<String, String> params) {
        logBatch(runId, List.of(), params.entrySet().stream().map(e -> Param.create(e.getKey(), e.getValue())).toList(),
                List.of());
    }

    public void setTags(String runId, Map<String, String> tags) {
        logBatch(runId, List.of(), List.of(), tags.entrySet().stream().map(e -> Tag.create(e.getKey(), e.getValue()))
                .toList());
    }

    public void deleteTag(String runId, String key) {
        Checks.notBlank(runId, "run id");
        Checks.notBlank(key, "tag key");
        http.post("runs/delete-tag", http.object().put("run_id", runId).put("key", key));
    }

    public void setRunName(String runId, String runName) {
        Checks.notBlank(runId, "run id");
        Checks.notBlank(runName, "run name");
        http.post("runs/update", http.object().put("run_id", runId).put("run_name", runName));
    }

    /** Marks an ended run RUNNING again (a resumed sweep's parent run). */
    public void reopenRun(String runId) {
        Checks.notBlank(runId, "run id");
        http.post("runs/update", http.object().put("run_id", runId).put("status", RunStatus.RUNNING.name()));
    }

    /**
     * Moves the run to MLflow's trash ({@code lifecycle_stage} deleted: gone from searches and the UI's run list,
     * restorable, removed for good by {@code mlflow gc}).
     */
    public void deleteRun(String runId) {
        Checks.notBlank(runId, "run id");
        http.post("runs/delete", http.object().put("run_id", runId));
    }

    /** Ends the run now with FINISHED, FAILED or KILLED. */
    public void setTerminated(String runId, RunStatus status) {
        setTerminated(runId, status, Instant.now());
    }

    public void setTerminated(String runId, RunStatus status, Instant endTime) {
        Checks.notBlank(runId, "run id");
        Checks.notNull(status, "run status");
        Checks.notNull(endTime, "end time");
        if (!status.terminal()) {
            throw new MlflowException("terminal run status must be FINISHED, FAILED or KILLED, found " + status
                    + " (run " + runId + ")");
        }
        http.post("runs/update", http.object().put("run_id", runId).put("status", status.name())
                .put("end_time", endTime.toEpochMilli()));
    }

    /** One page of runs. */
    public Page<Run> searchRuns(RunSearch search) {
        Checks.notNull(search, "run search");
        JsonNode response = http.post("runs/search", Wire.searchRuns(search));
        List<Run> runs = new ArrayList<>();
        response.path("runs").forEach(r -> runs.add(Wire.run(r)));
        return new Page<>(runs, Wire.pageToken(response));
    }

    /** Every run matching, following page tokens. */
    public List<Run> searchAllRuns(RunSearch search) {
        List<Run> all = new ArrayList<>();
        Page<Run> page = searchRuns(search);
        all.addAll(page.items());
        while (page.nextPageToken().isPresent()) {
            page = searchRuns(search.withPageToken(page.nextPageToken().get()));
            all.addAll(page.items());
        }
        return all;
    }

    /** Every logged value of a metric, following page tokens, ordered by step then timestamp. */
    public List<Metric> metricHistory(String runId, String metricKey) {
        Checks.notBlank(runId, "run id");
        Checks.notBlank(metricKey, "metric key");
        List<Metric> all = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Map<String, List<String>> query = new LinkedHashMap<>();
            query.put("run_id", List.of(runId));
            query.put("metric_key", List.of(metricKey));
            query.put("max_results", List.of(Integer.toString(HISTORY_PAGE)));
            token.ifPresent(t -> query.put("page_token", List.of(t)));
            JsonNode response = http.get("metrics/get-history", query);
            response.path("metrics").forEach(m -> all.add(Wire.metric(m)));
            token = Wire.pageToken(response);
        } while (token.isPresent());
        all.sort((a, b) -> a.step() != b.step() ? Long.compare(a.step(), b.step())
                : a.timestamp().compareTo(b.timestamp()));
        return all;
    }

    /** Attempts of {@link #logInputs} when a concurrent run registered the same dataset first. */
    static final int LOG_INPUTS_ATTEMPTS = 5;

    /**
     * Records datasets the run used ({@code runs/log-inputs}). Runs that log the same new dataset at the same time
     * race in MLflow's store: one inserts the dataset row, the others get a unique-constraint error (SQLite's
     * {@code UNIQUE constraint failed}, PostgreSQL's {@code duplicate key value}) although nothing was wrong. The call
     * is then repeated: the store now finds the dataset and links it to the run.
     */
    public void logInputs(String runId, List<DatasetInput> inputs) {
        Checks.notBlank(runId, "run id");
        if (inputs.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                http.post("runs/log-inputs", Wire.logInputs(runId, inputs));
                return;
            } catch (MlflowException e) {
                if (!isDuplicateDataset(e) || attempt == LOG_INPUTS_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("run {}: dataset registered concurrently by another run ({}); logging the inputs again",
                        runId, e.getMessage());
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A store's unique-constraint answer to a dataset insert (MLflow passes the database error through as 400). */
    static boolean isDuplicateDataset(MlflowException e) {
        String message = String.valueOf(e.getMessage());
        return Errors.isAlreadyExists(e) || message.contains("UNIQUE constraint failed: datasets")
                || (message.contains("duplicate key value violates unique constraint") && message.contains("dataset"))
                || (message.contains("IntegrityError") && message.contains("datasets"));
    }

    /** The database refused rows that are already there (SQLite and PostgreSQL wording). */
    static boolean alreadyStored(MlflowException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e.status() == 400 && (message.contains("UNIQUE constraint failed")
                || message.contains("duplicate key value violates unique constraint"));
    }

    @Override
    public void close() {
        http.close();
    }
}
