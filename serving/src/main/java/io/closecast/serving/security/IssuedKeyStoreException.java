package io.closecast.serving.security;

import io.closecast.serving.ServingException;

/** An issued-key store that cannot be read or written (a file store's I/O, a malformed file): answered 503. */
public final class IssuedKeyStoreException extends ServingException {
    private static final long serialVersionUID = 1L;

    public IssuedKeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
