package io.closecast.pipeline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.closecast.pipeline.PipelineException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

import io.closecast.model.evaluation.Backtest;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.prices.DateRange;
import org.junit.jupiter.api.Test;

/** Every rule of the promotion gate, and its accept path, on synthetic evaluations: no MLflow. */
class GateTest {
    private static final LocalDate FROM = LocalDate.of(2020, 1, 1);
    private static final Gate.Policy POLICY = Gate.Policy.DEFAULT;

    /** A forecast rule: the prediction from the last price and the true next one, on day {@code i}. */
    private interface Rule {
        double predict(int i, double last, double actual);
    }

    /** Halfway to the true next price: MASE 0.5, clearly better than naive. */
    private static final Rule GOOD = (i, last, actual) -> last + 0.5 * (actual - last);
    /** 3 % above the last price: far worse than naive. */
    private static final Rule BAD = (i, last, actual) -> last * 1.03;
    /** A quarter of the way on even days, a fifth the wrong way on odd days: MASE just below 1, not significant. */
    private static final Rule MIXED = (i, last, actual) -> last + (i % 2 == 0 ? 0.25 : -0.22) * (actual - last);

    /** {@code days} next-day forecasts by {@code rule} on a seeded random walk, from {@link #FROM}, one a day. */
    private static Gate.Evaluation evaluation(int days, Rule rule) {
        SplittableRandom random = new SplittableRandom(7);
        double[] prices = new double[days + 1];
        prices[0] = 100;
        for (int i = 1; i < prices.length; i++) {
            prices[i] = prices[i - 1] * (1 + 0.01 * random.nextGaussian());
        }
        List<LocalDate> dates = new ArrayList<>();
        double[] last = new double[days];
        double[][] actual = new double[days][];
        double[][] predicted = new double[days][];
        for (int i = 0; i < days; i++) {
            dates.add(FROM.plusDays(i));
            last[i] = prices[i];
            actual[i] = new double[]{prices[i + 1]};
            predicted[i] = new double[]{rule.predict(i, prices[i], prices[i + 1])};
        }
        ForecastEvaluation stats = ForecastEvaluation.of(actual, predicted, last,
                ForecastEvaluation.Reference.fit(Arrays.copyOf(prices, 2)));
        Backtest backtest = new Backtest(dates, last, actual, predicted, stats);
        return new Gate.Evaluation(backtest, "synthetic " + backtest.range() + " (" + days + " days)");
    }

    /** A comparison with production whose Diebold-Mariano statistic is {@code statistic} on 130 days. */
    private static Gate.Production production(int version, double statistic) {
        return new Gate.Production(version, Optional.of(new Gate.Comparison(
                DateRange.create(FROM, FROM.plusDays(129)), 130, 0.5, 0.45, new DieboldMariano.Result(statistic, 1, 130))));
    }

    @Test
    void refusesTooFewOutOfSampleDays() {
        Gate.Evaluation candidate = evaluation(POLICY.minDays() - 1, GOOD);
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(candidate), Optional.empty());
        assertFalse(judgement.passed());
        assertEquals("refused: 119 out-of-sample days (" + candidate.window() + "), the gate needs at least 120;"
                + " the version's out-of-sample days start 2020-01-01 (--days lowers the minimum, --data adds days)",
                judgement.reason());
    }

    @Test
    void refusesACandidateWithNoForecastableDay() {
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.empty(), Optional.of(production(3, 0)));
        assertFalse(judgement.passed());
        assertEquals("refused: 0 out-of-sample days (no forecastable days on or after 2020-01-01), the gate needs at"
                + " least 120; the version's out-of-sample days start 2020-01-01 (--days lowers the minimum, --data"
                + " adds days)", judgement.reason());
    }

    @Test
    void enoughDaysIsTheMinimumOrMore() {
        assertTrue(Gate.enoughDays(POLICY, Optional.of(evaluation(120, GOOD))));
        assertFalse(Gate.enoughDays(POLICY, Optional.of(evaluation(119, GOOD))));
        assertFalse(Gate.enoughDays(POLICY, Optional.empty()));
    }

    @Test
    void refusesMaseNotBelowTheMaximum() {
        Gate.Evaluation candidate = evaluation(150, BAD);
        ForecastEvaluation.Step step = candidate.step();
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(candidate), Optional.empty());
        assertFalse(judgement.passed());
        assertEquals(String.format(Locale.ROOT, "refused: MASE %.4f is not below 1.0000 (MAE %.4f vs naive %.4f on %s)",
                step.mase(), step.mae(), step.naiveMae(), candidate.window()), judgement.reason());
    }

    @Test
    void refusesMaseEqualToTheMaximum() {
        Gate.Evaluation candidate = evaluation(150, GOOD);
        Gate.Policy atMase = new Gate.Policy(candidate.step().mase(), 120, false, 0.05);
        Gate.Judgement judgement = Gate.judge(atMase, FROM, Optional.of(candidate), Optional.empty());
        assertFalse(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().startsWith("refused: MASE "), judgement.reason());
    }

    @Test
    void refusesWithoutSignificanceWhenSignificanceIsRequired() {
        Gate.Evaluation candidate = evaluation(150, MIXED);
        ForecastEvaluation.Step step = candidate.step();
        assertTrue(step.mase() < 1 && step.dmAbsolute().pBetter() >= 0.05,
                "the fixture is below naive but not significantly: MASE " + step.mase() + ", p " + step.dmAbsolute().pBetter());
        Gate.Judgement strict = Gate.judge(POLICY.withRequireSignificance(true), FROM, Optional.of(candidate),
                Optional.empty());
        assertFalse(strict.passed());
        assertEquals(String.format(Locale.ROOT, "refused: MASE %.4f but not significantly better than naive"
                + " (Diebold-Mariano p = %.4f, needs < 0.05 with --require-significance) on %s", step.mase(),
                step.dmAbsolute().pBetter(), candidate.window()), strict.reason());
        assertTrue(Gate.judge(POLICY, FROM, Optional.of(candidate), Optional.empty()).passed(),
                "without --require-significance the same candidate passes");
    }

    @Test
    void passesWithSignificanceWhenItIsRequiredAndFound() {
        Gate.Evaluation candidate = evaluation(150, GOOD);
        Gate.Judgement judgement = Gate.judge(POLICY.withRequireSignificance(true), FROM, Optional.of(candidate),
                Optional.empty());
        assertTrue(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().contains("vs naive, required < 0.05)"), judgement.reason());
    }

    @Test
    void refusesACandidateWorseThanProductionByDieboldMariano() {
        Gate.Evaluation candidate = evaluation(150, GOOD);
        Gate.Production production = production(3, 3.0);
        Gate.Comparison c = production.comparison().orElseThrow();
        assertTrue(c.dm().pWorse() < 0.05);
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(candidate), Optional.of(production));
        assertFalse(judgement.passed());
        assertEquals(String.format(Locale.ROOT, "refused: worse than production version 3 by the Diebold-Mariano test"
                + " (p = %.4f < 0.05; MASE 0.5000 vs 0.4500 on %s, 130 days)", c.dm().pWorse(), c.range()),
                judgement.reason());
    }

    @Test
    void passesACandidateNotSignificantlyWorseThanProduction() {
        Gate.Evaluation candidate = evaluation(150, GOOD);
        ForecastEvaluation.Step step = candidate.step();
        Gate.Production production = production(3, 1.0);
        Gate.Comparison c = production.comparison().orElseThrow();
        assertTrue(c.dm().pWorse() >= 0.05);
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(candidate), Optional.of(production));
        assertTrue(judgement.passed(), judgement.reason());
        assertEquals(String.format(Locale.ROOT, "passed: MASE %.4f below 1.0000 (Diebold-Mariano p = %.4f vs naive,"
                + " not required), not worse than production version 3 (MASE 0.5000 vs 0.4500 on %s, Diebold-Mariano"
                + " p = %.4f) on %s", step.mase(), step.dmAbsolute().pBetter(), c.range(), c.dm().pWorse(),
                candidate.window()), judgement.reason());
    }

    @Test
    void passesWithNoProductionToCompareWith() {
        Gate.Evaluation candidate = evaluation(150, GOOD);
        ForecastEvaluation.Step step = candidate.step();
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(candidate), Optional.empty());
        assertTrue(judgement.passed(), judgement.reason());
        assertEquals(String.format(Locale.ROOT, "passed: MASE %.4f below 1.0000 (Diebold-Mariano p = %.4f vs naive,"
                + " not required), no production version yet on %s", step.mase(), step.dmAbsolute().pBetter(),
                candidate.window()), judgement.reason());
    }

    @Test
    void passesWhenNoDaysAreOutOfSampleForBoth() {
        Gate.Evaluation candidate = evaluation(150, GOOD);
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(candidate),
                Optional.of(new Gate.Production(3, Optional.empty())));
        assertTrue(judgement.passed(), judgement.reason());
        assertTrue(judgement.reason().contains(", not compared with production version 3: no days are out of sample"
                + " for both on "), judgement.reason());
    }

    @Test
    void aMaseRefusalComesBeforeTheComparisonWithProduction() {
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(evaluation(150, BAD)),
                Optional.of(production(3, 3.0)));
        assertFalse(judgement.passed());
        assertTrue(judgement.reason().startsWith("refused: MASE "), judgement.reason());
    }

    @Test
    void tooFewDaysComeBeforeEveryOtherRule() {
        Gate.Judgement judgement = Gate.judge(POLICY, FROM, Optional.of(evaluation(60, BAD)),
                Optional.of(production(3, 3.0)));
        assertTrue(judgement.reason().startsWith("refused: 60 out-of-sample days"), judgement.reason());
    }

    @Test
    void aLowerMinimumAdmitsFewerDays() {
        Gate.Judgement judgement = Gate.judge(new Gate.Policy(1.0, 40, false, 0.05), FROM,
                Optional.of(evaluation(60, GOOD)), Optional.empty());
        assertTrue(judgement.passed(), judgement.reason());
    }

    @Test
    void policyRejectsNonsense() {
        assertThrows(PipelineException.class, () -> new Gate.Policy(0, 120, false, 0.05));
        assertThrows(PipelineException.class, () -> new Gate.Policy(1.0, 2, false, 0.05));
        assertThrows(PipelineException.class, () -> new Gate.Policy(1.0, 120, false, 1.0));
    }
}
