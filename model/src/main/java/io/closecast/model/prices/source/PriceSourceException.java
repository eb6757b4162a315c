package io.closecast.model.prices.source;

import io.closecast.model.ModelException;

/** A price source failed: the provider refused, answered something unreadable, or could not be reached. */
public class PriceSourceException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was asked, what the source answered, and where
     */
    public PriceSourceException(String message) {
        super(message);
    }

    /**
     * An exception with the given message, caused by {@code cause}.
     *
     * @param message what was asked, what the source answered, and where
     * @param cause the failure underneath, e.g. an {@code IOException}
     */
    public PriceSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
