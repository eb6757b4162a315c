package io.closecast.pipeline.training;

import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.dataset.WindowSet;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalMetrics;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.intervals.PredictedScaleCalibration;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.risk.IntervalBacktest;
import io.closecast.model.risk.RiskEvaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A distribution head's next-day risk evaluation (Kupiec, Christoffersen, DM against GARCH) scores the intervals the
 * head serves, from its predicted scale: the same coverage and interval score as its interval metrics, not the head's
 * conformal quantile times the EWMA volatility.
 */
class HeadRiskEvaluationTest {

    private static final PreparedData DATA = DatasetBuilder.prepare(
            PriceCsv.read(Path.of("..", "data", "MSFT.csv")).between(LocalDate.of(2021, 1, 1), LocalDate.of(2024, 12, 31)),
            DatasetSpec.builder().window(20).horizon(1).transform(TargetTransform.LOG_RETURN).scaler(ScalerKind.STANDARD)
                    .build());

    /** Naive forecasts with a scale that alternates between calm and wide, unlike any EWMA of the window. */
    private static HeldOutEvaluation head(WindowSet part) {
        double[][] predicted = new double[part.size()][];
        double[][] scales = new double[part.size()][];
        for (int i = 0; i < part.size(); i++) {
            predicted[i] = new double[] {part.lastPrices()[i]};
            scales[i] = new double[] {i % 3 == 0 ? 0.03 : 0.008};
        }
        return new HeldOutEvaluation(part, predicted, scales, null, null, null);
    }

    @Test
    void theRiskTableScoresTheHeadsOwnIntervals() {
        IntervalSpec spec = IntervalSpec.defaults();
        HeldOutEvaluation validation = head(DATA.validation());
        IntervalCalibration calibration = PredictedScaleCalibration.calibrate(spec, DATA.validation(),
                validation.predicted(), validation.scales(), "validation");
        HeldOutEvaluation test = head(DATA.test());
        List<IntervalMetrics> metrics = test.intervals(spec, calibration, DATA).model();
        List<IntervalBacktest> risk = test.risk(spec, calibration, DATA).of(RiskEvaluation.MODEL);
        assertEquals(metrics.size(), risk.size());
        for (int k = 0; k < risk.size(); k++) {
            assertEquals(metrics.get(k).level(), risk.get(k).level());
            assertEquals(metrics.get(k).coverage(), risk.get(k).coverage(), 1e-12, "coverage at " + risk.get(k).level());
            assertEquals(metrics.get(k).intervalScore(), risk.get(k).intervalScore(), 1e-9,
                    "interval score at " + risk.get(k).level());
        }
    }
}
