package io.closecast.model.risk;

import io.closecast.model.ModelException;

/**
 * The backtests of an interval's misses: Kupiec's (1995) proportion of failures and Christoffersen's (1998)
 * independence and conditional-coverage likelihood-ratio tests.
 *
 * <p>With {@code n} days, {@code x} misses and nominal miss rate {@code p = 1 - level}:
 * <ul>
 *   <li>Kupiec: {@code LR_uc = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x]}, chi-square with 1 df.</li>
 *   <li>Christoffersen independence: with {@code n_ij} the days a state {@code i} (1 = miss) is followed by
 *   {@code j}, {@code pi_01 = n_01 / (n_00 + n_01)}, {@code pi_11 = n_11 / (n_10 + n_11)} and
 *   {@code pi = (n_01 + n_11) / (n - 1)}: {@code LR_ind = -2 ln[(1-pi)^(n_00+n_10) pi^(n_01+n_11)]
 *   + 2 ln[(1-pi_01)^n_00 pi_01^n_01 (1-pi_11)^n_10 pi_11^n_11]}, chi-square with 1 df.</li>
 *   <li>Conditional coverage: {@code LR_cc = LR_uc + LR_ind}, chi-square with 2 df.</li>
 * </ul>
 * Every {@code 0 ln 0} is taken as 0 (the standard convention), so zero misses (or zero hits) give finite
 * statistics: no misses at all is {@code LR_uc = -2 n ln(1 - p)} and {@code LR_ind = 0}; a transition row that never
 * occurs ({@code n_10 + n_11 = 0}) contributes nothing. Small p-values reject correct coverage.
 */
public final class CoverageTests {

    /**
     * The three tests on one miss sequence.
     *
     * @param days       days tested
     * @param misses     days the actual fell outside the interval
     * @param missRate   nominal miss rate {@code 1 - level}
     * @param kupiecLr   the unconditional-coverage statistic {@code LR_uc}
     * @param independenceLr the independence statistic {@code LR_ind}
     */
    public record Result(int days, int misses, double missRate, double kupiecLr, double independenceLr) {

        /** @return the Kupiec proportion-of-failures p-value (chi-square, 1 df) */
        public double kupiecP() {
            return SpecialFunctions.chiSquareSurvival(kupiecLr, 1);
        }

        /** @return the Christoffersen independence p-value (chi-square, 1 df) */
        public double independenceP() {
            return SpecialFunctions.chiSquareSurvival(independenceLr, 1);
        }

        /** @return {@code LR_cc = LR_uc + LR_ind} */
        public double conditionalCoverageLr() {
            return kupiecLr + independenceLr;
        }

        /** @return the Christoffersen conditional-coverage p-value (chi-square, 2 df) */
        public double conditionalCoverageP() {
            return SpecialFunctions.chiSquareSurvival(conditionalCoverageLr(), 2);
        }
    }

    private CoverageTests() {
    }

    /**
     * Runs the three tests on a miss sequence in date order.
     *
     * @param missed {@code missed[t]}: the actual of day {@code t} fell outside its interval; at least 2 days
     * @param level the interval's nominal coverage, strictly between 0 and 1
     * @return the statistics (p-values through {@link Result})
     * @throws ModelException when the level is outside (0, 1) or fewer than 2 days are given
     */
    public static Result test(boolean[] missed, double level) {
        if (!(level > 0 && level < 1)) {
            throw new ModelException("a coverage test needs a level in (0, 1), found " + level);
        }
        int n = missed.length;
        if (n < 2) {
            throw new ModelException("a coverage test needs at least 2 days, found " + n);
        }
        int x = 0;
        for (boolean m : missed) {
            x += m ? 1 : 0;
        }
        double p = 1 - level;
        return new Result(n, x, p, kupiecLr(n, x, p), independenceLr(missed));
    }

    /**
     * Kupiec's {@code LR_uc} for {@code x} misses in {@code n} days at nominal miss rate {@code p}.
     *
     * @param n days
     * @param x misses, 0 to n
     * @param p nominal miss rate, in (0, 1)
     * @return the statistic, at least 0
     */
    public static double kupiecLr(int n, int x, double p) {
        if (x < 0 || x > n) {
            throw new ModelException("misses must be between 0 and the days (" + n + "), found " + x);
        }
        double observed = (double) x / n;
        double lr = -2 * (xlog(n - x, 1 - p) + xlog(x, p)) + 2 * (xlog(n - x, 1 - observed) + xlog(x, observed));
        return Math.max(0, lr);
    }

    static double independenceLr(boolean[] missed) {
        int n00 = 0, n01 = 0, n10 = 0, n11 = 0;
        for (int t = 1; t < missed.length; t++) {
            if (missed[t - 1]) {
                if (missed[t]) {
                    n11++;
                } else {
                    n10++;
                }
            } else if (missed[t]) {
                n01++;
            } else {
                n00++;
            }
        }
        double pi01 = ratio(n01, n00 + n01);
        double pi11 = ratio(n11, n10 + n11);
        double pi = ratio(n01 + n11, n00 + n01 + n10 + n11);
        double restricted = xlog(n00 + n10, 1 - pi) + xlog(n01 + n11, pi);
        double unrestricted = xlog(n00, 1 - pi01) + xlog(n01, pi01) + xlog(n10, 1 - pi11) + xlog(n11, pi11);
        return Math.max(0, -2 * (restricted - unrestricted));
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** {@code count * ln(probability)}, 0 when the count is 0 (the convention {@code 0 ln 0 = 0}). */
    private static double xlog(int count, double probability) {
        return count == 0 ? 0 : count * Math.log(probability);
    }
}
