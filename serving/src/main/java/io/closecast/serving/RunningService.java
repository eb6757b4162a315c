package io.closecast.serving;

import io.closecast.serving.adaptive.AdaptiveIntervals;
import io.closecast.serving.http.filter.HeaderDeadline;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.monitoring.ServingMetrics;

import io.closecast.serving.security.IssuedKeys;
import io.closecast.serving.track.Tracker;

import java.util.Optional;

import io.helidon.webserver.WebServer;

/**
 * A started service: its web server, models, meters, forecast log and adaptive intervals. Closing stops the server, then writes what the
 * forecast log holds, then stops the models.
 */
public record RunningService(WebServer server, ModelFleet fleet, ServingMetrics metrics, HeaderDeadline headerDeadline,
                             Optional<Tracker> tracker, Optional<IssuedKeys> issuedKeys,
                             Optional<AdaptiveIntervals> adaptive) implements AutoCloseable {

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
        tracker.ifPresent(Tracker::close);
        issuedKeys.ifPresent(IssuedKeys::close);
        fleet.close();
        adaptive.ifPresent(AdaptiveIntervals::close);
    }
}
