package io.closecast.pipeline;

import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.registry.Promotion;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.model.evaluation.Backtest;
import io.closecast.model.evaluation.ForecastEvaluation;

/**
 * The promotion ITs' evaluator: registered versions stand for models by their forecast rule (version tag
 * {@code it.rule}), scored for real on a seeded random walk of {@value #DAYS} days (dated from {@link #START}, one a
 * calendar day) beside the naive forecast. "good" moves halfway to the true next price, "quarter" a quarter of the
 * way, "noisy" halfway plus noise of 0.8 daily volatilities (barely better than naive), "bad" forecasts 3% above the last price. Tag {@code it.oos} (a day number) is where the version's
 * out-of-sample days start (default 0).
 */
final class RuleEvaluator implements Promotion.Evaluator {
    static final int DAYS = 200;
    /**
     * The servability check for these versions: they stand for models by a rule and hold no real bundle, so they pass
     * it by construction (PromotionIT's servability test runs the real check on real bundles).
     */
    static final Promotion.Servable SYNTHETIC = v -> new io.closecast.model.bundle.Servability.Report(true,
            "servable: a rule version (it.rule), not checked", java.time.Duration.ZERO, 0);
    static final LocalDate START = LocalDate.of(2020, 1, 1);

    private final double[] prices = new double[DAYS + 1];
    private final double[] noise = new double[DAYS];
    private final double volatility;

    private RuleEvaluator(long seed, double start, double volatility) {
        this.volatility = volatility;
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom noiseRandom = new SplittableRandom(seed + 1);
        for (int i = 0; i < DAYS; i++) {
            noise[i] = noiseRandom.nextGaussian();
        }
        prices[0] = start;
        for (int i = 1; i < prices.length; i++) {
            prices[i] = prices[i - 1] * (1 + volatility * random.nextGaussian());
        }
    }

    static RuleEvaluator onRandomWalk(long seed, double start, double volatility) {
        return new RuleEvaluator(seed, start, volatility);
    }

    @Override
    public LocalDate outOfSampleFrom(ModelVersion version) {
        return START.plusDays(Integer.parseInt(version.tag("it.oos").orElse("0")));
    }

    @Override
    public Optional<Gate.Evaluation> evaluate(ModelVersion version, LocalDate from) {
        String rule = version.tag("it.rule").orElseThrow();
        List<LocalDate> dates = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < DAYS; i++) {
            LocalDate date = START.plusDays(i);
            if (date.isBefore(from)) {
                continue;
            }
            double last = prices[i];
            double actual = prices[i + 1];
            double predicted = switch (rule) {
                case "good" -> last + 0.5 * (actual - last);
                case "quarter" -> last + 0.25 * (actual - last);
                case "noisy" -> last + 0.5 * (actual - last) + 0.8 * volatility * last * noise[i];
                default -> last * 1.03;
            };
            dates.add(date);
            rows.add(new double[]{last, actual, predicted});
        }
        if (rows.size() < 3) {
            return Optional.empty();
        }
        double[] last = rows.stream().mapToDouble(r -> r[0]).toArray();
        double[][] actual = rows.stream().map(r -> new double[]{r[1]}).toArray(double[][]::new);
        double[][] predicted = rows.stream().map(r -> new double[]{r[2]}).toArray(double[][]::new);
        ForecastEvaluation evaluation = ForecastEvaluation.of(actual, predicted, last,
                ForecastEvaluation.Reference.fit(Arrays.copyOf(prices, 2)));
        Backtest backtest = new Backtest(dates, last, actual, predicted, evaluation);
        return Optional.of(new Gate.Evaluation(backtest, "synthetic " + backtest.range() + " (" + dates.size()
                + " days)"));
    }
}
