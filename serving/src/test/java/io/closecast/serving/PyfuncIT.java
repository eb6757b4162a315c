package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.registry.MlflowModelSourceFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.model.prices.PriceColumn;
import org.junit.jupiter.api.Test;

/**
 * A closecast model version used as an MLflow user would, with MLflow's own Python tools and no Java: the registry
 * resolves its download URI and serves its MLmodel; the payload MLflow builds from the input example gets the Java
 * service's forecast; the {@code python_function} flavor (the bundle's NumPy loader) forecasts what the Java service
 * forecasts, through {@code mlflow.pyfunc.load_model}, {@code mlflow models predict} and {@code mlflow models serve}.
 * A version registered before sources were resolved ({@code runs:/...}) is still served.
 */
class PyfuncIT extends RegistryTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How closely the NumPy loader (float64 math) must agree with the Java service (float32 kernels). */
    private static final double RELATIVE = 1e-6;
    private static final int WINDOWS = 256;

    @Test
    void mlflowsOwnToolsServeAndForecastAClosecastModelAsJavaDoes() throws Exception {
        String model = RegistryFixture.unique("closecast-pyfunc");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        assertTrue(v1.version().source().startsWith("mlflow-artifacts:/"), v1.version().source());

        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).trackingUri(uri).modelName(model)
                .pollInterval(Duration.ofMillis(100)).modelCacheDir(work.resolve("cache")).build();
        try (RunningService service = Main.start(config, new MlflowModelSourceFactory().create(config, Map.of()))) {
            TestClient.await("v1 ready", Duration.ofSeconds(30), service.models()::ready);
            TestClient http = new TestClient(service.port());
            int history = v1.load().requiredHistory();
            List<double[]> windows = windows(history);
            JsonNode javaWindows = ok(http.post("/invocations", "application/json",
                    JSON.writeValueAsString(Map.of("instances", windows)))).get("predictions");
            assertEquals(WINDOWS, javaWindows.size());

            Path windowsFile = work.resolve("windows.json");
            Files.writeString(windowsFile, JSON.writeValueAsString(Map.of("windows", windows)));
            JsonNode python = runPython(model, v1.number(), windowsFile);

            assertEquals(v1.version().source(), python.get("download_uri").asText(), "get_model_version_download_uri");
            assertEquals(200, python.get("get_artifact_status").asInt(), "model-versions/get-artifact?path=MLmodel");
            assertEquals(PriceColumn.CLOSE.header(), python.get("signature_inputs").get(0).asText());

            // MLflow's serving payload from the model's own input example: 200 and the /v1/predict forecast
            JsonNode payload = python.get("serving_payload");
            JsonNode rows = payload.at("/dataframe_split/data");
            assertEquals(List.of(PriceColumn.CLOSE.header()), JSON.convertValue(payload.at("/dataframe_split/columns"), List.class));
            double[] example = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                example[i] = rows.get(i).get(0).asDouble();
            }
            double fromInvocations = ok(http.post("/invocations", "application/json", payload.toString()))
                    .get("predictions").get(0).asDouble();
            double fromPredict = ok(http.post("/v1/predict", "application/json",
                    JSON.writeValueAsString(Map.of("closes", example, "horizon", 1)))).get("predictions").get(0).asDouble();
            assertEquals(fromPredict, fromInvocations, 0, "/invocations with MLflow's payload vs /v1/predict");
            double[] javaThree = numbers(ok(http.post("/v1/predict", "application/json",
                    JSON.writeValueAsString(Map.of("closes", example, "horizon", 3)))).get("predictions"));

            assertClose(new double[] {fromPredict}, numbers(python.get("pyfunc_example")), "pyfunc predict(input example)");
            assertClose(javaThree, numbers(python.get("pyfunc_example_horizon_3")), "pyfunc predict(params horizon 3)");
            double[] java = new double[WINDOWS];
            for (int i = 0; i < WINDOWS; i++) {
                java[i] = javaWindows.get(i).get(0).asDouble();
            }
            assertClose(java, numbers(python.get("pyfunc_windows")), "pyfunc on " + WINDOWS + " windows");

            assertEquals(0, python.get("models_predict_exit").asInt(), python.get("models_predict").toString());
            assertClose(new double[] {fromPredict}, numbers(python.at("/models_predict/predictions")), "mlflow models predict");
            assertEquals(200, python.get("serve_ping").asInt(), "mlflow models serve /ping");
            assertEquals(200, python.get("serve_status").asInt(), python.get("serve_answer").toString());
            assertClose(new double[] {fromPredict}, numbers(python.at("/serve_answer/predictions")), "mlflow models serve");

            // a version registered the old way (source runs:/<run>/model) is still served
            String legacyRun = fixture.register(client, model, false).runId();
            int legacy = registerLegacy(model, legacyRun);
            client.registry().setAlias(model, "production", legacy);
            TestClient.await("legacy version served", Duration.ofSeconds(30),
                    () -> service.models().status().serving().map(ModelInfo::version).orElse("").equals(Integer.toString(legacy)));
            assertEquals("runs:/" + legacyRun + "/model", client.registry().getModelVersion(model, legacy).source());
            assertEquals(fromPredict, ok(http.post("/invocations", "application/json", payload.toString()))
                    .get("predictions").get(0).asDouble(), 1e-9, "the legacy version (same weights) forecasts alike");
        }
    }

    /**
     * A log-return model (the quickstart's kind; it reads window + 1 prices) and a window-relative one (the shipped level
     * configs' kind), each with a standard scaler, two LSTM layers and a dense head: the NumPy loader's transform and
     * STANDARD scaler against {@link ForecastModel#forecast}.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = io.closecast.model.dataset.TargetTransform.class,
            names = {"LOG_RETURN", "WINDOW_RELATIVE"})
    void theNumpyLoaderForecastsAReturnOrWindowRelativeModelAsJavaDoes(io.closecast.model.dataset.TargetTransform transform)
            throws Exception {
        io.closecast.model.dataset.PreparedData data = io.closecast.model.dataset.DatasetBuilder.prepare(fixture.series,
                io.closecast.model.dataset.DatasetSpec.builder().window(12).horizon(1)
                        .transform(transform)
                        .scaler(io.closecast.model.dataset.ScalerKind.STANDARD).build());
        io.closecast.training.TrainingResult trained = io.closecast.training.Trainer.create(
                        io.closecast.model.lstm.ModelSpec.builder().lstmHiddenUnits(List.of(6, 4)).denseUnits(List.of(3))
                                .inputFeatures(1).horizon(1).build(),
                        io.closecast.model.train.TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(11).threads(2).build())
                .train(new io.closecast.model.dataset.Samples(data.train().inputs(), data.train().targets()),
                        new io.closecast.model.dataset.Samples(data.validation().inputs(), data.validation().targets()),
                        io.closecast.model.train.EpochListener.none());
        Path bundle = work.resolve(transform.name() + "-bundle");
        io.closecast.model.bundle.ForecastModel java = io.closecast.training.bundle.BundleWriter.write(bundle, trained, data.codec(),
                new io.closecast.training.bundle.BundleWriter.Provenance("run-log-return", "MSFT", data.trainRange(), data.testRange(),
                        data.dataset().sha256(), 11, "test", "model: log-return\n"), fixture.series.column(PriceColumn.CLOSE));
        assertEquals(12 + transform.lookback(), java.requiredHistory(), "window 12 + the transform's lookback");
        List<double[]> windows = windows(java.requiredHistory());
        double[] expected = new double[WINDOWS];
        for (int i = 0; i < WINDOWS; i++) {
            expected[i] = java.forecast(windows.get(i), 1)[0];
        }
        Path windowsFile = work.resolve("windows-" + transform.name() + ".json");
        Files.writeString(windowsFile, JSON.writeValueAsString(Map.of("windows", windows)));
        JsonNode python = python(List.of("--local", bundle.toString(), windowsFile.toString()));
        assertClose(expected, numbers(python.get("pyfunc_windows")), "pyfunc on " + WINDOWS + " " + transform + " windows");
    }

    /**
     * A model with bar features ({@code high-low-range}, {@code garman-klass}, {@code log-volume} beside a log-return
     * target): the NumPy loader computes each feature from the bar columns as {@link
     * io.closecast.model.dataset.ForecastCodec#encode(List)} does (the scaled inputs, feature by feature, and the
     * forecasts through {@code mlflow.pyfunc}), and refuses a bar whose Open lies above its High, naming the feature.
     */
    @Test
    void theNumpyLoaderComputesTheBarFeaturesAsJavaDoes() throws Exception {
        List<io.closecast.model.dataset.Feature> features = List.of(io.closecast.model.dataset.Feature.TARGET,
                io.closecast.model.dataset.Feature.HIGH_LOW_RANGE, io.closecast.model.dataset.Feature.GARMAN_KLASS,
                io.closecast.model.dataset.Feature.LOG_VOLUME);
        io.closecast.model.dataset.DatasetSpec spec = io.closecast.model.dataset.DatasetSpec.builder().window(12)
                .horizon(1).transform(io.closecast.model.dataset.TargetTransform.LOG_RETURN).features(features)
                .scaler(io.closecast.model.dataset.ScalerKind.STANDARD).build();
        io.closecast.model.dataset.PreparedData data = io.closecast.model.dataset.DatasetBuilder.prepare(fixture.series, spec);
        List<io.closecast.model.prices.PriceBar> bars = io.closecast.model.dataset.DatasetBuilder.clean(fixture.series, spec)
                .cleaned().bars();
        io.closecast.training.TrainingResult trained = io.closecast.training.Trainer.create(
                        io.closecast.model.lstm.ModelSpec.builder().lstmHiddenUnits(List.of(6)).inputFeatures(features.size())
                                .horizon(1).build(),
                        io.closecast.model.train.TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(32).seed(11).threads(2).build())
                .train(new io.closecast.model.dataset.Samples(data.train().inputs(), data.train().targets()),
                        new io.closecast.model.dataset.Samples(data.validation().inputs(), data.validation().targets()),
                        io.closecast.model.train.EpochListener.none());
        Path bundle = work.resolve("bar-features-bundle");
        io.closecast.model.bundle.ForecastModel java = io.closecast.training.bundle.BundleWriter.write(bundle, trained, data.codec(),
                new io.closecast.training.bundle.BundleWriter.Provenance("run-bar-features", "MSFT", data.trainRange(),
                        data.testRange(), data.dataset().sha256(), 11, "test", "model: bar features\n"), bars);
        int history = java.requiredHistory();
        List<Map<String, double[]>> frames = new ArrayList<>();
        double[] expected = new double[WINDOWS];
        List<float[][]> encoded = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            List<io.closecast.model.prices.PriceBar> window = bars.subList(bars.size() - history - i, bars.size() - i);
            frames.add(frame(window));
            expected[i] = java.forecast(window)[0];
            encoded.add(data.codec().encode(window));
        }
        List<io.closecast.model.prices.PriceBar> refused = new ArrayList<>(bars.subList(bars.size() - history, bars.size()));
        io.closecast.model.prices.PriceBar last = refused.getLast();
        refused.set(history - 1, new io.closecast.model.prices.PriceBar(last.date(), last.high() * 1.01, last.high(),
                last.low(), last.close(), last.adjClose(), last.volume()));
        Path framesFile = work.resolve("frames.json");
        Files.writeString(framesFile, JSON.writeValueAsString(Map.of("frames", frames, "refused", frame(refused))));

        JsonNode python = python(List.of("--local-frames", bundle.toString(), framesFile.toString()));
        assertClose(expected, numbers(python.get("pyfunc_frames")), "pyfunc on " + WINDOWS + " frames of bars");
        double worst = 0;
        for (int i = 0; i < WINDOWS; i++) {
            JsonNode rows = python.get("encoded").get(i);
            assertEquals(12, rows.size(), "window rows");
            for (int t = 0; t < 12; t++) {
                assertEquals(features.size(), rows.get(t).size(), "features per row");
                for (int k = 0; k < features.size(); k++) {
                    worst = Math.max(worst, Math.abs(rows.get(t).get(k).asDouble() - encoded.get(i)[t][k]));
                }
            }
        }
        // both round the scaled value to float32: equal but for the last bit of a float around 1
        assertTrue(worst <= 1e-6, "worst gap of a scaled input between the NumPy loader and Java " + worst);
        String message = python.get("refused").asText();
        assertTrue(message.contains("feature GARMAN_KLASS needs Low <= Open <= High"), message);
        assertTrue(message.contains("Open=" + last.high() * 1.01), message);
    }

    private static Map<String, double[]> frame(List<io.closecast.model.prices.PriceBar> bars) {
        Map<String, double[]> frame = new java.util.LinkedHashMap<>();
        for (PriceColumn c : PriceColumn.values()) {
            frame.put(c.header(), bars.stream().mapToDouble(b -> b.value(c)).toArray());
        }
        return frame;
    }

    /** {@value #WINDOWS} consecutive windows of {@code history} real closes, ending with the series. */
    static List<double[]> windows(int history) {
        double[] closes = fixture.lastCloses(history + WINDOWS - 1);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            out.add(Arrays.copyOfRange(closes, i, i + history));
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": number of forecasts");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]));
        }
        assertTrue(worst <= RELATIVE, what + ": worst relative difference " + worst + " > " + RELATIVE
                + " (Java " + Arrays.toString(Arrays.copyOf(expected, Math.min(4, expected.length))) + "..., Python "
                + Arrays.toString(Arrays.copyOf(actual, Math.min(4, actual.length))) + "...)");
    }

    private static double[] numbers(JsonNode array) {
        assertTrue(array != null && array.isArray(), "expected an array, found " + array);
        JsonNode flat = array.size() > 0 && array.get(0).isArray() && array.size() == 1 ? array.get(0) : array;
        double[] out = new double[flat.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flat.get(i).asDouble();
        }
        return out;
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestClient.json(response);
    }

    /** Registers {@code runs:/<run>/model} as closecast did before sources were resolved, through the REST API. */
    private static int registerLegacy(String model, String runId) throws Exception {
        String body = JSON.writeValueAsString(Map.of("name", model, "source", "runs:/" + runId + "/model", "run_id", runId));
        try (HttpClient raw = HttpClient.newHttpClient()) {
            HttpResponse<String> res = raw.send(HttpRequest.newBuilder(URI.create(uri + "/api/2.0/mlflow/model-versions/create"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            return JSON.readTree(res.body()).at("/model_version/version").asInt();
        }
    }

    private static JsonNode runPython(String model, int version, Path windowsFile) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("python"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        return python(List.of(model, Integer.toString(version), windowsFile.toString(), dir.toString(), Integer.toString(port)));
    }

    /** Runs {@code pyfunc_check.py} with {@code args} in the MLflow server's Python environment; its JSON line. */
    static JsonNode python(List<String> args) throws IOException, InterruptedException {
        Path root = RegistryFixture.root();
        Path script = root.resolve("serving/src/test/python/pyfunc_check.py");
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("registry-server/mlflow-server.sh").toString(),
                "python", script.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MLFLOW_TRACKING_URI", uri);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("pyfunc_check.py did not finish in 8 minutes");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "pyfunc_check.py failed:\n" + text);
        String line = text.lines().filter(l -> l.startsWith("CLOSECAST_JSON ")).findFirst()
                .orElseThrow(() -> new AssertionError("expected a CLOSECAST_JSON line from " + script + ", found:\n" + text));
        return JSON.readTree(line.substring("CLOSECAST_JSON ".length()));
    }
}
