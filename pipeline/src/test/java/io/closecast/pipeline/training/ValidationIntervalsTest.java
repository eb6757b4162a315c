package io.closecast.pipeline.training;

import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.intervals.IntervalMetrics;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.prices.PriceCsv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The validation interval score a sweep may optimise: two-fold cross-conformal on the validation windows. */
class ValidationIntervalsTest {

    private static final PreparedData DATA = DatasetBuilder.prepare(
            PriceCsv.read(Path.of("..", "data", "MSFT.csv")).between(LocalDate.of(2021, 1, 1), LocalDate.of(2024, 12, 31)),
            DatasetSpec.builder().window(20).horizon(1).transform(TargetTransform.LOG_RETURN).scaler(ScalerKind.STANDARD)
                    .build());

    /** Forecasts of the validation windows: the last price times {@code factor}. */
    private static HeldOutEvaluation forecasts(WindowSet part, double factor) {
        double[][] predicted = new double[part.size()][];
        for (int i = 0; i < part.size(); i++) {
            predicted[i] = new double[] {part.lastPrices()[i] * factor};
        }
        return new HeldOutEvaluation(part, predicted, new double[0][], null, null, null);
    }

    @Test
    void eachHalfIsScoredByTheOtherHalfsCalibrationAndPooledByWindows() {
        WindowSet validation = DATA.validation();
        Map<String, Double> m = ValidationIntervals.crossFitted(IntervalSpec.defaults(), forecasts(validation, 1.0), DATA);
        assertEquals(List.of("val_coverage_80", "val_interval_score_80", "val_interval_width_80", "val_coverage_95",
                "val_interval_score_95", "val_interval_width_95"), List.copyOf(m.keySet()));
        assertTrue(m.get("val_coverage_80") > 0.65 && m.get("val_coverage_80") < 0.95, m.toString());

        // by hand: calibrate on one half, score the other, weight by windows
        int n = validation.size();
        int half = n / 2;
        WindowSet early = ValidationIntervals.slice(validation, 0, half);
        WindowSet late = ValidationIntervals.slice(validation, half, n);
        HeldOutEvaluation all = forecasts(validation, 1.0);
        double[][] earlyP = Arrays.copyOfRange(all.predicted(), 0, half);
        double[][] lateP = Arrays.copyOfRange(all.predicted(), half, n);
        BaselineIntervals baseline = BaselineIntervals.fit(IntervalSpec.defaults(), DATA.train().targetPrices(),
                DATA.train().lastPrices());
        IntervalMetrics a = IntervalEvaluation.of(IntervalCalibration.calibrate(IntervalSpec.defaults(), DATA.codec(), late,
                lateP, "validation"), DATA.codec(), early, earlyP, baseline).model().getFirst();
        IntervalMetrics b = IntervalEvaluation.of(IntervalCalibration.calibrate(IntervalSpec.defaults(), DATA.codec(), early,
                earlyP, "validation"), DATA.codec(), late, lateP, baseline).model().getFirst();
        assertEquals((a.intervalScore() * a.count() + b.intervalScore() * b.count()) / (a.count() + b.count()),
                m.get("val_interval_score_80"), 1e-9);
        // not in-sample: calibrating on all the windows and scoring them gives another number
        IntervalMetrics inSample = IntervalEvaluation.of(IntervalCalibration.calibrate(IntervalSpec.defaults(),
                DATA.codec(), validation, all.predicted(), "validation"), DATA.codec(), validation, all.predicted(),
                baseline).model().getFirst();
        assertTrue(Math.abs(inSample.intervalScore() - m.get("val_interval_score_80")) > 1e-6);
    }

    @Test
    void aWorseForecastScoresWorseAndTooFewWindowsGiveNone() {
        WindowSet validation = DATA.validation();
        double naive = ValidationIntervals.crossFitted(IntervalSpec.defaults(), forecasts(validation, 1.0), DATA)
                .get("val_interval_score_80");
        double biased = ValidationIntervals.crossFitted(IntervalSpec.defaults(), forecasts(validation, 1.03), DATA)
                .get("val_interval_score_80");
        assertTrue(biased > naive, biased + " vs " + naive);
        WindowSet few = ValidationIntervals.slice(validation, 0, 2 * ValidationIntervals.MIN_WINDOWS_PER_HALF - 1);
        assertEquals(Map.of(), ValidationIntervals.crossFitted(IntervalSpec.defaults(), forecasts(few, 1.0), DATA));
    }
}
