package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.registry.MlflowModelSourceFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.Samples;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.intervals.PredictedScaleCalibration;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;
import io.closecast.training.bundle.BundleWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Python loader (the bundle's {@code python_function} flavor, through {@code mlflow.pyfunc.load_model} and
 * {@code predict(params={"horizon": 3, "intervals": True})}) gives the intervals the Java service answers on
 * {@code /invocations} for the same windows: a point network (the EWMA method) and a Gaussian and a Student-t head
 * (the predicted-scale method), each a log-return model trained for 2 steps, asked for 3 (the third step recursive,
 * its quantile grown by the square root of time), calibrated as training calibrates them and served from a real
 * registry. MLflow's own scoring client ({@code ScoringServerClient}) accepts the service's answers with
 * {@code interval_method} and {@code intervals} beside {@code predictions}.
 * Tolerance: {@value #RELATIVE} relative on every bound, as {@link PyfuncIT}'s forecasts: the NumPy
 * loader runs the network in float64 over the float32 weights and rounds its outputs to float32 before the scales,
 * the service's kernels are float32 throughout.
 */
class PyfuncIntervalsIT extends RegistryTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double RELATIVE = 1e-6;
    private static final int HORIZON = 3;

    @ParameterizedTest
    @EnumSource(value = Distribution.class)
    void thePythonLoaderGivesTheServicesIntervals(Distribution distribution) throws Exception {
        PreparedData data = DatasetBuilder.prepare(fixture.series, DatasetSpec.builder().window(12).horizon(2)
                .transform(TargetTransform.LOG_RETURN).scaler(ScalerKind.STANDARD).build());
        TrainingResult trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(6)).denseUnits(List.of(4))
                                .inputFeatures(1).horizon(2).distribution(distribution).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(13).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        IntervalCalibration calibration = calibrate(trained, data, distribution);
        assertEquals(distribution == Distribution.POINT ? IntervalCalibration.METHOD
                : IntervalCalibration.PREDICTED_SCALE_METHOD, calibration.method());

        String model = RegistryFixture.unique("closecast-pyfunc-intervals");
        String runId = client.createRun(RunSpec.create(client.getOrCreateExperiment("closecast-serving-it").id(),
                "pyfunc-intervals-" + distribution.key())).info().runId();
        Path bundle = work.resolve("intervals-" + distribution.key() + "-bundle");
        ForecastModel local = BundleWriter.write(bundle, trained, data.codec(), new BundleWriter.Provenance(runId, "MSFT",
                data.trainRange(), data.testRange(), data.dataset().sha256(), 13, "test", "model: intervals\n"),
                fixture.series.column(PriceColumn.CLOSE), calibration);
        assertEquals(distribution, local.distribution());
        client.artifacts().uploadDirectory(runId, bundle, "model");
        client.registry().createRegisteredModel(model);
        ModelVersion version = client.registry().createModelVersion(ModelVersionSpec.create(model, runId, "model"));
        client.registry().setAlias(model, "production", version.version());

        List<double[]> windows = PyfuncIT.windows(local.requiredHistory());
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(uri).modelName(model)
                .pollInterval(Duration.ofMillis(100)).modelCacheDir(work.resolve("cache-" + distribution.key())).build();
        Path windowsFile = work.resolve("interval-windows-" + distribution.key() + ".json");
        Files.writeString(windowsFile, JSON.writeValueAsString(Map.of("windows", windows)));
        JsonNode served;
        JsonNode python;
        try (RunningService service = Main.start(config, new MlflowModelSourceFactory().create(config, Map.of()))) {
            TestClient.await("ready", Duration.ofSeconds(30), service.models()::ready);
            var res = new TestClient(service.port()).post("/invocations", "application/json", JSON.writeValueAsString(
                    Map.of("instances", windows, "params", Map.of("horizon", HORIZON, "intervals", true))));
            assertEquals(200, res.statusCode(), res.body());
            served = TestClient.json(res);
            // the pyfunc on the bundle's files, and MLflow's ScoringServerClient against this service
            python = PyfuncIT.python(List.of("--local", bundle.toString(), windowsFile.toString(),
                    Integer.toString(HORIZON), Integer.toString(service.port())));
        }
        assertEquals(calibration.method(), served.get("interval_method").asText());
        JsonNode scoring = python.get("scoring_client");
        assertEquals(3, scoring.size(), "MLflow's scoring client accepted three answers: " + scoring);
        for (int i = 0; i < 3; i++) {
            JsonNode answer = scoring.get(i);
            assertEquals(served.get("predictions").get(i), answer.get("predictions"), "scoring client, window " + i);
            assertEquals(calibration.method(), answer.get("interval_method").asText());
            assertEquals(served.get("intervals").get(i), answer.get("intervals"), "scoring client, window " + i);
        }
        JsonNode frames = python.get("pyfunc_intervals");
        assertEquals(windows.size(), frames.size());
        double worst = 0;
        for (int i = 0; i < windows.size(); i++) {
            JsonNode frame = frames.get(i);
            JsonNode bands = served.get("intervals").get(i);
            assertEquals(2, bands.size(), "two levels: " + bands);
            assertEquals(calibration.method(), frame.get("interval_method").get(0).asText(), "window " + i);
            worst = Math.max(worst, worst(served.get("predictions").get(i), frame.get("prediction")));
            for (JsonNode band : bands) {
                String level = IntervalSpec.levelName(band.get("level").asDouble());
                worst = Math.max(worst, worst(band.get("lower"), frame.get("lower_" + level)));
                worst = Math.max(worst, worst(band.get("upper"), frame.get("upper_" + level)));
                double width = band.get("upper").get(HORIZON - 1).asDouble() - band.get("lower").get(HORIZON - 1).asDouble();
                assertTrue(width > 1e-3 * band.get("upper").get(0).asDouble(), "a band, not a point: " + band);
            }
        }
        System.out.printf("PyfuncIntervalsIT %s: worst relative difference of %d windows x %d steps x 2 levels %.3g%n",
                distribution.key(), windows.size(), HORIZON, worst);
        assertTrue(worst <= RELATIVE, distribution + ": worst relative difference of the pyfunc's bounds from the"
                + " service's " + worst + " > " + RELATIVE);
    }

    /** As training calibrates ({@code HeldOutEvaluation.calibrate}): on the validation windows, default levels. */
    private static IntervalCalibration calibrate(TrainingResult trained, PreparedData data, Distribution distribution) {
        float[][] outputs = trained.predictOutputs(data.validation().inputs());
        int horizon = data.codec().horizon();
        double[][] predicted = new double[outputs.length][];
        double[][] scales = new double[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            float[] location = Arrays.copyOf(outputs[i], horizon);
            predicted[i] = data.codec().decode(location, data.validation().lastPrices()[i]);
            if (distribution != Distribution.POINT) {
                scales[i] = data.codec().logPriceScales(location, distribution.scales(outputs[i], horizon),
                        IntervalCalibration.MIN_VOLATILITY);
            }
        }
        if (distribution == Distribution.POINT) {
            return IntervalCalibration.calibrate(IntervalSpec.defaults(), data.codec(), data.validation(), predicted,
                    "validation");
        }
        return PredictedScaleCalibration.calibrate(IntervalSpec.defaults(), data.validation(), predicted, scales,
                "validation");
    }

    private static double worst(JsonNode expected, JsonNode actual) {
        assertEquals(expected.size(), actual.size(), expected + " vs " + actual);
        double worst = 0;
        for (int h = 0; h < expected.size(); h++) {
            double e = expected.get(h).asDouble();
            worst = Math.max(worst, Math.abs(actual.get(h).asDouble() - e) / Math.abs(e));
        }
        return worst;
    }
}
