package io.closecast.model.evaluation;

import io.closecast.model.ModelException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ForecastMetricsTest {
    // Two windows, two steps each. Last prices 10 and 20.
    private static final double[][] ACTUAL = {{11, 12}, {19, 18}};
    private static final double[] LAST = {10, 20};

    @Test
    void scoresAgainstActualsAndNaive() {
        double[][] predicted = {{11.5, 11}, {19, 21}};
        ForecastMetrics m = ForecastMetrics.of(ACTUAL, predicted, LAST);
        // errors: 0.5, -1, 0, 3
        assertEquals(4.5 / 4, m.mae(), 1e-12);
        assertEquals(Math.sqrt((0.25 + 1 + 0 + 9) / 4), m.rmse(), 1e-12);
        assertEquals(100 * (0.5 / 11 + 1.0 / 12 + 0 + 3.0 / 18) / 4, m.mape(), 1e-9);
        assertEquals(100 * (2 * 0.5 / 22.5 + 2 * 1.0 / 23 + 0 + 2 * 3.0 / 39) / 4, m.smape(), 1e-9);
        // naive errors: 1, 2, 1, 2 -> MAE 1.5
        assertEquals((4.5 / 4) / 1.5, m.mase(), 1e-12);
        // directions vs last: up/up, up/up, down/down, up/down -> 3 of 4
        assertEquals(0.75, m.directionalAccuracy(), 1e-12);
        assertEquals(4, m.count());
    }

    @Test
    void naiveHasMaseOneAndScoresOnlyUnchangedDaysAsRightDirection() {
        ForecastMetrics naive = ForecastMetrics.naive(ACTUAL, LAST);
        assertEquals(1.5, naive.mae(), 1e-12);
        assertEquals(1.0, naive.mase(), 1e-12);
        assertEquals(0.0, naive.directionalAccuracy(), 1e-12);
    }

    @Test
    void namesFollowTheMlflowConvention() {
        assertEquals("[test_mae, test_rmse, test_mape, test_smape, test_mase, test_directional_accuracy]",
                ForecastMetrics.naive(ACTUAL, LAST).toMap("test_").keySet().toString());
    }

    @Test
    void mismatchedShapesAreRejected() {
        ModelException e = assertThrows(ModelException.class,
                () -> ForecastMetrics.of(ACTUAL, new double[][] {{1, 2}}, LAST));
        assertEquals("metrics need as many forecasts as actuals and last prices, found 1 forecasts, 2 actuals, 2 last prices",
                e.getMessage());
    }
}
