package io.closecast.serving.security;

import io.closecast.serving.ServingException;

import java.util.Objects;
import java.util.Optional;

/** A webhook delivery {@link WebhookVerifier} refuses: a header is missing, malformed or stale, or the signature is wrong. */
public final class WebhookRejectedException extends ServingException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the delivery. */
    public enum Fault {
        /** A header is missing, malformed or stale: the delivery cannot be checked. */
        HEADER,
        /** The signature does not match: the delivery is not authentic. */
        SIGNATURE
    }

    private final Fault fault;
    private final String header;
    private final String expected;
    private final String found;

    /**
     * @param header   the header at fault, e.g. {@code X-MLflow-Timestamp}
     * @param expected what was expected, e.g. {@code expected Unix seconds}
     * @param found    the header's value as sent, when the message should quote it
     */
    WebhookRejectedException(Fault fault, String header, String expected, Optional<String> found) {
        super(header + ": " + expected + found.map(f -> ", found '" + f + "'").orElse(""));
        this.fault = Objects.requireNonNull(fault, "fault");
        this.header = header;
        this.expected = expected;
        this.found = found.orElse(null);
    }

    public Fault fault() {
        return fault;
    }

    /** The header at fault. */
    public String header() {
        return header;
    }

    /** What was expected (and, when no value is quoted, what was found), without the header's name. */
    public String expected() {
        return expected;
    }

    /** The header's value as the client sent it (untrusted: abbreviate before echoing it). */
    public Optional<String> found() {
        return Optional.ofNullable(found);
    }
}
