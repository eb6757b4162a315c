package io.closecast.serving.models;

/**
 * One word for a model's state, as {@code /health/ready} and {@code GET /v1/models} name it ({@link #text()}).
 */
public enum Condition {
    /** A version serves. */
    SERVING("serving"),
    /** Nothing serves: the registry answered that the alias points at no version. */
    NO_VERSION("no_version"),
    /** Nothing serves: the version the alias points at failed to load. */
    REFUSED("refused"),
    /** Nothing serves: the registry does not answer and no cached version serves. */
    REGISTRY_UNREACHABLE("registry_unreachable"),
    /** Nothing serves yet: starting, or loading the version the alias points at. */
    LOADING("loading");

    private final String text;

    Condition(String text) {
        this.text = text;
    }

    /** The word the HTTP answers carry, e.g. {@code no_version}. */
    public String text() {
        return text;
    }

    /**
     * Whether a model in this condition keeps a fleet from being ready: only a serving model and one without a
     * version (which no replica can serve) do not.
     */
    public boolean holdsReadinessBack() {
        return this != SERVING && this != NO_VERSION;
    }
}
