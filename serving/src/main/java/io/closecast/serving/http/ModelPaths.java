package io.closecast.serving.http;

import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.UnknownModelException;

import io.helidon.webserver.http.ServerRequest;

/** The model a {@code /v1/models/{name}/...} route names. */
final class ModelPaths {

    private ModelPaths() {
    }

    /** The manager of the model the path's {@code {name}} names; an {@link UnknownModelException} if none is served. */
    static ModelManager named(ModelFleet fleet, ServerRequest req) {
        return fleet.get(req.path().pathParameters().get("name"));
    }
}
