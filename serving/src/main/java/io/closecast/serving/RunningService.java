package io.closecast.serving;

import io.helidon.webserver.WebServer;

/** A started service: its web server, model manager and meters. Closing stops the server, then the models. */
public record RunningService(WebServer server, ModelManager models, ServingMetrics metrics, HeaderDeadline headerDeadline)
        implements AutoCloseable {

    /** The port it listens on (useful when started on port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        headerDeadline.close();
        models.close();
    }
}
