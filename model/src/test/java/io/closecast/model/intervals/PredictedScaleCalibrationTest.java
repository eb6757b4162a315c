package io.closecast.model.intervals;

import io.closecast.model.ModelException;
import io.closecast.model.prices.DateRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Conformal quantiles of residuals in units of a distribution head's predicted scale, worked by hand. */
class PredictedScaleCalibrationTest {
    static final DateRange RANGE = DateRange.create(LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 31));

    @Test
    void scoresAreLogErrorsOverThePredictedScaleOfEachStep() {
        double[][] scores = PredictedScaleCalibration.scores(new double[][] {{100, 100}}, new double[][] {{102, 97}},
                new double[][] {{0.01, 0.02}});
        assertEquals(Math.log(1.02) / 0.01, scores[0][0], 1e-12);
        assertEquals(Math.abs(Math.log(0.97)) / 0.02, scores[0][1], 1e-12);
    }

    @Test
    void theCalibrationRecordsItsMethodAndScalesEachStepByItsOwnScale() {
        // nine windows, step 1 scores 1..9 (actual = f exp(k s)); level 0.8 -> rank ceil(10 * 0.8) = 8 -> q = 8
        int n = 9;
        double[][] predicted = new double[n][];
        double[][] actual = new double[n][];
        double[][] scales = new double[n][];
        for (int i = 0; i < n; i++) {
            double s = 0.01 * (1 + i % 3);
            predicted[i] = new double[] {50};
            actual[i] = new double[] {50 * Math.exp((i + 1) * s)};
            scales[i] = new double[] {s};
        }
        double[][] scores = PredictedScaleCalibration.scores(predicted, actual, scales);
        IntervalCalibration c = IntervalCalibration.fromScores(IntervalCalibration.PREDICTED_SCALE_METHOD,
                new IntervalSpec(List.of(0.8), 0.94), scores, RANGE, "validation");
        assertEquals(IntervalCalibration.PREDICTED_SCALE_METHOD, c.method());
        assertEquals(8, c.quantile(0, 0), 1e-9);
        // step 2 of a two-step forecast reuses the last scale, the quantile grows as sqrt(2)
        ForecastInterval interval = c.intervals(new double[] {100, 100}, new double[] {0.02}).getFirst();
        assertEquals(100 * Math.exp(-8 * 0.02), interval.lower(0), 1e-9);
        assertEquals(100 * Math.exp(8 * Math.sqrt(2) * 0.02), interval.upper(1), 1e-9);
        IntervalCalibration read = IntervalCalibration.fromJson(c.toJson());
        assertEquals(c, read);
    }

    @Test
    void anUnknownMethodOrANonPositiveScaleIsRefused() {
        ModelException method = assertThrows(ModelException.class, () -> new IntervalCalibration("quantile-regression",
                List.of(0.8), 0.94, new double[][] {{1}}, 1, "2024-01-02", "2024-01-31", "validation"));
        assertTrue(method.getMessage().contains("found quantile-regression"), method.getMessage());
        ModelException scale = assertThrows(ModelException.class, () -> PredictedScaleCalibration.scores(
                new double[][] {{1}}, new double[][] {{1}}, new double[][] {{0}}));
        assertEquals("predicted scale of window 0 step 1 must be a finite number > 0, found 0.0", scale.getMessage());
    }
}
