package io.closecast.training.bundle;

import io.closecast.training.TrainingResult;
import io.closecast.training.dl4j.LstmNetworks;

import io.closecast.model.prices.DateRange;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.lstm.LstmWeights;
import io.closecast.model.bundle.ModelBundle;
import io.closecast.model.ModelException;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceColumn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a trained network as a model bundle (see {@link ModelBundle}): the DL4J network, the plain weights
 * for the pure-Java forward pass, the codec, the resolved config, an input example with real prices, the
 * MLmodel file and the checksum manifest. Reads the bundle back to check that it loads and forecasts.
 */
public final class BundleWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleWriter() {
    }

    /**
     * Provenance written into the MLmodel file.
     *
     * @param configYaml the resolved training configuration as YAML (saved as {@code config.yaml})
     * @param refit      the weights were retrained on all data ({@code trainRange} reaches the data's end) after the
     *                   held-out model of the same run (artifact {@code model}) chose the epochs; {@code testRange} is
     *                   the held-out model's test period
     */
    public record Provenance(String runId, String symbol, DateRange trainRange, DateRange testRange, String dataSha256,
                             long seed, String closecastVersion, String configYaml, boolean refit) {

        /** A model trained on the chronological split (not refit). */
        public Provenance(String runId, String symbol, DateRange trainRange, DateRange testRange, String dataSha256,
                          long seed, String closecastVersion, String configYaml) {
            this(runId, symbol, trainRange, testRange, dataSha256, seed, closecastVersion, configYaml, false);
        }
    }

    /**
     * Writes the bundle into {@code dir} (which must be empty or absent) and returns it loaded back.
     *
     * @param exampleHistory the most recent raw prices before the test period ends, at least the codec's
     *                       required history: saved as the input example and forecast once as a check
     */
    public static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                      double[] exampleHistory) {
        return write(dir, trained, codec, provenance, exampleHistory, Optional.empty());
    }

    /**
     * Writes the bundle with its forecast-interval calibration ({@value IntervalCalibration#FILE}, covered by the
     * manifest like every file; the flavor names it under {@code intervals} with the levels and the calibration
     * window) and returns it loaded back.
     */
    public static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                      double[] exampleHistory, IntervalCalibration intervals) {
        return write(dir, trained, codec, provenance, exampleHistory, Optional.of(intervals));
    }

    /**
     * Writes the bundle of a model of any features from the most recent bars before the test period ends (at least
     * the codec's required history) and returns it loaded back. A model with more features than the target needs
     * bars to forecast: its input example holds every bar column and its example forecast is made from the bars.
     */
    public static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                      List<PriceBar> exampleBars) {
        return write(dir, trained, codec, provenance, exampleBars, Optional.empty());
    }

    /** {@link #write(Path, TrainingResult, ForecastCodec, Provenance, List)} with the interval calibration. */
    public static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                      List<PriceBar> exampleBars, IntervalCalibration intervals) {
        return write(dir, trained, codec, provenance, exampleBars, Optional.of(intervals));
    }

    private static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                       List<PriceBar> exampleBars, Optional<IntervalCalibration> intervals) {
        if (codec.features().size() == 1) {
            double[] prices = exampleBars.stream().mapToDouble(b -> b.value(codec.target().column())).toArray();
            return write(dir, trained, codec, provenance, prices, intervals);
        }
        List<PriceBar> example = exampleBars.subList(Math.max(0, exampleBars.size() - codec.requiredHistory()),
                exampleBars.size());
        ObjectNode input = JSON.createObjectNode();
        ArrayNode columns = input.putArray("columns");
        for (PriceColumn c : PriceColumn.values()) {
            columns.add(c.header());
        }
        ArrayNode rows = input.putArray("data");
        for (PriceBar bar : example) {
            ArrayNode row = rows.addArray();
            for (PriceColumn c : PriceColumn.values()) {
                row.add(bar.value(c));
            }
        }
        return write(dir, trained, codec, provenance, input, network -> network.forecast(example), intervals);
    }

    private static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                       double[] exampleHistory, Optional<IntervalCalibration> intervals) {
        double[] example = Arrays.copyOfRange(exampleHistory,
                Math.max(0, exampleHistory.length - codec.requiredHistory()), exampleHistory.length);
        ObjectNode input = JSON.createObjectNode();
        input.putArray("columns").add(codec.target().column().header());
        ArrayNode rows = input.putArray("data");
        for (double p : example) {
            rows.addArray().add(p);
        }
        return write(dir, trained, codec, provenance, input, network -> network.forecast(example, codec.horizon()),
                intervals);
    }

    /**
     * Writes the bundle with {@code input} as its input example; {@code exampleForecast} forecasts that example with
     * the network as written (from prices or from bars, as the codec's features need).
     */
    private static ForecastModel write(Path dir, TrainingResult trained, ForecastCodec codec, Provenance provenance,
                                       ObjectNode input, java.util.function.Function<ForecastModel, double[]> exampleForecaster,
                                       Optional<IntervalCalibration> intervals) {
        try {
            Files.createDirectories(dir);
            LstmNetworks.save(trained.network(), trained.model(), dir);
            Files.writeString(dir.resolve(ForecastModel.CODEC_FILE), codec.toJson(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("config.yaml"), provenance.configYaml(), StandardCharsets.UTF_8);
            if (intervals.isPresent()) {
                Files.writeString(dir.resolve(IntervalCalibration.FILE), intervals.get().toJson(), StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("input_example.json"), JSON.writeValueAsString(input), StandardCharsets.UTF_8);
            double[] exampleForecast = exampleForecaster.apply(ForecastModel.create(new ModelBundle.MlModel(
                    provenance.runId(), "model", "", "", Map.of(), "", "", ""),
                    LstmForecaster.load(dir.resolve(LstmWeights.FILE_NAME)), codec));

            Map<String, Object> flavor = new LinkedHashMap<>();
            flavor.put("network", LstmNetworks.NETWORK_FILE);
            flavor.put("weights", LstmWeights.FILE_NAME);
            flavor.put("codec", ForecastModel.CODEC_FILE);
            flavor.put("config", "config.yaml");
            if (trained.model().distribution() != Distribution.POINT) {
                flavor.put("distribution", trained.model().distribution().key());
            }
            intervals.ifPresent(c -> {
                flavor.put("intervals", IntervalCalibration.FILE);
                flavor.put("interval_method", c.method());
                flavor.put("interval_levels", c.levels());
                flavor.put("interval_calibration_range", c.range().toString());
                flavor.put("interval_calibration_source", c.source());
            });
            flavor.put("symbol", provenance.symbol());
            flavor.put("target", codec.target().name());
            flavor.put("transform", codec.transform().name());
            flavor.put("window", codec.window());
            flavor.put("horizon", codec.horizon());
            flavor.put("features", codec.features().stream().map(Enum::name).toList());
            flavor.put("train_range", provenance.trainRange().toString());
            flavor.put("test_range", provenance.testRange().toString());
            if (provenance.refit()) {
                // retrained on all data: out of sample only after trained_to; its test metrics are the held-out model's
                flavor.put("refit", true);
                flavor.put("trained_to", provenance.trainRange().to().toString());
                flavor.put("heldout_model", "model");
            }
            flavor.put("data_sha256", provenance.dataSha256());
            flavor.put("seed", provenance.seed());
            flavor.put("closecast_version", provenance.closecastVersion());
            flavor.put("dl4j_version", "1.0.0-M2.1");
            flavor.put("example_forecast", Arrays.stream(exampleForecast).boxed().toList());
            List<String> inputColumns = new java.util.ArrayList<>();
            input.get("columns").forEach(c -> inputColumns.add(
                    "{\"type\": \"double\", \"name\": \"" + c.asText() + "\", \"required\": true}"));
            String inputs = "[" + String.join(", ", inputColumns) + "]";
            String outputs = "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1, "
                    + codec.horizon() + "]}}]";
            ModelBundle.writePythonLoader(dir);
            ModelBundle.seal(dir, new ModelBundle.MlModel(provenance.runId(), "model", Instant.now().toString(),
                    UUID.randomUUID().toString().replace("-", ""), flavor, inputs, outputs, "input_example.json"));
        } catch (IOException e) {
            throw new ModelException("cannot write the model bundle in " + dir + ": " + e.getMessage(), e);
        }
        return ForecastModel.load(dir);
    }
}
