package io.closecast.serving.dashboard;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * One loss against a reference's, in words decided by a one-sided Diebold-Mariano test at {@value #ALPHA}: "better
 * than naive, significant (DM p = 0.01)", "worse than naive, significant (DM p = 0.02)" or "level with naive (DM p =
 * 0.11)"; without a test only the two numbers and "no test recorded", never "better". Lower loss is better.
 *
 * @param tone      what the words say
 * @param text      the words
 * @param model     the model's loss (NaN: not recorded)
 * @param reference the reference's loss on the same days (NaN: not recorded)
 * @param p         the p-value shown: of the direction the losses lean ({@code min(pBetter, 1 - pBetter)}); NaN
 *                  without a test
 */
public record Comparison(Tone tone, String text, double model, double reference, double p) {

    /** Significance level of every verdict on the card. */
    public static final double ALPHA = 0.05;

    /** How a verdict reads: better, level, worse, or not decided (nothing recorded to decide it). */
    public enum Tone {
        BETTER, LEVEL, WORSE, NONE;

        /** The JSON spelling: {@code better}, {@code level}, {@code worse}, {@code none}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The verdict of {@code model} against {@code reference}.
     *
     * @param referenceName e.g. {@code naive} or {@code GARCH(1,1)}
     * @param pBetter       the one-sided p-value that the model's loss is lower (Diebold-Mariano); NaN when no test
     *                      was run
     */
    public static Comparison of(double model, double reference, double pBetter, String referenceName) {
        if (Double.isFinite(pBetter)) {
            double pWorse = 1 - pBetter;
            if (pBetter < ALPHA) {
                return new Comparison(Tone.BETTER, "better than " + referenceName + ", significant (DM " + p(pBetter) + ")",
                        model, reference, pBetter);
            }
            if (pWorse < ALPHA) {
                return new Comparison(Tone.WORSE, "worse than " + referenceName + ", significant (DM " + p(pWorse) + ")",
                        model, reference, pWorse);
            }
            double shown = Math.min(pBetter, pWorse);
            return new Comparison(Tone.LEVEL, "level with " + referenceName + " (DM " + p(shown) + ")", model, reference, shown);
        }
        if (Double.isFinite(model) && Double.isFinite(reference)) {
            return new Comparison(Tone.NONE, number(model) + " against " + referenceName + "'s " + number(reference)
                    + ", no significance test recorded", model, reference, Double.NaN);
        }
        return new Comparison(Tone.NONE, "no comparison with " + referenceName + " recorded", model, reference, Double.NaN);
    }

    /**
     * A p-value as the card writes it: {@code p = 0.11} (two significant digits; three where two would round a
     * significant value up to the threshold), {@code p < 0.001} below that.
     */
    public static String p(double p) {
        if (p < 0.001) {
            return "p < 0.001";
        }
        BigDecimal two = new BigDecimal(p).round(new MathContext(2, RoundingMode.HALF_UP));
        if (p < ALPHA && two.doubleValue() >= ALPHA) {
            two = new BigDecimal(p).round(new MathContext(3, RoundingMode.DOWN));
        }
        return "p = " + two.stripTrailingZeros().toPlainString();
    }

    /** A loss or ratio as the card writes it: up to four significant digits, no exponent. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(4, RoundingMode.HALF_UP)).stripTrailingZeros().toPlainString();
    }

    /** A ratio such as MASE with two decimals ({@code 0.98}). */
    public static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "–";
    }
}
