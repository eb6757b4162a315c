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
    void rSquaredOnAHandWorkedCaseBesideTheNaiveForecasts() {
        // actuals 11, 12, 19, 18: mean 15, squares about it 16 + 9 + 16 + 9 = 50.
        // model errors 0.5, -1, 0, 3: squares 10.25 -> R² = 1 - 10.25 / 50 = 0.795.
        ForecastMetrics m = ForecastMetrics.of(ACTUAL, new double[][] {{11.5, 11}, {19, 21}}, LAST);
        assertEquals(0.795, m.r2(), 1e-12);
        // naive errors 1, 2, 1, 2 (squares 10) -> R² = 0.8: the naive forecast scores as high, with no skill at all.
        assertEquals(0.8, ForecastMetrics.naive(ACTUAL, LAST).r2(), 1e-12);
        // The mean of the actuals as a forecast scores 0; worse than that, below 0.
        assertEquals(0.0, ForecastMetrics.of(ACTUAL, new double[][] {{15, 15}, {15, 15}}, LAST).r2(), 1e-12);
        assertEquals(-3.0, ForecastMetrics.of(ACTUAL, new double[][] {{19, 18}, {11, 12}}, LAST).r2(), 1e-12,
                "errors 8, 6, -8, -6: squares 200 = 4 x 50 -> R² = -3");
        assertEquals(1.0, ForecastMetrics.of(ACTUAL, ACTUAL, LAST).r2(), 1e-12);
    }

    @Test
    void rSquaredOfPricesThatNeverMovedIsOneOnlyForAPerfectForecast() {
        double[][] flat = {{10, 10}, {10, 10}};
        double[] last = {10, 10};
        assertEquals(1.0, ForecastMetrics.naive(flat, last).r2(), 1e-12);
        assertEquals(0.0, ForecastMetrics.of(flat, new double[][] {{10, 11}, {10, 10}}, last).r2(), 1e-12);
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
        assertEquals("[test_mae, test_rmse, test_mape, test_smape, test_mase, test_directional_accuracy, test_r2]",
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
