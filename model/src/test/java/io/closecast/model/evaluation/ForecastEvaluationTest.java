package io.closecast.model.evaluation;

import io.closecast.model.ModelException;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForecastEvaluationTest {

    @Test
    void handWorkedSeriesGivesEveryStatistic() {
        // Training 10, 11, 10, 12, 13: changes +1 -1 +2 +1 -> drift 3/4, majority up, up share 3/4.
        ForecastEvaluation.Reference ref = ForecastEvaluation.Reference.fit(new double[]{10, 11, 10, 12, 13});
        assertEquals(0.75, ref.drift(), 1e-12);
        assertEquals(1, ref.majoritySign());
        assertEquals(0.75, ref.trainingUpShare(), 1e-12);

        double[] last = {13, 14, 12, 12};
        double[][] actual = {{14}, {12}, {12}, {15}};
        double[][] predicted = {{13.5}, {13}, {12.5}, {13}};
        ForecastEvaluation.Step s = ForecastEvaluation.of(actual, predicted, last, ref).first();
        // errors -0.5, 1, 0.5, -2; naive errors -1, 2, 0, -3; drift errors -0.25, 2.75, 0.75, -2.25
        assertEquals(4, s.count());
        assertEquals(1.0, s.mae(), 1e-12);
        assertEquals(Math.sqrt((0.25 + 1 + 0.25 + 4) / 4), s.rmse(), 1e-12);
        assertEquals(100 * (0.5 / 14 + 1.0 / 12 + 0.5 / 12 + 2.0 / 15) / 4, s.mape(), 1e-10);
        assertEquals(1.5, s.naiveMae(), 1e-12);
        assertEquals(1.0 / 1.5, s.mase(), 1e-12);
        assertEquals(6.0 / 4, s.driftMae(), 1e-12);
        assertEquals(1.0, s.driftMase(), 1e-12);
        // actuals 14, 12, 12, 15: mean 13.25, squares about it 0.5625 + 1.5625 + 1.5625 + 3.0625 = 6.75;
        // model squares 5.5 -> R² = 1 - 5.5 / 6.75; naive squares 14 -> 1 - 14 / 6.75 (below 0)
        assertEquals(1 - 5.5 / 6.75, s.r2(), 1e-12);
        assertEquals(1 - 14 / 6.75, s.naiveR2(), 1e-12);
        // actual signs +, -, 0, +; forecast signs +, -, +, +: right on 3 of 4
        assertEquals(0.75, s.directionalAccuracy(), 1e-12);
        assertEquals(0.75, s.forecastUpShare(), 1e-12);
        assertEquals(0.5, s.upShare(), 1e-12);
        assertEquals(0.5, s.majoritySignAccuracy(), 1e-12);
        assertEquals(DieboldMariano.test(new double[]{-0.5, 1, 0.5, -2}, new double[]{-1, 2, 0, -3}, 1,
                DieboldMariano.Loss.ABSOLUTE).statistic(), s.dmAbsolute().statistic(), 1e-12);
    }

    @Test
    void matchesNumpyAndScipyReference() throws IOException {
        JsonNode ref = DieboldMarianoTest.reference();
        ForecastEvaluation.Reference baselines = ForecastEvaluation.Reference.fit(doubles(ref.get("training_prices")));
        assertEquals(ref.get("drift").asDouble(), baselines.drift(), 1e-12);
        assertEquals(ref.get("majority_sign").asInt(), baselines.majoritySign());
        ForecastEvaluation eval = ForecastEvaluation.of(matrix(ref.get("actual")), matrix(ref.get("predicted")),
                doubles(ref.get("last")), baselines);
        assertEquals(3, eval.steps().size());
        for (JsonNode expected : ref.get("steps")) {
            ForecastEvaluation.Step s = eval.steps().get(expected.get("step").asInt() - 1);
            String at = "step " + s.step();
            assertEquals(expected.get("mae").asDouble(), s.mae(), 1e-10, at);
            assertEquals(expected.get("rmse").asDouble(), s.rmse(), 1e-10, at);
            assertEquals(expected.get("mape").asDouble(), s.mape(), 1e-10, at);
            assertEquals(expected.get("mase").asDouble(), s.mase(), 1e-10, at);
            assertEquals(expected.get("naive_mae").asDouble(), s.naiveMae(), 1e-10, at);
            assertEquals(expected.get("drift_mae").asDouble(), s.driftMae(), 1e-10, at);
            assertEquals(expected.get("directional_accuracy").asDouble(), s.directionalAccuracy(), 1e-12, at);
            assertEquals(expected.get("forecast_up_share").asDouble(), s.forecastUpShare(), 1e-12, at);
            assertEquals(expected.get("up_share").asDouble(), s.upShare(), 1e-12, at);
            assertEquals(expected.get("majority_sign_accuracy").asDouble(), s.majoritySignAccuracy(), 1e-12, at);
            checkDm(expected.get("dm_abs"), s.dmAbsolute(), at + " absolute");
            checkDm(expected.get("dm_sq"), s.dmSquared(), at + " squared");
            assertEquals(s.step(), s.dmAbsolute().horizon(), at);
        }
    }

    @Test
    void rSquaredMatchesScikitLearn() throws IOException {
        // sklearn.metrics.r2_score (scikit-learn 1.9.1) of each step's column of the reference data, for the
        // forecasts and for the last prices (the naive forecast).
        double[][] expected = {{0.9255393973816985, 0.9063988495254184}, {0.8840043069213335, 0.8212663079106902},
                {0.8753430909257255, 0.7070143973703671}};
        JsonNode ref = DieboldMarianoTest.reference();
        ForecastEvaluation eval = ForecastEvaluation.of(matrix(ref.get("actual")), matrix(ref.get("predicted")),
                doubles(ref.get("last")), ForecastEvaluation.Reference.fit(doubles(ref.get("training_prices"))));
        for (ForecastEvaluation.Step s : eval.steps()) {
            assertEquals(expected[s.step() - 1][0], s.r2(), 1e-12, "step " + s.step());
            assertEquals(expected[s.step() - 1][1], s.naiveR2(), 1e-12, "step " + s.step() + " naive");
            assertEquals(s.r2(), s.metrics().get("r2"));
            assertEquals(s.naiveR2(), s.metrics().get("naive_r2"));
        }
    }

    @Test
    void metricNamesCarryPrefixAndStep() throws IOException {
        JsonNode ref = DieboldMarianoTest.reference();
        ForecastEvaluation eval = ForecastEvaluation.of(matrix(ref.get("actual")), matrix(ref.get("predicted")),
                doubles(ref.get("last")), ForecastEvaluation.Reference.fit(doubles(ref.get("training_prices"))));
        Map<String, Double> m = eval.metrics("eval_");
        assertEquals(ref.get("steps").get(0).get("mase").asDouble(), m.get("eval_mase"), 1e-10);
        assertEquals(ref.get("steps").get(2).get("dm_sq").get("p_better").asDouble(), m.get("eval_h3_dm_sq_p_better"), 1e-9);
        assertEquals(80.0, m.get("eval_h2_days"));
        assertTrue(m.containsKey("eval_training_up_share"));
    }

    @Test
    void refusesRaggedInput() {
        ForecastEvaluation.Reference ref = ForecastEvaluation.Reference.fit(new double[]{1, 2});
        ModelException e = assertThrows(ModelException.class, () -> ForecastEvaluation.of(
                new double[][]{{1}, {2}, {3}}, new double[][]{{1}, {2, 3}, {3}}, new double[]{1, 2, 3}, ref));
        assertTrue(e.getMessage().contains("origin 1 has 2 forecast and 1 actual steps, expected 1"), e.getMessage());
    }

    private static void checkDm(JsonNode expected, DieboldMariano.Result r, String at) {
        assertEquals(expected.get("stat").asDouble(), r.statistic(), 1e-9, at);
        assertEquals(expected.get("p_better").asDouble(), r.pBetter(), 1e-9, at);
        assertEquals(expected.get("p_worse").asDouble(), r.pWorse(), 1e-9, at);
        assertEquals(expected.get("p_two_sided").asDouble(), r.pTwoSided(), 1e-9, at);
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    static double[][] matrix(JsonNode array) {
        double[][] out = new double[array.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles(array.get(i));
        }
        return out;
    }
}
