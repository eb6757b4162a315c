package io.closecast.model;

/** Any failure of closecast's forecasting model: bad data, bad config, a bundle that does not load. */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
