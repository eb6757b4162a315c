package io.closecast.model;

/** Any failure of closecast's forecasting model: bad data, bad config, a bundle that does not load. */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was expected, what was found, and where
     */
    public ModelException(String message) {
        super(message);
    }

    /**
     * An exception with the given message, caused by {@code cause}.
     *
     * @param message what was expected, what was found, and where
     * @param cause the failure underneath, e.g. an {@code IOException}
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
