package io.closecast.model.risk;

import io.closecast.model.ModelException;
import io.closecast.model.intervals.AdaptiveConformal;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.prices.DateRange;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveReplayTest {

    @Test
    void replaysDayByDayAsAServiceWould() {
        // one level, symmetric [90, 100^2/90] around 100 every day; outcomes: out, in, out, in
        double[] lo = {90, 90, 90, 90};
        double[] hi = {100 * 100 / 90.0, 100 * 100 / 90.0, 100 * 100 / 90.0, 100 * 100 / 90.0};
        double[] actual = {80, 100, 120, 100};
        AdaptiveReplay.Result r = AdaptiveReplay.replay(0.1, List.of(new DailyBounds("model", 0.8, lo, hi)), actual);
        // alpha before each day: 0.2, 0.12, 0.14, 0.06
        double[] alphas = {0.2, 0.12, 0.14, 0.06};
        AdaptiveConformal state = AdaptiveConformal.start(0.1, List.of(0.8));
        for (int t = 0; t < 4; t++) {
            assertEquals(alphas[t], r.alphas()[0][t], 1e-12, "alpha before day " + t);
            double half = Math.log(100 / 90.0) * Math.log(1 / alphas[t]) / Math.log(5); // the ray through (ln 5, half)
            assertEquals(100 * Math.exp(-half), r.bounds().getFirst().lower()[t], 1e-9, "day " + t);
            assertEquals(100 * Math.exp(half), r.bounds().getFirst().upper()[t], 1e-9, "day " + t);
            state = state.update(new boolean[] {!(actual[t] >= 100 * Math.exp(-half) && actual[t] <= 100 * Math.exp(half))});
        }
        assertEquals(state, r.last());
        assertEquals(0.08, r.last().alpha(0.8), 1e-12);
        assertEquals(AdaptiveReplay.METHOD, r.bounds().getFirst().method());
        assertThrows(ModelException.class, () -> AdaptiveReplay.replay(0.1, List.of(new DailyBounds("model", 0.8, lo, hi)),
                new double[3]));
    }

    /**
     * Fixed split-conformal intervals calibrated on calm days (daily log-return sd 1 %), then the sd doubles for 1000
     * days: the fixed intervals keep their width and cover far less than their level; with ACI the misses lower
     * alpha_t until the intervals have widened, and the coverage of the last 250 days is back near the target.
     */
    @Test
    void afterAVolatilityBreakAciRecoversTheCoverageTheFixedIntervalLoses() {
        Random rng = new Random(7);
        int calm = 750;
        int stormy = 1000;
        double[] scores = new double[calm];
        for (int i = 0; i < calm; i++) {
            scores[i] = Math.abs(0.01 * rng.nextGaussian());
        }
        double[][] column = new double[calm][];
        for (int i = 0; i < calm; i++) {
            column[i] = new double[] {scores[i]};
        }
        IntervalCalibration c = IntervalCalibration.fromScores(IntervalSpec.defaults(), column,
                DateRange.create(LocalDate.of(2020, 1, 1), LocalDate.of(2022, 12, 31)), "simulation");
        double price = 100;
        double[] actual = new double[stormy];
        List<List<ForecastInterval>> perDay = new ArrayList<>();
        for (int t = 0; t < stormy; t++) {
            perDay.add(c.intervals(new double[] {price}, 1.0)); // fixed: scale 1, the forecast is the last price
            price *= Math.exp(0.02 * rng.nextGaussian());
            actual[t] = price;
        }
        List<DailyBounds> fixed = DailyBounds.firstStep("model", perDay);
        AdaptiveReplay.Result aci = AdaptiveReplay.replay(0.005, fixed, actual);
        int from = stormy - 250;
        for (int l = 0; l < 2; l++) {
            double level = fixed.get(l).level();
            double fixedCoverage = coverage(fixed.get(l), actual, from);
            double aciCoverage = coverage(aci.bounds().get(l), actual, from);
            assertTrue(fixedCoverage < level - 0.15, "fixed " + level + " interval after the break: " + fixedCoverage);
            assertTrue(aciCoverage > fixedCoverage + 0.1, "ACI " + level + ": " + aciCoverage + " vs fixed " + fixedCoverage);
            assertTrue(Math.abs(aciCoverage - level) < 0.06, "ACI " + level + " back near its level: " + aciCoverage);
            assertTrue(aci.last().alpha(level) < 1 - level, "misses lowered alpha_t of " + level);
        }
    }

    private static double coverage(DailyBounds b, double[] actual, int from) {
        int inside = 0;
        for (int t = from; t < actual.length; t++) {
            inside += actual[t] >= b.lower()[t] && actual[t] <= b.upper()[t] ? 1 : 0;
        }
        return (double) inside / (actual.length - from);
    }
}
