package io.closecast.pipeline.registry;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.training.RunArtifacts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.model.evaluation.Backtest;
import io.closecast.model.prices.DateRange;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.ModelException;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.risk.RiskEvaluation;

/**
 * The promotion gate's evaluation: a version's bundle, downloaded from the registry and verified, forecasts every
 * trading day of the price file from a given day on (one step ahead, as served, each from the true history before
 * it), beside naive, drift and the majority sign on exactly those days. The file is {@code --data}, else
 * {@code <data dir>/<symbol>.csv}. Out of sample for a version is what its bundle says
 * ({@link ForecastModel#outOfSampleFrom()}); a version refit on all data ({@code refit: true}) is judged by the
 * held-out model of its run (artifact {@code model}), on that model's test period and every later day.
 */
public final class RegistryEvaluator implements Promotion.Evaluator {
    private final MlflowClient client;
    private final Path dataDir;
    private final Optional<Path> dataFile;
    private final Path cacheDir;
    private final Map<String, ForecastModel> loaded = new HashMap<>();

    public RegistryEvaluator(MlflowClient client, Path dataDir, Optional<Path> dataFile, Path cacheDir) {
        this.client = client;
        this.dataDir = dataDir;
        this.dataFile = dataFile;
        this.cacheDir = cacheDir;
    }

    @Override
    public LocalDate outOfSampleFrom(ModelVersion version) {
        return model(version).outOfSampleFrom();
    }

    @Override
    public Optional<Gate.Evaluation> evaluate(ModelVersion version, LocalDate from) {
        ForecastModel model = model(version);
        String symbol = model.mlmodel().setting("symbol");
        Path file = dataFile.orElse(dataDir.resolve(symbol + ".csv"));
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("the gate evaluates on " + file + ", which does not exist (version "
                    + version.version() + " was trained on " + symbol + ")");
        }
        PriceSeries series = OutOfTime.read(file);
        if (series.isEmpty() || series.lastDate().isBefore(from)) {
            return Optional.empty();
        }
        Backtest backtest;
        try {
            backtest = OutOfTime.run(model, series, DateRange.create(from, series.lastDate()), 1,
                    OutOfTime.baselines(model, series, from));
        } catch (ModelException e) {
            if (e.getMessage().contains("expected at least 3")) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new Gate.Evaluation(backtest, symbol + " " + backtest.range() + " ("
                + backtest.days() + " days)", risk(model, series, backtest)));
    }

    /**
     * The next-day intervals beside GARCH(1,1), EWMA and the constant baseline (what the interval objective judges);
     * empty when they cannot be evaluated, which only the interval objective minds.
     */
    private static Optional<RiskEvaluation> risk(ForecastModel model, PriceSeries series, Backtest backtest) {
        try {
            return Optional.of(OutOfTimeRisk.evaluate(model, series, backtest));
        } catch (ModelException | PipelineException e) {
            return Optional.empty();
        }
    }

    private ForecastModel model(ModelVersion version) {
        return loaded.computeIfAbsent(version.name() + "/" + version.version(), key -> {
            Path dir = cacheDir.resolve(version.name() + "-v" + version.version());
            try {
                WorkDirs.delete(dir);
            } catch (java.io.IOException e) {
                throw new PipelineException("cannot clear " + dir + ": " + e.getMessage(), e);
            }
            ForecastModel registered = LoadedModel.load(client, "models:/" + key, dir.resolve("version")).model();
            Object refit = registered.mlmodel().flavor().getOrDefault("refit", false);
            if (!Boolean.parseBoolean(String.valueOf(refit))) {
                return registered;
            }
            // a refit version is judged by the held-out model it was selected as: out of sample from its test period
            String heldOut = String.valueOf(registered.mlmodel().flavor().getOrDefault("heldout_model", RunArtifacts.MODEL_PATH));
            return LoadedModel.load(client, "runs:/" + registered.mlmodel().runId() + "/" + heldOut,
                    dir.resolve("heldout")).model();
        });
    }
}
