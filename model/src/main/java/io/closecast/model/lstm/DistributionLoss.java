package io.closecast.model.lstm;

/**
 * The negative log-likelihood of a distribution head and its gradient, one window (row) at a time, shared by
 * the fused trainer's backward pass and the DL4J loss function so both compute the same floats.
 *
 * <p>A row's output is laid out as {@link Distribution} says (locations, raw scales, raw tails, each
 * {@code horizon} wide); its loss is the mean over the horizon steps of the per-step NLL of the target {@code y}:
 * <ul>
 *   <li>Gaussian: {@code ln sigma + z^2 / 2 + ln(2 pi) / 2}, {@code z = (y - mu) / sigma}.</li>
 *   <li>Student-t: {@code ln Gamma(nu/2) - ln Gamma((nu+1)/2) + ln(nu pi) / 2 + ln sigma
 *   + (nu+1)/2 ln(1 + z^2/nu)}.</li>
 * </ul>
 * The gradient is with respect to the raw outputs (through the softplus of the scale and the tail), divided by the
 * horizon as the mean is, summed over nothing: the caller sums over the rows as DL4J does (its updater divides by
 * the mini-batch size).
 */
public final class DistributionLoss {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private DistributionLoss() {
    }

    /**
     * The NLL of one row and, when {@code grad} is not {@code null}, its gradient.
     *
     * @param distribution {@link Distribution#GAUSSIAN} or {@link Distribution#STUDENT_T}
     * @param horizon steps per row
     * @param out the output layer's values; the row starts at {@code outOff}, {@code parameters() * horizon} wide
     * @param outOff where the row starts in {@code out}
     * @param y the targets; the row's {@code horizon} values start at {@code yOff}
     * @param yOff where the row's targets start in {@code y}
     * @param grad receives d(mean NLL over the steps)/d(out) at {@code gradOff..}; {@code null} for the loss only
     * @param gradOff where the row's gradient starts in {@code grad}
     * @return the NLL summed over the row's steps (divide by the horizon for the row's loss)
     */
    public static double row(Distribution distribution, int horizon, float[] out, int outOff, float[] y, int yOff,
                             float[] grad, int gradOff) {
        double sum = 0;
        for (int h = 0; h < horizon; h++) {
            double mu = out[outOff + h];
            float rawScale = out[outOff + horizon + h];
            double sigma = Distribution.scale(rawScale);
            double dScaleDRaw = Distribution.sigmoid(rawScale);
            double z = (y[yOff + h] - mu) / sigma;
            double z2 = z * z;
            if (distribution == Distribution.GAUSSIAN) {
                sum += Math.log(sigma) + 0.5 * z2 + HALF_LOG_TWO_PI;
                if (grad != null) {
                    grad[gradOff + h] = (float) (-z / sigma / horizon);
                    grad[gradOff + horizon + h] = (float) ((1 - z2) / sigma * dScaleDRaw / horizon);
                }
            } else if (distribution == Distribution.STUDENT_T) {
                float rawTail = out[outOff + 2 * horizon + h];
                double nu = Distribution.degreesOfFreedom(rawTail);
                double q = nu + z2;
                double log1p = Math.log1p(z2 / nu);
                sum += logGamma(nu / 2) - logGamma((nu + 1) / 2) + 0.5 * Math.log(nu * Math.PI) + Math.log(sigma)
                        + (nu + 1) / 2 * log1p;
                if (grad != null) {
                    grad[gradOff + h] = (float) (-(nu + 1) * z / (sigma * q) / horizon);
                    double dSigma = 1 / sigma - (nu + 1) * z2 / (sigma * q);
                    grad[gradOff + horizon + h] = (float) (dSigma * dScaleDRaw / horizon);
                    double dNu = 0.5 * digamma(nu / 2) - 0.5 * digamma((nu + 1) / 2) + 0.5 / nu + 0.5 * log1p
                            - (nu + 1) * z2 / (2 * nu * q);
                    grad[gradOff + 2 * horizon + h] = (float) (dNu * Distribution.sigmoid(rawTail) / horizon);
                }
            } else {
                throw new IllegalArgumentException("the negative log-likelihood needs a distribution head, found "
                        + distribution.key());
            }
        }
        return sum;
    }

    /**
     * The mean NLL per window and step of a set of windows (a validation loss).
     *
     * @param distribution {@link Distribution#GAUSSIAN} or {@link Distribution#STUDENT_T}
     * @param outputs each window's raw outputs, {@code parameters() * horizon} wide
     * @param targets each window's {@code horizon} targets
     * @return the mean over every window and step; NaN for no window
     */
    public static double mean(Distribution distribution, float[][] outputs, float[][] targets) {
        if (outputs.length == 0) {
            return Double.NaN;
        }
        int horizon = targets[0].length;
        double sum = 0;
        for (int i = 0; i < outputs.length; i++) {
            sum += row(distribution, horizon, outputs[i], 0, targets[i], 0, null, 0);
        }
        return sum / ((double) outputs.length * horizon);
    }

    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** {@code ln Gamma(x)} for {@code x > 0} (Lanczos, g = 7: about 15 significant digits). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double xm = x - 1;
        double a = LANCZOS[0];
        double t = xm + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            a += LANCZOS[i] / (xm + i);
        }
        return HALF_LOG_TWO_PI + (xm + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** The digamma function {@code psi(x)} for {@code x > 0}: recurrence up to 6, then the asymptotic series. */
    static double digamma(double x) {
        double result = 0;
        while (x < 6) {
            result -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        return result + Math.log(x) - 0.5 / x
                - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
    }
}
