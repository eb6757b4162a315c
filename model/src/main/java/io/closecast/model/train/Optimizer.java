package io.closecast.model.train;

import io.closecast.model.ModelException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The gradient-descent update rule. {@link #ADAMW} is Adam with decoupled weight decay
 * (DL4J 1.0.0-M2.1 has no AdamW updater: it is built as Adam plus a {@code WeightDecay} regularizer
 * whose coefficient is {@link TrainingSpec#l2()}).
 */
public enum Optimizer {
    ADAM, ADAMW, SGD, RMSPROP;

    /**
     * The config value, e.g. {@code adamw}.
     *
     * @return the enum's name in lower case
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a config value such as {@code adam}; fails naming the field and the allowed values.
     *
     * @param field the config key being read, named in the error, e.g. {@code training.optimizer}
     * @param value the configured text; case and surrounding blanks are ignored
     * @return the constant whose {@link #key()} it is
     * @throws ModelException naming {@code field}, the value and the allowed values when none matches
     */
    public static Optimizer parse(String field, String value) {
        for (Optimizer o : values()) {
            if (o.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw new ModelException(field + " must be one of "
                + Arrays.toString(Arrays.stream(values()).map(Optimizer::key).toArray()) + ", found '" + value + "'");
    }
}
