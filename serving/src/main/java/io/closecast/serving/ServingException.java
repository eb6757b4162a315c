package io.closecast.serving;

/** A failure of the serving service: configuration, model loading, or a request it cannot answer. */
public class ServingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServingException(String message) {
        super(message);
    }

    public ServingException(String message, Throwable cause) {
        super(message, cause);
    }
}
