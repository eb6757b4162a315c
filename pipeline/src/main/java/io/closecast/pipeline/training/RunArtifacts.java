package io.closecast.pipeline.training;

import io.closecast.pipeline.Charts;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.tracking.Provenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.model.Csv;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.prices.checks.DroppedRow;
import io.closecast.model.train.EpochStats;
import io.closecast.training.TrainingResult;
import io.closecast.training.bundle.BundleWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training run's artifacts: the model bundle ({@value #MODEL_PATH}, with the resolved config), the plots
 * ({@code plots/test_predictions.png}, {@code plots/loss.png}), the test predictions
 * ({@code predictions/test_predictions.csv}) and the rows the price checks dropped ({@code data/dropped_rows.csv}),
 * written under a working directory and uploaded to the run.
 */
public final class RunArtifacts {
    /** Where the model bundle goes in the run's artifacts (and what model versions point at). */
    public static final String MODEL_PATH = "model";

    private static final Logger LOG = LoggerFactory.getLogger(RunArtifacts.class);

    private final MlflowClient client;

    RunArtifacts(MlflowClient client) {
        this.client = client;
    }

    /** What a finished training leaves: its network, data, test evaluation and interval calibration. */
    record Finished(TrainConfig config, String configText, PriceSeries series, PreparedData data, TrainingResult result,
                    HeldOutEvaluation test, Optional<IntervalCalibration> intervals) {
    }

    /** Writes a finished run's artifacts under {@code work} and uploads them to run {@code runId}. */
    void write(String runId, Path work, Finished finished) throws IOException {
        TrainConfig config = finished.config();
        PreparedData data = finished.data();
        TrainingResult result = finished.result();
        Path model = Files.createDirectories(work.resolve(MODEL_PATH));
        PriceSeries clean = DatasetBuilder.clean(finished.series(), config.dataset()).cleaned()
                .between(LocalDate.MIN, data.test().lastInputDates().getLast());
        BundleWriter.Provenance provenance = new BundleWriter.Provenance(runId, config.data().symbol(),
                data.trainRange(), data.testRange(), data.dataset().sha256(), config.training().seed(),
                Provenance.closecast(), resolvedYaml(config, finished.configText()));
        if (finished.intervals().isPresent()) {
            BundleWriter.write(model, result, data.codec(), provenance, clean.bars(), finished.intervals().get());
        } else {
            BundleWriter.write(model, result, data.codec(), provenance, clean.bars());
        }
        Path plots = Files.createDirectories(work.resolve("plots"));
        writePlots(plots, finished.test(), result, data);
        Path predictions = Files.createDirectories(work.resolve("predictions"));
        writePredictions(predictions.resolve("test_predictions.csv"), finished.test());
        writeDropped(work.resolve("data"), data.dropped());
        client.artifacts().uploadDirectory(runId, model, MODEL_PATH);
        client.artifacts().uploadDirectory(runId, plots, "plots");
        client.artifacts().uploadDirectory(runId, predictions, "predictions");
        if (Files.isDirectory(work.resolve("data"))) {
            client.artifacts().uploadDirectory(runId, work.resolve("data"), "data");
        }
    }

    /**
     * A pruned or timed-out trial keeps its loss curve ({@code plots/loss.png}, as finished runs have), so MLflow's
     * run comparison finds the artifact every trial shares. Best effort: the run is KILLED either way.
     */
    void logLossCurve(String runId, List<EpochStats> epochs, Path workDir, String note) {
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

    private static void writePlots(Path dir, HeldOutEvaluation test, TrainingResult result, PreparedData data) {
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

    private static void writePredictions(Path file, HeldOutEvaluation test) throws IOException {
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
}
