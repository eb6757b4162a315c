package io.closecast.model.train;

import io.closecast.model.ModelException;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which code trains the network. {@link #FUSED} (closecast-training's {@code FusedLstmTrainer}) computes the same math as the DL4J
 * network in plain Java and is much faster; {@link #DL4J} runs {@code MultiLayerNetwork.fit}. The trainer falls
 * back to {@link #DL4J} (and logs why) for settings the fused engine does not support, e.g. dropout > 0.
 */
public enum TrainingEngine {
    FUSED, DL4J;

    /**
     * The config value, e.g. {@code fused}.
     *
     * @return the enum's name in lower case
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a config value such as {@code fused}; fails naming the field and the allowed values.
     *
     * @param field the config key being read, named in the error, e.g. {@code training.optimizer}
     * @param value the configured text; case and surrounding blanks are ignored
     * @return the constant whose {@link #key()} it is
     * @throws ModelException naming {@code field}, the value and the allowed values when none matches
     */
    public static TrainingEngine parse(String field, String value) {
        for (TrainingEngine e : values()) {
            if (e.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new ModelException(field + " must be one of "
                + Arrays.toString(Arrays.stream(values()).map(TrainingEngine::key).toArray()) + ", found '" + value + "'");
    }
}
