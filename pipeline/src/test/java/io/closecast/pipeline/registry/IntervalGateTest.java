package io.closecast.pipeline.registry;

import io.closecast.model.evaluation.Backtest;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.prices.DateRange;
import io.closecast.model.risk.DailyBounds;
import io.closecast.model.risk.GarchFit;
import io.closecast.model.risk.GarchParameters;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.risk.SpecialFunctions;
import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.PromotionObjective;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate's interval objective on synthetic evaluations, no MLflow: prices a random walk with 1 % daily
 * volatility; a "calibrated" model's intervals are the true normal quantiles, GARCH's (given) 30 % too wide, an
 * "over-narrow" model's half the true width.
 */
class IntervalGateTest {
    private static final LocalDate FROM = LocalDate.of(2020, 1, 1);
    private static final int DAYS = 250;
    private static final double SIGMA = 0.01;
    private static final GarchFit FITTED = new GarchFit.Fitted(new GarchParameters(0, 1e-6, 0.05, 0.9, 8), 800, 1e-4,
            1000, 500);
    private static final Gate.Policy INTERVAL = Gate.Policy.DEFAULT.withObjective(PromotionObjective.INTERVAL);

    private static double[] prices() {
        SplittableRandom random = new SplittableRandom(11);
        double[] p = new double[DAYS + 1];
        p[0] = 100;
        for (int i = 1; i < p.length; i++) {
            p[i] = p[i - 1] * Math.exp(SIGMA * random.nextGaussian());
        }
        return p;
    }

    /** Intervals {@code last * exp(+/- z widthFactor sigma)} at 80 % and 95 %. */
    private static List<DailyBounds> bounds(String method, double widthFactor, double[] p) {
        List<DailyBounds> out = new ArrayList<>();
        for (double level : List.of(0.8, 0.95)) {
            double z = SpecialFunctions.normalQuantile((1 + level) / 2) * widthFactor * SIGMA;
            double[] lo = new double[DAYS];
            double[] hi = new double[DAYS];
            for (int i = 0; i < DAYS; i++) {
                lo[i] = p[i] * Math.exp(-z);
                hi[i] = p[i] * Math.exp(z);
            }
            out.add(new DailyBounds(method, level, lo, hi));
        }
        return out;
    }

    /**
     * A candidate whose point forecast goes {@code pointShare} of the way to the true next price (0.5: MASE 0.5,
     * passes the point rule; -0.5: MASE 1.5, fails it) and whose intervals are {@code widthFactor} times the truth.
     */
    private static Gate.Evaluation candidate(double pointShare, double widthFactor, GarchFit garch) {
        return candidate(pointShare, widthFactor, garch, 1.3);
    }

    private static Gate.Evaluation candidate(double pointShare, double widthFactor, GarchFit garch, double garchWidth) {
        double[] p = prices();
        List<LocalDate> dates = new ArrayList<>();
        double[] last = new double[DAYS];
        double[][] actual = new double[DAYS][];
        double[][] predicted = new double[DAYS][];
        double[] y = new double[DAYS];
        for (int i = 0; i < DAYS; i++) {
            dates.add(FROM.plusDays(i));
            last[i] = p[i];
            y[i] = p[i + 1];
            actual[i] = new double[] {p[i + 1]};
            predicted[i] = new double[] {p[i] + pointShare * (p[i + 1] - p[i])};
        }
        Backtest backtest = new Backtest(dates, last, actual, predicted, ForecastEvaluation.of(actual, predicted, last,
                ForecastEvaluation.Reference.fit(Arrays.copyOf(p, 2))));
        List<DailyBounds> all = new ArrayList<>(bounds(RiskEvaluation.MODEL, widthFactor, p));
        if (garch instanceof GarchFit.Fitted) {
            all.addAll(bounds(RiskEvaluation.GARCH, garchWidth, p));
        }
        return new Gate.Evaluation(backtest, "synthetic " + backtest.range() + " (" + DAYS + " days)",
                Optional.of(RiskEvaluation.of(garch, all, y)));
    }

    @Test
    void refusesAnOverNarrowModelThatPassesThePointRule() {
        Gate.Evaluation narrow = candidate(0.5, 0.5, FITTED);
        assertTrue(Gate.judge(Gate.Policy.DEFAULT, FROM, Optional.of(narrow), Optional.empty()).passed(),
                "the point rule promotes it (MASE " + narrow.step().mase() + ")");
        Gate.Judgement judgement = Gate.judge(INTERVAL, FROM, Optional.of(narrow), Optional.empty());
        assertFalse(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().startsWith("refused: the 80 % intervals fail the coverage tests at 0.05 (coverage "),
                judgement.reason());
        assertTrue(judgement.reason().contains("Kupiec p = 0.0000"), judgement.reason());
    }

    @Test
    void promotesACalibratedModelThatFailsThePointRule() {
        Gate.Evaluation calibrated = candidate(-0.5, 1.0, FITTED);
        Gate.Judgement point = Gate.judge(Gate.Policy.DEFAULT, FROM, Optional.of(calibrated), Optional.empty());
        assertFalse(point.passed(), point.reason());
        assertTrue(point.reason().startsWith("refused: MASE 1.5"), point.reason());
        Gate.Judgement judgement = Gate.judge(INTERVAL, FROM, Optional.of(calibrated), Optional.empty());
        assertTrue(judgement.passed(), judgement.reason());
        RiskEvaluation risk = calibrated.risk().orElseThrow();
        for (int l = 0; l < 2; l++) {
            var m = risk.of(RiskEvaluation.MODEL).get(l);
            var g = risk.of(RiskEvaluation.GARCH).get(l);
            assertTrue(m.intervalScore() < g.intervalScore());
            assertTrue(judgement.reason().contains(String.format(java.util.Locale.ROOT,
                    "Kupiec p = %.4f, Christoffersen cc p = %.4f, interval score %.4f vs GARCH(1,1) %.4f",
                    m.tests().kupiecP(), m.tests().conditionalCoverageP(), m.intervalScore(), g.intervalScore())),
                    judgement.reason());
        }
        assertTrue(judgement.reason().endsWith("no production version yet on " + calibrated.window()), judgement.reason());
    }

    @Test
    void refusesIntervalsNoBetterThanGarchs() {
        // calibrated, but GARCH's intervals are the same: an interval score equal to GARCH's is not below it
        Gate.Judgement judgement = Gate.judge(INTERVAL, FROM, Optional.of(candidate(0.5, 1.0, FITTED, 1.0)),
                Optional.empty());
        assertFalse(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().startsWith("refused: the 80 % intervals score no better than GARCH(1,1)'s"),
                judgement.reason());
    }

    @Test
    void withRequireSignificanceTheDifferenceMustBeSignificant() {
        Gate.Evaluation calibrated = candidate(-0.5, 1.0, FITTED);
        List<DieboldMariano.Result> dm = calibrated.risk().orElseThrow().againstGarch().get(RiskEvaluation.MODEL);
        Gate.Judgement judgement = Gate.judge(INTERVAL.withRequireSignificance(true), FROM, Optional.of(calibrated),
                Optional.empty());
        // here the 80 % difference is significant (p < 0.05) and the 95 % one is not (p = 0.052)
        assertTrue(dm.get(0).pBetter() < 0.05 && dm.get(1).pBetter() >= 0.05, dm.toString());
        assertFalse(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().startsWith("refused: the 95 % intervals are not significantly better than"
                + " GARCH(1,1)'s"), judgement.reason());
        assertTrue(Gate.judge(INTERVAL, FROM, Optional.of(calibrated), Optional.empty()).passed());
    }

    @Test
    void refusesWithoutGarchOrWithoutIntervals() {
        Gate.Judgement noGarch = Gate.judge(INTERVAL, FROM,
                Optional.of(candidate(-0.5, 1.0, new GarchFit.Failed("did not converge after 9 evaluations"))),
                Optional.empty());
        assertFalse(noGarch.passed());
        assertTrue(noGarch.reason().startsWith("refused: GARCH(1,1) could not be fitted to compare with (did not"
                + " converge after 9 evaluations)"), noGarch.reason());
        Gate.Evaluation plain = candidate(0.5, 1.0, FITTED);
        Gate.Judgement noIntervals = Gate.judge(INTERVAL, FROM,
                Optional.of(new Gate.Evaluation(plain.backtest(), plain.window())), Optional.empty());
        assertFalse(noIntervals.passed());
        assertTrue(noIntervals.reason().contains("no next-day intervals"), noIntervals.reason());
    }

    @Test
    void refusesIntervalsSignificantlyWorseThanProductions() {
        Gate.Comparison comparison = new Gate.Comparison(DateRange.create(FROM, FROM.plusDays(249)), 250, 0.9, 0.9,
                new DieboldMariano.Result(0, 1, 250), List.of(
                new Gate.IntervalComparison(0.8, 3.1, 2.9, new DieboldMariano.Result(0.5, 1, 250)),
                new Gate.IntervalComparison(0.95, 4.4, 3.9, new DieboldMariano.Result(2.5, 1, 250))));
        Gate.Judgement judgement = Gate.judge(INTERVAL, FROM, Optional.of(candidate(-0.5, 1.0, FITTED)),
                Optional.of(new Gate.Production(4, Optional.of(comparison))));
        assertFalse(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().startsWith("refused: intervals worse than production version 4's (95 % interval"
                + " score 4.4000 vs 3.9000"), judgement.reason());
    }

    @Test
    void tooFewDaysAreRefusedFirstAsUnderThePointObjective() {
        Gate.Policy strict = new Gate.Policy(1.0, 300, false, 0.05, PromotionObjective.INTERVAL);
        Gate.Judgement judgement = Gate.judge(strict, FROM, Optional.of(candidate(-0.5, 1.0, FITTED)), Optional.empty());
        assertTrue(judgement.reason().startsWith("refused: 250 out-of-sample days"), judgement.reason());
    }

    @Test
    void anUnknownObjectiveIsRefusedWithTheChoices() {
        assertEquals(PromotionObjective.INTERVAL, PromotionObjective.parse("interval", "--objective"));
        ConfigException e = assertThrows(ConfigException.class, () -> PromotionObjective.parse("risk", "--objective"));
        assertEquals("--objective must be one of point, interval, found 'risk'", e.getMessage());
    }
}
