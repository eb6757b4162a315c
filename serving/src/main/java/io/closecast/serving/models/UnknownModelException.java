package io.closecast.serving.models;

import io.closecast.serving.ServingException;

import java.util.List;

/** A model was asked for by a name the service does not serve. */
public final class UnknownModelException extends ServingException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final List<String> served;

    public UnknownModelException(String name, List<String> served) {
        super("expected one of the served models " + String.join(", ", served) + ", found '" + name + "'");
        this.name = name;
        this.served = List.copyOf(served);
    }

    /** The name asked for. */
    public String name() {
        return name;
    }

    /** The models the service serves, in configured order. */
    public List<String> served() {
        return served;
    }
}
