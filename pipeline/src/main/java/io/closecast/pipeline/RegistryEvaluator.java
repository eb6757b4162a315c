package io.closecast.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.ModelVersion;
import io.closecast.model.DateRange;
import io.closecast.model.ForecastMetrics;
import io.closecast.model.ForecastModel;
import io.closecast.model.PriceColumn;
import io.closecast.model.PriceCsv;
import io.closecast.model.PriceSeries;

/**
 * The promotion gate's evaluation: a version's bundle, downloaded from the registry and verified, forecasts
 * each of the last {@code days} trading days of the symbol's price file from the days before it (one step
 * ahead, as served), and is scored beside the naive forecast on exactly those days.
 */
public final class RegistryEvaluator implements Promotion.Evaluator {
    private final MlflowClient client;
    private final Path dataDir;
    private final int days;
    private final Path cacheDir;

    public RegistryEvaluator(MlflowClient client, Path dataDir, int days, Path cacheDir) {
        if (days < 5) {
            throw new PipelineException("the gate window must hold at least 5 days, found " + days);
        }
        this.client = client;
        this.dataDir = dataDir;
        this.days = days;
        this.cacheDir = cacheDir;
    }

    @Override
    public Promotion.Evaluation evaluate(ModelVersion version) {
        Path dir = cacheDir.resolve(version.name() + "-v" + version.version());
        try {
            WorkDirs.delete(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PipelineException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        client.downloadModelVersion(version, dir);
        ForecastModel model = ForecastModel.load(dir);
        String symbol = model.mlmodel().setting("symbol");
        Path file = dataDir.resolve(symbol + ".csv");
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("the gate evaluates on " + file + ", which does not exist (version "
                    + version.version() + " was trained on " + symbol + ")");
        }
        PriceSeries series = PriceCsv.read(file);
        PriceColumn column = model.codec().target().column();
        double[] prices = series.column(column);
        int need = model.requiredHistory();
        if (prices.length < need + days) {
            throw new PipelineException(file + " has " + prices.length + " rows; the gate needs " + (need + days));
        }
        double[][] actual = new double[days][1];
        double[][] predicted = new double[days][];
        double[] last = new double[days];
        int first = prices.length - days;
        for (int i = 0; i < days; i++) {
            int t = first + i;
            double[] history = Arrays.copyOfRange(prices, t - need, t);
            predicted[i] = model.forecast(history, 1);
            actual[i][0] = prices[t];
            last[i] = prices[t - 1];
        }
        List<java.time.LocalDate> dates = series.bars().stream().map(b -> b.date()).toList();
        DateRange window = DateRange.create(dates.get(first), dates.getLast());
        return new Promotion.Evaluation(ForecastMetrics.of(actual, predicted, last), ForecastMetrics.naive(actual, last),
                symbol + " " + window + " (" + days + " days)");
    }
}
