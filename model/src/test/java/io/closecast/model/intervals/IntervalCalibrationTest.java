package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.Feature;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.dataset.Scaler;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.Target;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.prices.DateRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class IntervalCalibrationTest {

    /**
     * A GARCH(1,1) series of daily log returns with two known volatility regimes (the long-run daily volatility
     * alternates between 1 % and 2.5 % every 300 days), fixed seed: volatility clusters as in real prices.
     */
    static double[] garchReturns(int n, long seed) {
        Random random = new Random(seed);
        double alpha = 0.08;
        double beta = 0.88;
        double[] r = new double[n];
        double variance = 1e-4;
        double previous = 0;
        for (int t = 0; t < n; t++) {
            double longRun = (t / 300) % 2 == 0 ? 0.01 : 0.025;
            double omega = longRun * longRun * (1 - alpha - beta);
            variance = omega + alpha * previous * previous + beta * variance;
            r[t] = Math.sqrt(variance) * random.nextGaussian();
            previous = r[t];
        }
        return r;
    }

    /** Windows over the synthetic prices: the naive forecast for 2 steps, the actual prices, the input volatility. */
    record Synthetic(double[][] predicted, double[][] actual, double[] volatility, double[] last) {
        static Synthetic of(double[] returns, int from, int to, int window, double lambda) {
            double[] prices = new double[returns.length + 1];
            prices[0] = 100;
            for (int t = 0; t < returns.length; t++) {
                prices[t + 1] = prices[t] * Math.exp(returns[t]);
            }
            int n = to - from;
            double[][] predicted = new double[n][2];
            double[][] actual = new double[n][2];
            double[] volatility = new double[n];
            double[] last = new double[n];
            for (int i = 0; i < n; i++) {
                int t = from + i; // the last input day is prices[t]; its window's returns are returns[t-window..t-1]
                double[] inputs = java.util.Arrays.copyOfRange(returns, t - window, t);
                volatility[i] = IntervalCalibration.volatility(inputs, lambda);
                last[i] = prices[t];
                predicted[i] = new double[] {prices[t], prices[t]};
                actual[i] = new double[] {prices[t + 1], prices[t + 2]};
            }
            return new Synthetic(predicted, actual, volatility, last);
        }

        List<List<ForecastInterval>> intervals(IntervalCalibration c, boolean scaled) {
            List<List<ForecastInterval>> out = new ArrayList<>();
            for (int i = 0; i < predicted.length; i++) {
                out.add(c.intervals(predicted[i], scaled ? volatility[i] : 1.0));
            }
            return out;
        }
    }

    private static final DateRange RANGE = DateRange.create(java.time.LocalDate.of(2020, 1, 1), java.time.LocalDate.of(2020, 12, 31));

    @Test
    void volatilityScaledConformalIntervalsHoldTheirCoverageOutOfTimeAndBeatConstantOnes() {
        IntervalSpec spec = IntervalSpec.defaults();
        double[] returns = garchReturns(6200, 20261201L);
        Synthetic train = Synthetic.of(returns, 30, 1800, 30, spec.ewmaLambda());
        Synthetic calibration = Synthetic.of(returns, 1800, 3000, 30, spec.ewmaLambda());
        Synthetic test = Synthetic.of(returns, 3000, 6190, 30, spec.ewmaLambda());

        IntervalCalibration scaled = IntervalCalibration.calibrate(spec, calibration.predicted(), calibration.actual(),
                calibration.volatility(), RANGE, "validation");
        double[] ones = new double[calibration.volatility().length];
        java.util.Arrays.fill(ones, 1.0);
        IntervalCalibration constant = IntervalCalibration.calibrate(spec, calibration.predicted(), calibration.actual(),
                ones, RANGE, "validation");
        BaselineIntervals baseline = BaselineIntervals.fit(spec, train.actual(), train.last());
        List<List<ForecastInterval>> baselineIntervals = new ArrayList<>();
        for (double last : test.last()) {
            baselineIntervals.add(baseline.intervals(last, 2));
        }

        List<IntervalMetrics> model = IntervalMetrics.of(test.intervals(scaled, true), test.actual());
        List<IntervalMetrics> flat = IntervalMetrics.of(test.intervals(constant, false), test.actual());
        List<IntervalMetrics> naive = IntervalMetrics.of(baselineIntervals, test.actual());
        for (int l = 0; l < 2; l++) {
            double level = spec.levels().get(l);
            IntervalMetrics m = model.get(l);
            assertEquals(level, m.level());
            assertEquals(level, m.coverage(), 0.03, "coverage of the " + level + " interval out of time: " + m);
            assertTrue(m.intervalScore() < flat.get(l).intervalScore(),
                    "volatility-scaled " + m + " should beat constant-width conformal " + flat.get(l));
            assertTrue(m.intervalScore() < naive.get(l).intervalScore(),
                    "volatility-scaled " + m + " should beat naive +- training quantiles " + naive.get(l));
        }
    }

    @Test
    void conformalQuantileIsTheCeilNPlusOneLevelthSmallestScore() {
        double[] sorted = new double[19];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(16, IntervalCalibration.conformalQuantile(sorted, 0.8)); // ceil(20 * 0.8) = 16
        assertEquals(19, IntervalCalibration.conformalQuantile(sorted, 0.95)); // ceil(20 * 0.95) = 19
        assertEquals(19, IntervalCalibration.conformalQuantile(sorted, 0.99)); // rank 20 > n: the largest
    }

    @Test
    void intervalsAreTheForecastTimesExpOfTheQuantileTimesVolatilityAndGrowBeyondTheCalibratedSteps() {
        IntervalCalibration c = new IntervalCalibration(IntervalCalibration.METHOD, List.of(0.8, 0.95), 0.94,
                new double[][] {{1.0, 1.5}, {2.0, 3.0}}, 100, "2020-01-01", "2020-06-30", "validation");
        List<ForecastInterval> intervals = c.intervals(new double[] {100, 110, 120}, 0.01);
        assertEquals(0.8, intervals.get(0).level());
        assertEquals(100 * Math.exp(-0.01), intervals.get(0).lower(0), 1e-12);
        assertEquals(110 * Math.exp(0.015), intervals.get(0).upper(1), 1e-12);
        assertEquals(120 * Math.exp(3.0 * Math.sqrt(1.5) * 0.01), intervals.get(1).upper(2), 1e-12);
        assertTrue(intervals.get(1).lower(0) < intervals.get(0).lower(0));
    }

    @Test
    void volatilityIsTheEwmaOfAbsoluteReturnsWithTheNewestWeighedMost() {
        assertEquals((0.94 * 0.02 + 0.01) / 1.94, IntervalCalibration.volatility(new double[] {-0.02, 0.01}, 0.94), 1e-15);
        assertEquals(IntervalCalibration.MIN_VOLATILITY, IntervalCalibration.volatility(new double[] {0, 0}, 0.94));
        assertTrue(IntervalCalibration.volatility(new double[] {0.001, 0.05}, 0.94)
                > IntervalCalibration.volatility(new double[] {0.05, 0.001}, 0.94));
    }

    @Test
    void volatilityOfAnEncodedInputIsThatOfItsPricesForEveryTransform() {
        double[] prices = {100, 102, 99, 101, 104, 103};
        double[] returns = new double[prices.length - 1];
        for (int t = 1; t < prices.length; t++) {
            returns[t - 1] = Math.log(prices[t] / prices[t - 1]);
        }
        for (TargetTransform transform : TargetTransform.values()) {
            // a price-based input (level, window-relative) sees all 6 prices, a return input the 5 returns
            boolean returnsInput = transform == TargetTransform.LOG_RETURN;
            int window = returnsInput ? 5 : 6;
            double[][] rows = new double[prices.length][1];
            for (int t = 0; t < prices.length; t++) {
                rows[t][0] = transform == TargetTransform.LEVEL ? prices[t]
                        : transform == TargetTransform.WINDOW_RELATIVE ? prices[t] / prices[prices.length - 1] - 1
                        : t == 0 ? 0 : returns[t - 1];
            }
            Scaler scaler = Scaler.fit(ScalerKind.STANDARD, List.of("TARGET"), rows, transform.lookback(), prices.length);
            ForecastCodec codec = new ForecastCodec(Target.CLOSE, transform, List.of(Feature.TARGET), window, 1, scaler);
            double expected = IntervalCalibration.volatility(returns, 0.94);
            assertEquals(expected, IntervalCalibration.volatility(codec, codec.encode(prices), 0.94), 1e-6, transform.name());
        }
    }

    @Test
    void calibrationRoundTripsThroughJson() {
        IntervalCalibration c = new IntervalCalibration(IntervalCalibration.METHOD, List.of(0.8, 0.95), 0.9,
                new double[][] {{1.25, 1.5}, {2.0, 3.0}}, 42, "2020-01-01", "2020-06-30", "validation");
        IntervalCalibration back = IntervalCalibration.fromJson(c.toJson());
        assertEquals(c, back);
        assertArrayEquals(new double[] {2.0, 3.0}, back.quantiles()[1]);
        assertEquals("2020-01-01..2020-06-30", back.range().toString());
    }

    @Test
    void badLevelsAreRefusedNamingTheValue() {
        for (List<Double> bad : List.of(List.of(0.0), List.of(1.0), List.of(1.5), List.of(-0.2), List.of(0.8, 0.8), List.<Double>of())) {
            ModelException e = assertThrows(ModelException.class, () -> new IntervalSpec(bad, 0.94), bad.toString());
            assertTrue(e.getMessage().startsWith("intervals.levels must"), e.getMessage());
        }
        assertTrue(assertThrows(ModelException.class, () -> new IntervalSpec(List.of(0.8, 0.8), 0.94)).getMessage()
                .contains("must not repeat a level, found 0.8 twice"));
        assertEquals(List.of(0.5, 0.9), new IntervalSpec(List.of(0.9, 0.5), 0.94).levels());
        assertThrows(ModelException.class, () -> new IntervalSpec(List.of(0.8), 1.0));
        assertEquals("80", IntervalSpec.levelName(0.8));
        assertEquals("97_5", IntervalSpec.levelName(0.975));
    }

    @Test
    void winklerScoreIsTheWidthPlusTwoOverAlphaTimesTheMiss() {
        assertEquals(2.0, IntervalMetrics.winkler(9, 11, 10, 0.2), 1e-12);
        assertEquals(2.0 + 10 * 1.0, IntervalMetrics.winkler(9, 11, 8, 0.2), 1e-12);
        assertEquals(2.0 + 10 * 0.5, IntervalMetrics.winkler(9, 11, 11.5, 0.2), 1e-12);
        List<IntervalMetrics> m = IntervalMetrics.of(List.of(
                        List.of(new ForecastInterval(0.8, new double[] {9}, new double[] {11})),
                        List.of(new ForecastInterval(0.8, new double[] {9}, new double[] {11}))),
                new double[][] {{10}, {12}});
        assertEquals(0.5, m.getFirst().coverage());
        assertEquals((2.0 + 12.0) / 2, m.getFirst().intervalScore(), 1e-12);
        java.util.Map<String, Double> names = m.getFirst().toMap("test_");
        assertEquals(List.of("test_coverage_80", "test_interval_score_80", "test_interval_width_80"), List.copyOf(names.keySet()));
        assertEquals(7.0, names.get("test_interval_score_80"), 1e-12);
    }
}
