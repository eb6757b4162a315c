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
 * A typed client for what closecast needs of MLflow 3: the tracking calls (experiments, runs, metrics, params, tags,
 * searches, dataset inputs) here, a run's artifacts in {@link #artifacts()} and the model registry in
 * {@link #registry()}, all over one HTTP stack. Thread-safe; close it to release the HTTP client.
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

    /**
     * A client for the server the config names.
     *
     * @param config where the server is and how to talk to it
     * @return a new client; close it when done
     */
    public static MlflowClient create(MlflowConfig config) {
        return new MlflowClient(Checks.notNull(config, "MLflow config"));
    }

    /**
     * A client for the server named by {@code MLFLOW_TRACKING_URI} (and its credentials variables).
     *
     * @return a new client; close it when done
     * @throws MlflowException when {@code MLFLOW_TRACKING_URI} is unset or the variables are inconsistent
     */
    public static MlflowClient fromEnvironment() {
        return create(MlflowConfig.fromEnvironment());
    }

    /**
     * The configuration this client was created with.
     *
     * @return the configuration
     */
    public MlflowConfig config() {
        return config;
    }

    /**
     * The runs' artifacts through the server's artifact proxy.
     *
     * @return the artifact store, sharing this client's HTTP stack
     */
    public ArtifactStore artifacts() {
        return artifacts;
    }

    /**
     * The model registry: registered models, versions, aliases, stages.
     *
     * @return the registry, sharing this client's HTTP stack
     */
    public ModelRegistry registry() {
        return registry;
    }

    /**
     * The experiment with this name, created if missing (a concurrent creation is tolerated).
     *
     * @param name the experiment's name
     * @return the experiment
     */
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

    /**
     * The experiment with this name, if any.
     *
     * @param name the experiment's name
     * @return the experiment, empty when there is none
     */
    public Optional<Experiment> findExperimentByName(String name) {
        Checks.notBlank(name, "experiment name");
        try {
            return Optional.of(Wire.experiment(http.get("experiments/get-by-name",
                    Map.of("experiment_name", List.of(name))).path("experiment")));
        } catch (MlflowNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Sets a tag on an experiment ({@code mlflow.note.content} is its description in the UI).
     *
     * @param experimentId the experiment
     * @param key          the tag key
     * @param value        the tag value
     * @throws MlflowNotFoundException when the experiment does not exist
     */
    public void setExperimentTag(String experimentId, String key, String value) {
        Checks.notBlank(experimentId, "experiment id");
        Tag tag = Tag.create(key, value);
        http.post("experiments/set-experiment-tag", http.object().put("experiment_id", experimentId)
                .put("key", tag.key()).put("value", tag.value()));
    }

    /**
     * The experiment with this id.
     *
     * @param experimentId the experiment
     * @return the experiment
     * @throws MlflowNotFoundException when it does not exist
     */
    public Experiment getExperiment(String experimentId) {
        Checks.notBlank(experimentId, "experiment id");
        return Wire.experiment(http.get("experiments/get", Map.of("experiment_id", List.of(experimentId)))
                .path("experiment"));
    }

    /**
     * Starts a run.
     *
     * @param spec the experiment, name, parent, start time and tags
     * @return the RUNNING run
     */
    public Run createRun(RunSpec spec) {
        Checks.notNull(spec, "run spec");
        Run run = Wire.run(http.post("runs/create", Wire.createRun(spec)).path("run"));
        LOG.info("created run {} '{}' in experiment {}{}", run.id(), spec.runName(), spec.experimentId(),
                spec.parentRunId().map(p -> " (child of " + p + ")").orElse(""));
        return run;
    }

    /**
     * The run with this id, with its data (metrics, params, tags) and inputs.
     *
     * @param runId the run
     * @return the run
     * @throws MlflowNotFoundException when it does not exist
     */
    public Run getRun(String runId) {
        Checks.notBlank(runId, "run id");
        return Wire.run(http.get("runs/get", Map.of("run_id", List.of(runId))).path("run"));
    }

    /**
     * Logs everything through {@code runs/log-batch}, split into as many requests as MLflow's limits need (a retried
     * request that was stored after all is accepted when the stored params hold the same values).
     *
     * @param runId   the run
     * @param metrics metrics to log
     * @param params  params to log (a param once logged cannot change)
     * @param tags    tags to set
     * @throws MlflowException when a param was logged before with another value
     */
    public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        Checks.notBlank(runId, "run id");
        List<LogBatch> batches = LogBatch.split(metrics, params, tags);
        for (LogBatch batch : batches) {
            try {
                http.post("runs/log-batch", Wire.logBatch(runId, batch));
            } catch (MlflowException e) {
                WriteConflicts.acceptStoredBatch(e, runId, batch.params(), () -> getRun(runId).params());
            }
        }
        LOG.debug("logged {} metrics, {} params, {} tags to run {} in {} request(s)", metrics.size(), params.size(),
                tags.size(), runId, batches.size());
    }

    /**
     * Logs metrics, as {@link #logBatch} does.
     *
     * @param runId   the run
     * @param metrics metrics to log
     */
    public void logMetrics(String runId, List<Metric> metrics) {
        logBatch(runId, metrics, List.of(), List.of());
    }

    /**
     * Logs params, as {@link #logBatch} does.
     *
     * @param runId  the run
     * @param params key to value
     * @throws MlflowException when a param was logged before with another value
     */
    public void logParams(String runId, Map<String, String> params) {
        logBatch(runId, List.of(), params.entrySet().stream().map(e -> Param.create(e.getKey(), e.getValue())).toList(),
                List.of());
    }

    /**
     * Sets tags on a run, as {@link #logBatch} does.
     *
     * @param runId the run
     * @param tags  key to value
     */
    public void setTags(String runId, Map<String, String> tags) {
        logBatch(runId, List.of(), List.of(), tags.entrySet().stream().map(e -> Tag.create(e.getKey(), e.getValue()))
                .toList());
    }

    /**
     * Deletes a tag from a run.
     *
     * @param runId the run
     * @param key   the tag key
     * @throws MlflowNotFoundException when the run or the tag does not exist
     */
    public void deleteTag(String runId, String key) {
        Checks.notBlank(runId, "run id");
        Checks.notBlank(key, "tag key");
        http.post("runs/delete-tag", http.object().put("run_id", runId).put("key", key));
    }

    /**
     * Renames a run.
     *
     * @param runId   the run
     * @param runName its new name
     */
    public void setRunName(String runId, String runName) {
        Checks.notBlank(runId, "run id");
        Checks.notBlank(runName, "run name");
        http.post("runs/update", http.object().put("run_id", runId).put("run_name", runName));
    }

    /**
     * Marks an ended run RUNNING again (a resumed sweep's parent run).
     *
     * @param runId the run
     */
    public void reopenRun(String runId) {
        Checks.notBlank(runId, "run id");
        http.post("runs/update", http.object().put("run_id", runId).put("status", RunStatus.RUNNING.name()));
    }

    /**
     * Moves the run to MLflow's trash: gone from searches and the UI's run list, removed for good by {@code mlflow gc}.
     *
     * @param runId the run
     */
    public void deleteRun(String runId) {
        Checks.notBlank(runId, "run id");
        http.post("runs/delete", http.object().put("run_id", runId));
    }

    /**
     * Ends the run now with FINISHED, FAILED or KILLED.
     *
     * @param runId  the run
     * @param status a terminal status
     * @throws MlflowException when {@code status} is not terminal
     */
    public void setTerminated(String runId, RunStatus status) {
        setTerminated(runId, status, Instant.now());
    }

    /**
     * Ends the run with FINISHED, FAILED or KILLED at {@code endTime}.
     *
     * @param runId   the run
     * @param status  a terminal status
     * @param endTime when the run ended
     * @throws MlflowException when {@code status} is not terminal
     */
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

    /**
     * One page of runs.
     *
     * @param search the experiments, filter, order, page size and page token
     * @return the page, with the token of the next one if there is one
     */
    public Page<Run> searchRuns(RunSearch search) {
        Checks.notNull(search, "run search");
        JsonNode response = http.post("runs/search", Wire.searchRuns(search));
        List<Run> runs = new ArrayList<>();
        response.path("runs").forEach(r -> runs.add(Wire.run(r)));
        return new Page<>(runs, Wire.pageToken(response));
    }

    /**
     * Every run matching, following page tokens.
     *
     * @param search the experiments, filter, order and page size
     * @return every matching run
     */
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

    /**
     * Every logged value of a metric, following page tokens, ordered by step then timestamp.
     *
     * @param runId     the run
     * @param metricKey the metric
     * @return its values, empty when it was never logged
     */
    public List<Metric> metricHistory(String runId, String metricKey) {
        Checks.notBlank(runId, "run id");
        Checks.notBlank(metricKey, "metric key");
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("run_id", List.of(runId));
        query.put("metric_key", List.of(metricKey));
        query.put("max_results", List.of(Integer.toString(HISTORY_PAGE)));
        List<Metric> all = new ArrayList<>(http.getAllPages("metrics/get-history", query, "metrics", Wire::metric));
        all.sort((a, b) -> a.step() != b.step() ? Long.compare(a.step(), b.step())
                : a.timestamp().compareTo(b.timestamp()));
        return all;
    }

    /**
     * Records datasets the run used ({@code runs/log-inputs}), repeated when a concurrent run registered the same
     * new dataset first (the store's race, see {@code WriteConflicts}).
     *
     * @param runId  the run
     * @param inputs the datasets and their context tags (empty = nothing to do)
     */
    public void logInputs(String runId, List<DatasetInput> inputs) {
        Checks.notBlank(runId, "run id");
        if (inputs.isEmpty()) {
            return;
        }
        WriteConflicts.retryDuplicateDataset(runId, () -> http.post("runs/log-inputs", Wire.logInputs(runId, inputs)));
    }

    /** Releases the HTTP client; the artifact store and the registry share it. */
    @Override
    public void close() {
        http.close();
    }
}
