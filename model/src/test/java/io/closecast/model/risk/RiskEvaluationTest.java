package io.closecast.model.risk;

import io.closecast.model.ModelException;
import io.closecast.model.intervals.IntervalMetrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RiskEvaluationTest {

    @Test
    void pinballAndWinklerByHand() {
        // 80 %: tau 0.1 and 0.9. Day 1 inside [9, 11] at 10; day 2 below at 8; day 3 above at 12.5.
        DailyBounds b = new DailyBounds("x", 0.8, new double[] {9, 9, 9}, new double[] {11, 11, 11});
        IntervalBacktest t = IntervalBacktest.of(b, new double[] {10, 8, 12.5});
        // Winkler: 2; 2 + 10 * 1 = 12; 2 + 10 * 1.5 = 17
        assertEquals((2 + 12 + 17) / 3.0, t.intervalScore(), 1e-12);
        // pinball per day: (0.1 * 1 + 0.1 * 1) / 2 = 0.1; (0.9 * 1 + 0.1 * 3) / 2 = 0.6; (0.1 * 3.5 + 0.9 * 1.5) / 2 = 0.85
        assertEquals((0.1 + 0.6 + 0.85) / 3, t.pinball(), 1e-12);
        assertEquals(t.intervalScore(), 4 / 0.2 * t.pinball(), 1e-12, "the interval score is 4 / alpha times the pinball");
        assertEquals(1 / 3.0, t.coverage(), 1e-12);
        assertEquals(2, t.tests().misses());
        assertEquals(IntervalMetrics.winkler(9, 11, 12.5, 0.2), t.scores()[2], 1e-12);
        assertEquals(17, t.scores()[2], 1e-12);
    }

    @Test
    void referencesForecastEachDayFromEarlierReturnsOnly() {
        double[] all = StudentTGarchTest.returns("MSFT.csv", 1200);
        double[] train = java.util.Arrays.copyOf(all, 1000);
        double[] later = java.util.Arrays.copyOfRange(all, 1000, 1200);
        double[] last = new double[100];
        java.util.Arrays.fill(last, 50);
        VolatilityReferences refs = VolatilityReferences.fit(train);
        DailyBounds g = refs.garch(0.8, later, last).orElseThrow();
        DailyBounds e = refs.ewma(0.95, later, last);
        double[] shocked = later.clone();
        shocked[150] = 0.2;
        DailyBounds g2 = refs.garch(0.8, shocked, last).orElseThrow();
        // evaluated days are later[100..199]: day 50 (later[150]) is not seen by its own interval, only the next
        assertEquals(g.upper()[50], g2.upper()[50], 0);
        assertTrue(g2.upper()[51] > g.upper()[51] * 1.01);
        // EWMA by hand for the first evaluated day: recursion over every earlier return
        double v = RiskMetricsEwma.startVariance(train);
        for (double r : train) {
            v = 0.94 * v + 0.06 * r * r;
        }
        for (int t = 0; t < 100; t++) {
            v = 0.94 * v + 0.06 * later[t] * later[t];
        }
        assertEquals(50 * Math.exp(1.959963984540054 * Math.sqrt(v)), e.upper()[0], 1e-9);
        assertEquals(50 * Math.exp(-1.959963984540054 * Math.sqrt(v)), e.lower()[0], 1e-9);
    }

    @Test
    void withoutGarchTheEvaluationGoesOnAndSaysSo() {
        VolatilityReferences refs = VolatilityReferences.fit(new double[] {0.01, -0.01, 0.02});
        assertTrue(refs.garch() instanceof GarchFit.Failed);
        double[] last = {10, 10, 10, 10};
        assertEquals(Optional.empty(), refs.garch(0.8, new double[] {0.01, 0, -0.01, 0.02}, last));
        DailyBounds e = refs.ewma(0.8, new double[] {0.01, 0, -0.01, 0.02}, last);
        RiskEvaluation r = RiskEvaluation.of(refs.garch(), List.of(e), new double[] {10.1, 10, 9.9, 10.2});
        Map<String, Double> m = r.metrics("test");
        assertEquals(0.0, m.get("garch_fitted"));
        assertTrue(m.containsKey("ewma_test_kupiec_p_80"));
        assertFalse(m.keySet().stream().anyMatch(k -> k.contains("dm_garch")));
    }

    @Test
    void metricsNameEveryStatisticBesideGarch() {
        double[] all = StudentTGarchTest.returns("AAPL.csv", 1500);
        double[] train = java.util.Arrays.copyOf(all, 1000);
        double[] later = java.util.Arrays.copyOfRange(all, 1000, 1500);
        double[] last = new double[later.length];
        double[] actual = new double[later.length];
        double price = 100;
        for (int i = 0; i < later.length; i++) {
            last[i] = price;
            price *= Math.exp(later[i]);
            actual[i] = price;
        }
        VolatilityReferences refs = VolatilityReferences.fit(train);
        List<DailyBounds> bounds = new ArrayList<>();
        for (double level : List.of(0.8, 0.95)) {
            DailyBounds g = refs.garch(level, later, last).orElseThrow();
            bounds.add(g);
            bounds.add(refs.ewma(level, later, last));
            // an over-narrow "model": GARCH's intervals at half the width
            double[] lo = new double[last.length];
            double[] hi = new double[last.length];
            for (int i = 0; i < lo.length; i++) {
                lo[i] = last[i] - (last[i] - g.lower()[i]) / 2;
                hi[i] = last[i] + (g.upper()[i] - last[i]) / 2;
            }
            bounds.add(new DailyBounds(RiskEvaluation.MODEL, level, lo, hi));
        }
        RiskEvaluation r = RiskEvaluation.of(refs.garch(), bounds, actual);
        Map<String, Double> m = r.metrics("test");
        for (String level : List.of("80", "95")) {
            for (String prefix : List.of("test_", "garch_test_", "ewma_test_")) {
                for (String name : List.of("coverage_", "interval_score_", "interval_width_", "pinball_", "kupiec_p_",
                        "christoffersen_ind_p_", "christoffersen_cc_p_")) {
                    assertTrue(m.containsKey(prefix + name + level), prefix + name + level + " in " + m.keySet());
                }
            }
            assertTrue(m.containsKey("test_dm_garch_interval_score_" + level + "_p_better"));
            assertTrue(m.containsKey("ewma_test_dm_garch_interval_score_" + level + "_p_two_sided"));
            // the half-width intervals under-cover: Kupiec rejects them, and GARCH scores better
            assertTrue(m.get("test_kupiec_p_" + level) < 0.01, "kupiec " + m.get("test_kupiec_p_" + level));
            assertTrue(m.get("test_dm_garch_interval_score_" + level + "_stat") > 0);
            assertTrue(m.get("garch_test_coverage_" + level) > m.get("test_coverage_" + level));
        }
        assertEquals(1.0, m.get("garch_fitted"));
        assertTrue(m.get("garch_alpha") > 0 && m.get("garch_beta") > 0.5);
    }

    @Test
    void badLevelsAreRefused() {
        ModelException e = assertThrows(ModelException.class,
                () -> new DailyBounds("model", 1.5, new double[1], new double[1]));
        assertTrue(e.getMessage().contains("1.5") && e.getMessage().contains("(0, 1)"), e.getMessage());
        assertThrows(ModelException.class, () -> new DailyBounds("model", 0, new double[1], new double[1]));
    }
}
