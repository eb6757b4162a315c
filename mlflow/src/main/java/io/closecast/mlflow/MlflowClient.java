package io.closecast.mlflow;

import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.FileInfo;
import io.closecast.mlflow.entities.LogBatch;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Page;
import io.closecast.mlflow.entities.Param;
import io.closecast.mlflow.entities.RegisteredModel;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Stage;
import io.closecast.mlflow.entities.Tag;
import io.closecast.mlflow.http.Errors;
import io.closecast.mlflow.http.Http;
import io.closecast.mlflow.http.Wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed client for what closecast needs of MLflow 3: experiments, runs, proxied artifacts and the model
 * registry. Thread-safe; close it to release the HTTP client.
 */
public final class MlflowClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowClient.class);
    private static final int HISTORY_PAGE = 25_000;
    private static final int VERSION_PAGE = 1_000;
    private static final Duration READY_POLL = Duration.ofMillis(200);

    private final MlflowConfig config;
    private final Http http;
    private final Map<String, String> artifactRoots = new ConcurrentHashMap<>();

    private MlflowClient(MlflowConfig config) {
        this.config = config;
        this.http = new Http(config);
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
            if (isAlreadyExists(e)) {
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
        return isAlreadyExists(e) || message.contains("UNIQUE constraint failed: datasets")
                || (message.contains("duplicate key value violates unique constraint") && message.contains("dataset"))
                || (message.contains("IntegrityError") && message.contains("datasets"));
    }

    // ------------------------------------------------------------------ artifacts

    /** Uploads one file as {@code <artifactDir>/<file name>} ({@code artifactDir} "" = the run's artifact root). */
    public void uploadFile(String runId, Path file, String artifactDir) {
        Checks.notNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new MlflowException("artifact upload expects a regular file, found '" + file + "' (run " + runId + ")");
        }
        put(runId, join(artifactDir, file.getFileName().toString()), file);
    }

    /** Uploads a directory's contents recursively under {@code artifactDir} ("" = the run's artifact root). */
    public void uploadDirectory(String runId, Path dir, String artifactDir) {
        Checks.notNull(dir, "directory");
        if (!Files.isDirectory(dir)) {
            throw new MlflowException("artifact directory upload expects a directory, found '" + dir + "' (run "
                    + runId + ")");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new MlflowException("cannot list " + dir + " for upload: " + e.getMessage(), e);
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            put(runId, join(artifactDir, relative), file);
        }
        LOG.info("uploaded {} file(s) from {} to run {} artifacts '{}'", files.size(), dir, runId, artifactDir);
    }

    /** The entries directly under {@code path} ("" = the artifact root), paths relative to the artifact root. */
    public List<FileInfo> listArtifacts(String runId, String path) {
        String clean = cleanPath(path);
        String listed = artifactRoot(runId) + (clean.isEmpty() ? "" : "/" + clean);
        JsonNode response = http.getAbsolute(Http.ARTIFACTS + "?path=" + Http.encode(listed));
        List<FileInfo> files = new ArrayList<>();
        for (JsonNode f : response.path("files")) {
            String name = f.path("path").asText();
            files.add(new FileInfo(join(clean, name), f.path("is_dir").asBoolean(false), f.path("file_size").asLong(0)));
        }
        return files;
    }

    /** Every file (no directories) under {@code path}, recursively, within {@link DownloadLimits#GENEROUS}. */
    public List<FileInfo> listArtifactsRecursively(String runId, String path) {
        return listArtifactsRecursively(runId, path, DownloadLimits.GENEROUS, deadline(DownloadLimits.GENEROUS));
    }

    /**
     * Every file under {@code path}, listed breadth-first without recursion; refuses a listing deeper than
     * {@code limits.maxDepth()}, with more than {@code limits.maxFiles()} files, or a file larger than the limits.
     */
    private List<FileInfo> listArtifactsRecursively(String runId, String path, DownloadLimits limits, long deadline) {
        List<FileInfo> all = new ArrayList<>();
        java.util.ArrayDeque<Map.Entry<String, Integer>> dirs = new java.util.ArrayDeque<>();
        dirs.add(Map.entry(path, 0));
        long total = 0;
        while (!dirs.isEmpty()) {
            Map.Entry<String, Integer> dir = dirs.poll();
            checkDeadline(deadline, limits, runId, path);
            for (FileInfo info : listArtifacts(runId, dir.getKey())) {
                if (info.dir()) {
                    int depth = dir.getValue() + 1;
                    if (depth > limits.maxDepth()) {
                        throw new MlflowException("artifacts of run " + runId + " under '" + path + "' must nest at most "
                                + limits.maxDepth() + " directories deep, found '" + snippet(info.path()) + "' deeper");
                    }
                    if (info.path().equals(dir.getKey()) || !info.path().startsWith(dir.getKey())) {
                        throw new MlflowException("artifact listing of run " + runId + " under '" + dir.getKey()
                                + "' must name entries inside it, found '" + snippet(info.path()) + "'");
                    }
                    dirs.add(Map.entry(info.path(), depth));
                    continue;
                }
                if (info.fileSize() > limits.maxFileBytes()) {
                    throw new MlflowException("artifact '" + snippet(info.path()) + "' of run " + runId + " must be at most "
                            + limits.maxFileBytes() + " bytes, found " + info.fileSize() + " listed");
                }
                total += Math.max(0, info.fileSize());
                if (total > limits.maxTotalBytes()) {
                    throw new MlflowException("artifacts of run " + runId + " under '" + path + "' must total at most "
                            + limits.maxTotalBytes() + " bytes, found more than that listed");
                }
                all.add(info);
                if (all.size() > limits.maxFiles()) {
                    throw new MlflowException("artifacts of run " + runId + " under '" + path + "' must be at most "
                            + limits.maxFiles() + " files, found more listed");
                }
            }
        }
        return all;
    }

    private static String snippet(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private static long deadline(DownloadLimits limits) {
        long nanos = limits.deadline().toNanos();
        return System.nanoTime() + nanos;
    }

    private static void checkDeadline(long deadline, DownloadLimits limits, String runId, String path) {
        if (System.nanoTime() - deadline > 0) {
            throw new MlflowException("download of run " + runId + " artifacts '" + path + "' must finish within "
                    + limits.deadline() + ", found it still running");
        }
    }

    /** Downloads one artifact file to {@code target} (a file path; parents are created). */
    public Path downloadFile(String runId, String artifactPath, Path target) {
        return downloadFile(runId, artifactPath, target, DownloadLimits.GENEROUS.maxFileBytes(), deadline(DownloadLimits.GENEROUS));
    }

    private Path downloadFile(String runId, String artifactPath, Path target, long maxBytes, long deadline) {
        String clean = cleanPath(artifactPath);
        if (clean.isEmpty()) {
            throw new MlflowException("artifact path of a file to download must be non-empty, found '" + artifactPath
                    + "' (run " + runId + ")");
        }
        http.download(Http.ARTIFACTS + "/" + Http.encodePath(artifactRoot(runId) + "/" + clean), target, maxBytes, deadline);
        return target;
    }

    /**
     * Downloads the directory {@code artifactPath} ("" = everything) recursively into {@code targetDir}, so that
     * {@code <artifactPath>/a/b.txt} lands at {@code <targetDir>/a/b.txt}, within {@link DownloadLimits#GENEROUS}.
     * Returns the files written.
     */
    public List<Path> downloadDirectory(String runId, String artifactPath, Path targetDir) {
        return downloadDirectory(runId, artifactPath, targetDir, DownloadLimits.GENEROUS);
    }

    /** Like {@link #downloadDirectory(String, String, Path)} within {@code limits} (sizes as listed and as streamed). */
    public List<Path> downloadDirectory(String runId, String artifactPath, Path targetDir, DownloadLimits limits) {
        Checks.notNull(limits, "download limits");
        long deadline = deadline(limits);
        String clean = cleanPath(artifactPath);
        List<FileInfo> files = listArtifactsRecursively(runId, clean, limits, deadline);
        if (files.isEmpty() && !clean.isEmpty()) {
            throw new MlflowNotFoundException("run " + runId + " has no artifacts under '" + clean
                    + "', expected a non-empty directory", 404, Errors.RESOURCE_DOES_NOT_EXIST);
        }
        Path root = targetDir.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        long total = 0;
        for (FileInfo file : files) {
            if (!clean.isEmpty() && !file.path().startsWith(clean + "/")) {
                throw new MlflowException("artifact path '" + snippet(file.path()) + "' must lie under '" + clean + "'");
            }
            String relative = clean.isEmpty() ? file.path() : file.path().substring(clean.length() + 1);
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new MlflowException("artifact path '" + snippet(file.path()) + "' would escape " + targetDir);
            }
            long left = Math.min(limits.maxFileBytes(), limits.maxTotalBytes() - total);
            if (file.fileSize() > 0) {
                left = Math.min(left, file.fileSize()); // the listing says how large it is: no byte more
            }
            checkDeadline(deadline, limits, runId, clean);
            written.add(downloadFile(runId, file.path(), target, left, deadline));
            try {
                total += Files.size(target);
            } catch (IOException e) {
                throw new MlflowException("cannot read the size of the downloaded " + target + ": " + e.getMessage(), e);
            }
        }
        return written;
    }

    /**
     * Downloads a model version's files into {@code targetDir}: its source must be {@code runs:/<run>/<path>} (as
     * {@link #createModelVersion} registers) or a {@code mlflow-artifacts:/<exp>/<run>/artifacts/<path>} URI.
     */
    public List<Path> downloadModelVersion(ModelVersion version, Path targetDir) {
        return downloadModelVersion(version, targetDir, DownloadLimits.GENEROUS);
    }

    /** Like {@link #downloadModelVersion(ModelVersion, Path)} within {@code limits}. */
    public List<Path> downloadModelVersion(ModelVersion version, Path targetDir, DownloadLimits limits) {
        Checks.notNull(version, "model version");
        RunArtifact artifact = RunArtifact.parse(version.source(), version.runId());
        return downloadDirectory(artifact.runId(), artifact.path(), targetDir, limits);
    }

    /** A run id and a path under its artifact root, parsed from a model version source. */
    public record RunArtifact(String runId, String path) {
        public static RunArtifact parse(String source, Optional<String> versionRunId) {
            if (source.startsWith("runs:/")) {
                String rest = source.substring("runs:/".length()).replaceAll("^/+", "");
                int slash = rest.indexOf('/');
                String runId = slash < 0 ? rest : rest.substring(0, slash);
                if (!runId.isEmpty()) {
                    return new RunArtifact(runId, slash < 0 ? "" : cleanPath(rest.substring(slash + 1)));
                }
            } else if (source.startsWith("mlflow-artifacts:") && versionRunId.isPresent()) {
                String runId = versionRunId.get();
                String path = cleanPath(URI.create(source).getPath());
                String marker = runId + "/artifacts";
                int at = path.indexOf(marker);
                if (at >= 0) {
                    return new RunArtifact(runId, cleanPath(path.substring(at + marker.length())));
                }
            }
            throw new MlflowException("model version source must be runs:/<run_id>/<path> or"
                    + " mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path> (with the version's run id),"
                    + " found '" + source + "'" + versionRunId.map(id -> " with run id " + id).orElse(" without run id"));
        }
    }

    /** The run's artifact root under the artifact proxy, from its {@code artifact_uri}, e.g. {@code 1/<run>/artifacts}. */
    String artifactRoot(String runId) {
        Checks.notBlank(runId, "run id");
        return artifactRoots.computeIfAbsent(runId, id -> artifactRootOf(getRun(id).info().artifactUri(), id));
    }

    public static String artifactRootOf(String artifactUri, String runId) {
        URI uri;
        try {
            uri = URI.create(artifactUri);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"mlflow-artifacts".equals(uri.getScheme()) || uri.getPath() == null) {
            throw new MlflowException("run " + runId + " artifact URI must be mlflow-artifacts:/<experiment>/<run>/artifacts"
                    + " (a server started with --serve-artifacts), found '" + artifactUri + "'");
        }
        String path = cleanPath(uri.getPath());
        if (path.isEmpty()) {
            throw new MlflowException("run " + runId + " artifact URI must name a path, found '" + artifactUri + "'");
        }
        return path;
    }

    private void put(String runId, String artifactPath, Path file) {
        String clean = cleanPath(artifactPath);
        http.put(Http.ARTIFACTS + "/" + Http.encodePath(artifactRoot(runId) + "/" + clean), file);
    }

    private static String cleanPath(String path) {
        Checks.notNull(path, "artifact path");
        String clean = path.replace('\\', '/').replaceAll("/+", "/").replaceAll("^/|/$", "");
        for (String segment : clean.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new MlflowException("artifact path must not contain '.' or '..' segments, found '" + path + "'");
            }
        }
        return clean;
    }

    private static String join(String dir, String name) {
        String d = cleanPath(dir);
        return d.isEmpty() ? name : d + "/" + name;
    }

    // ------------------------------------------------------------------ model registry

    /** Creates the registered model, or returns the existing one with that name. */
    public RegisteredModel createRegisteredModel(String name) {
        return createRegisteredModel(name, "");
    }

    /** Creates the registered model with a description, or returns the existing one (description unchanged). */
    public RegisteredModel createRegisteredModel(String name, String description) {
        Checks.notBlank(name, "registered model name");
        Checks.notNull(description, "description");
        ObjectNode body = http.object().put("name", name);
        if (!description.isEmpty()) {
            body.put("description", description);
        }
        try {
            RegisteredModel model = Wire.registeredModel(http.post("registered-models/create", body)
                    .path("registered_model"));
            LOG.info("created registered model '{}'", name);
            return model;
        } catch (MlflowException e) {
            if (isAlreadyExists(e)) {
                return getRegisteredModel(name);
            }
            throw e;
        }
    }

    public RegisteredModel getRegisteredModel(String name) {
        Checks.notBlank(name, "registered model name");
        return Wire.registeredModel(http.get("registered-models/get", Map.of("name", List.of(name)))
                .path("registered_model"));
    }

    public RegisteredModel updateRegisteredModelDescription(String name, String description) {
        Checks.notBlank(name, "registered model name");
        Checks.notNull(description, "description");
        return Wire.registeredModel(http.patch("registered-models/update",
                http.object().put("name", name).put("description", description)).path("registered_model"));
    }

    public void setRegisteredModelTag(String name, String key, String value) {
        Checks.notBlank(name, "registered model name");
        Tag tag = Tag.create(key, value);
        http.post("registered-models/set-tag", http.object().put("name", name).put("key", tag.key())
                .put("value", tag.value()));
    }

    /**
     * Registers the run's artifact path as a new version and waits until it is READY. The version's source is the
     * resolved artifact URI ({@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>}), as MLflow's own client
     * stores it: the registry UI then shows the signature, {@code model-versions/get-artifact} answers and
     * {@code get_model_version_download_uri} resolves (a {@code runs:/} source does none of these).
     *
     * @throws MlflowException on FAILED_REGISTRATION or when not READY within the spec's timeout
     */
    public ModelVersion createModelVersion(ModelVersionSpec spec) {
        Checks.notNull(spec, "model version spec");
        ObjectNode body = http.object().put("name", spec.modelName()).put("source", resolvedSource(spec))
                .put("run_id", spec.runId());
        if (!spec.description().isEmpty()) {
            body.put("description", spec.description());
        }
        body.set("tags", Wire.keyValues(spec.tags()));
        ModelVersion created = Wire.modelVersion(http.post("model-versions/create", body).path("model_version"));
        ModelVersion ready = awaitReady(created, spec.readyTimeout());
        LOG.info("registered {} version {} from {}", spec.modelName(), ready.version(), spec.source());
        return ready;
    }

    /** {@code <the run's artifact URI>/<artifact path>}: what {@code runs:/<run>/<path>} resolves to. */
    private String resolvedSource(ModelVersionSpec spec) {
        String root;
        try {
            root = getRun(spec.runId()).info().artifactUri().replaceAll("/+$", "");
        } catch (MlflowNotFoundException e) {
            throw new MlflowNotFoundException("cannot register a version of " + spec.modelName() + " from run "
                    + spec.runId() + ": " + e.getMessage(), e.status(), e.errorCode().orElse(""));
        }
        String path = cleanPath(spec.artifactPath());
        return path.isEmpty() ? root : root + "/" + path;
    }

    private ModelVersion awaitReady(ModelVersion version, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        ModelVersion current = version;
        while (true) {
            switch (current.status()) {
                case READY -> {
                    return current;
                }
                case FAILED_REGISTRATION -> throw new MlflowException("model version " + current.name() + " v"
                        + current.version() + " failed registration: expected READY, found FAILED_REGISTRATION ("
                        + current.statusMessage() + "; source " + current.source() + ")");
                case PENDING_REGISTRATION -> {
                    if (Instant.now().isAfter(deadline)) {
                        throw new MlflowException("model version " + current.name() + " v" + current.version()
                                + " expected READY within " + timeout + ", found still PENDING_REGISTRATION");
                    }
                    try {
                        Thread.sleep(READY_POLL.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new MlflowException("interrupted waiting for " + current.name() + " v"
                                + current.version() + " to become READY", e);
                    }
                    current = getModelVersion(current.name(), current.version());
                }
                default -> throw new IllegalStateException("unknown status " + current.status());
            }
        }
    }

    public ModelVersion getModelVersion(String name, int version) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        return Wire.modelVersion(http.get("model-versions/get", Map.of("name", List.of(name),
                "version", List.of(Integer.toString(version)))).path("model_version"));
    }

    /**
     * All model versions matching an MLflow filter ({@code name = 'closecast-petr4'}; "" = all), in the given order
     * ({@code version_number DESC}), following page tokens.
     */
    public List<ModelVersion> searchModelVersions(String filter, List<String> orderBy) {
        Checks.notNull(filter, "filter");
        List<ModelVersion> all = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Map<String, List<String>> query = new LinkedHashMap<>();
            if (!filter.isBlank()) {
                query.put("filter", List.of(filter));
            }
            query.put("max_results", List.of(Integer.toString(VERSION_PAGE)));
            if (!orderBy.isEmpty()) {
                query.put("order_by", List.copyOf(orderBy));
            }
            token.ifPresent(t -> query.put("page_token", List.of(t)));
            JsonNode response = http.get("model-versions/search", query);
            response.path("model_versions").forEach(v -> all.add(Wire.modelVersion(v)));
            token = Wire.pageToken(response);
        } while (token.isPresent());
        return all;
    }

    public ModelVersion updateModelVersionDescription(String name, int version, String description) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Checks.notNull(description, "description");
        return Wire.modelVersion(http.patch("model-versions/update", http.object().put("name", name)
                .put("version", Integer.toString(version)).put("description", description)).path("model_version"));
    }

    public void setModelVersionTag(String name, int version, String key, String value) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Tag tag = Tag.create(key, value);
        http.post("model-versions/set-tag", http.object().put("name", name).put("version", Integer.toString(version))
                .put("key", tag.key()).put("value", tag.value()));
    }

    public void deleteModelVersionTag(String name, int version, String key) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Checks.notBlank(key, "tag key");
        http.delete("model-versions/delete-tag", http.object().put("name", name)
                .put("version", Integer.toString(version)).put("key", key));
    }

    /** Points {@code alias} (e.g. {@code production}) at a version, moving it from any other version. */
    public void setAlias(String name, String alias, int version) {
        Checks.notBlank(name, "registered model name");
        Checks.notBlank(alias, "alias");
        Checks.positive(version, "model version");
        http.post("registered-models/alias", http.object().put("name", name).put("alias", alias)
                .put("version", Integer.toString(version)));
        LOG.info("alias {}@{} -> version {}", name, alias, version);
    }

    /**
     * The version an alias points at.
     *
     * @throws MlflowNotFoundException when the model or the alias does not exist
     */
    public ModelVersion getModelVersionByAlias(String name, String alias) {
        Checks.notBlank(name, "registered model name");
        Checks.notBlank(alias, "alias");
        try {
            return Wire.modelVersion(http.get("registered-models/alias", Map.of("name", List.of(name),
                    "alias", List.of(alias))).path("model_version"));
        } catch (MlflowNotFoundException e) {
            throw e;
        } catch (MlflowException e) {
            // MLflow answers a missing alias with INVALID_PARAMETER_VALUE "Registered model alias x not found."
            if (e.getMessage().contains("alias " + alias + " not found")) {
                throw new MlflowNotFoundException(e.getMessage(), e.status(), e.errorCode().orElse(""));
            }
            throw e;
        }
    }

    /** The version an alias points at, empty when the alias (or the model) does not exist. */
    public Optional<ModelVersion> findModelVersionByAlias(String name, String alias) {
        try {
            return Optional.of(getModelVersionByAlias(name, alias));
        } catch (MlflowNotFoundException e) {
            return Optional.empty();
        }
    }

    public void deleteAlias(String name, String alias) {
        Checks.notBlank(name, "registered model name");
        Checks.notBlank(alias, "alias");
        http.delete("registered-models/alias", http.object().put("name", name).put("alias", alias));
        LOG.info("alias {}@{} deleted", name, alias);
    }

    /** The legacy stage transition; {@code archiveExisting} moves other versions in that stage to Archived. */
    public ModelVersion transitionStage(String name, int version, Stage stage, boolean archiveExisting) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Checks.notNull(stage, "stage");
        return Wire.modelVersion(http.post("model-versions/transition-stage", http.object().put("name", name)
                .put("version", Integer.toString(version)).put("stage", stage.mlflowName())
                .put("archive_existing_versions", archiveExisting)).path("model_version"));
    }

    /** The database refused rows that are already there (SQLite and PostgreSQL wording). */
    static boolean alreadyStored(MlflowException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e.status() == 400 && (message.contains("UNIQUE constraint failed")
                || message.contains("duplicate key value violates unique constraint"));
    }

    private static boolean isAlreadyExists(MlflowException e) {
        return e.errorCode().filter(Errors.RESOURCE_ALREADY_EXISTS::equals).isPresent();
    }

    @Override
    public void close() {
        http.close();
    }
}
