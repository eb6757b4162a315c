package io.closecast.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.closecast.mlflow.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.ModelVersion;
import io.closecast.mlflow.ModelVersionSpec;
import io.closecast.mlflow.Run;
import io.closecast.mlflow.RunSearch;
import io.closecast.mlflow.RunSpec;
import io.closecast.mlflow.RunStatus;
import io.closecast.model.TrainingEngine;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs a sweep: a parent MLflow run found again by a stable sweep id (so a sweep started again resumes or
 * extends), one child run per trial with params proposed by the search method, median pruning, a per-trial
 * time limit, trials in parallel, and at the end the best trial's metrics on the parent, a summary table
 * (CSV, PNG and console), and optionally the best trial as a model version.
 */
public final class SweepRunner {
    static final String TAG_SWEEP_ID = "closecast.sweep_id";
    static final String TAG_TRIAL = "closecast.trial_index";
    static final String TAG_TRIAL_POINT = "closecast.trial_point";
    static final String INTERRUPTED = "sweep interrupted before the trial ended";
    static final String TAG_UI_SESSION = "closecast.ui.session_id";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;

    public SweepRunner(MlflowClient client, Clock clock, PrintWriter console) {
        this.client = client;
        this.clock = clock;
        this.console = console;
    }

    /** A sweep file read: the base training config, the sweep section, the text and where it came from. */
    public record SweepFile(Path path, String text, YamlConfig yaml, TrainConfig base, SweepSpec spec) {
        public static SweepFile read(Path path, Path baseDir) {
            YamlConfig yaml = YamlConfig.load(path);
            ConfigSection root = yaml.root();
            for (String key : root.keys()) {
                if (!List.of("data", "model", "training", "evaluation", "mlflow", "sweep").contains(key)) {
                    throw new ConfigException("unknown top-level key " + key + " in sweep file " + path
                            + "; known: data, model, training, evaluation, mlflow, sweep");
                }
            }
            TrainConfig base = TrainConfig.read(yaml, baseDir);
            SweepSpec spec = SweepSpec.read(root);
            // Every parameter of the space must be a config key with acceptable values: bind one trial per value kind.
            for (Map.Entry<String, ParamDomain> entry : spec.space().params().entrySet()) {
                Object sample = entry.getValue().sample(SearchMethod.trialRandom(spec.seed(), 0));
                TrainConfig.read(yaml.withOverride(entry.getKey(), sample), baseDir);
            }
            try {
                return new SweepFile(path, Files.readString(path), yaml, base, spec);
            } catch (IOException e) {
                throw new ConfigException("cannot read sweep file " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** What a finished sweep reports. */
    public record Summary(String parentRunId, String sweepId, List<TrialRow> trials, Optional<TrialRow> best,
                          Optional<ModelVersion> registered) {
    }

    /** One trial's row in the summary. */
    public record TrialRow(int index, String runId, String status, Map<String, Object> point, Optional<Double> value,
                           String note) {
    }

    /**
     * Options: the number of trials (overrides the file), one trial only, register the best, work dir, and the DL4J
     * training UI the trials stream their stats to (trials then train with {@code training.engine=dl4j}; the runner
     * closes the UI when the trials are done and logs its stats file to the parent run).
     */
    public record Options(Optional<Integer> trials, Optional<Integer> onlyTrial, boolean register, Path workDir,
                          Optional<TrainingUi> ui) {
        /** Options without the training UI. */
        public Options(Optional<Integer> trials, Optional<Integer> onlyTrial, boolean register, Path workDir) {
            this(trials, onlyTrial, register, workDir, Optional.empty());
        }
    }

    /** The session id a trial's stats carry in the training UI: trial index and child run id. */
    static String uiSession(int index, String runId) {
        return "trial-" + index + "-" + runId;
    }

    /** The worker id a trial's stats carry in the training UI. */
    static String uiWorker(int index) {
        return "trial-" + index;
    }

    public Summary run(SweepFile file, Options options) {
        SweepSpec spec = file.spec();
        int trials = options.trials().orElse(spec.trials());
        if (spec.method() == SweepSpec.Method.GRID) {
            trials = Math.min(trials, spec.searchMethod().capacity());
        }
        String sweepId = sweepId(file);
        String experimentId = client.getOrCreateExperiment(file.base().tracking().experiment()).id();
        Run parent = findOrCreateParent(file, experimentId, sweepId, trials);
        String parentId = parent.id();
        Map<Integer, Run> children = children(experimentId, parentId);
        if (options.ui().isPresent() && !children.isEmpty()) {
            restoreUiStats(parentId, options.ui().get(), options.workDir());
        }
        closeInterrupted(children);

        SearchMethod method = spec.searchMethod();
        Map<Integer, TrialRow> rows = new TreeMap<>();
        List<SearchMethod.Observation> history = new ArrayList<>();
        Map<Integer, Map<Long, Double>> curves = new ConcurrentHashMap<>();
        for (Map.Entry<Integer, Run> entry : children.entrySet()) {
            Run child = entry.getValue();
            if (child.info().status() == RunStatus.RUNNING || interrupted(child)) {
                continue; // closed above, and run again below
            }
            TrialRow row = row(entry.getKey(), child, spec);
            rows.put(entry.getKey(), row);
            row.value().ifPresent(v -> history.add(new SearchMethod.Observation(row.point(), spec.loss(v))));
            curves.put(entry.getKey(), curve(child, pruneMetric(spec)));
        }

        List<Integer> todo = new ArrayList<>();
        if (options.onlyTrial().isPresent()) {
            todo.add(options.onlyTrial().get());
        } else {
            for (int i = 0; i < trials; i++) {
                Run done = children.get(i);
                if (done == null || done.info().status() == RunStatus.RUNNING || interrupted(done)) {
                    todo.add(i);
                }
            }
        }
        int parallel = Math.max(1, Math.min(spec.parallel(), todo.size()));
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        console.printf(Locale.ROOT, "sweep %s (parent run %s): %d trials, %d done, %d to run, %d in parallel x %d threads%n",
                sweepId, parentId, trials, rows.size() - (int) todo.stream().filter(rows::containsKey).count(),
                todo.size(), parallel, threads);
        console.flush();
        options.ui().ifPresent(ui -> {
            if (file.base().training().engine() != TrainingEngine.DL4J) {
                console.printf(Locale.ROOT, "--ui: trials train with training.engine=dl4j instead of %s: the fused"
                        + " engine has no per-iteration hooks for DL4J's StatsListener (DL4J epochs are slower)%n",
                        file.base().training().engine().key());
            }
            console.printf(Locale.ROOT, "training UI: %s  (one session per trial, named trial-<i>-<run id>; stats every"
                    + " %d iterations)%n", ui.url(), ui.settings().frequency());
        });
        console.flush();
        Progress progress = new Progress(console, trials, spec);
        rows.values().forEach(progress::restored);

        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "closecast-trial");
            t.setDaemon(true);
            return t;
        });
        Map<Integer, String> running = new ConcurrentHashMap<>();
        Thread hook = new Thread(() -> closeOnShutdown(running, parentId));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<Future<TrialRow>> futures = new ArrayList<>();
            for (int index : todo) {
                Map<String, Object> point;
                Run earlier = children.get(index);
                if (earlier != null && earlier.tags().containsKey(TAG_TRIAL_POINT)) {
                    point = readPoint(earlier.tags().get(TAG_TRIAL_POINT)); // re-run exactly what it ran
                } else {
                    synchronized (history) {
                        point = method.propose(index, List.copyOf(history));
                    }
                }
                Map<String, Object> trialPoint = point;
                futures.add(pool.submit(() -> {
                    TrialRow row = runTrial(file, experimentId, parentId, sweepId, index, trialPoint, threads, curves,
                            running, progress, options.workDir(), options.ui());
                    synchronized (history) {
                        row.value().ifPresent(v -> history.add(new SearchMethod.Observation(row.point(), spec.loss(v))));
                    }
                    return row;
                }));
            }
            for (Future<TrialRow> future : futures) {
                TrialRow row = future.get();
                rows.put(row.index(), row);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("sweep interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new PipelineException("a trial crashed the sweep: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it closes the runs
            }
        }

        if (options.ui().isPresent()) {
            logUiStats(parentId, options.ui().get());
        }
        List<TrialRow> all = new ArrayList<>(rows.values());
        Optional<TrialRow> best = all.stream().filter(r -> r.status().equals("FINISHED") && r.value().isPresent())
                .min(Comparator.comparingDouble(r -> spec.loss(r.value().orElseThrow())));
        finishParent(parentId, spec, all, best, options.workDir());
        Optional<ModelVersion> version = Optional.empty();
        if (options.register() && spec.register() == SweepSpec.Register.BEST && best.isPresent()) {
            version = Optional.of(registerBest(file, parentId, sweepId, best.get()));
        }
        printTable(spec, all, best);
        return new Summary(parentId, sweepId, all, best, version);
    }

    private TrialRow runTrial(SweepFile file, String experimentId, String parentId, String sweepId, int index,
                              Map<String, Object> point, int threads, Map<Integer, Map<Long, Double>> curves,
                              Map<Integer, String> running, Progress progress, Path workDir, Optional<TrainingUi> ui) {
        SweepSpec spec = file.spec();
        TrainConfig config;
        try {
            YamlConfig yaml = file.yaml();
            for (Map.Entry<String, Object> p : point.entrySet()) {
                yaml = yaml.withOverride(p.getKey(), p.getValue());
            }
            config = TrainConfig.read(yaml, Path.of("").toAbsolutePath());
            if (!point.containsKey("training.seed")) {
                config = config.withSeed(trialSeed(spec.seed(), index));
            }
            config = config.withThreads(threads);
            if (ui.isPresent()) {
                config = config.withEngine(TrainingEngine.DL4J); // the fused engine calls no DL4J listener
            }
        } catch (RuntimeException e) {
            progress.finished(index, "FAILED", Optional.empty(), e.getMessage());
            return recordConfigFailure(experimentId, parentId, sweepId, index, point, e.getMessage());
        }
        Map<Long, Double> curve = new ConcurrentHashMap<>();
        curves.put(index, curve);
        Instant start = Instant.now(clock);
        Optional<MedianPruner> pruner = spec.pruning().map(SweepSpec.Pruning::pruner);
        String metric = pruneMetric(spec);
        TrainingJob.EpochHook hook = stats -> {
            double value = metric.equals("train_loss") ? stats.trainLoss() : stats.valLoss();
            double oriented = spec.goal() == SweepSpec.Goal.MINIMIZE || !metric.equals(spec.metric()) ? value : -value;
            curve.put((long) stats.epoch(), oriented);
            progress.epoch(index, stats.epoch(), file.base().training().maxEpochs(), value);
            Optional<Duration> limit = spec.trialTimeLimit();
            Duration elapsed = Duration.between(start, Instant.now(clock));
            if (limit.isPresent() && elapsed.compareTo(limit.get()) > 0) {
                return Optional.of("time limit " + limit.get().toSeconds() + "s exceeded at epoch " + stats.epoch());
            }
            if (pruner.isEmpty()) {
                return Optional.empty();
            }
            List<Double> others = new ArrayList<>();
            curves.forEach((trial, values) -> {
                if (trial != index && values.containsKey((long) stats.epoch())) {
                    others.add(values.get((long) stats.epoch()));
                }
            });
            return pruner.get().shouldPrune(stats.epoch(), oriented, others).map(reason -> "pruned: " + reason);
        };
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_SWEEP_ID, sweepId);
        tags.put(TAG_TRIAL, Integer.toString(index));
        tags.put(TAG_TRIAL_POINT, writePoint(point));
        tags.put("closecast.sweep_run_id", parentId);
        progress.started(index, point);
        TrainingJob.Options jobOptions = new TrainingJob.Options("trial-" + index, Optional.of(parentId), tags, hook,
                false, workDir, "");
        if (ui.isPresent()) {
            jobOptions = jobOptions.withListeners(runId -> {
                String session = uiSession(index, runId);
                client.setTags(runId, Map.of(TAG_UI_SESSION, session));
                return ui.get().listeners(session, uiWorker(index));
            });
        }
        TrainingJob.Result result = new TrainingJob(client, clock, new PrintWriter(java.io.OutputStream.nullOutputStream()))
                .run(config, experimentId, jobOptions);
        running.remove(index);
        Optional<Double> value = Optional.empty();
        if (result.outcome() == TrainingJob.Outcome.FINISHED) {
            value = objective(spec.metric(), result.metrics(), result.epochs());
        }
        String status = result.outcome() == TrainingJob.Outcome.KILLED ? "KILLED" : result.outcome().name();
        progress.finished(index, status, value, result.reason());
        return new TrialRow(index, result.runId(), status, point, value, result.reason());
    }

    private TrialRow recordConfigFailure(String experimentId, String parentId, String sweepId, int index,
                                         Map<String, Object> point, String reason) {
        Run run = client.createRun(RunSpec.builder(experimentId, "trial-" + index).parentRunId(parentId)
                .tag(TAG_SWEEP_ID, sweepId).tag(TAG_TRIAL, Integer.toString(index)).tag(TAG_TRIAL_POINT, writePoint(point))
                .tag(TrainingJob.TAG_KIND, "trial").tag(TrainingJob.TAG_FAILURE, reason).build());
        client.setTerminated(run.id(), RunStatus.FAILED);
        return new TrialRow(index, run.id(), "FAILED", point, Optional.empty(), reason);
    }

    /** The sweep's objective from a finished trial: a logged metric, or the best epoch's loss. */
    static Optional<Double> objective(String metric, Map<String, Double> metrics, List<io.closecast.model.EpochStats> epochs) {
        if (metrics.containsKey(metric)) {
            return Optional.of(metrics.get(metric));
        }
        if (metric.equals("val_loss") || metric.equals("val_mase")) {
            // judged at the best epoch: the weights the trial keeps
            return Optional.ofNullable(metrics.get("best_" + metric));
        }
        if (metric.equals("train_loss") && !epochs.isEmpty()) {
            return Optional.of(epochs.getLast().trainLoss());
        }
        return Optional.empty();
    }

    /** Pruning compares per-epoch values: the sweep metric when it is logged per epoch, else val_loss. */
    static String pruneMetric(SweepSpec spec) {
        return spec.metric().equals("train_loss") ? "train_loss" : "val_loss";
    }

    /** Trial i's training seed: derived from the sweep seed and i only. */
    static long trialSeed(long sweepSeed, int index) {
        return SearchMethod.trialRandom(sweepSeed, index).nextLong() & 0x7fffffffL;
    }

    /** A stable id of what the sweep computes: the base config, the space, method, metric, seed (not the trial count). */
    static String sweepId(SweepFile file) {
        SweepSpec s = file.spec();
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(file.base().resolved()).forEach((k, v) -> {
            if (!k.equals("training.threads")) {
                canonical.append(k).append('=').append(v).append('\n');
            }
        });
        canonical.append("metric=").append(s.metric()).append("\ngoal=").append(s.goal()).append("\nmethod=")
                .append(s.method()).append("\nseed=").append(s.seed()).append("\nspace=").append(s.space().params())
                .append("\npruning=").append(s.pruning()).append('\n');
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Run findOrCreateParent(SweepFile file, String experimentId, String sweepId, int trials) {
        List<Run> found = client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`" + TAG_SWEEP_ID + "` = '" + sweepId + "' and tags.`" + TrainingJob.TAG_KIND + "` = 'sweep'")
                .orderBy("attributes.start_time ASC").build());
        if (!found.isEmpty()) {
            Run parent = found.getFirst();
            client.reopenRun(parent.id());
            client.logParams(parent.id(), Map.of("sweep.trials.requested." + Instant.now(clock).toEpochMilli(),
                    Integer.toString(trials)));
            return parent;
        }
        String name = file.path().getFileName().toString().replaceAll("\\.ya?ml$", "") + "-sweep-" + sweepId.substring(0, 6);
        RunSpec.Builder spec = RunSpec.builder(experimentId, name).startTime(Instant.now(clock))
                .tag(TAG_SWEEP_ID, sweepId).tag(TrainingJob.TAG_KIND, "sweep")
                .tag("closecast.version", Versions.closecast()).tag("mlflow.source.name", "closecast sweep");
        Versions.gitCommit().ifPresent(c -> spec.tag("mlflow.source.git.commit", c));
        Run parent = client.createRun(spec.build());
        Map<String, String> params = new LinkedHashMap<>();
        SweepSpec s = file.spec();
        params.put("sweep.metric", s.metric());
        params.put("sweep.goal", ConfigSection.kebab(s.goal()));
        params.put("sweep.method", ConfigSection.kebab(s.method()));
        params.put("sweep.seed", Long.toString(s.seed()));
        params.put("sweep.parallel", Integer.toString(s.parallel()));
        params.put("sweep.pruning", s.pruning().map(p -> "median warmup=" + p.warmupEpochs() + " min-trials=" + p.minTrials())
                .orElse("off"));
        params.put("sweep.trial-time-limit", s.trialTimeLimit().map(Duration::toString).orElse("none"));
        s.space().params().forEach((key, domain) -> params.put("space." + key, describe(domain)));
        client.logParams(parent.id(), params);
        client.uploadFile(parent.id(), file.path(), "sweep");
        return parent;
    }

    private Map<Integer, Run> children(String experimentId, String parentId) {
        Map<Integer, Run> byTrial = new TreeMap<>();
        for (Run run : client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`mlflow.parentRunId` = '" + parentId + "'").orderBy("attributes.start_time ASC").build())) {
            String index = run.tags().get(TAG_TRIAL);
            if (index != null) {
                byTrial.put(Integer.parseInt(index), run); // the latest attempt of a trial wins
            }
        }
        return byTrial;
    }

    /** Trials left RUNNING by a sweep that died (SIGKILL, power cut) are closed KILLED, to be re-run. */
    private void closeInterrupted(Map<Integer, Run> children) {
        for (Run run : children.values()) {
            if (run.info().status() == RunStatus.RUNNING) {
                client.setTags(run.id(), Map.of("closecast.stop_reason", INTERRUPTED));
                client.setTerminated(run.id(), RunStatus.KILLED);
                console.printf(Locale.ROOT, "trial %s was left RUNNING by an interrupted sweep: closed as KILLED, re-running it%n",
                        run.tags().get(TAG_TRIAL));
            }
        }
        console.flush();
    }

    private static boolean interrupted(Run run) {
        return run.info().status() == RunStatus.KILLED && INTERRUPTED.equals(run.tags().get("closecast.stop_reason"));
    }

    private void closeOnShutdown(Map<Integer, String> running, String parentId) {
        // Ctrl-C / SIGTERM: the trials in flight are recorded as KILLED and re-run when the sweep is started again.
        try {
            client.setTags(parentId, Map.of("closecast.stop_reason", INTERRUPTED));
            client.setTerminated(parentId, RunStatus.KILLED);
        } catch (RuntimeException e) {
            // MLflow unreachable while shutting down: resume closes the runs instead.
        }
    }

    private TrialRow row(int index, Run child, SweepSpec spec) {
        Map<String, Object> point = child.tags().containsKey(TAG_TRIAL_POINT) ? readPoint(child.tags().get(TAG_TRIAL_POINT))
                : Map.of();
        Optional<Double> value = Optional.empty();
        if (child.info().status() == RunStatus.FINISHED) {
            // val_loss is judged at the best epoch (the weights kept), as objective() does for fresh trials.
            value = spec.metric().equals("val_loss") || spec.metric().equals("val_mase")
                    ? child.metric("best_" + spec.metric()).map(Metric::value)
                    : child.metric(spec.metric()).map(Metric::value);
        }
        String note = child.tags().getOrDefault("closecast.stop_reason", child.tags().getOrDefault(TrainingJob.TAG_FAILURE, ""));
        return new TrialRow(index, child.id(), child.info().status().name(), point, value, note);
    }

    private Map<Long, Double> curve(Run child, String metric) {
        Map<Long, Double> curve = new ConcurrentHashMap<>();
        for (Metric m : client.metricHistory(child.id(), metric)) {
            curve.put(m.step(), m.value());
        }
        return curve;
    }

    /** A resumed sweep's UI starts with the sessions of the stats file an earlier --ui run logged to the parent. */
    private void restoreUiStats(String parentId, TrainingUi ui, Path workDir) {
        String artifact = TrainingUi.ARTIFACT_DIR + "/" + TrainingUi.STATS_FILE;
        if (client.listArtifacts(parentId, TrainingUi.ARTIFACT_DIR).stream().noneMatch(f -> f.path().equals(artifact))) {
            return;
        }
        Path earlier = client.downloadFile(parentId, artifact, workDir.resolve(parentId).resolve("ui-earlier")
                .resolve(TrainingUi.STATS_FILE));
        List<String> sessions = ui.importSessions(earlier);
        console.printf(Locale.ROOT, "training UI: %d earlier session(s) from the parent run's %s kept%n", sessions.size(),
                artifact);
        console.flush();
    }

    /** Stops the training UI (which completes its stats file) and logs the file to the parent run. */
    private void logUiStats(String parentId, TrainingUi ui) {
        int sessions = ui.sessions().size();
        ui.close();
        client.uploadFile(parentId, ui.statsFile(), TrainingUi.ARTIFACT_DIR);
        client.setTags(parentId, Map.of("closecast.ui.stats", TrainingUi.ARTIFACT_DIR + "/" + TrainingUi.STATS_FILE));
        console.printf(Locale.ROOT, "training UI stopped; its stats (%d session(s)) are artifact %s/%s of run %s%n",
                sessions, TrainingUi.ARTIFACT_DIR, TrainingUi.STATS_FILE, parentId);
        console.flush();
    }

    private void finishParent(String parentId, SweepSpec spec, List<TrialRow> rows, Optional<TrialRow> best, Path workDir) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("trials_finished", (double) rows.stream().filter(r -> r.status().equals("FINISHED")).count());
        metrics.put("trials_pruned", (double) rows.stream().filter(r -> r.status().equals("KILLED")).count());
        metrics.put("trials_failed", (double) rows.stream().filter(r -> r.status().equals("FAILED")).count());
        Map<String, String> tags = new LinkedHashMap<>();
        if (best.isPresent()) {
            Run bestRun = client.getRun(best.get().runId());
            for (Metric m : bestRun.metrics()) {
                if (m.key().startsWith("test_") || m.key().startsWith("naive_test_") || m.key().startsWith("best_")
                        || m.key().startsWith("wf_mean")) {
                    metrics.put(m.key().startsWith("best_") ? m.key() : "best_" + m.key(), m.value());
                }
            }
            metrics.put("best_" + spec.metric(), best.get().value().orElseThrow());
            tags.put("closecast.best_run_id", best.get().runId());
            tags.put("closecast.best_trial", Integer.toString(best.get().index()));
        }
        client.logMetrics(parentId, metrics.entrySet().stream().map(e -> Metric.create(e.getKey(), e.getValue())).toList());
        client.setTags(parentId, tags);
        try {
            Path dir = Files.createDirectories(workDir.resolve(parentId).resolve("summary"));
            writeSummary(dir, spec, rows);
            client.uploadDirectory(parentId, dir, "summary");
        } catch (IOException e) {
            throw new PipelineException("cannot write the sweep summary: " + e.getMessage(), e);
        }
        client.setTerminated(parentId, RunStatus.FINISHED);
    }

    private ModelVersion registerBest(SweepFile file, String parentId, String sweepId, TrialRow best) {
        String name = file.base().tracking().registeredModel();
        client.createRegisteredModel(name, "closecast LSTM forecasts of " + file.base().data().symbol() + " closing prices");
        List<ModelVersion> existing = client.searchModelVersions("name = '" + name + "' and run_id = '" + best.runId() + "'",
                List.of());
        if (!existing.isEmpty()) {
            ModelVersion version = existing.getFirst();
            console.printf(Locale.ROOT, "the best trial (%d, run %s) is already %s version %d%n", best.index(), best.runId(),
                    name, version.version());
            console.flush();
            return version;
        }
        Run run = client.getRun(best.runId());
        Map<String, String> tags = new LinkedHashMap<>();
        for (Metric m : run.metrics()) {
            if (m.key().startsWith("test_") || m.key().startsWith("naive_test_")) {
                tags.put(m.key(), String.format(Locale.ROOT, "%.6g", m.value()));
            }
        }
        tags.put("closecast.symbol", file.base().data().symbol());
        tags.put("closecast.sweep_run_id", parentId);
        tags.put(TAG_SWEEP_ID, sweepId);
        tags.put(TAG_TRIAL, Integer.toString(best.index()));
        ModelVersion version = client.createModelVersion(ModelVersionSpec.create(name, best.runId(), TrainingJob.MODEL_PATH)
                .withTags(tags).withDescription("Best trial " + best.index() + " of sweep run " + parentId));
        client.setTags(parentId, Map.of("closecast.registered_version", name + "/" + version.version()));
        console.printf(Locale.ROOT, "registered the best trial (%d, run %s) as %s version %d%n", best.index(), best.runId(),
                name, version.version());
        console.flush();
        return version;
    }

    private void writeSummary(Path dir, SweepSpec spec, List<TrialRow> rows) throws IOException {
        List<String> keys = new ArrayList<>(spec.space().params().keySet());
        StringBuilder csv = new StringBuilder("trial,run_id,status," + spec.metric());
        keys.forEach(k -> csv.append(',').append(k));
        csv.append(",note\n");
        for (TrialRow r : rows) {
            csv.append(r.index()).append(',').append(r.runId()).append(',').append(r.status()).append(',')
                    .append(r.value().map(String::valueOf).orElse(""));
            keys.forEach(k -> csv.append(",\"").append(String.valueOf(r.point().get(k))).append('"'));
            csv.append(",\"").append(r.note().replace("\"", "'")).append("\"\n");
        }
        Files.writeString(dir.resolve("trials.csv"), csv, StandardCharsets.UTF_8);
        for (String key : keys) {
            List<TrialRow> valued = rows.stream().filter(r -> r.value().isPresent() && r.point().containsKey(key)).toList();
            if (valued.isEmpty()) {
                continue;
            }
            List<Object> categories = new ArrayList<>();
            double[] x = new double[valued.size()];
            double[] y = new double[valued.size()];
            for (int i = 0; i < valued.size(); i++) {
                Object v = valued.get(i).point().get(key);
                if (v instanceof Number n) {
                    x[i] = spec.space().params().get(key) instanceof ParamDomain.LogUniform ? Math.log10(n.doubleValue())
                            : n.doubleValue();
                } else {
                    if (!categories.contains(v)) {
                        categories.add(v);
                    }
                    x[i] = categories.indexOf(v);
                }
                y[i] = valued.get(i).value().orElseThrow();
            }
            String label = key + (spec.space().params().get(key) instanceof ParamDomain.LogUniform ? " (log10)" : "")
                    + (categories.isEmpty() ? "" : " " + categories);
            Charts.points(dir.resolve(key.replaceAll("[^A-Za-z0-9.-]", "_") + ".png"), spec.metric() + " by " + key,
                    label, spec.metric(), List.of(new Charts.Series("trials", x, y)));
        }
    }

    private void printTable(SweepSpec spec, List<TrialRow> rows, Optional<TrialRow> best) {
        List<String> keys = new ArrayList<>(spec.space().params().keySet());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s %-9s %-12s", "trial", "status", spec.metric()));
        keys.forEach(k -> header.append(String.format(Locale.ROOT, " %-22s", k)));
        console.println();
        console.println(header);
        for (TrialRow r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s %-9s %-12s",
                    (best.isPresent() && best.get().index() == r.index() ? "*" : "") + r.index(), r.status(),
                    r.value().map(v -> String.format(Locale.ROOT, "%.6g", v)).orElse("-")));
            keys.forEach(k -> line.append(String.format(Locale.ROOT, " %-22s", format(r.point().get(k)))));
            console.println(line);
        }
        best.ifPresentOrElse(b -> console.printf(Locale.ROOT, "best: trial %d, %s = %.6g (run %s)%n", b.index(), spec.metric(),
                b.value().orElseThrow(), b.runId()), () -> console.println("best: no trial finished"));
        console.flush();
    }

    private static String format(Object value) {
        return value instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(value);
    }

    private static String describe(ParamDomain domain) {
        return switch (domain) {
            case ParamDomain.Choice c -> "choice" + c.values();
            case ParamDomain.Uniform u -> "uniform[" + u.low() + ", " + u.high() + "]";
            case ParamDomain.LogUniform u -> "log-uniform[" + u.low() + ", " + u.high() + "]";
            case ParamDomain.IntRange r -> "int[" + r.low() + ", " + r.high() + "] step " + r.step();
        };
    }

    static String writePoint(Map<String, Object> point) {
        try {
            return JSON.writeValueAsString(point);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> readPoint(String json) {
        try {
            Map<String, Object> point = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
            return point;
        } catch (JsonProcessingException e) {
            throw new PipelineException("a trial's recorded point is not valid JSON: " + json, e);
        }
    }

    /** Console progress: trials done / running / pruned / failed, best so far, and epochs of running trials. */
    static final class Progress {
        private final PrintWriter out;
        private final int total;
        private final SweepSpec spec;
        private int done;
        private int running;
        private int pruned;
        private int failed;
        private Optional<Double> best = Optional.empty();

        Progress(PrintWriter out, int total, SweepSpec spec) {
            this.out = out;
            this.total = total;
            this.spec = spec;
        }

        synchronized void restored(TrialRow row) {
            count(row.status(), row.value());
        }

        synchronized void started(int index, Map<String, Object> point) {
            running++;
            out.printf(Locale.ROOT, "[trial %d] start %s%n", index, point);
            status();
        }

        synchronized void epoch(int index, int epoch, int maxEpochs, double value) {
            int width = 20;
            int filled = Math.min(width, epoch * width / Math.max(1, maxEpochs));
            out.printf(Locale.ROOT, "[trial %d] [%s%s] epoch %d/%d %s %.6g%n", index, "#".repeat(filled),
                    ".".repeat(width - filled), epoch, maxEpochs, pruneMetric(spec), value);
            out.flush();
        }

        synchronized void finished(int index, String status, Optional<Double> value, String reason) {
            running = Math.max(0, running - 1);
            count(status, value);
            out.printf(Locale.ROOT, "[trial %d] %s%s%s%n", index, status,
                    value.map(v -> String.format(Locale.ROOT, " %s=%.6g", spec.metric(), v)).orElse(""),
                    reason.isEmpty() ? "" : " (" + reason + ")");
            status();
        }

        private void count(String status, Optional<Double> value) {
            switch (status) {
                case "FINISHED" -> done++;
                case "KILLED" -> pruned++;
                default -> failed++;
            }
            value.ifPresent(v -> {
                if (best.isEmpty() || spec.loss(v) < spec.loss(best.get())) {
                    best = Optional.of(v);
                }
            });
        }

        private void status() {
            out.printf(Locale.ROOT, "-- %d/%d done, %d running, %d pruned, %d failed; best %s so far: %s%n",
                    done, total, running, pruned, failed, spec.metric(),
                    best.map(v -> String.format(Locale.ROOT, "%.6g", v)).orElse("-"));
            out.flush();
        }
    }
}
