package io.closecast.mlflow;

import io.closecast.mlflow.MlflowException;

/** Argument checks whose messages name the field, the value found and what was expected. */
public final class Checks {
    private Checks() {
    }

    /**
     * Checks that a string has a non-blank value.
     *
     * @param value the value
     * @param field what it is, for the message
     * @return {@code value}
     * @throws MlflowException when it is null or blank
     */
    public static String notBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new MlflowException(field + " must be a non-blank string, found "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /**
     * Checks that a value is given.
     *
     * @param value the value
     * @param field what it is, for the message
     * @param <T>   its type
     * @return {@code value}
     * @throws MlflowException when it is null
     */
    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new MlflowException(field + " must be given, found null");
        }
        return value;
    }

    /**
     * Checks that a number is above zero.
     *
     * @param value the value
     * @param field what it is, for the message
     * @return {@code value}
     * @throws MlflowException when it is 0 or less
     */
    public static int positive(int value, String field) {
        if (value <= 0) {
            throw new MlflowException(field + " must be > 0, found " + value);
        }
        return value;
    }
}
