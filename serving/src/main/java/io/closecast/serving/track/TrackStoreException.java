package io.closecast.serving.track;

import io.closecast.serving.ServingException;

/**
 * The forecast log's store could not do what was asked. {@link #transientFailure()} says whether trying again may
 * succeed (the store is down or slow) or not (the store refuses the data).
 */
public final class TrackStoreException extends ServingException {

    private final boolean transientFailure;

    public TrackStoreException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean transientFailure() {
        return transientFailure;
    }
}
