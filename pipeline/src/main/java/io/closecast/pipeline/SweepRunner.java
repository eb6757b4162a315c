package io.closecast.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.closecast.mlflow.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.ModelVersion;
import io.closecast.mlflow.ModelVersionSpec;
import io.closecast.mlflow.Run;
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
            try {
                return parse(path, Files.readString(path), baseDir);
            } catch (IOException e) {
                throw new ConfigException("cannot read sweep file " + path + ": " + e.getMessage(), e);
            }
        }

        /** A sweep file's {@code text} as read from {@code path} (which need not exist here: a Spark executor). */
        public static SweepFile parse(Path path, String text, Path baseDir) {
            YamlConfig yaml = YamlConfig.parse(text, path.toString());
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
            return new SweepFile(path, text, yaml, base, spec);
        }

        /** The same file with another sweep section (the command line's {@code --spark}). */
        public SweepFile withSpec(SweepSpec other) {
            return new SweepFile(path, text, yaml, base, other);
        }
    }

    /** What a finished sweep reports. */
    public record Summary(String parentRunId, String sweepId, List<TrialRow> trials, Optional<TrialRow> best,
                          Optional<ModelVersion> registered) {
    }

    /** One trial's row in the summary. */
    public record TrialRow(int index, String runId, TrialStatus status, Map<String, Object> point, Optional<Double> value,
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
        String name = file.path().getFileName() + " sweep " + sweepId;
        // another executor's settings are checked before anything is written to MLflow
        Optional<TrialScheduler> elsewhere = spec.executor() == SweepSpec.Executor.LOCAL ? Optional.empty()
                : Optional.of(scheduler(spec, trials, name));
        String experimentId = RunMetadata.experiment(client, file.base()).id();
        SweepState state = SweepState.open(client, clock, console, file, experimentId, sweepId, trials,
                options.onlyTrial());
        String parentId = state.parentId();
        if (options.ui().isPresent() && !state.children().isEmpty()) {
            restoreUiStats(parentId, options.ui().get(), options.workDir());
        }

        Map<Integer, TrialRow> rows = state.endedRows(spec);
        Map<Integer, Map<Long, Double>> curves = state.endedCurves(spec);
        List<SearchMethod.Observation> history = new ArrayList<>();
        rows.values().forEach(row -> row.value().ifPresent(v -> history.add(new SearchMethod.Observation(row.point(),
                spec.loss(v)))));

        List<Integer> todo = new ArrayList<>();
        if (options.onlyTrial().isPresent()) {
            todo.add(options.onlyTrial().get());
        } else {
            for (int i = 0; i < trials; i++) {
                if (state.needsRun(i)) {
                    todo.add(i);
                }
            }
        }
        TrialScheduler scheduler = elsewhere.orElseGet(() -> scheduler(spec, todo.size(), name));
        int threads = scheduler.threadsPerTrial();
        console.printf(Locale.ROOT, "sweep %s (parent run %s): %d trials, %d done, %d to run, %d in parallel x %d threads%s%n",
                sweepId, parentId, trials, rows.size() - (int) todo.stream().filter(rows::containsKey).count(),
                todo.size(), scheduler.slots(), threads, spec.executor() == SweepSpec.Executor.SPARK
                        ? " on Spark " + spec.spark().master().orElse("(spark-submit's master)") : "");
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
        SweepProgress progress = new SweepProgress(console, trials, spec);
        rows.values().forEach(progress::restored);

        // --trial I runs beside other processes' trials (an Indexed Job): pruning compares with their curves in MLflow
        TrialRunner.Curves compared = options.onlyTrial().isPresent()
                ? new MlflowCurves(client, experimentId, parentId, spec) : TrialRunner.Curves.inMemory(curves);
        TrialRunner runner = new TrialRunner(client, clock, file, experimentId, parentId, sweepId, threads, compared,
                progress, options.workDir(), options.ui());
        Iterator<Integer> pending = todo.iterator();
        SearchMethod method = spec.searchMethod();
        TrialScheduler.Source source = new TrialScheduler.Source() {
            @Override
            public Optional<TrialScheduler.Trial> next() {
                if (!pending.hasNext()) {
                    return Optional.empty();
                }
                int index = pending.next();
                // an interrupted trial runs again exactly what it ran; a new one is proposed from every ended trial
                Map<String, Object> point = state.earlierPoint(index)
                        .orElseGet(() -> method.propose(index, List.copyOf(history)));
                return Optional.of(new TrialScheduler.Trial(index, point));
            }

            @Override
            public void ended(TrialRow row) {
                rows.put(row.index(), row);
                row.value().ifPresent(v -> history.add(new SearchMethod.Observation(row.point(), spec.loss(v))));
            }
        };
        Thread hook = new Thread(state::closeOnInterrupt);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            scheduler.runAll(source, runner);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.closeOnInterrupt();
            throw new PipelineException("sweep interrupted", e);
        } finally {
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
        Optional<TrialRow> best = all.stream().filter(r -> r.status() == TrialStatus.FINISHED && r.value().isPresent())
                .min(Comparator.comparingDouble(r -> spec.loss(r.value().orElseThrow())));
        SweepReport report = new SweepReport(client, console);
        report.finishParent(parentId, spec, all, best, options.workDir());
        Optional<ModelVersion> version = Optional.empty();
        if (options.register() && spec.register() == SweepSpec.Register.BEST && best.isPresent()) {
            version = Optional.of(registerBest(file, parentId, sweepId, best.get(), options.workDir()));
        }
        report.printTable(spec, all, best);
        return new Summary(parentId, sweepId, all, best, version);
    }

    /**
     * The scheduler for {@code sweep.executor}: threads of this JVM ({@code sweep.parallel}, at most one per trial to
     * run), or the {@link TrialScheduler.Provider} of another executor found on the class path.
     */
    static TrialScheduler scheduler(SweepSpec spec, int toRun, String name) {
        if (spec.executor() == SweepSpec.Executor.LOCAL) {
            return new LocalTrialScheduler(Math.max(1, Math.min(spec.parallel(), toRun)));
        }
        for (TrialScheduler.Provider provider : java.util.ServiceLoader.load(TrialScheduler.Provider.class)) {
            if (provider.executor() == spec.executor()) {
                return provider.create(spec, name);
            }
        }
        throw new ConfigException("sweep.executor " + ConfigSection.kebab(spec.executor()) + " needs the closecast-"
                + ConfigSection.kebab(spec.executor()) + " module on the class path, found none: bin/closecast adds it"
                + " for sweep --spark URL and for a sweep file with executor: spark (build it with ./mvnw -pl spark -am"
                + " package -DskipTests)");
    }

    /**
     * The run metric that holds a finished trial's objective: {@code val_loss} and {@code val_mase} are judged at the
     * best epoch (the weights the trial keeps), {@code best_val_loss} / {@code best_val_mase}; any other metric as is.
     */
    static String objectiveKey(String metric) {
        return metric.equals("val_loss") || metric.equals("val_mase") ? "best_" + metric : metric;
    }

    /** The sweep's objective from a finished trial: a logged metric, or the best epoch's loss. */
    static Optional<Double> objective(String metric, Map<String, Double> metrics, List<io.closecast.model.EpochStats> epochs) {
        if (metrics.containsKey(objectiveKey(metric))) {
            return Optional.of(metrics.get(objectiveKey(metric)));
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

    private ModelVersion registerBest(SweepFile file, String parentId, String sweepId, TrialRow best, Path workDir) {
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
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("closecast.sweep_run_id", parentId);
        tags.put(TAG_SWEEP_ID, sweepId);
        tags.put(TAG_TRIAL, Integer.toString(best.index()));
        TrainConfig config = TrialRunner.trialConfig(file, best.index(), best.point(),
                Runtime.getRuntime().availableProcessors(), false);
        ModelVersion version = Registrar.register(client, console, config, best.runId(), tags,
                "Best trial " + best.index() + " of sweep run " + parentId, workDir);
        client.setTags(parentId, Map.of("closecast.registered_version", name + "/" + version.version()));
        console.printf(Locale.ROOT, "registered the best trial (%d, run %s) as %s version %d%n", best.index(), best.runId(),
                name, version.version());
        console.flush();
        return version;
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
}
