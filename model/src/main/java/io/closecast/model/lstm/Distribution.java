package io.closecast.model.lstm;

import io.closecast.model.ModelException;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the network's output layer predicts per horizon step ({@code model.distribution}).
 * <ul>
 *   <li>{@code point}: one value per step, the (scaled) target, trained on mean squared error: closecast's original
 *   network, unchanged.</li>
 *   <li>{@code gaussian}: a location and a scale per step, trained by the Gaussian negative log-likelihood.</li>
 *   <li>{@code student-t}: a location, a scale and a tail parameter (degrees of freedom) per step, trained by the
 *   Student-t negative log-likelihood.</li>
 * </ul>
 * The output layer is laid out in blocks of {@code horizon}: all locations, then all raw scales, then all raw tails.
 * A raw scale {@code r} becomes {@code softplus(r) + }{@value #MIN_SCALE}; a raw tail {@code t} becomes
 * {@code nu = }{@value #MIN_DEGREES_OF_FREEDOM}{@code  + softplus(t)}. See {@link DistributionLoss} for the math.
 */
public enum Distribution {
    POINT(1), GAUSSIAN(2), STUDENT_T(3);

    /** The smallest scale (in the target's scaled units) a raw output can give, so the likelihood stays finite. */
    public static final float MIN_SCALE = 1e-4f;
    /** The smallest degrees of freedom of a Student-t head: the variance stays finite. */
    public static final float MIN_DEGREES_OF_FREEDOM = 2f;

    private final int parameters;

    Distribution(int parameters) {
        this.parameters = parameters;
    }

    /**
     * Outputs per horizon step.
     *
     * @return 1 (point), 2 (location, scale) or 3 (location, scale, tail)
     */
    public int parameters() {
        return parameters;
    }

    /**
     * The kebab-case name used in configs and bundles, e.g. {@code student-t}.
     *
     * @return the enum's name in lower case, {@code _} as {@code -}
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a config or bundle value such as {@code gaussian}; fails naming the field and the allowed values.
     *
     * @param field the key being read, named in the error, e.g. {@code model.distribution}
     * @param value the text; case and surrounding blanks are ignored
     * @return the distribution whose {@link #key()} it is
     * @throws ModelException naming {@code field}, the value and the allowed values when none matches
     */
    public static Distribution parse(String field, String value) {
        for (Distribution d : values()) {
            if (d.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new ModelException(field + " must be one of "
                + Arrays.toString(Arrays.stream(values()).map(Distribution::key).toArray()) + ", found '" + value + "'");
    }

    /** {@code ln(1 + e^x)}, without overflow. */
    public static float softplus(float x) {
        return x > 20f ? x : (float) Math.log1p(Math.exp(x));
    }

    /** The derivative of {@link #softplus}: the logistic sigmoid. */
    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * The scale a raw output gives: {@code softplus(raw) + MIN_SCALE}.
     *
     * @param raw the output layer's value in the scale block
     * @return the scale, &gt; 0, in the target's scaled units
     */
    public static float scale(float raw) {
        return softplus(raw) + MIN_SCALE;
    }

    /**
     * The degrees of freedom a raw tail output gives: {@code MIN_DEGREES_OF_FREEDOM + softplus(raw)}.
     *
     * @param raw the output layer's value in the tail block
     * @return the degrees of freedom, &gt; 2
     */
    public static float degreesOfFreedom(float raw) {
        return MIN_DEGREES_OF_FREEDOM + softplus(raw);
    }

    /**
     * The scales of one window's outputs ({@link LstmForecaster#predictOutputs}): {@link #scale} of each raw scale.
     *
     * @param outputs one window's raw outputs, {@code parameters() * horizon} values
     * @param horizon steps per window
     * @return {@code horizon} scales, in the target's scaled units
     * @throws ModelException when this is {@link #POINT} (no scale) or the outputs have the wrong width
     */
    public float[] scales(float[] outputs, int horizon) {
        if (this == POINT || outputs.length != parameters * horizon) {
            throw new ModelException("a " + key() + " head has no scales in " + outputs.length + " outputs for horizon "
                    + horizon + " (expected a gaussian or student-t head, " + parameters * horizon + " outputs)");
        }
        float[] s = new float[horizon];
        for (int h = 0; h < horizon; h++) {
            s[h] = scale(outputs[horizon + h]);
        }
        return s;
    }
}
