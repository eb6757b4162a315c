package io.closecast.serving;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.train.EpochListener;
import io.closecast.model.evaluation.ForecastMetrics;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.lstm.LstmWeights;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.bundle.BundleWriter;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;

/**
 * A tiny real LSTM (1 layer of 8 units, window 20, 2 epochs) trained on the bundled {@code data/MSFT.csv}
 * (2021-2024), and helpers that put it into a real MLflow registry the way training does: a run, the bundle
 * uploaded under the run's {@code model} artifact path, a model version with the test metrics (beside the naive
 * forecast's) as tags.
 */
final class RegistryFixture {

    static final int WINDOW = 20;

    final PriceSeries series;
    final PreparedData data;
    final TrainingResult trained;
    final Map<String, String> metricTags;
    /** Calibrated as training calibrates: on the validation windows, default levels. */
    final IntervalCalibration intervals;
    private final double[][] testPredicted;
    private final Path workDir;

    private RegistryFixture(Path workDir) {
        this.workDir = workDir;
        Path csv = root().resolve("data/MSFT.csv");
        series = PriceCsv.read(csv).between(LocalDate.of(2021, 1, 1), LocalDate.of(2024, 12, 31));
        data = DatasetBuilder.prepare(series, DatasetSpec.builder().window(WINDOW).horizon(1).build());
        trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(8)).inputFeatures(1).horizon(1).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(7).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        float[][] scaled = trained.predict(data.test().inputs());
        double[][] predicted = new double[scaled.length][];
        for (int i = 0; i < scaled.length; i++) {
            predicted[i] = data.codec().decode(scaled[i], data.test().lastPrices()[i]);
        }
        testPredicted = predicted;
        float[][] scaledValidation = trained.predict(data.validation().inputs());
        double[][] validation = new double[scaledValidation.length][];
        for (int i = 0; i < validation.length; i++) {
            validation[i] = data.codec().decode(scaledValidation[i], data.validation().lastPrices()[i]);
        }
        intervals = IntervalCalibration.calibrate(IntervalSpec.defaults(), data.codec(), data.validation(), validation,
                "validation");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.putAll(ForecastMetrics.of(data.test().targetPrices(), predicted, data.test().lastPrices()).toMap("test_"));
        metrics.putAll(ForecastMetrics.naive(data.test().targetPrices(), data.test().lastPrices()).toMap("naive_test_"));
        Map<String, String> tags = new LinkedHashMap<>();
        metrics.forEach((k, v) -> tags.put(k, String.format(Locale.ROOT, "%.6g", v)));
        metricTags = Map.copyOf(tags);
    }

    /** Trains the tiny model (a few seconds); bundles are written under {@code workDir}. */
    static RegistryFixture train(Path workDir) {
        return new RegistryFixture(workDir);
    }

    /** The last {@code n} closes of the test period: a real window to forecast from. */
    double[] lastCloses(int n) {
        double[] closes = series.column(PriceColumn.CLOSE);
        return Arrays.copyOfRange(closes, closes.length - n, closes.length);
    }

    /** The raw closes of test window {@code i}'s input (what a client would send to forecast its target day). */
    double[] testWindowCloses(int i) {
        PriceSeries clean = DatasetBuilder.clean(series, data.spec()).cleaned();
        java.time.LocalDate day = data.test().lastInputDates().get(i);
        int last = 0;
        while (!clean.bar(last).date().equals(day)) {
            last++;
        }
        double[] closes = clean.column(PriceColumn.CLOSE);
        return Arrays.copyOfRange(closes, last + 1 - data.codec().requiredHistory(), last + 1);
    }

    /** The training side's intervals of test window {@code i}: its DL4J forecast and its encoded input's volatility. */
    List<ForecastInterval> trainingIntervals(int i) {
        return intervals.intervals(testPredicted[i], intervals.volatility(data.codec(), data.test().inputs()[i]));
    }

    /** The training side's own answer: the DL4J network's output for the window, decoded to a price. */
    double dl4jNextClose(double[] window) {
        float[][] encoded = data.codec().encode(window);
        float[][] out = trained.predict(new float[][][] {encoded});
        return data.codec().decode(out[0], window[window.length - 1])[0];
    }

    /** A bundle written for {@code runId}, as training writes it. */
    Path writeBundle(String runId) {
        return writeBundle(runId, trained);
    }

    private Path writeBundle(String runId, TrainingResult network) {
        Path dir = workDir.resolve("bundles").resolve(runId);
        BundleWriter.write(dir, network, data.codec(), new BundleWriter.Provenance(runId, "MSFT", data.trainRange(),
                data.testRange(), data.dataset().sha256(), 7, "test", "model: tiny\n"), series.column(PriceColumn.CLOSE),
                intervals);
        return dir;
    }

    /** Registers a new version of {@code model} from a fresh run; {@code breakIt} alters the weights after sealing. */
    Registered register(MlflowClient client, String model, boolean breakIt) {
        return register(client, model, breakIt, trained);
    }

    /**
     * Registers a new version of {@code model} whose network is trained as the fixture's, from another seed and with
     * 16 units: a different model of the same data (a challenger).
     */
    Registered registerVariant(MlflowClient client, String model, long seed) {
        TrainingResult other = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(16)).inputFeatures(1).horizon(1).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(seed).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        return register(client, model, false, other);
    }

    private Registered register(MlflowClient client, String model, boolean breakIt, TrainingResult network) {
        String experiment = client.getOrCreateExperiment("closecast-serving-it").id();
        Run run = client.createRun(RunSpec.create(experiment, "serving-it-" + UUID.randomUUID().toString().substring(0, 6)));
        String runId = run.info().runId();
        Path bundle = writeBundle(runId, network);
        if (breakIt) {
            Path weights = bundle.resolve(LstmWeights.FILE_NAME);
            try {
                byte[] bytes = Files.readAllBytes(weights);
                bytes[bytes.length - 1] ^= 0x5A; // a changed weight after the manifest was written
                Files.write(weights, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        client.artifacts().uploadDirectory(runId, bundle, "model");
        client.registry().createRegisteredModel(model);
        ModelVersion version = client.registry().createModelVersion(ModelVersionSpec.create(model, runId, "model").withTags(metricTags));
        return new Registered(version, runId, bundle);
    }

    /** A registered version and the local bundle it was uploaded from. */
    record Registered(ModelVersion version, String runId, Path bundle) {
        int number() {
            return version.version();
        }

        ForecastModel load() {
            return ForecastModel.load(bundle);
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The real MLflow server: {@code MLFLOW_TRACKING_URI}, else the one the build started. Fails when none answers. */
    static String trackingUri() {
        String env = System.getenv("MLFLOW_TRACKING_URI");
        String property = System.getProperty("closecast.it.tracking-uri");
        String uri = env != null && !env.isBlank() ? env : property == null ? "" : property;
        if (uri.isBlank() || !io.closecast.mlflow.ItServer.answers(uri)) {
            fail("the serving integration tests need a running MLflow server, found none at '" + uri + "'. Run them through"
                    + " the build, which starts one: ./mvnw -B -pl serving -am verify -Dclosecast.it.mlflow.port=5071, or"
                    + " start one (registry-server/mlflow-server.sh start --port 5071) and export"
                    + " MLFLOW_TRACKING_URI=http://127.0.0.1:5071");
        }
        return uri;
    }

    static MlflowClient client(String uri) {
        return MlflowClient.create(MlflowConfig.create(uri));
    }

    static Path root() {
        String root = System.getProperty("closecast.root");
        if (root == null || root.isBlank()) {
            fail("system property closecast.root must name the closecast checkout (the build sets it), found none");
        }
        return Path.of(root);
    }
}
