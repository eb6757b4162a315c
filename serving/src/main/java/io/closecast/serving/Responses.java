package io.closecast.serving;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Writing JSON answers and the shared error handlers (404, 405, the mapped exceptions). */
final class Responses {

    static final HeaderName MODEL_VERSION = HeaderNames.create("X-Model-Version");
    private static final String JSON = "application/json";

    private Responses() {
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body);
    }

    static void json(ServerResponse res, int status, CharSequence body) {
        json(res, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void error(ServerResponse res, int status, ApiError error) {
        json(res, status, error.toJson());
    }

    /** The catch-all route: no endpoint has this path. */
    static void notFound(ServerRequest req, ServerResponse res) {
        error(res, 404, ApiError.create("not_found", "path: expected one of the documented endpoints (GET /openapi), found "
                + req.prologue().method().text() + " " + Json.abbreviate(req.path().path())));
    }

    /** Registered after an endpoint's own methods: the path exists but not for this method. */
    static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
        res.header(HeaderNames.ALLOW, allowed);
        error(res, 405, ApiError.create("method_not_allowed", "method: expected " + allowed + " for "
                + req.path().path() + ", found " + req.prologue().method().text()));
    }
}
