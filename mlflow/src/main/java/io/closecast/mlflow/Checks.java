package io.closecast.mlflow;

import io.closecast.mlflow.MlflowException;

/** Argument checks whose messages name the field, the value found and what was expected. */
public final class Checks {
    private Checks() {
    }

    public static String notBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new MlflowException(field + " must be a non-blank string, found "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new MlflowException(field + " must be given, found null");
        }
        return value;
    }

    public static int positive(int value, String field) {
        if (value <= 0) {
            throw new MlflowException(field + " must be > 0, found " + value);
        }
        return value;
    }
}
