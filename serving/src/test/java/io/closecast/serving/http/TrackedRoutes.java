package io.closecast.serving.http;

import io.closecast.serving.Main;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.track.TrackSettings;
import io.closecast.serving.track.Tracker;
import io.closecast.serving.track.jdbc.JdbcTrackStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.webserver.http.HttpRouting;

/**
 * The service of a routing test with the forecast log on: one test model served, its track record in an embedded H2
 * store in a new temporary directory (no price directory: closes come from the routes), the track loop's meters in a
 * registry of their own, a fixed clock. The routing tests of the log's routes share it.
 */
final class TrackedRoutes implements AutoCloseable {

    final Path dir;
    final Tracker tracker;
    final MeterRegistry trackRegistry;
    final ModelFleet fleet;
    final ModelManager models;

    private TrackedRoutes(Path dir, Tracker tracker, MeterRegistry trackRegistry, ModelFleet fleet) {
        this.dir = dir;
        this.tracker = tracker;
        this.trackRegistry = trackRegistry;
        this.fleet = fleet;
        this.models = fleet.all().iterator().next();
    }

    /** Serves {@code source} (named {@code model}) on {@code routing} with the forecast log on, at {@code clock}. */
    @SuppressWarnings("removal") // the registry Main uses (Helidon's MetricsObserver reports the global one)
    static TrackedRoutes start(HttpRouting.Builder routing, TestModelSource source, String model, String dirPrefix,
                               Clock clock) throws IOException {
        Path dir = Files.createTempDirectory(dirPrefix);
        ServingConfig config = ServingConfig.builder().modelName(model)
                .pollInterval(Duration.ofMinutes(10)).retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(200))
                .maxBodyBytes(1024 * 1024).build();
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        String url = JdbcTrackStore.embeddedUrl(dir);
        TrackSettings settings = new TrackSettings(true, dir, Optional.empty(), Optional.empty(), Optional.empty(),
                1000, 100, dir.resolve("no-prices"), Duration.ofDays(1), 250);
        // before the fleet starts: its loader thread registering meters meanwhile can deadlock with a new registry
        MeterRegistry trackRegistry = Metrics.createMeterRegistry(MetricsConfig.create());
        Tracker tracker = Tracker.start(settings, () -> JdbcTrackStore.open(url, Optional.empty(), Optional.empty()),
                trackRegistry, clock);
        ModelFleet fleet = ModelFleet.create(List.of(source), config.registry().loader(), metrics);
        fleet.start();
        Main.routing(routing, config, fleet, metrics, Optional.of(tracker));
        return new TrackedRoutes(dir, tracker, trackRegistry, fleet);
    }

    /** Waits until the model serves. */
    void awaitReady() {
        TestClient.await("model ready", Duration.ofSeconds(20), models::ready);
    }

    @Override
    public void close() {
        tracker.close();
        fleet.close();
    }
}
