package io.closecast.model.risk;

import io.closecast.model.ModelException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kupiec and Christoffersen against cases worked by hand (the expected values are the formulas evaluated
 * term by term, e.g. one miss in ten days at 95 %: {@code -2[9 ln .95 + ln .05] + 2[9 ln .9 + ln .1] = 0.41308}) and
 * against the published 95 % non-rejection regions of Kupiec's test (Jorion, Value at Risk, table "model
 * backtesting, 95 % nonrejection test confidence regions").
 */
class CoverageTestsTest {

    private static boolean[] seq(int... bits) {
        boolean[] b = new boolean[bits.length];
        for (int i = 0; i < bits.length; i++) {
            b[i] = bits[i] == 1;
        }
        return b;
    }

    private static boolean[] repeat(int n, boolean v) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, v);
        return b;
    }

    @Test
    void oneMissInTenDaysAtNinetyFivePercent() {
        // transitions: n00 = 7, n01 = 1, n10 = 1, n11 = 0; pi01 = 1/8, pi11 = 0, pi = 1/9
        CoverageTests.Result r = CoverageTests.test(seq(0, 0, 0, 1, 0, 0, 0, 0, 0, 0), 0.95);
        assertEquals(1, r.misses());
        assertEquals(0.4130843782549265, r.kupiecLr(), 1e-12);
        assertEquals(0.520408133738432, r.kupiecP(), 1e-9);
        assertEquals(0.2506551450715877, r.independenceLr(), 1e-12);
        assertEquals(0.6166141470344186, r.independenceP(), 1e-9);
        assertEquals(0.6637395233265142, r.conditionalCoverageLr(), 1e-12);
        assertEquals(0.7175807732952889, r.conditionalCoverageP(), 1e-9);
    }

    @Test
    void zeroMissesGiveAFiniteKupiecAndNoEvidenceOfDependence() {
        // LR_uc = -2 * 20 ln 0.8; no misses, no transitions out of the miss state: LR_ind = 0
        CoverageTests.Result r = CoverageTests.test(repeat(20, false), 0.8);
        assertEquals(-40 * Math.log(0.8), r.kupiecLr(), 1e-12);
        assertEquals(0.0028117909415745694, r.kupiecP(), 1e-9);
        assertEquals(0, r.independenceLr());
        assertEquals(1, r.independenceP(), 1e-12);
        assertEquals(0.011529215046068481, r.conditionalCoverageP(), 1e-9);
    }

    @Test
    void zeroHitsAreTheOtherEdge() {
        CoverageTests.Result r = CoverageTests.test(repeat(5, true), 0.8);
        assertEquals(-10 * Math.log(0.2), r.kupiecLr(), 1e-12);
        assertEquals(0, r.independenceLr());
        assertEquals(0.00032, r.conditionalCoverageP(), 1e-12); // exp(-LR / 2) = 0.2^5
    }

    @Test
    void clusteredMissesFailIndependenceWithTheRightCount() {
        // 4 misses in 20 at 80 %: the right share, but in one run of three plus... here: 8 hits, 3 misses, 9 hits
        boolean[] s = new boolean[20];
        s[8] = s[9] = s[10] = true;
        CoverageTests.Result r = CoverageTests.test(s, 0.8);
        assertEquals(0.33514470704809796, r.kupiecLr(), 1e-12);
        assertEquals(5.273750276267506, r.independenceLr(), 1e-12);
        assertEquals(0.0216493233189138, r.independenceP(), 1e-9);
        assertEquals(0.060540210905427716, r.conditionalCoverageP(), 1e-9);
    }

    @Test
    void alternatingMissesAreFarFromIndependent() {
        boolean[] s = new boolean[20];
        for (int i = 0; i < 20; i += 2) {
            s[i] = true;
        }
        CoverageTests.Result r = CoverageTests.test(s, 0.8);
        assertEquals(26.28693695639187, r.independenceLr(), 1e-10);
        assertEquals(2.257687906685932e-08, r.conditionalCoverageP(), 1e-12);
    }

    @Test
    void kupiecNonRejectionRegionsMatchThePublishedTable() {
        // {p, T, first accepted N, last accepted N}: 1 < N < 11 at p = 0.01, T = 510 means 2..10 are not rejected
        double[][] table = {{0.01, 510, 2, 10}, {0.01, 1000, 5, 16}, {0.025, 510, 7, 20}, {0.025, 1000, 16, 35},
                {0.05, 255, 7, 20}, {0.05, 510, 17, 35}, {0.05, 1000, 38, 64}, {0.10, 255, 17, 35},
                {0.10, 1000, 82, 119}, {0.01, 255, 1, 6}};
        for (double[] row : table) {
            int n = (int) row[1];
            for (int x = 0; x <= n; x++) {
                double p = SpecialFunctions.chiSquareSurvival(CoverageTests.kupiecLr(n, x, row[0]), 1);
                boolean accepted = x >= row[2] && x <= row[3];
                assertEquals(accepted, p >= 0.05, "p=" + row[0] + " T=" + n + " N=" + x + ": p-value " + p);
            }
        }
    }

    @Test
    void badInputIsRefusedWithTheValue() {
        ModelException e = assertThrows(ModelException.class, () -> CoverageTests.test(repeat(10, false), 1.0));
        assertTrue(e.getMessage().contains("(0, 1)") && e.getMessage().contains("1.0"), e.getMessage());
        assertThrows(ModelException.class, () -> CoverageTests.test(repeat(1, false), 0.8));
        assertThrows(ModelException.class, () -> CoverageTests.kupiecLr(10, 11, 0.05));
    }
}
