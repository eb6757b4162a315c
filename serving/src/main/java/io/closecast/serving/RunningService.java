package io.closecast.serving;

import io.closecast.serving.http.filter.HeaderDeadline;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.monitoring.ServingMetrics;

import io.helidon.webserver.WebServer;

/** A started service: its web server, models and meters. Closing stops the server, then the models. */
public record RunningService(WebServer server, ModelFleet fleet, ServingMetrics metrics, HeaderDeadline headerDeadline)
        implements AutoCloseable {

    /** The first configured model's manager: the only one in a single-model service. */
    public ModelManager models() {
        return fleet.first();
    }

    /** The port it listens on (useful when started on port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        headerDeadline.close();
        fleet.close();
    }
}
