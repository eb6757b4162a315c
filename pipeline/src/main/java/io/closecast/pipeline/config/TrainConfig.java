package io.closecast.pipeline.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.model.prices.checks.CheckAction;
import io.closecast.model.prices.checks.CheckConfig;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.Feature;
import io.closecast.model.prices.checks.FindingKind;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.Optimizer;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.Split;
import io.closecast.model.dataset.Target;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.train.TrainingEngine;
import io.closecast.model.train.TrainingSpec;
import io.closecast.model.evaluation.WalkForward;

/**
 * A training configuration: where the prices come from, how they become windows, the network, how it is
 * trained, how it is evaluated, and where it is tracked. Read from YAML by {@link #read(YamlConfig, Path)}
 * (every key is documented in docs/configuration.md) or built in code.
 *
 * @param resolved every config value, defaults included, by dotted key (logged as the run's params)
 */
public record TrainConfig(DataSource data, DatasetSpec dataset, ModelSpec model, TrainingSpec training,
                          Optional<WalkForward.Spec> walkForward, Tracking tracking, Map<String, String> resolved,
                          IntervalSpec intervals) {

    public TrainConfig {
        resolved = Map.copyOf(resolved);
        java.util.Objects.requireNonNull(intervals, "intervals");
        if (model.horizon() != dataset.horizon()) {
            throw new ConfigException("model horizon " + model.horizon() + " must equal data.horizon " + dataset.horizon());
        }
        if (model.inputFeatures() != dataset.features().size()) {
            throw new ConfigException("model input features " + model.inputFeatures() + " must equal the "
                    + dataset.features().size() + " features of data.features");
        }
    }

    /** A configuration with the default forecast intervals ({@link IntervalSpec#defaults()}). */
    public TrainConfig(DataSource data, DatasetSpec dataset, ModelSpec model, TrainingSpec training,
                       Optional<WalkForward.Spec> walkForward, Tracking tracking, Map<String, String> resolved) {
        this(data, dataset, model, training, walkForward, tracking, resolved, IntervalSpec.defaults());
    }

    /**
     * Where prices come from: a CSV file in the Yahoo layout, optionally filled first from {@code provider}
     * ({@code data.source}: Yahoo or Alpha Vantage).
     */
    public record DataSource(String symbol, Path file, boolean fetch, PriceProvider provider, Optional<LocalDate> from,
                             Optional<LocalDate> to) {
    }

    /** The price service that {@code data.fetch} fills the file from ({@code data.source}). */
    public enum PriceProvider {
        /** Yahoo Finance's chart API. */
        YAHOO,
        /** Alpha Vantage's daily adjusted series, the key from {@code ALPHAVANTAGE_API_KEY}. */
        ALPHA_VANTAGE
    }

    /**
     * Where the run is tracked, under which registered model its versions go, whether a registered version is
     * first refit on all data ({@code training.refit}), and what the promotion gate judges its versions on
     * ({@code promotion.objective}).
     */
    public record Tracking(String experiment, String registeredModel, boolean refit, PromotionObjective objective,
                           io.closecast.model.bundle.Servability.Budget servability) {
        /** Tracking with refit on (the default) and the point objective. */
        public Tracking(String experiment, String registeredModel) {
            this(experiment, registeredModel, true);
        }

        /** Tracking with the point objective. */
        public Tracking(String experiment, String registeredModel, boolean refit) {
            this(experiment, registeredModel, refit, PromotionObjective.POINT);
        }

        /** Tracking with the servability check's default budget. */
        public Tracking(String experiment, String registeredModel, boolean refit, PromotionObjective objective) {
            this(experiment, registeredModel, refit, objective, io.closecast.model.bundle.Servability.Budget.DEFAULT);
        }

        public Tracking {
            java.util.Objects.requireNonNull(objective, "objective");
            java.util.Objects.requireNonNull(servability, "servability");
        }
    }

    /** Same configuration with a different training seed (sweep trials derive their own). */
    public TrainConfig withSeed(long seed) {
        TrainingSpec t = training;
        return new TrainConfig(data, dataset, model, new TrainingSpec(t.optimizer(), t.learningRate(), t.batchSize(),
                t.maxEpochs(), t.patience(), t.gradientClipNorm(), t.l2(), seed, t.threads(), t.engine()), walkForward,
                tracking, withEntry(resolved, "training.seed", Long.toString(seed)), intervals);
    }

    /** Same configuration with another ND4J thread count (parallel sweep trials share the cores). */
    public TrainConfig withThreads(int threads) {
        TrainingSpec t = training;
        return new TrainConfig(data, dataset, model, new TrainingSpec(t.optimizer(), t.learningRate(), t.batchSize(),
                t.maxEpochs(), t.patience(), t.gradientClipNorm(), t.l2(), t.seed(), threads, t.engine()), walkForward,
                tracking, withEntry(resolved, "training.threads", Integer.toString(threads)), intervals);
    }

    /** Same configuration trained by {@code engine}; the resolved {@code training.engine} param says so. */
    public TrainConfig withEngine(TrainingEngine engine) {
        return new TrainConfig(data, dataset, model, training.withEngine(engine), walkForward, tracking,
                withEntry(resolved, "training.engine", engine.key()), intervals);
    }

    private static Map<String, String> withEntry(Map<String, String> map, String key, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    /** The placeholder {@code data.file} and the {@code mlflow} names may hold: the symbol (its slug in names). */
    public static final String SYMBOL = "{symbol}";
    /** {@code data.file} unless given. */
    public static final String DEFAULT_FILE = "data/" + SYMBOL + ".csv";
    /** {@code mlflow.experiment} and {@code mlflow.registered-model} unless given. */
    static final String DEFAULT_NAME = "closecast-" + SYMBOL;

    /** A symbol as MLflow names carry it: lower case, each run of other characters one {@code -} (PETR4.SA: petr4-sa). */
    public static String slug(String symbol) {
        return symbol.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** Reads a training config; relative file paths resolve against {@code baseDir} (the config's {@link ProjectRoot}). */
    public static TrainConfig read(YamlConfig yaml, Path baseDir) {
        ConfigSection root = yaml.root();
        ConfigSection data = root.section("data");
        if (data.has("symbols")) {
            throw data.error("symbols", "names a fleet, which only a sweep runs (closecast sweep runs each symbol's"
                    + " trials); give one data.symbol here", data.node("symbols").map(ConfigSection::describe).orElse(""));
        }
        String symbol = data.requiredString("symbol");
        Path file = baseDir.resolve(data.string("file", DEFAULT_FILE).replace(SYMBOL, symbol));
        boolean fetch = data.bool("fetch", false);
        PriceProvider provider = data.choice("source", PriceProvider.class, PriceProvider.YAHOO);
        Optional<LocalDate> from = data.date("from");
        Optional<LocalDate> to = data.date("to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw data.error("to", "must be after data.from " + from.get(), to.get().toString());
        }
        Target target = data.choice("target", Target.class, Target.CLOSE);
        TargetTransform transform = data.choice("transform", TargetTransform.class, TargetTransform.LEVEL);
        List<Feature> features = new ArrayList<>();
        for (String name : data.strings("features", List.of("target"))) {
            features.add(parseChoice(data, "features", Feature.class, name));
        }
        if (features.isEmpty() || features.getFirst() != Feature.TARGET) {
            throw data.error("features", "must start with target", features.toString());
        }
        int window = data.integer("window", DatasetSpec.DEFAULT_WINDOW, n -> n >= 2 && n <= 1000, "between 2 and 1000");
        int horizon = data.integer("horizon", 1, n -> n >= 1 && n <= 60, "between 1 and 60");
        ScalerKind scaler = data.choice("scaler", ScalerKind.class, ScalerKind.MIN_MAX);
        Split split = readSplit(data.section("split"));
        ConfigSection checks = data.section("checks");
        CheckConfig checkConfig = new CheckConfig(
                checks.integer("max-gap-days", CheckConfig.DEFAULT_MAX_GAP_DAYS, n -> n >= 1, ">= 1"),
                checks.number("max-move", CheckConfig.DEFAULT_MAX_MOVE, x -> x > 0, "> 0"),
                checks.integer("min-repeated-run", CheckConfig.defaults().minRepeatedRun(), n -> n >= 2, ">= 2"));
        CheckPolicy policy = CheckPolicy.defaults();
        ConfigSection policySection = checks.section("policy");
        for (String key : policySection.keys()) {
            FindingKind kind = parseChoice(policySection, key, FindingKind.class, key);
            CheckAction action = policySection.choice(key, CheckAction.class, kind.defaultAction());
            if (!kind.allowedActions().contains(action)) {
                throw policySection.error(key, "must be one of " + kind.allowedActions().stream()
                        .map(ConfigSection::kebab).sorted().toList(), ConfigSection.kebab(action));
            }
            policy = policy.with(kind, action);
        }
        policySection.finish();
        checks.finish();
        data.finish();
        DatasetSpec dataset = DatasetSpec.builder().target(target).transform(transform).features(features)
                .window(window).horizon(horizon).split(split).scaler(scaler).checks(checkConfig).policy(policy).build();

        ConfigSection model = root.section("model");
        ConfigSection lstm = model.section("lstm");
        List<Integer> units = lstm.integers("hidden-units", List.of(32, 32), n -> n > 0 && n <= 4096, "between 1 and 4096");
        if (units.isEmpty()) {
            throw lstm.error("hidden-units", "must list at least one layer", "[]");
        }
        double dropout = lstm.number("dropout", 0.0, x -> x >= 0 && x < 1, "in [0, 1)");
        lstm.finish();
        ConfigSection head = model.section("head");
        List<Integer> headUnits = head.integers("units", List.of(), n -> n > 0 && n <= 4096, "between 1 and 4096");
        HeadActivation activation = head.choice("activation", HeadActivation.class, HeadActivation.RELU);
        head.finish();
        Distribution distribution = model.choice("distribution", Distribution.class, Distribution.POINT);
        model.finish();
        ModelSpec modelSpec = ModelSpec.builder().lstmHiddenUnits(units).dropout(dropout).denseUnits(headUnits)
                .headActivation(activation).inputFeatures(features.size()).horizon(horizon)
                .distribution(distribution).build();

        ConfigSection training = root.section("training");
        TrainingSpec trainingSpec = TrainingSpec.builder()
                .optimizer(training.choice("optimizer", Optimizer.class, Optimizer.ADAM))
                .learningRate(training.number("learning-rate", 1e-3, x -> x > 0 && x <= 10, "in (0, 10]"))
                .batchSize(training.integer("batch-size", 64, n -> n >= 1 && n <= 65536, "between 1 and 65536"))
                .maxEpochs(training.integer("max-epochs", 30, n -> n >= 1 && n <= 10000, "between 1 and 10000"))
                .patience(training.integer("patience", 5, n -> n >= 1, ">= 1"))
                .gradientClipNorm(training.number("gradient-clip-norm", 1.0, x -> x >= 0, ">= 0 (0 = off)"))
                .l2(training.number("l2", 0.0, x -> x >= 0, ">= 0"))
                .seed(training.integer("seed", 42, n -> true, "a whole number"))
                .threads(training.integer("threads", Runtime.getRuntime().availableProcessors(),
                        n -> n >= 1 && n <= 256, "between 1 and 256"))
                .engine(training.choice("engine", TrainingEngine.class, TrainingEngine.FUSED))
                .build();
        boolean refit = training.bool("refit", true);
        training.finish();

        ConfigSection evaluation = root.section("evaluation");
        ConfigSection wf = evaluation.section("walk-forward");
        int folds = wf.integer("folds", 0, n -> n >= 0 && n <= 20, "between 0 (off) and 20");
        int testDays = wf.integer("test-days", 60, n -> n >= 5, ">= 5");
        int validationDays = wf.integer("validation-days", 60, n -> n >= 0, ">= 0");
        int trainDays = wf.integer("train-days", 0, n -> n >= 0, ">= 0 (0 = expanding window)");
        wf.finish();
        evaluation.finish();
        Optional<WalkForward.Spec> walkForward = folds == 0 ? Optional.empty()
                : Optional.of(new WalkForward.Spec(folds, testDays, validationDays, trainDays));

        IntervalSpec intervals = readIntervals(root.section("intervals"));

        ConfigSection promotion = root.section("promotion");
        PromotionObjective objective = promotion.choice("objective", PromotionObjective.class, PromotionObjective.POINT);
        io.closecast.model.bundle.Servability.Budget defaults = io.closecast.model.bundle.Servability.Budget.DEFAULT;
        java.time.Duration servabilityTime = promotion.string("servability-time").map(t -> ServabilityBudget.time(t)
                .orElseThrow(() -> promotion.error("servability-time", "must be " + ServabilityBudget.EXPECTED_TIME, "'" + t + "'")))
                .orElse(defaults.maxTime());
        long servabilityMemory = promotion.string("servability-memory").map(t -> ServabilityBudget.size(t)
                .orElseThrow(() -> promotion.error("servability-memory", "must be " + ServabilityBudget.EXPECTED_SIZE, "'" + t + "'")))
                .orElse(defaults.maxBytes());
        promotion.finish();

        ConfigSection mlflow = root.section("mlflow");
        String slug = slug(symbol);
        Tracking tracking = new Tracking(mlflow.string("experiment", DEFAULT_NAME).replace(SYMBOL, slug),
                mlflow.string("registered-model", DEFAULT_NAME).replace(SYMBOL, slug), refit, objective,
                new io.closecast.model.bundle.Servability.Budget(servabilityTime, servabilityMemory, defaults.warmupRounds()));
        mlflow.finish();
        Map<String, String> resolved = new java.util.LinkedHashMap<>(root.resolved());
        resolved.replaceAll((key, value) -> key.equals("data.file") ? value.replace(SYMBOL, symbol)
                : key.startsWith("mlflow.") ? value.replace(SYMBOL, slug) : value);
        if (!root.has("sweep")) {
            root.finish();
        }
        return new TrainConfig(new DataSource(symbol, file, fetch, provider, from, to), dataset, modelSpec, trainingSpec,
                walkForward, tracking, resolved, intervals);
    }

    /** {@code intervals.levels} (each in (0, 1), no repeats) and {@code intervals.ewma-lambda}. */
    private static IntervalSpec readIntervals(ConfigSection section) {
        List<Double> levels = section.numbers("levels", IntervalSpec.DEFAULT_LEVELS, x -> x > 0 && x < 1,
                "coverage levels strictly between 0 and 1 (e.g. 0.8)");
        if (levels.isEmpty()) {
            throw section.error("levels", "must list at least one level", "[]");
        }
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double level : levels) {
            if (!seen.add(level)) {
                throw section.error("levels", "must not repeat a level", level + " twice in " + levels);
            }
        }
        double lambda = section.number("ewma-lambda", IntervalSpec.DEFAULT_EWMA_LAMBDA, x -> x > 0 && x < 1, "in (0, 1)");
        section.finish();
        return new IntervalSpec(levels, lambda);
    }

    private static Split readSplit(ConfigSection split) {
        Optional<LocalDate> trainEnd = split.date("train-end");
        Optional<LocalDate> validationEnd = split.date("validation-end");
        if (trainEnd.isPresent() || validationEnd.isPresent()) {
            if (trainEnd.isEmpty() || validationEnd.isEmpty()) {
                throw split.error(trainEnd.isEmpty() ? "train-end" : "validation-end",
                        "is required with a date split (give both train-end and validation-end)", "nothing");
            }
            if (!trainEnd.get().isBefore(validationEnd.get())) {
                throw split.error("validation-end", "must be after train-end " + trainEnd.get(), validationEnd.get().toString());
            }
            split.finish();
            return Split.dates(trainEnd.get(), validationEnd.get());
        }
        double train = split.number("train", 0.70, x -> x > 0 && x < 1, "in (0, 1)");
        double validation = split.number("validation", 0.15, x -> x > 0 && x < 1, "in (0, 1)");
        if (train + validation >= 1) {
            throw split.error("validation", "must leave a test part: train + validation < 1, train is " + train,
                    Double.toString(validation));
        }
        split.finish();
        return Split.fractions(train, validation);
    }

    private static <E extends Enum<E>> E parseChoice(ConfigSection section, String key, Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (ConfigSection.kebab(constant).equals(text.toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        throw section.error(key, "must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(ConfigSection::kebab).toList(), text);
    }
}
