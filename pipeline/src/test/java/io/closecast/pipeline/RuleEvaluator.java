package io.closecast.pipeline;

import java.util.SplittableRandom;

import io.closecast.model.ForecastMetrics;

/**
 * The promotion ITs' evaluator: registered versions stand for models by their forecast rule (version tag
 * {@code it.rule}), scored for real on a seeded random walk of 120 days beside the naive forecast. "good" moves
 * halfway to the true next price, "bad" forecasts 3% above the last price.
 */
final class RuleEvaluator {
    private RuleEvaluator() {
    }

    static Promotion.Evaluator onRandomWalk(long seed, double start, double volatility) {
        return version -> {
            double[] prices = new double[121];
            SplittableRandom random = new SplittableRandom(seed);
            prices[0] = start;
            for (int i = 1; i < prices.length; i++) {
                prices[i] = prices[i - 1] * (1 + volatility * random.nextGaussian());
            }
            double[][] actual = new double[120][1];
            double[][] predicted = new double[120][1];
            double[] last = new double[120];
            String rule = version.tag("it.rule").orElseThrow();
            for (int i = 0; i < 120; i++) {
                last[i] = prices[i];
                actual[i][0] = prices[i + 1];
                predicted[i][0] = rule.equals("good") ? prices[i] + 0.5 * (prices[i + 1] - prices[i]) : prices[i] * 1.03;
            }
            return new Promotion.Evaluation(ForecastMetrics.of(actual, predicted, last), ForecastMetrics.naive(actual, last),
                    "synthetic days 1..120");
        };
    }
}
