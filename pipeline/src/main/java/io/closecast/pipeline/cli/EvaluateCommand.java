package io.closecast.pipeline.cli;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.Charts;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.registry.LoadedModel;
import io.closecast.pipeline.registry.OutOfTime;
import io.closecast.pipeline.registry.OutOfTimeRisk;
import io.closecast.pipeline.tracking.MlflowConnection;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.evaluation.Backtest;
import io.closecast.model.Csv;
import io.closecast.model.prices.DateRange;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.bundle.ModelBundle;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.intervals.AdaptiveConformal;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.risk.IntervalBacktest;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.risk.RiskTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code closecast evaluate MODEL}: rolling-origin forecasts of a model on a range of a price file, beside naive,
 * drift and the majority sign, logged as an MLflow run of its own. Moves no alias and no stage.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a model out of time: forecast every day of the range from the true history before it,",
                "beside naive (last close), drift and the training data's majority sign; per horizon step MAE, RMSE,",
                "MAPE (%), R² beside naive's R² (near 1 for anything that follows the price), MASE vs naive, direction vs majority sign and up-share, Diebold-Mariano (HLN) p-values vs",
                "naive for absolute and squared errors; next-day intervals (the model's, GARCH(1,1)-t's, RiskMetrics",
                "EWMA's and the constant baseline's): coverage, interval score, pinball, Kupiec and Christoffersen",
                "p-values, Diebold-Mariano vs GARCH. Logged as an MLflow run (forecasts CSV and plots) whose id",
                "and headline numbers go into the version's tags. A range before the model's test period (its",
                "training or validation data) is refused unless --allow-in-sample."})
public final class EvaluateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH.")
    String uri;

    @Option(names = "--data", paramLabel = "FILE", description = "Price CSV (default: data/<model's symbol>.csv).")
    Path data;

    @Option(names = "--from", paramLabel = "DATE", description = "First target day (default: the model's first out-of-sample day).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "DATE", description = "Last target day (default: the file's last day).")
    LocalDate to;

    @Option(names = "--horizon", defaultValue = "1", description = "Steps forecast from each origin (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--allow-in-sample", description = "Evaluate on days the model was trained or validated on (tagged so).")
    boolean allowInSample;

    @Option(names = "--experiment", description = "MLflow experiment of the evaluation run (default: the model run's).")
    String experiment;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--adaptive-gamma", paramLabel = "G", description = {"Also replay adaptive conformal inference of step"
            + " size G (in (0, 0.5], e.g. 0.005) over the model's intervals, from the nominal levels on the first day:",
            "reported as method 'aci' beside the model's own (metrics aci_eval_*)."})
    Double adaptiveGamma;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The evaluation's outcome: the run, the days, the statistics. */
    record Outcome(String runId, LoadedModel source, Path dataFile, DateRange range, boolean inSample,
                   LocalDate outOfSampleFrom, String baselinesFittedOn, Backtest backtest, RiskEvaluation risk,
                   OptionalDouble adaptiveGamma) {
        ForecastEvaluation evaluation() {
            return backtest.evaluation();
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (horizon < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--horizon must be >= 1, found " + horizon);
        }
        if (adaptiveGamma != null && !(adaptiveGamma > 0 && adaptiveGamma <= AdaptiveConformal.MAX_GAMMA)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--adaptive-gamma must be in (0, "
                    + AdaptiveConformal.MAX_GAMMA + "] (e.g. 0.005), found " + adaptiveGamma);
        }
        Path work = Files.createTempDirectory("closecast-evaluate");
        try (MlflowClient client = MlflowConnection.connect()) {
            Outcome outcome = evaluate(client, new Request(uri, Optional.ofNullable(data),
                    Optional.ofNullable(from), Optional.ofNullable(to), horizon, allowInSample,
                    Optional.ofNullable(experiment), adaptiveGamma == null ? OptionalDouble.empty()
                    : OptionalDouble.of(adaptiveGamma)), work);
            print(out, outcome, json);
            return 0;
        } finally {
            WorkDirs.delete(work);
        }
    }

    /** What to evaluate; empty parts take the defaults the options describe. */
    record Request(String uri, Optional<Path> data, Optional<LocalDate> from,
                   Optional<LocalDate> to, int horizon, boolean allowInSample,
                   Optional<String> experiment, OptionalDouble adaptiveGamma) {
    }

    static Outcome evaluate(MlflowClient client, Request request, Path work) throws IOException {
        LoadedModel source = LoadedModel.load(client, request.uri(), work.resolve("model"));
        ForecastModel model = source.model();
        String symbol = model.mlmodel().setting("symbol");
        Path file = request.data().orElse(Path.of("data", symbol + ".csv"));
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("--data " + file + " does not exist (the model was trained on " + symbol + ")");
        }
        PriceSeries series = OutOfTime.read(file);
        if (series.isEmpty()) {
            throw new PipelineException(file + " holds no price rows");
        }
        LocalDate oos = model.outOfSampleFrom();
        boolean sameSymbol = OutOfTime.sameSymbol(model, series);
        LocalDate start = request.from().orElse(sameSymbol ? oos : series.firstDate());
        LocalDate end = request.to().orElse(series.lastDate());
        if (end.isBefore(start)) {
            throw new PipelineException("--to " + end + " is before --from " + start);
        }
        boolean inSample = sameSymbol && start.isBefore(oos);
        if (inSample && !request.allowInSample()) {
            throw new PipelineException("the range " + start + ".." + end + " overlaps the training or validation data of "
                    + source.label() + " (trained on " + symbol + " up to " + oos.minusDays(1) + "; out of sample from "
                    + oos + "): evaluate from " + oos + ", or pass --allow-in-sample to score it anyway (tagged in_sample=true)");
        }
        OutOfTime.Baselines baselines = OutOfTime.baselines(model, series, start);
        Backtest backtest = OutOfTime.run(model, series, DateRange.create(start, end), request.horizon(), baselines);
        RiskEvaluation risk = OutOfTimeRisk.evaluate(model, series, backtest, request.adaptiveGamma());

        String experimentId = request.experiment().map(name -> client.getOrCreateExperiment(name).id())
                .orElseGet(() -> experimentOf(client, source.runId()));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.RUN_TYPE, "evaluation");
        tags.put(ClosecastTags.EVAL_PREFIX + "model_uri", request.uri());
        tags.put(ClosecastTags.EVAL_PREFIX + "source_run_id", source.runId());
        source.version().ifPresent(v -> {
            tags.put(ClosecastTags.EVAL_PREFIX + "model_name", v.name());
            tags.put(ClosecastTags.EVAL_PREFIX + "model_version", Integer.toString(v.version()));
        });
        tags.put(ClosecastTags.EVAL_PREFIX + "range", backtest.range().toString());
        tags.put(ClosecastTags.EVAL_PREFIX + "days", Integer.toString(backtest.days()));
        tags.put(ClosecastTags.EVAL_PREFIX + "in_sample", Boolean.toString(inSample));
        tags.put(ClosecastTags.EVAL_PREFIX + "out_of_sample_from", oos.toString());
        tags.put(ClosecastTags.EVAL_PREFIX + "data_file", file.toString());
        tags.put(ClosecastTags.EVAL_PREFIX + "data_sha256", ModelBundle.sha256(file));
        tags.put(ClosecastTags.EVAL_PREFIX + "baselines_fitted_on", baselines.fittedOn());
        tags.put("mlflow.source.name", "closecast evaluate");
        RunSpec.Builder spec = RunSpec.builder(experimentId, "evaluate " + source.label() + " " + backtest.range());
        tags.forEach(spec::tag);
        Run run = client.createRun(spec.build());
        String runId = run.info().runId();
        try {
            Map<String, String> params = new LinkedHashMap<>(Map.of("model_uri", request.uri(), "data", file.toString(),
                    "from", start.toString(), "to", end.toString(), "horizon", Integer.toString(request.horizon()),
                    "allow_in_sample", Boolean.toString(request.allowInSample())));
            request.adaptiveGamma().ifPresent(g -> params.put("adaptive_gamma", Double.toString(g)));
            client.logParams(runId, params);
            List<Metric> metrics = new ArrayList<>();
            backtest.evaluation().metrics("eval_").forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    metrics.add(Metric.create(k, v));
                }
            });
            risk.metrics("eval").forEach((k, v) -> metrics.add(Metric.create(k, v)));
            client.logMetrics(runId, metrics);
            Path artifacts = Files.createDirectories(work.resolve("evaluation"));
            writeForecasts(artifacts.resolve("forecasts.csv"), backtest, baselines.reference());
            writePlots(artifacts, backtest, source.label());
            writeIntervals(artifacts.resolve("intervals.csv"), backtest, risk);
            client.artifacts().uploadDirectory(runId, artifacts, "evaluation");
            client.setTerminated(runId, RunStatus.FINISHED);
        } catch (RuntimeException e) {
            client.setTerminated(runId, RunStatus.FAILED);
            throw e;
        }
        source.version().ifPresent(v -> tagVersion(client, v, runId, backtest, inSample, risk));
        return new Outcome(runId, source, file, backtest.range(), inSample, oos, baselines.fittedOn(), backtest, risk,
                request.adaptiveGamma());
    }

    private static String experimentOf(MlflowClient client, String runId) {
        try {
            return client.getRun(runId).info().experimentId();
        } catch (MlflowException e) {
            return client.getOrCreateExperiment("closecast-evaluations").id();
        }
    }

    private static void tagVersion(MlflowClient client, ModelVersion v, String runId, Backtest backtest, boolean inSample,
                                   RiskEvaluation risk) {
        ForecastEvaluation.Step s = backtest.evaluation().first();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.EVAL_PREFIX + "run_id", runId);
        tags.put(ClosecastTags.EVAL_PREFIX + "at", Instant.now().toString());
        tags.put(ClosecastTags.EVAL_PREFIX + "range", backtest.range().toString());
        tags.put(ClosecastTags.EVAL_PREFIX + "days", Integer.toString(backtest.days()));
        tags.put(ClosecastTags.EVAL_PREFIX + "in_sample", Boolean.toString(inSample));
        tags.put(ClosecastTags.EVAL_PREFIX + "mase", format(s.mase()));
        tags.put(ClosecastTags.EVAL_PREFIX + "mae", format(s.mae()));
        tags.put(ClosecastTags.EVAL_PREFIX + "naive_mae", format(s.naiveMae()));
        tags.put(ClosecastTags.EVAL_PREFIX + "dm_abs_p_better", format(s.dmAbsolute().pBetter()));
        tags.put(ClosecastTags.EVAL_PREFIX + "dm_sq_p_better", format(s.dmSquared().pBetter()));
        tags.put(ClosecastTags.EVAL_PREFIX + "directional_accuracy", format(s.directionalAccuracy()));
        tags.put(ClosecastTags.EVAL_PREFIX + "majority_sign_accuracy", format(s.majoritySignAccuracy()));
        Map<String, Double> riskMetrics = risk.metrics("eval");
        riskMetrics.forEach((k, val) -> {
            if (k.startsWith("eval_coverage_") || k.startsWith("eval_interval_score_") || k.startsWith("eval_kupiec_p_")
                    || k.startsWith("eval_christoffersen_cc_p_") || k.startsWith("garch_eval_interval_score_")
                    || k.startsWith("eval_dm_garch_interval_score_") && k.endsWith("_p_two_sided")) {
                tags.put(ClosecastTags.EVAL_PREFIX + k.replaceFirst("^eval_", ""), format(val));
            }
        });
        tags.forEach((k, val) -> client.registry().setModelVersionTag(v.name(), v.version(), k, val));
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }

    private static void writeForecasts(Path file, Backtest b, ForecastEvaluation.Reference reference) throws IOException {
        int horizon = b.actual()[0].length;
        List<Object> header = new ArrayList<>(List.of("date", "last_close"));
        for (int h = 1; h <= horizon; h++) {
            header.addAll(List.of("actual_h" + h, "forecast_h" + h, "naive_h" + h, "drift_h" + h, "error_h" + h));
        }
        Csv csv = new Csv().row(header);
        for (int i = 0; i < b.days(); i++) {
            List<Object> row = new ArrayList<>(List.of(b.dates().get(i), b.last()[i]));
            for (int h = 0; h < horizon; h++) {
                row.add(b.actual()[i][h]);
                row.add(String.format(Locale.ROOT, "%.6f", b.predicted()[i][h]));
                row.add(b.last()[i]);
                row.add(String.format(Locale.ROOT, "%.6f", b.last()[i] + (h + 1) * reference.drift()));
                row.add(String.format(Locale.ROOT, "%.6f", b.predicted()[i][h] - b.actual()[i][h]));
            }
            csv.row(row);
        }
        Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
    }

    /** Every method's next-day bounds per level beside the actual close: {@code garch_lower_80}, ... */
    private static void writeIntervals(Path file, Backtest b, RiskEvaluation risk) throws IOException {
        List<Object> header = new ArrayList<>(List.of("date", "last_close", "actual"));
        List<IntervalBacktest> all = risk.methods().values().stream().flatMap(List::stream).toList();
        for (IntervalBacktest t : all) {
            String level = IntervalSpec.levelName(t.level());
            header.add(t.method() + "_lower_" + level);
            header.add(t.method() + "_upper_" + level);
        }
        Csv csv = new Csv().row(header);
        for (int i = 0; i < b.days(); i++) {
            List<Object> row = new ArrayList<>(List.of(b.dates().get(i), b.last()[i], b.actual()[i][0]));
            for (IntervalBacktest t : all) {
                row.add(String.format(Locale.ROOT, "%.6f", t.bounds().lower()[i]));
                row.add(String.format(Locale.ROOT, "%.6f", t.bounds().upper()[i]));
            }
            csv.row(row);
        }
        Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
    }

    private static void writePlots(Path dir, Backtest b, String label) {
        int n = b.days();
        double[] actual = new double[n];
        double[] predicted = new double[n];
        double[] naive = new double[n];
        double[] modelError = new double[n];
        double[] naiveError = new double[n];
        for (int i = 0; i < n; i++) {
            actual[i] = b.actual()[i][0];
            predicted[i] = b.predicted()[i][0];
            naive[i] = b.last()[i];
            modelError[i] = predicted[i] - actual[i];
            naiveError[i] = naive[i] - actual[i];
        }
        List<String> dates = b.dates().stream().map(LocalDate::toString).toList();
        ForecastEvaluation.Step s = b.evaluation().first();
        Charts.lines(dir.resolve("forecast.png"), String.format(Locale.ROOT,
                        "%s, %s: next-day forecast (MASE %.3f vs naive, DM p %.3f)", label, b.range(), s.mase(),
                        s.dmAbsolute().pBetter()), "price",
                List.of(Charts.Series.of("actual", actual), Charts.Series.of("model", predicted),
                        Charts.Series.of("naive (last close)", naive)), dates);
        Charts.lines(dir.resolve("errors.png"), "Forecast errors (forecast - actual), next day", "price",
                List.of(Charts.Series.of("model", modelError), Charts.Series.of("naive", naiveError)), dates);
    }

    static void print(PrintWriter out, Outcome o, boolean json) {
        if (json) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("run_id", o.runId());
            map.put("model", o.source().uri());
            o.source().version().ifPresent(v -> {
                map.put("name", v.name());
                map.put("version", v.version());
            });
            map.put("data", o.dataFile().toString());
            map.put("range", o.range().toString());
            map.put("days", o.backtest().days());
            map.put("in_sample", o.inSample());
            map.put("out_of_sample_from", o.outOfSampleFrom().toString());
            map.put("baselines_fitted_on", o.baselinesFittedOn());
            List<Map<String, Double>> steps = new ArrayList<>();
            o.evaluation().steps().forEach(s -> steps.add(s.metrics()));
            map.put("steps", steps);
            map.put("intervals", o.risk().summary());
            map.put("adaptive_gamma", o.adaptiveGamma().isPresent() ? o.adaptiveGamma().getAsDouble() : null);
            CommandSupport.printJson(out, map);
            return;
        }
        out.printf(Locale.ROOT, "%s on %s %s: %d days%s (MLflow run %s)%n", o.source().label(), o.dataFile(), o.range(),
                o.backtest().days(), o.inSample() ? ", IN SAMPLE (overlaps training/validation)" : ", out of sample",
                o.runId());
        out.printf(Locale.ROOT, "%4s %10s %10s %8s %7s %8s %7s %7s %9s %9s %8s %8s %9s %9s%n", "step", "MAE", "naive MAE",
                "MAPE %", "R²", "naive R²", "MASE", "drift", "DM abs p", "DM sq p", "dir acc", "majority", "up share", "fc up");
        for (ForecastEvaluation.Step s : o.evaluation().steps()) {
            out.printf(Locale.ROOT, "%4d %10.4f %10.4f %8.3f %7.4f %8.4f %7.4f %7.4f %9.4f %9.4f %8.3f %8.3f %9.3f %9.3f%n",
                    s.step(), s.mae(), s.naiveMae(), s.mape(), s.r2(), s.naiveR2(), s.mase(), s.driftMase(), s.dmAbsolute().pBetter(),
                    s.dmSquared().pBetter(), s.directionalAccuracy(), s.majoritySignAccuracy(), s.upShare(),
                    s.forecastUpShare());
        }
        out.println("R² is near 1 for any forecast that follows the price, naive's too: only its gap to naive's R² counts.");
        out.println("MASE below 1 beats naive; DM p: one-sided p-value of \"more accurate than naive\" (HLN-corrected);"
                + " direction is worth something only above the majority-sign column.");
        RiskTable.lines(o.risk()).forEach(out::println);
        o.adaptiveGamma().ifPresent(g -> out.printf(Locale.ROOT, "aci: the model's intervals with adaptive conformal"
                + " inference (gamma %s), replayed from the nominal levels on the first day%n", g));
        out.flush();
    }
}
