package io.closecast.pipeline.training;

import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.intervals.BaselineIntervals;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalEvaluation;
import io.closecast.model.intervals.IntervalMetrics;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.intervals.PredictedScaleCalibration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The validation windows' interval scores, what a sweep may optimise ({@code sweep.metric: val_interval_score_80})
 * instead of {@code val_mase}: two-fold cross-conformal, so that no window is scored by a calibration it took part in.
 * The calibration is fitted on the later half of the validation windows and scores the earlier half, then the other
 * way round; the two halves' coverage, interval score and width are averaged by their windows ({@code val_coverage_80},
 * {@code val_interval_score_80}, {@code val_interval_width_80}, per level). The test period is never looked at.
 */
final class ValidationIntervals {
    /** Fewer validation windows per half than this: no validation interval metrics (a 95 % quantile needs 19). */
    static final int MIN_WINDOWS_PER_HALF = 20;

    private ValidationIntervals() {
    }

    /** The cross-fitted metrics named {@code val_...}; empty with fewer than 2 x {@value #MIN_WINDOWS_PER_HALF} windows. */
    static Map<String, Double> crossFitted(IntervalSpec spec, HeldOutEvaluation validation, PreparedData data) {
        int n = validation.part().size();
        int half = n / 2;
        if (half < MIN_WINDOWS_PER_HALF) {
            return Map.of();
        }
        BaselineIntervals baseline = BaselineIntervals.fit(spec, data.train().targetPrices(), data.train().lastPrices());
        List<IntervalMetrics> early = scored(spec, validation, data, baseline, half, n, 0, half);
        List<IntervalMetrics> late = scored(spec, validation, data, baseline, 0, half, half, n);
        List<IntervalMetrics> pooled = new ArrayList<>(early.size());
        for (int l = 0; l < early.size(); l++) {
            pooled.add(pool(early.get(l), late.get(l)));
        }
        return IntervalMetrics.toMap(pooled, "val_");
    }

    /** Calibrated on windows {@code [calFrom, calTo)}, scored on {@code [from, to)}. */
    private static List<IntervalMetrics> scored(IntervalSpec spec, HeldOutEvaluation validation, PreparedData data,
                                                BaselineIntervals baseline, int calFrom, int calTo, int from, int to) {
        WindowSet calibrationPart = slice(validation.part(), calFrom, calTo);
        WindowSet scoredPart = slice(validation.part(), from, to);
        double[][] calPredicted = Arrays.copyOfRange(validation.predicted(), calFrom, calTo);
        double[][] predicted = Arrays.copyOfRange(validation.predicted(), from, to);
        if (validation.scales().length > 0) {
            IntervalCalibration c = PredictedScaleCalibration.calibrate(spec, calibrationPart, calPredicted,
                    Arrays.copyOfRange(validation.scales(), calFrom, calTo), "validation");
            return IntervalEvaluation.of(c, Arrays.copyOfRange(validation.scales(), from, to), scoredPart, predicted,
                    baseline).model();
        }
        IntervalCalibration c = IntervalCalibration.calibrate(spec, data.codec(), calibrationPart, calPredicted,
                "validation");
        return IntervalEvaluation.of(c, data.codec(), scoredPart, predicted, baseline).model();
    }

    private static IntervalMetrics pool(IntervalMetrics a, IntervalMetrics b) {
        double n = a.count() + b.count();
        return new IntervalMetrics(a.level(), (a.coverage() * a.count() + b.coverage() * b.count()) / n,
                (a.intervalScore() * a.count() + b.intervalScore() * b.count()) / n,
                (a.meanWidth() * a.count() + b.meanWidth() * b.count()) / n, a.count() + b.count());
    }

    static WindowSet slice(WindowSet part, int from, int to) {
        return new WindowSet(part.part(), Arrays.copyOfRange(part.inputs(), from, to),
                Arrays.copyOfRange(part.targets(), from, to), Arrays.copyOfRange(part.targetPrices(), from, to),
                part.targetDates().subList(from, to), part.lastTargetDates().subList(from, to),
                part.lastInputDates().subList(from, to), Arrays.copyOfRange(part.lastPrices(), from, to));
    }
}
