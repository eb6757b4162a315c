package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveConformalTest {

    @Test
    void updatesByHandAndStaysWithinItsBounds() {
        AdaptiveConformal s = AdaptiveConformal.start(0.1, List.of(0.95, 0.8));
        assertEquals(List.of(0.8, 0.95), s.levels());
        assertEquals(0.2, s.alpha(0.8), 1e-15);
        assertEquals(0.05, s.alpha(0.95), 1e-15);
        // 80 %: miss, hit, hit, miss: 0.2 + 0.1 (0.2 - 1) = 0.12; + 0.02 = 0.14; 0.16; 0.16 - 0.08 = 0.08
        // 95 %: hit, hit, hit, miss: 0.055, 0.06, 0.065, then 0.065 + 0.1 (0.05 - 1) = -0.03 -> clipped to 0.05 / 100
        boolean[][] misses = {{true, false}, {false, false}, {false, false}, {true, true}};
        double[] expected80 = {0.12, 0.14, 0.16, 0.08};
        double[] expected95 = {0.055, 0.06, 0.065, 0.0005};
        for (int t = 0; t < misses.length; t++) {
            s = s.update(misses[t]);
            assertEquals(expected80[t], s.alpha(0.8), 1e-12, "80 % after outcome " + (t + 1));
            assertEquals(expected95[t], s.alpha(0.95), 1e-12, "95 % after outcome " + (t + 1));
        }
        assertEquals(4, s.updates());
        assertEquals(1 - 0.08, s.effectiveLevel(0.8), 1e-12);
        for (int t = 0; t < 50; t++) {
            s = s.update(new boolean[] {false, false});
        }
        assertEquals(0.6, s.alpha(0.8), 1e-12, "80 % capped at 3 alpha");
        assertEquals(0.15, s.alpha(0.95), 1e-12, "95 % capped at 3 alpha");
        assertEquals(0.5 + 0.5 / 2, AdaptiveConformal.maxAlpha(0.5), 1e-12, "(1 + alpha) / 2 caps a 50 % level");
    }

    @Test
    void refusesWhatWouldBreakIt() {
        assertThrows(ModelException.class, () -> AdaptiveConformal.start(0, List.of(0.8)));
        assertThrows(ModelException.class, () -> AdaptiveConformal.start(0.6, List.of(0.8)));
        assertThrows(ModelException.class, () -> AdaptiveConformal.start(0.01, List.of(1.0)));
        assertThrows(ModelException.class, () -> new AdaptiveConformal(0.01, List.of(0.8), List.of(0.0), 0));
        assertThrows(ModelException.class, () -> AdaptiveConformal.start(0.01, List.of(0.8)).update(new boolean[2]));
        ModelException e = assertThrows(ModelException.class, () -> AdaptiveConformal.start(0.01, List.of(0.8)).alpha(0.9));
        assertTrue(e.getMessage().contains("0.9"), e.getMessage());
    }

    @Test
    void quantileCurveByHand() {
        double[] rates = {0.05, 0.2};
        double[] halves = {2.0, 1.0};
        assertEquals(1.0, AdaptiveConformal.halfWidth(rates, halves, 0.2), 1e-12);
        assertEquals(2.0, AdaptiveConformal.halfWidth(rates, halves, 0.05), 1e-12);
        // ln(1/0.1) is half way from ln 5 to ln 20 (ln 10 - ln 5 = ln 2, ln 20 - ln 5 = 2 ln 2)
        assertEquals(1.5, AdaptiveConformal.halfWidth(rates, halves, 0.1), 1e-12);
        // beyond the highest level: the ray from the origin through (ln 20, 2)
        assertEquals(2.0 * Math.log(100) / Math.log(20), AdaptiveConformal.halfWidth(rates, halves, 0.01), 1e-12);
        // below the lowest: the ray through (ln 5, 1)
        assertEquals(Math.log(2) / Math.log(5), AdaptiveConformal.halfWidth(rates, halves, 0.5), 1e-12);
        // a higher level is never narrower
        assertEquals(2.0, AdaptiveConformal.halfWidth(rates, new double[] {0.5, 2.0}, 0.05), 1e-12);
        assertThrows(ModelException.class, () -> AdaptiveConformal.halfWidth(new double[0], new double[0], 0.1));
    }

    @Test
    void atTheNominalRatesTheIntervalsAreTheCalibratedOnes() {
        List<ForecastInterval> calibrated = List.of(
                new ForecastInterval(0.8, new double[] {95, 90}, new double[] {100 * 100 / 95.0, 100 * 100 / 90.0}),
                new ForecastInterval(0.95, new double[] {90, 85}, new double[] {100 * 100 / 90.0, 100 * 100 / 85.0}));
        double[] center = {100, 100};
        AdaptiveConformal s = AdaptiveConformal.start(0.005, List.of(0.8, 0.95));
        List<ForecastInterval> same = s.adjust(center, calibrated);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                assertEquals(calibrated.get(l).lower(h), same.get(l).lower(h), 1e-9);
                assertEquals(calibrated.get(l).upper(h), same.get(l).upper(h), 1e-9);
            }
        }
        // misses lower alpha_t: the 80 % interval widens, read from the curve between the two levels
        AdaptiveConformal missed = new AdaptiveConformal(0.005, List.of(0.8, 0.95), List.of(0.1, 0.05), 7);
        ForecastInterval wider = missed.adjust(center, calibrated).getFirst();
        double half = AdaptiveConformal.halfWidth(new double[] {0.2, 0.05},
                new double[] {Math.log(100 / 95.0), Math.log(100 / 90.0)}, 0.1);
        assertEquals(100 * Math.exp(-half), wider.lower(0), 1e-9);
        assertEquals(100 * Math.exp(half), wider.upper(0), 1e-9);
        assertTrue(wider.lower(0) < 95 && wider.upper(0) > 100 * 100 / 95.0);
        // a level not tracked is left as it is
        AdaptiveConformal only95 = AdaptiveConformal.start(0.005, List.of(0.95));
        assertEquals(calibrated.getFirst(), only95.adjust(center, calibrated).getFirst());
    }

    @Test
    void aNewLevelStartsAtItsNominalRate() {
        AdaptiveConformal s = AdaptiveConformal.start(0.05, List.of(0.8)).update(new boolean[] {true});
        AdaptiveConformal both = s.withLevel(0.95);
        assertEquals(List.of(0.8, 0.95), both.levels());
        assertEquals(s.alpha(0.8), both.alpha(0.8), 0);
        assertEquals(0.05, both.alpha(0.95), 1e-15);
        assertEquals(1, both.updates());
        assertSame(both, both.withLevel(0.8));
        // a report with the 95 % interval only: 80 % keeps its rate; a level not tracked is ignored
        AdaptiveConformal partial = both.update(java.util.Map.of(0.95, true, 0.5, true));
        assertEquals(both.alpha(0.8), partial.alpha(0.8), 0);
        assertEquals(0.05 + 0.05 * (0.05 - 1), partial.alpha(0.95), 1e-12, "0.05 - 0.0475 = 0.0025");
        assertEquals(2, partial.updates());
        assertEquals(0.01, partial.withGamma(0.01).gamma());
    }
}
