package io.closecast.serving.models;

import io.closecast.serving.ServingException;

import java.util.List;

/** Something that answers for the one model was asked for while the service serves several: a model must be named. */
public final class ModelRequiredException extends ServingException {
    private static final long serialVersionUID = 1L;

    private final String route;
    private final List<String> served;

    /**
     * @param route  what was asked for, e.g. {@code /v1/predict}
     * @param served the models the service serves, in configured order
     */
    public ModelRequiredException(String route, List<String> served) {
        super(route + " serves only when exactly one model is configured; this service serves " + served.size()
                + " (" + String.join(", ", served) + ")");
        this.route = route;
        this.served = List.copyOf(served);
    }

    public String route() {
        return route;
    }

    public List<String> served() {
        return served;
    }
}
