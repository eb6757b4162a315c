package io.closecast.model.evaluation;

import io.closecast.model.GammaFunctions;

import io.closecast.model.ModelException;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DieboldMarianoTest {
    // Absolute losses 1,2,1,3 against 2,2,3,3: d = -1, 0, -2, 0, mean -0.75, deviations -0.25, 0.75, -1.25, 0.75.
    private static final double[] E1 = {1, -2, 1, 3};
    private static final double[] E2 = {-2, 2, 3, -3};

    @Test
    void handWorkedStatisticAndPValueForOneStep() {
        DieboldMariano.Result r = DieboldMariano.test(E1, E2, 1, DieboldMariano.Loss.ABSOLUTE);
        // g(0) = (0.0625 + 0.5625 + 1.5625 + 0.5625) / 4 = 0.6875; V = g(0) / 4; DM = -0.75 / sqrt(V)
        double dm = -0.75 / Math.sqrt(0.6875 / 4);
        // HLN: sqrt((n + 1 - 2h + h(h-1)/n) / n) = sqrt(3/4)
        double corrected = dm * Math.sqrt(0.75);
        assertEquals(corrected, r.statistic(), 1e-12);
        assertEquals(-1.5666989, r.statistic(), 1e-6);
        assertEquals(1, r.horizon());
        // Student's t with 3 df has a closed form: F(t) = 1/2 + (x/(1+x^2) + atan x)/pi with x = t/sqrt(3).
        double x = corrected / Math.sqrt(3);
        double cdf = 0.5 + (x / (1 + x * x) + Math.atan(x)) / Math.PI;
        assertEquals(cdf, r.pBetter(), 1e-12);
        assertEquals(1 - cdf, r.pWorse(), 1e-12);
        assertEquals(2 * cdf, r.pTwoSided(), 1e-12);
    }

    @Test
    void squaredLossUsesSquaredErrors() {
        // d = 1-4, 4-4, 1-9, 9-9 = -3, 0, -8, 0; mean -2.75; deviations -0.25, 2.75, -5.25, 2.75
        DieboldMariano.Result r = DieboldMariano.test(E1, E2, 1, DieboldMariano.Loss.SQUARED);
        double g0 = (0.0625 + 7.5625 + 27.5625 + 7.5625) / 4;
        assertEquals(-2.75 / Math.sqrt(g0 / 4) * Math.sqrt(0.75), r.statistic(), 1e-12);
    }

    @Test
    void negativeLongRunVarianceFallsBackToOneStep() {
        // g(1) = (0.75*-0.25 - 1.25*0.75 - 0.75*1.25) / 4 = -0.515625: V for h = 2 is (0.6875 - 1.03125) / 4 < 0
        DieboldMariano.Result r = DieboldMariano.test(E1, E2, 2, DieboldMariano.Loss.ABSOLUTE);
        assertEquals(1, r.horizon());
        assertEquals(DieboldMariano.test(E1, E2, 1, DieboldMariano.Loss.ABSOLUTE).statistic(), r.statistic(), 1e-12);
    }

    @Test
    void identicalForecastsAreEquallyAccurate() {
        DieboldMariano.Result r = DieboldMariano.test(E1, E1.clone(), 1, DieboldMariano.Loss.SQUARED);
        assertEquals(0, r.statistic());
        assertEquals(1.0, r.pTwoSided(), 1e-12);
        assertEquals(0.5, r.pBetter(), 1e-12);
    }

    @Test
    void refusesMismatchedOrTooFewDays() {
        ModelException e = assertThrows(ModelException.class,
                () -> DieboldMariano.test(new double[]{1, 2, 3}, new double[]{1, 2}, 1, DieboldMariano.Loss.ABSOLUTE));
        assertTrue(e.getMessage().contains("3 and 2"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> DieboldMariano.test(new double[]{1, 2, 3}, new double[]{3, 2, 1}, 2, DieboldMariano.Loss.ABSOLUTE));
        assertTrue(e.getMessage().contains("at least horizon + 2 = 4 days, found 3"), e.getMessage());
    }

    @Test
    void studentTAndIncompleteBetaMatchScipy() throws IOException {
        JsonNode ref = reference();
        for (JsonNode c : ref.get("student_t_cdf")) {
            assertEquals(c.get("cdf").asDouble(), DieboldMariano.studentTCdf(c.get("t").asDouble(), c.get("df").asDouble()),
                    1e-11, () -> "t cdf at " + c);
        }
        for (JsonNode c : ref.get("regularized_beta")) {
            assertEquals(c.get("value").asDouble(), GammaFunctions.regularizedBeta(c.get("x").asDouble(),
                    c.get("a").asDouble(), c.get("b").asDouble()), 1e-11, () -> "I_x(a,b) at " + c);
        }
        assertEquals(Math.log(120), GammaFunctions.logGamma(6), 1e-13);
        assertEquals(0.5 * Math.log(Math.PI), GammaFunctions.logGamma(0.5), 1e-13);
    }

    static JsonNode reference() throws IOException {
        try (InputStream in = DieboldMarianoTest.class.getResourceAsStream("forecast-evaluation-reference-v1.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
