package io.closecast.pipeline.sweep;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.ConfigSection;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.registry.Registrar;
import io.closecast.pipeline.sweep.pruning.MlflowCurves;
import io.closecast.pipeline.sweep.search.ParamDomain;
import io.closecast.pipeline.sweep.search.SearchMethod;
import io.closecast.pipeline.sweep.spi.LocalTrialScheduler;
import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialScheduler;
import io.closecast.pipeline.tracking.RunMetadata;
import io.closecast.pipeline.training.TrainingUi;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Run;
import io.closecast.model.train.TrainingEngine;
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
    public static final String INTERRUPTED = "sweep interrupted before the trial ended";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;

    public SweepRunner(MlflowClient client, Clock clock, PrintWriter console) {
        this.client = client;
        this.clock = clock;
        this.console = console;
    }

    /**
     * A sweep file read for one symbol: the base training config, the sweep section, the text and where it came from.
     * A fleet file ({@code data.symbols}) gives one per symbol ({@link #readAll}).
     */
    public record SweepFile(Path path, String text, YamlConfig yaml, TrainConfig base, SweepSpec spec) {
        /** Reads a sweep file of one symbol (a fleet file of one symbol too). */
        public static SweepFile read(Path path, Path baseDir) {
            List<SweepFile> files = readAll(path, baseDir);
            if (files.size() != 1) {
                throw new ConfigException("sweep file " + path + " names a fleet of " + files.size() + " symbols "
                        + files.stream().map(SweepFile::symbol).toList() + " where one symbol was expected");
            }
            return files.getFirst();
        }

        /**
         * Reads a sweep file: one {@code SweepFile} per symbol of {@code data.symbols} (in their order), with
         * {@code data.symbol} and {@code data.file} set for each ({@code {symbol}} in {@code data.file}, by default
         * {@code data/{symbol}.csv}, is the symbol, in the {@code mlflow} names its slug), or the one of
         * {@code data.symbol}.
         */
        public static List<SweepFile> readAll(Path path, Path baseDir) {
            try {
                return parseAll(path, Files.readString(path), baseDir);
            } catch (IOException e) {
                throw new ConfigException("cannot read sweep file " + path + ": " + e.getMessage(), e);
            }
        }

        /** The sweep of {@code symbol} in a sweep file's {@code text} as read from {@code path} (which need not exist here: a Spark executor). */
        public static SweepFile parse(Path path, String text, Path baseDir, String symbol) {
            List<SweepFile> files = parse(path, text, baseDir, Optional.of(symbol));
            if (files.isEmpty()) {
                throw new ConfigException("sweep file " + path + " has no symbol " + symbol + "; its symbols: "
                        + parseAll(path, text, baseDir).stream().map(SweepFile::symbol).toList());
            }
            return files.getFirst();
        }

        /** {@link #readAll} of a sweep file's {@code text} as read from {@code path}. */
        public static List<SweepFile> parseAll(Path path, String text, Path baseDir) {
            return parse(path, text, baseDir, Optional.empty());
        }

        /** The sweeps of the file's symbols, or of {@code only} (none when the file has no such symbol). */
        private static List<SweepFile> parse(Path path, String text, Path baseDir, Optional<String> only) {
            YamlConfig yaml = YamlConfig.parse(text, path.toString());
            ConfigSection data = yaml.root().section("data");
            if (!data.has("symbols")) {
                SweepFile file = of(path, text, yaml, baseDir);
                return only.isEmpty() || only.get().equals(file.symbol()) ? List.of(file) : List.of();
            }
            List<String> symbols = fleetSymbols(yaml.root());
            String file = data.string("file", TrainConfig.DEFAULT_FILE);
            List<SweepFile> files = new ArrayList<>();
            for (String symbol : symbols) {
                if (only.isPresent() && !only.get().equals(symbol)) {
                    continue; // an executor binds its trial's symbol only
                }
                YamlConfig one = yaml.without("data.symbols").withOverride("data.symbol", symbol)
                        .withOverride("data.file", file.replace(TrainConfig.SYMBOL, symbol));
                files.add(of(path, text, one, baseDir));
            }
            return List.copyOf(files);
        }

        /** {@code data.symbols}: at least one, no repeats (nor two with one slug: they would share a model). */
        private static List<String> fleetSymbols(ConfigSection root) {
            ConfigSection data = root.section("data");
            if (data.has("symbol")) {
                throw data.error("symbol", "cannot be given beside data.symbols: list every symbol in data.symbols",
                        data.string("symbol").orElse(""));
            }
            List<String> symbols = data.strings("symbols", List.of());
            if (symbols.isEmpty()) {
                throw data.error("symbols", "must list at least one symbol", "[]");
            }
            Map<String, String> bySlug = new LinkedHashMap<>();
            for (String symbol : symbols) {
                if (symbol.isBlank() || TrainConfig.slug(symbol).isEmpty()) {
                    throw data.error("symbols", "must list symbols with a letter or digit each (e.g. MSFT, PETR4.SA)",
                            "'" + symbol + "' in " + symbols);
                }
                String earlier = bySlug.putIfAbsent(TrainConfig.slug(symbol), symbol);
                if (earlier != null) {
                    throw data.error("symbols", "must not repeat a symbol", earlier.equals(symbol)
                            ? symbol + " twice in " + symbols
                            : earlier + " and " + symbol + " (one model name, " + TrainConfig.slug(symbol) + ") in " + symbols);
                }
            }
            if (symbols.size() > 1) {
                if (data.has("file") && !data.string("file").orElse("").contains(TrainConfig.SYMBOL)) {
                    throw data.error("file", "must contain " + TrainConfig.SYMBOL + " with several data.symbols (each"
                            + " symbol reads its own file, e.g. data/" + TrainConfig.SYMBOL + ".csv)",
                            data.string("file").orElse(""));
                }
                ConfigSection mlflow = root.section("mlflow");
                if (mlflow.has("registered-model")
                        && !mlflow.string("registered-model").orElse("").contains(TrainConfig.SYMBOL)) {
                    throw mlflow.error("registered-model", "must contain " + TrainConfig.SYMBOL + " with several"
                            + " data.symbols (each symbol's best is its own model, e.g. closecast-" + TrainConfig.SYMBOL
                            + ")", mlflow.string("registered-model").orElse(""));
                }
            }
            return symbols;
        }

        private static SweepFile of(Path path, String text, YamlConfig yaml, Path baseDir) {
            ConfigSection root = yaml.root();
            for (String key : root.keys()) {
                if (!List.of("data", "model", "training", "evaluation", "intervals", "mlflow", "sweep").contains(key)) {
                    throw new ConfigException("unknown top-level key " + key + " in sweep file " + path
                            + "; known: data, model, training, evaluation, intervals, mlflow, sweep");
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

        /** The symbol this file's trials forecast. */
        public String symbol() {
            return base.data().symbol();
        }

        /** The same file with another sweep section (the command line's {@code --spark}). */
        public SweepFile withSpec(SweepSpec other) {
            return new SweepFile(path, text, yaml, base, other);
        }
    }

    /** What a finished sweep of one symbol reports. */
    public record Summary(String symbol, String parentRunId, String sweepId, List<TrialRow> trials, Optional<TrialRow> best,
                          Optional<ModelVersion> registered) {
    }

    /** One trial's row in the summary: the symbol it forecasts and its index in that symbol's sweep. */
    public record TrialRow(String symbol, int index, String runId, TrialStatus status, Map<String, Object> point,
                           Optional<Double> value, String note) {
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
    public static String uiSession(int index, String runId) {
        return "trial-" + index + "-" + runId;
    }

    /** The worker id a trial's stats carry in the training UI. */
    public static String uiWorker(int index) {
        return "trial-" + index;
    }

    /** Runs the sweep of one symbol. */
    public Summary run(SweepFile file, Options options) {
        return run(List.of(file), options).getFirst();
    }

    /**
     * Runs the sweeps of a fleet as one job: each symbol its own parent run, search, pruning and registered model,
     * their trials sharing the {@code sweep.parallel} slots (handed out round robin over the symbols); returns one
     * summary per symbol, in the fleet's order.
     */
    public List<Summary> run(List<SweepFile> fleet, Options options) {
        if (fleet.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one symbol");
        }
        SweepSpec first = fleet.getFirst().spec();
        String name = fleet.getFirst().path().getFileName() + (fleet.size() == 1 ? " sweep " + sweepId(fleet.getFirst())
                : " fleet " + fleet.stream().map(SweepFile::symbol).toList());
        // another executor's settings are checked before anything is written to MLflow
        Optional<TrialScheduler> elsewhere = first.executor() == SweepSpec.Executor.LOCAL ? Optional.empty()
                : Optional.of(scheduler(first, Integer.MAX_VALUE, name));
        Map<String, Member> members = new LinkedHashMap<>();
        for (SweepFile file : fleet) {
            members.put(file.symbol(), open(file, options, fleet.size() > 1));
        }
        String symbols = String.join(",", members.keySet());
        for (Member m : members.values()) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put(ClosecastTags.SYMBOL, m.file.symbol());
            if (fleet.size() > 1) {
                tags.put(ClosecastTags.FLEET, symbols);
            }
            client.setTags(m.state.parentId(), tags);
        }
        int todo = members.values().stream().mapToInt(m -> m.todo.size()).sum();
        TrialScheduler scheduler = elsewhere.orElseGet(() -> scheduler(first, todo, name));
        int threads = scheduler.threadsPerTrial();
        for (Member m : members.values()) {
            console.printf(Locale.ROOT, "sweep %s%s (parent run %s): %d trials, %d done, %d to run, %d in parallel x %d"
                            + " threads%s%n", m.sweepId, m.label.isEmpty() ? "" : " of " + m.file.symbol(),
                    m.state.parentId(), m.trials, m.rows.size() - (int) m.todo.stream().filter(m.rows::containsKey).count(),
                    m.todo.size(), scheduler.slots(), threads, first.executor() == SweepSpec.Executor.SPARK
                            ? " on Spark " + first.spark().master().orElse("(spark-submit's master)") : "");
        }
        console.flush();
        options.ui().ifPresent(ui -> {
            if (fleet.getFirst().base().training().engine() != TrainingEngine.DL4J) {
                console.printf(Locale.ROOT, "--ui: trials train with training.engine=dl4j instead of %s: the fused"
                        + " engine has no per-iteration hooks for DL4J's StatsListener (DL4J epochs are slower)%n",
                        fleet.getFirst().base().training().engine().key());
            }
            console.printf(Locale.ROOT, "training UI: %s  (one session per trial, named trial-<i>-<run id>; stats every"
                    + " %d iterations)%n", ui.url(), ui.settings().frequency());
        });
        console.flush();
        for (Member m : members.values()) {
            // --trial I runs beside other processes' trials (an Indexed Job): pruning compares with their curves in MLflow
            TrialRunner.Curves compared = options.onlyTrial().isPresent()
                    ? new MlflowCurves(client, m.state.experimentId(), m.state.parentId(), m.spec)
                    : TrialRunner.Curves.inMemory(m.curves);
            m.runner = new TrialRunner(client, clock, m.file, m.state.experimentId(), m.state.parentId(), m.sweepId,
                    threads, compared, m.progress, options.workDir(), options.ui());
        }

        List<Member> order = List.copyOf(members.values());
        TrialScheduler.Source source = new TrialScheduler.Source() {
            private int turn;

            @Override
            public Optional<TrialScheduler.Trial> next() {
                for (int tried = 0; tried < order.size(); tried++) {
                    Member m = order.get(turn++ % order.size());
                    if (!m.todo.isEmpty()) {
                        return Optional.of(m.next());
                    }
                }
                return Optional.empty();
            }

            @Override
            public void ended(TrialRow row) {
                members.get(row.symbol()).ended(row);
            }
        };
        TrialScheduler.Runner runner = new TrialScheduler.Runner() {
            @Override
            public TrialRow run(TrialScheduler.Trial trial) {
                return members.get(trial.symbol()).runner.run(trial);
            }

            @Override
            public RemoteTrial remote(TrialScheduler.Trial trial) {
                return members.get(trial.symbol()).runner.remote(trial);
            }
        };
        Runnable closeAll = () -> members.values().forEach(m -> m.state.closeOnInterrupt());
        Thread hook = new Thread(closeAll);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            scheduler.runAll(source, runner);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll.run();
            throw new PipelineException("sweep interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it closes the runs
            }
        }

        options.ui().ifPresent(ui -> logUiStats(members.values().stream().map(m -> m.state.parentId()).toList(), ui));
        List<Summary> summaries = new ArrayList<>();
        for (Member m : members.values()) {
            summaries.add(finish(m, options));
        }
        return List.copyOf(summaries);
    }

    /** One symbol's sweep while the fleet runs: its state in MLflow, rows, search history and trials to run. */
    private static final class Member {
        final SweepFile file;
        final SweepSpec spec;
        final int trials;
        final String sweepId;
        final String label;
        final SweepState state;
        final Map<Integer, TrialRow> rows;
        final Map<Integer, Map<Long, Double>> curves;
        final List<SearchMethod.Observation> history = new ArrayList<>();
        final java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
        final SearchMethod method;
        final SweepProgress progress;
        TrialRunner runner;

        Member(SweepFile file, int trials, String sweepId, String label, SweepState state, SweepProgress progress) {
            this.file = file;
            this.spec = file.spec();
            this.trials = trials;
            this.sweepId = sweepId;
            this.label = label;
            this.state = state;
            this.rows = state.endedRows(spec);
            this.curves = state.endedCurves(spec);
            this.method = spec.searchMethod();
            this.progress = progress;
            rows.values().forEach(row -> row.value().ifPresent(v -> history.add(new SearchMethod.Observation(row.point(),
                    spec.loss(v)))));
            rows.values().forEach(progress::restored);
        }

        /** The next trial: an interrupted one runs again exactly what it ran; a new one is proposed from every ended one. */
        TrialScheduler.Trial next() {
            int index = todo.poll();
            Map<String, Object> point = state.earlierPoint(index)
                    .orElseGet(() -> method.propose(index, List.copyOf(history)));
            return new TrialScheduler.Trial(file.symbol(), index, point);
        }

        void ended(TrialRow row) {
            rows.put(row.index(), row);
            row.value().ifPresent(v -> history.add(new SearchMethod.Observation(row.point(), spec.loss(v))));
        }
    }

    private Member open(SweepFile file, Options options, boolean inFleet) {
        SweepSpec spec = file.spec();
        int trials = options.trials().orElse(spec.trials());
        if (spec.method() == SweepSpec.Method.GRID) {
            trials = Math.min(trials, spec.searchMethod().capacity());
        }
        String sweepId = sweepId(file);
        String experimentId = RunMetadata.experiment(client, file.base()).id();
        SweepState state = SweepState.open(client, clock, console, file, experimentId, sweepId, trials,
                options.onlyTrial());
        if (options.ui().isPresent() && !state.children().isEmpty()) {
            restoreUiStats(state.parentId(), options.ui().get(), options.workDir());
        }
        String label = inFleet ? file.symbol() : "";
        Member m = new Member(file, trials, sweepId, label, state, new SweepProgress(console, trials, spec, label));
        if (options.onlyTrial().isPresent()) {
            m.todo.add(options.onlyTrial().get());
        } else {
            for (int i = 0; i < trials; i++) {
                if (state.needsRun(i)) {
                    m.todo.add(i);
                }
            }
        }
        return m;
    }

    /**
     * One symbol's end: the parent's counts, best and summary, the best registered, the console table. After
     * {@code --trial I} (other processes may run the other trials right now) the trials are read back from MLflow, and
     * the parent is finished only once every trial has ended: by the last process to end, whichever it is.
     */
    private Summary finish(Member m, Options options) {
        SweepState state = options.onlyTrial().isPresent() ? m.state.now() : m.state;
        Map<Integer, TrialRow> rows = options.onlyTrial().isPresent() ? state.endedRows(m.spec) : m.rows;
        List<Integer> open = options.onlyTrial().isPresent() ? state.notEnded(m.trials) : List.of();
        List<TrialRow> all = new ArrayList<>(rows.values());
        Optional<TrialRow> best = all.stream().filter(r -> r.status() == TrialStatus.FINISHED && r.value().isPresent())
                .min(Comparator.comparingDouble(r -> m.spec.loss(r.value().orElseThrow())));
        SweepReport report = new SweepReport(client, console);
        if (open.isEmpty()) {
            report.finishParent(state.parentId(), m.spec, all, best, options.workDir());
        } else {
            console.printf(Locale.ROOT, "parent run %s left RUNNING: trial(s) %s not ended yet (running elsewhere or not"
                    + " started); the last one to end finishes it%n", state.parentId(), open);
        }
        Optional<ModelVersion> version = Optional.empty();
        if (options.register() && m.spec.register() == SweepSpec.Register.BEST && best.isPresent()) {
            version = Optional.of(registerBest(m.file, state.parentId(), m.sweepId, best.get(), options.workDir()));
        }
        if (!m.label.isEmpty()) {
            console.printf(Locale.ROOT, "%n%s (sweep %s, parent run %s):%n", m.label, m.sweepId, state.parentId());
        }
        report.printTable(m.spec, all, best);
        return new Summary(m.file.symbol(), state.parentId(), m.sweepId, all, best, version);
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
    static Optional<Double> objective(String metric, Map<String, Double> metrics, List<io.closecast.model.train.EpochStats> epochs) {
        if (metrics.containsKey(objectiveKey(metric))) {
            return Optional.of(metrics.get(objectiveKey(metric)));
        }
        if (metric.equals("train_loss") && !epochs.isEmpty()) {
            return Optional.of(epochs.getLast().trainLoss());
        }
        return Optional.empty();
    }

    /** Pruning compares per-epoch values: the sweep metric when it is logged per epoch, else val_loss. */
    public static String pruneMetric(SweepSpec spec) {
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
        if (client.artifacts().listArtifacts(parentId, TrainingUi.ARTIFACT_DIR).stream().noneMatch(f -> f.path().equals(artifact))) {
            return;
        }
        Path earlier = client.artifacts().downloadFile(parentId, artifact, workDir.resolve(parentId).resolve("ui-earlier")
                .resolve(TrainingUi.STATS_FILE));
        List<String> sessions = ui.importSessions(earlier);
        console.printf(Locale.ROOT, "training UI: %d earlier session(s) from the parent run's %s kept%n", sessions.size(),
                artifact);
        console.flush();
    }

    /** Stops the training UI (which completes its stats file) and logs the file to each parent run. */
    private void logUiStats(List<String> parentIds, TrainingUi ui) {
        int sessions = ui.sessions().size();
        ui.close();
        for (String parentId : parentIds) {
            client.artifacts().uploadFile(parentId, ui.statsFile(), TrainingUi.ARTIFACT_DIR);
            client.setTags(parentId, Map.of(ClosecastTags.UI_STATS, TrainingUi.ARTIFACT_DIR + "/" + TrainingUi.STATS_FILE));
            console.printf(Locale.ROOT, "training UI stopped; its stats (%d session(s)) are artifact %s/%s of run %s%n",
                    sessions, TrainingUi.ARTIFACT_DIR, TrainingUi.STATS_FILE, parentId);
        }
        console.flush();
    }

    private ModelVersion registerBest(SweepFile file, String parentId, String sweepId, TrialRow best, Path workDir) {
        String name = file.base().tracking().registeredModel();
        client.registry().createRegisteredModel(name, "closecast LSTM forecasts of " + file.base().data().symbol() + " closing prices");
        List<ModelVersion> existing = client.registry().searchModelVersions("name = '" + name + "' and run_id = '" + best.runId() + "'",
                List.of());
        if (!existing.isEmpty()) {
            ModelVersion version = existing.getFirst();
            console.printf(Locale.ROOT, "the best trial (%d, run %s) is already %s version %d%n", best.index(), best.runId(),
                    name, version.version());
            console.flush();
            return version;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.SWEEP_RUN_ID, parentId);
        tags.put(ClosecastTags.SWEEP_ID, sweepId);
        tags.put(ClosecastTags.TRIAL_INDEX, Integer.toString(best.index()));
        TrainConfig config = TrialRunner.trialConfig(file, best.index(), best.point(),
                Runtime.getRuntime().availableProcessors(), false);
        ModelVersion version = Registrar.register(client, console, config, best.runId(), tags,
                "Best trial " + best.index() + " of sweep run " + parentId, workDir);
        client.setTags(parentId, Map.of(ClosecastTags.REGISTERED_VERSION, name + "/" + version.version()));
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
