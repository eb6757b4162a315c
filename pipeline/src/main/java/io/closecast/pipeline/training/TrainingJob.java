package io.closecast.pipeline.training;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.Charts;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.cli.CommandSupport;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.data.PriceCache;
import io.closecast.pipeline.data.YahooChartClient;
import io.closecast.pipeline.data.YahooConfig;
import io.closecast.pipeline.registry.Registrar;
import io.closecast.pipeline.tracking.RunMetadata;
import io.closecast.pipeline.tracking.Provenance;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.closecast.mlflow.entities.Dataset;
import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.Csv;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetInfo;
import io.closecast.model.prices.checks.DroppedRow;
import io.closecast.model.train.EpochDecision;
import io.closecast.model.train.EpochStats;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.evaluation.ForecastMetrics;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.intervals.IntervalMetrics;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.dataset.Samples;
import io.closecast.model.evaluation.WalkForward;
import io.closecast.model.dataset.WindowSet;
import io.closecast.training.bundle.BundleWriter;
import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training as one MLflow run: prices -> checked, leak-free windows -> LSTM training with per-epoch
 * metrics -> test metrics beside the naive forecast (and walk-forward folds) -> the model bundle, plots and
 * predictions as artifacts -> optionally a model version. A failure ends the run FAILED with the reason as
 * a tag; a pruned or timed-out trial ends KILLED.
 */
public final class TrainingJob {
    /** Where the model bundle goes in the run's artifacts (and what model versions point at). */
    public static final String MODEL_PATH = "model";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

    private final MlflowClient client;
    private final Clock clock;
    private final PrintWriter console;

    public TrainingJob(MlflowClient client, Clock clock, PrintWriter console) {
        this.client = client;
        this.clock = clock;
        this.console = console;
    }

    /** Called after every epoch; may stop the training by returning why (median pruning, time limit). */
    @FunctionalInterface
    public interface EpochHook {
        Optional<String> afterEpoch(EpochStats stats);

        static EpochHook none() {
            return stats -> Optional.empty();
        }
    }

    /**
     * Extra DL4J listeners for a run's network (the main training, not walk-forward folds), given the run id, e.g.
     * the training UI's stats listener. Only {@code training.engine=dl4j} calls them: the fused engine has no
     * per-iteration hooks.
     */
    @FunctionalInterface
    public interface NetworkListeners {
        List<TrainingListener> forRun(String runId);

        static NetworkListeners none() {
            return runId -> List.of();
        }
    }

    /**
     * How to run: the run's name, its parent (a sweep), extra tags, the epoch hook, whether to register,
     * the working directory for files written before upload, and extra DL4J listeners.
     */
    public record Options(String runName, Optional<String> parentRunId, Map<String, String> tags, EpochHook hook,
                          boolean register, Path workDir, String configText, NetworkListeners listeners) {
        public Options {
            tags = Map.copyOf(tags);
            Objects.requireNonNull(listeners, "listeners");
        }

        /** Options without extra DL4J listeners. */
        public Options(String runName, Optional<String> parentRunId, Map<String, String> tags, EpochHook hook,
                       boolean register, Path workDir, String configText) {
            this(runName, parentRunId, tags, hook, register, workDir, configText, NetworkListeners.none());
        }

        /** The same options with {@code listeners} attached to the run's network. */
        public Options withListeners(NetworkListeners listeners) {
            return new Options(runName, parentRunId, tags, hook, register, workDir, configText, listeners);
        }
    }

    /**
     * How a training ended. {@code SUPERSEDED}: another process closed the run while it trained (a sweep's retry of a
     * trial whose executor was taken for lost), so this one left the run as that process recorded it.
     */
    public enum Outcome { FINISHED, FAILED, KILLED, SUPERSEDED }

    /** The run, how it ended, why, its test metrics (when finished), and the model version (when registered). */
    public record Result(String runId, Outcome outcome, String reason, Map<String, Double> metrics,
                         List<EpochStats> epochs, Optional<ModelVersion> version) {
        public Result {
            metrics = Map.copyOf(metrics);
            epochs = List.copyOf(epochs);
        }
    }

    /** What training a run gave: test metrics, or the reason the epoch hook stopped it. */
    private record Trained(Map<String, Double> metrics, Optional<String> stopReason) {
        static Trained stopped(String reason) {
            return new Trained(Map.of(), Optional.of(reason));
        }
    }

    /** Loads the prices a config names (fetching missing days first when {@code data.fetch} is on). */
    public static PriceSeries loadPrices(TrainConfig config) {
        TrainConfig.DataSource data = config.data();
        PriceSeries series;
        if (data.fetch()) {
            PriceCache cache = PriceCache.create(data.file().toAbsolutePath().getParent());
            LocalDate from = data.from().orElse(LocalDate.of(2010, 1, 1));
            LocalDate to = data.to().orElse(LocalDate.now(java.time.ZoneOffset.UTC));
            series = cache.fetch(YahooChartClient.create(YahooConfig.defaults()), data.symbol(), from, to).series();
        } else {
            if (!Files.isRegularFile(data.file())) {
                throw new PipelineException("data.file " + data.file() + " does not exist: give a CSV in the Yahoo layout"
                        + " (Date,Open,High,Low,Close,Adj Close,Volume), or set data.fetch: true to download it;"
                        + " relative paths in a config resolve against its project root (the closest directory above"
                        + " the config holding data/ or configs/), not the current directory");
            }
            series = PriceCsv.read(data.file());
        }
        LocalDate from = data.from().orElse(LocalDate.MIN);
        LocalDate to = data.to().orElse(LocalDate.MAX);
        return series.between(from, to);
    }

    /** Creates the run and trains; never throws for a failed training: the result says FAILED and why. */
    public Result run(TrainConfig config, String experimentId, Options options) {
        RunSpec.Builder spec = RunSpec.builder(experimentId, options.runName())
                .startTime(Instant.now(clock))
                .tag(ClosecastTags.KIND, options.parentRunId().isPresent() ? "trial" : "train")
                .tag(ClosecastTags.SEED, Long.toString(config.training().seed()))
                .tag(ClosecastTags.VERSION, Provenance.closecast())
                .tag("mlflow.source.type", "LOCAL")
                .tag("mlflow.source.name", "closecast")
                .tag(RunMetadata.USER, CommandSupport.user())
                .tags(options.tags());
        Provenance.gitCommit().ifPresent(commit -> spec.tag("mlflow.source.git.commit", commit));
        options.parentRunId().ifPresent(spec::parentRunId);
        Run run = client.createRun(spec.build());
        String runId = run.info().runId();
        List<EpochStats> epochs = new ArrayList<>();
        try {
            client.logParams(runId, config.resolved());
            Trained trained = train(config, runId, options, epochs);
            Optional<String> closed = closedElsewhere(runId);
            if (closed.isPresent()) {
                LOG.warn("run {} was closed by another process while it trained ({}): left as it is", runId, closed.get());
                return new Result(runId, Outcome.SUPERSEDED, closed.get(), Map.of(), epochs, Optional.empty());
            }
            if (trained.stopReason().isPresent()) {
                String reason = trained.stopReason().get();
                client.setTags(runId, Map.of(ClosecastTags.STOPPED_AT_EPOCH, Integer.toString(epochs.size()),
                        ClosecastTags.STOP_REASON, reason));
                logLossCurve(runId, epochs, options.workDir(), "stopped at epoch " + epochs.size());
                client.setTerminated(runId, RunStatus.KILLED, Instant.now(clock));
                return new Result(runId, Outcome.KILLED, reason, Map.of(), epochs, Optional.empty());
            }
            Map<String, Double> metrics = trained.metrics();
            client.setTerminated(runId, RunStatus.FINISHED, Instant.now(clock));
            Optional<ModelVersion> version = Optional.empty();
            if (options.register()) {
                version = Optional.of(register(config, runId, options.tags(), options.workDir()));
            }
            return new Result(runId, Outcome.FINISHED, "", metrics, epochs, version);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("training run {} failed: {}", runId, reason, e);
            try {
                client.setTags(runId, Map.of(ClosecastTags.FAILURE_REASON, truncate(reason, 4000)));
                client.setTerminated(runId, RunStatus.FAILED, Instant.now(clock));
            } catch (RuntimeException mlflowDown) {
                LOG.error("could not mark run {} FAILED: {}", runId, mlflowDown.getMessage());
            }
            return new Result(runId, Outcome.FAILED, reason, Map.of(), epochs, Optional.empty());
        }
    }

    /**
     * Why the run is no longer RUNNING, when another process ended it while this one trained: a sweep that took this
     * attempt's executor for lost closes it as superseded and runs the trial again; this attempt must not then end it
     * FINISHED beside the retry. (Checked once, when training ends: a close in the moment between the check and this
     * process's end is not caught.)
     */
    private Optional<String> closedElsewhere(String runId) {
        Run now = client.getRun(runId);
        return now.info().status() == RunStatus.RUNNING ? Optional.empty()
                : Optional.of(now.tags().getOrDefault(ClosecastTags.STOP_REASON, "ended " + now.info().status()
                        + " by another process"));
    }

    private Trained train(TrainConfig config, String runId, Options options, List<EpochStats> epochs) {
        try {
            return trainAndLog(config, runId, options, epochs);
        } catch (IOException e) {
            throw new PipelineException("cannot write the run's files: " + e.getMessage(), e);
        }
    }

    private Trained trainAndLog(TrainConfig config, String runId, Options options, List<EpochStats> epochs)
            throws IOException {
        PriceSeries series = loadPrices(config);
        PreparedData data = DatasetBuilder.prepare(series, config.dataset());
        DatasetInfo info = data.dataset();
        client.logInputs(runId, List.of(DatasetInput.create(new Dataset(info.name(), info.digest(), info.sourceType(),
                info.source(), info.schema(), info.profile()), "training")));
        Map<String, String> dataTags = new LinkedHashMap<>();
        dataTags.put(ClosecastTags.DATA_TRAIN_RANGE, data.trainRange().toString());
        data.validationRange().ifPresent(r -> dataTags.put(ClosecastTags.DATA_VALIDATION_RANGE, r.toString()));
        dataTags.put(ClosecastTags.DATA_TEST_RANGE, data.testRange().toString());
        dataTags.put(ClosecastTags.DATA_SHA256, info.sha256());
        dataTags.put(ClosecastTags.DATA_DROPPED_ROWS, Integer.toString(data.dropped().size()));
        client.setTags(runId, dataTags);
        console.printf(Locale.ROOT, "%s%n", data.describe());
        for (String warning : data.rangeWarnings()) {
            console.printf(Locale.ROOT, "warning: %s%n", warning);
            LOG.warn("run {}: {}", runId, warning);
        }
        if (!data.rangeWarnings().isEmpty()) {
            client.setTags(runId, Map.of(ClosecastTags.DATA_RANGE_WARNING, truncate(String.join(" | ", data.rangeWarnings()), 4000)));
        }
        console.flush();

        Path work = Files.createDirectories(options.workDir().resolve(runId));
        Path model = Files.createDirectories(work.resolve(MODEL_PATH));
        Instant start = Instant.now(clock);
        TrainingResult result = trainOnce(config, data, runId, options.hook(), epochs, "",
                options.listeners().forRun(runId));
        if (result.stopReason().isPresent()) {
            return Trained.stopped(result.stopReason().get());
        }
        double trainSeconds = Duration.between(start, Instant.now(clock)).toMillis() / 1000.0;

        Evaluation test = evaluate(result, data.test(), data);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.putAll(test.model().toMap("test_"));
        metrics.putAll(test.naive().toMap("naive_test_"));
        putFinite(metrics, test.stats().metrics("test_"));
        metrics.put("best_epoch", (double) result.bestEpoch());
        metrics.put("best_val_loss", result.bestValLoss());
        result.epochs().stream().filter(e -> e.epoch() == result.bestEpoch()).findFirst()
                .filter(e -> Double.isFinite(e.valScore())).ifPresent(e -> metrics.put("best_val_mase", e.valScore()));
        metrics.put("epochs_trained", (double) result.epochs().size());
        metrics.put("train_seconds", trainSeconds);
        metrics.put("test_windows", (double) data.test().size());
        Optional<IntervalCalibration> intervals = calibrate(config.intervals(), result, data);
        Optional<IntervalEvaluation> testIntervals = intervals.map(c -> evaluateIntervals(config.intervals(), c, test, data));
        testIntervals.ifPresent(e -> metrics.putAll(e.toMap("test_", "baseline_test_")));
        if (intervals.isEmpty()) {
            client.setTags(runId, Map.of(ClosecastTags.INTERVALS, "none: no validation windows to calibrate on"));
        }
        if (config.walkForward().isPresent()) {
            metrics.putAll(walkForward(config, series, runId, options));
        }
        Provenance.peakRssMegabytes().ifPresent(mb -> metrics.put("peak_rss_mb", mb));
        client.logMetrics(runId, metrics.entrySet().stream().map(e -> Metric.create(e.getKey(), e.getValue())).toList());

        PriceSeries clean = DatasetBuilder.clean(series, config.dataset()).cleaned()
                .between(LocalDate.MIN, data.test().lastInputDates().getLast());
        BundleWriter.Provenance provenance = new BundleWriter.Provenance(runId, config.data().symbol(),
                data.trainRange(), data.testRange(), data.dataset().sha256(), config.training().seed(),
                Provenance.closecast(), resolvedYaml(config, options.configText()));
        double[] history = clean.column(config.dataset().target().column());
        if (intervals.isPresent()) {
            BundleWriter.write(model, result, data.codec(), provenance, history, intervals.get());
        } else {
            BundleWriter.write(model, result, data.codec(), provenance, history);
        }
        Path plots = Files.createDirectories(work.resolve("plots"));
        writePlots(plots, test, result, data);
        Path predictions = Files.createDirectories(work.resolve("predictions"));
        writePredictions(predictions.resolve("test_predictions.csv"), test);
        writeDropped(work.resolve("data"), data.dropped());
        client.artifacts().uploadDirectory(runId, model, MODEL_PATH);
        client.artifacts().uploadDirectory(runId, plots, "plots");
        client.artifacts().uploadDirectory(runId, predictions, "predictions");
        if (Files.isDirectory(work.resolve("data"))) {
            client.artifacts().uploadDirectory(runId, work.resolve("data"), "data");
        }
        console.printf(Locale.ROOT, "test: MAE %.4f  RMSE %.4f  MAPE %.2f%%  MASE %.4f  direction %.1f%%   "
                        + "naive: MAE %.4f  RMSE %.4f  MAPE %.2f%%%n", test.model().mae(), test.model().rmse(),
                test.model().mape(), test.model().mase(), 100 * test.model().directionalAccuracy(), test.naive().mae(),
                test.naive().rmse(), test.naive().mape());
        testIntervals.ifPresent(e -> {
            for (int l = 0; l < e.model().size(); l++) {
                IntervalMetrics m = e.model().get(l);
                IntervalMetrics b = e.baseline().get(l);
                console.printf(Locale.ROOT, "test %2.0f%% interval: coverage %.1f%%  interval score %.4f   "
                                + "constant-width baseline: coverage %.1f%%  interval score %.4f%n", 100 * m.level(),
                        100 * m.coverage(), m.intervalScore(), 100 * b.coverage(), b.intervalScore());
            }
        });
        console.flush();
        return new Trained(metrics, Optional.empty());
    }

    /**
     * The interval calibration of a trained network: conformal quantiles of its residuals on the validation
     * windows (which it did not train on; early stopping only chose the epoch). Empty without validation windows.
     */
    static Optional<IntervalCalibration> calibrate(IntervalSpec spec, TrainingResult result, PreparedData data) {
        if (data.validation().isEmpty()) {
            return Optional.empty();
        }
        Evaluation validation = evaluate(result, data.validation(), data);
        return Optional.of(IntervalCalibration.calibrate(spec, data.codec(), data.validation(), validation.predicted(),
                "validation"));
    }

    /** The calibrated intervals on a part beside the constant-width baseline fitted on the training windows. */
    static IntervalEvaluation evaluateIntervals(IntervalSpec spec, IntervalCalibration calibration, Evaluation part,
                                                PreparedData data) {
        BaselineIntervals baseline = BaselineIntervals.fit(spec, data.train().targetPrices(), data.train().lastPrices());
        return IntervalEvaluation.of(calibration, data.codec(), part.part(), part.predicted(), baseline);
    }

    private TrainingResult trainOnce(TrainConfig config, PreparedData data, String runId, EpochHook hook,
                                     List<EpochStats> epochs, String prefix, List<TrainingListener> listeners) {
        Samples train = new Samples(data.train().inputs(), data.train().targets());
        WindowSet validationSet = data.validation().isEmpty() ? data.test() : data.validation();
        Samples validation = new Samples(validationSet.inputs(), validationSet.targets());
        int total = config.training().maxEpochs();
        MultiLayerNetwork network = LstmNetworkFactory.create(config.model(), config.training());
        if (!listeners.isEmpty()) {
            network.setListeners(listeners);
        }
        // val_mase: the validation period's MASE against naive, in prices, after every epoch.
        Trainer.ValidationScore valMase = scaled -> {
            double[][] predicted = new double[scaled.length][];
            for (int i = 0; i < scaled.length; i++) {
                predicted[i] = data.codec().decode(scaled[i], validationSet.lastPrices()[i]);
            }
            return ForecastMetrics.of(validationSet.targetPrices(), predicted, validationSet.lastPrices()).mase();
        };
        return Trainer.create(config.model(), config.training()).train(network, train, validation, stats -> {
            if (prefix.isEmpty()) {
                epochs.add(stats);
            }
            List<Metric> perEpoch = new ArrayList<>(List.of(
                    Metric.create(prefix + "train_loss", stats.trainLoss(), stats.epoch()),
                    Metric.create(prefix + "val_loss", stats.valLoss(), stats.epoch()),
                    Metric.create(prefix + "epoch_seconds", stats.epochMillis() / 1000.0, stats.epoch())));
            if (Double.isFinite(stats.valScore())) {
                perEpoch.add(Metric.create(prefix + "val_mase", stats.valScore(), stats.epoch()));
            }
            client.logMetrics(runId, perEpoch);
            console.printf(Locale.ROOT, "%sepoch %3d/%d  train_loss %.6f  val_loss %.6f  val_mase %.4f  %.1fs%n",
                    prefix.isEmpty() ? "" : prefix.replace('_', ' '), stats.epoch(), total, stats.trainLoss(),
                    stats.valLoss(), stats.valScore(), stats.epochMillis() / 1000.0);
            console.flush();
            if (prefix.isEmpty()) {
                return hook.afterEpoch(stats).map(EpochDecision::stop).orElse(EpochDecision.CONTINUE);
            }
            return EpochDecision.CONTINUE;
        }, valMase);
    }

    /**
     * Model and naive forecasts on a part's windows, in prices, and the out-of-sample statistics of
     * {@link ForecastEvaluation} (drift and majority sign fitted on the training part's closes).
     */
    record Evaluation(WindowSet part, double[][] predicted, ForecastMetrics model, ForecastMetrics naive,
                      ForecastEvaluation stats) {
    }

    /** The training part's closes in order: the first window's last input, then every training target's step 1. */
    static double[] trainingCloses(PreparedData data) {
        WindowSet train = data.train();
        double[] closes = new double[train.size() + 1];
        closes[0] = train.lastPrices()[0];
        for (int i = 0; i < train.size(); i++) {
            closes[i + 1] = train.targetPrices()[i][0];
        }
        return closes;
    }

    /** MLflow refuses NaN and infinite values: such a statistic (e.g. DM of two identical forecasts) is left out. */
    static void putFinite(Map<String, Double> into, Map<String, Double> values) {
        values.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                into.put(k, v);
            }
        });
    }

    static Evaluation evaluate(TrainingResult result, WindowSet part, PreparedData data) {
        float[][] scaled = result.predict(part.inputs());
        double[][] predicted = new double[part.size()][];
        for (int i = 0; i < part.size(); i++) {
            predicted[i] = data.codec().decode(scaled[i], part.lastPrices()[i]);
        }
        return new Evaluation(part, predicted, ForecastMetrics.of(part.targetPrices(), predicted, part.lastPrices()),
                ForecastMetrics.naive(part.targetPrices(), part.lastPrices()),
                ForecastEvaluation.of(part.targetPrices(), predicted, part.lastPrices(),
                        ForecastEvaluation.Reference.fit(trainingCloses(data))));
    }

    private Map<String, Double> walkForward(TrainConfig config, PriceSeries series, String runId, Options options) {
        List<WalkForward.Fold> folds = WalkForward.folds(series, config.dataset(), config.walkForward().orElseThrow());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, String> ranges = new LinkedHashMap<>();
        double maseSum = 0;
        double naiveMaeSum = 0;
        double maeSum = 0;
        Map<String, Double> intervalSums = new LinkedHashMap<>();
        int intervalFolds = 0;
        for (WalkForward.Fold fold : folds) {
            PreparedData data = WalkForward.prepare(series, config.dataset(), fold);
            String prefix = "fold" + fold.number() + "_";
            console.printf(Locale.ROOT, "walk-forward %s%n", fold);
            TrainingResult result = trainOnce(config, data, runId, EpochHook.none(), new ArrayList<>(), prefix,
                    List.of());
            Evaluation test = evaluate(result, data.test(), data);
            metrics.putAll(test.model().toMap(prefix + "test_"));
            metrics.put(prefix + "naive_test_mae", test.naive().mae());
            ForecastEvaluation.Step step = test.stats().first();
            metrics.put(prefix + "test_dm_abs_p_better", step.dmAbsolute().pBetter());
            metrics.put(prefix + "test_dm_sq_p_better", step.dmSquared().pBetter());
            metrics.put(prefix + "test_majority_sign_accuracy", step.majoritySignAccuracy());
            metrics.put(prefix + "test_up_share", step.upShare());
            Optional<IntervalCalibration> calibration = calibrate(config.intervals(), result, data);
            if (calibration.isPresent()) {
                Map<String, Double> foldIntervals = evaluateIntervals(config.intervals(), calibration.get(), test, data)
                        .toMap("test_", "baseline_test_");
                foldIntervals.forEach((k, v) -> {
                    metrics.put(prefix + k, v);
                    intervalSums.merge(k, v, Double::sum);
                });
                intervalFolds++;
            }
            maseSum += test.model().mase();
            maeSum += test.model().mae();
            naiveMaeSum += test.naive().mae();
            ranges.put(ClosecastTags.FOLD_PREFIX + fold.number(), fold.toString());
        }
        metrics.put("wf_mean_test_mase", maseSum / folds.size());
        metrics.put("wf_mean_test_mae", maeSum / folds.size());
        metrics.put("wf_mean_naive_test_mae", naiveMaeSum / folds.size());
        int calibratedFolds = intervalFolds;
        intervalSums.forEach((k, v) -> metrics.put("wf_mean_" + k, v / calibratedFolds));
        client.setTags(runId, ranges);
        return metrics;
    }

    private ModelVersion register(TrainConfig config, String runId, Map<String, String> extra, Path workDir) {
        Map<String, String> tags = new LinkedHashMap<>();
        extra.forEach((k, v) -> {
            if (k.startsWith(ClosecastTags.SWEEP_PREFIX)) {
                tags.put(k, v);
            }
        });
        ModelVersion version = Registrar.register(client, console, config, runId, tags,
                "Trained by run " + runId + " on " + config.data().symbol(), workDir);
        String name = version.name();
        console.printf(Locale.ROOT, "registered %s version %d (models:/%s/%d)%n", name, version.version(), name,
                version.version());
        console.flush();
        return version;
    }

    private static String resolvedYaml(TrainConfig config, String configText) throws IOException {
        Map<String, Object> nested = new LinkedHashMap<>();
        config.resolved().forEach((key, value) -> {
            String[] parts = key.split("\\.");
            Map<String, Object> at = nested;
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
                at = next;
            }
            at.put(parts[parts.length - 1], value);
        });
        String header = "# The resolved training configuration of this model (every value, defaults included).\n";
        return header + new ObjectMapper(new YAMLFactory()).writeValueAsString(nested)
                + (configText.isEmpty() ? "" : "\n# As written:\n" + configText.replaceAll("(?m)^", "# "));
    }

    private static void writePlots(Path dir, Evaluation test, TrainingResult result, PreparedData data) {
        int n = test.part().size();
        double[] actual = new double[n];
        double[] predicted = new double[n];
        double[] naive = new double[n];
        List<String> dates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            actual[i] = test.part().targetPrices()[i][0];
            predicted[i] = test.predicted()[i][0];
            naive[i] = test.part().lastPrices()[i];
            dates.add(test.part().targetDates().get(i).toString());
        }
        Charts.lines(dir.resolve("test_predictions.png"), String.format(Locale.ROOT,
                        "Test period %s: next-day forecast (MASE %.3f against naive)", data.testRange(), test.model().mase()),
                "price", List.of(Charts.Series.of("actual", actual), Charts.Series.of("LSTM forecast", predicted),
                        Charts.Series.of("naive (last close)", naive)), dates);
        writeLossChart(dir, result.epochs(), "best epoch " + result.bestEpoch());
    }

    /** {@code loss.png}: train and validation loss per epoch. */
    private static void writeLossChart(Path dir, List<EpochStats> epochs, String note) {
        int n = epochs.size();
        double[] train = new double[n];
        double[] val = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = epochs.get(i).epoch();
            train[i] = epochs.get(i).trainLoss();
            val[i] = epochs.get(i).valLoss();
        }
        Charts.lines(dir.resolve("loss.png"), "Loss per epoch (" + note + ")", "MSE (scaled)",
                List.of(new Charts.Series("train_loss", x, train), new Charts.Series("val_loss", x, val)), List.of());
    }

    /**
     * A pruned or timed-out trial keeps its loss curve ({@code plots/loss.png}, as finished runs have), so MLflow's
     * run comparison finds the artifact every trial shares. Best effort: the run is KILLED either way.
     */
    private void logLossCurve(String runId, List<EpochStats> epochs, Path workDir, String note) {
        if (epochs.isEmpty()) {
            return;
        }
        try {
            Path plots = Files.createDirectories(workDir.resolve(runId).resolve("plots"));
            writeLossChart(plots, epochs, note);
            client.artifacts().uploadFile(runId, plots.resolve("loss.png"), "plots");
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not log the loss curve of stopped run {}: {}", runId, e.getMessage());
        }
    }

    private static void writePredictions(Path file, Evaluation test) throws IOException {
        WindowSet part = test.part();
        int horizon = test.predicted().length == 0 ? 0 : test.predicted()[0].length;
        List<Object> header = new ArrayList<>(List.of("date", "last_input_date", "last_close"));
        for (int h = 1; h <= horizon; h++) {
            header.addAll(List.of("actual_h" + h, "forecast_h" + h));
        }
        header.add("naive");
        Csv csv = new Csv().row(header);
        for (int i = 0; i < part.size(); i++) {
            List<Object> row = new ArrayList<>(List.of(part.targetDates().get(i), part.lastInputDates().get(i), part.lastPrices()[i]));
            for (int h = 0; h < horizon; h++) {
                row.add(part.targetPrices()[i][h]);
                row.add(String.format(Locale.ROOT, "%.6f", test.predicted()[i][h]));
            }
            row.add(part.lastPrices()[i]);
            csv.row(row);
        }
        Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
    }

    private static void writeDropped(Path dir, List<DroppedRow> dropped) throws IOException {
        if (dropped.isEmpty()) {
            return;
        }
        Files.createDirectories(dir);
        Csv csv = new Csv().row(List.of("date", "row", "kinds", "reason"));
        for (DroppedRow row : dropped) {
            csv.row(List.of(row.date(), row.row(), String.join("|", row.kinds().stream().map(Enum::name).toList()),
                    row.reason()));
        }
        Files.writeString(dir.resolve("dropped_rows.csv"), csv.toString(), StandardCharsets.UTF_8);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
