package io.closecast.model.lstm;

import io.closecast.model.ModelException;

import java.util.Arrays;
import java.util.Locale;

/** Activation of the dense head's hidden layers (the output layer is always linear). */
public enum HeadActivation {
    IDENTITY, RELU, TANH, SIGMOID;

    /**
     * The kebab-case name used in configs, e.g. {@code relu}.
     *
     * @return the enum's name in lower case
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a config value such as {@code relu}; fails naming the field and the allowed values.
     *
     * @param field the config key being read, named in the error, e.g. {@code model.head-activation}
     * @param value the configured text; case and surrounding blanks are ignored
     * @return the activation whose {@link #key()} it is
     * @throws ModelException naming {@code field}, the value and the allowed values when none matches
     */
    public static HeadActivation parse(String field, String value) {
        for (HeadActivation a : values()) {
            if (a.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new ModelException(field + " must be one of " + Arrays.toString(keys()) + ", found '" + value + "'");
    }

    private static String[] keys() {
        return Arrays.stream(values()).map(HeadActivation::key).toArray(String[]::new);
    }

    /**
     * Applies this activation to one value, exactly as the network does.
     *
     * @param v a pre-activation
     * @return the activation's value for it
     */
    public float apply(float v) {
        return switch (this) {
            case IDENTITY -> v;
            case RELU -> v > 0f ? v : 0f;
            case TANH -> (float) Math.tanh(v);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-v)));
        };
    }
}
