package io.closecast.model.risk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reference values from R ({@code pchisq(..., lower = FALSE)}, {@code qnorm}, {@code qt}) and closed forms. */
class SpecialFunctionsTest {

    @Test
    void chiSquareTails() {
        assertEquals(0.05, SpecialFunctions.chiSquareSurvival(3.841458820694124, 1), 1e-12);
        assertEquals(0.05, SpecialFunctions.chiSquareSurvival(5.991464547107979, 2), 1e-12);
        assertEquals(Math.exp(-20), SpecialFunctions.chiSquareSurvival(40, 2), 1e-20);
        assertEquals(0.01, SpecialFunctions.chiSquareSurvival(6.634896601021214, 1), 1e-12);
        assertEquals(1, SpecialFunctions.chiSquareSurvival(0, 1));
    }

    @Test
    void normalAndStudentTQuantiles() {
        assertEquals(1.959963984540054, SpecialFunctions.normalQuantile(0.975), 1e-10);
        assertEquals(-1.2815515655446004, SpecialFunctions.normalQuantile(0.1), 1e-10);
        assertEquals(0.975, SpecialFunctions.normalCdf(1.959963984540054), 1e-12);
        // qt(0.975, 5) = 2.570581835636314, times sqrt(3/5) for unit variance
        assertEquals(2.570581835636314 * Math.sqrt(0.6), SpecialFunctions.standardizedTQuantile(0.975, 5), 1e-6);
        assertEquals(-1.3830287383964925 * Math.sqrt(7.0 / 9), SpecialFunctions.standardizedTQuantile(0.1, 9), 1e-6);
    }

    @Test
    void digamma() {
        double euler = 0.5772156649015329;
        assertEquals(-euler, SpecialFunctions.digamma(1), 1e-13);
        assertEquals(-euler - 2 * Math.log(2), SpecialFunctions.digamma(0.5), 1e-13);
        // psi(n) = -gamma + 1 + 1/2 + ... + 1/(n - 1); psi(x + 1) = psi(x) + 1 / x
        assertEquals(-euler + 1 + 0.5 + 1.0 / 3 + 0.25, SpecialFunctions.digamma(5), 1e-13);
        assertEquals(2.251752589066721, SpecialFunctions.digamma(10), 1e-13);
        assertEquals(SpecialFunctions.digamma(2.75) + 1 / 2.75, SpecialFunctions.digamma(3.75), 1e-13);
        // scipy.special.digamma(250)
        assertEquals(5.519459584531046, SpecialFunctions.digamma(250), 1e-13);
    }
}
