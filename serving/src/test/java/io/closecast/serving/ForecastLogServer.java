package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One service process for {@code bench/serving/log-on-off.sh} (not a test): the service as {@link Main#start} builds
 * it, serving {@link ServingBench#loggedSource()} (~0.1 ms per forecast, MSFT, two interval levels) with the forecast
 * log on (the embedded H2 store under {@code DIR}), off ({@code track.enabled: false}), or on with a store that is down
 * (a PostgreSQL URL nobody listens on and a queue that holds the whole run: the request path alone). It writes the
 * dated request body the bench posts ({@link ForecastLogBench#datedBody()}) to {@code BODY_FILE}, its port to
 * {@code PORT_FILE} once it listens, and serves until it is stopped (SIGTERM: a normal stop, the log drained).
 * <pre>ForecastLogServer on|off|store-down PORT_FILE BODY_FILE DIR</pre>
 */
public final class ForecastLogServer {

    private ForecastLogServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !List.of("on", "off", "store-down").contains(args[0])) {
            throw new IllegalArgumentException("usage: ForecastLogServer on|off|store-down PORT_FILE BODY_FILE DIR, found "
                    + List.of(args));
        }
        Path dir = Path.of(args[3]);
        Files.createDirectories(dir);
        ServingConfig config = ForecastLogBench.config(args[0], dir).build();
        RunningService service = Main.start(config, ServingBench.loggedSource());
        Runtime.getRuntime().addShutdownHook(new Thread(service::close));
        Files.writeString(Path.of(args[2]), ForecastLogBench.datedBody(), StandardCharsets.UTF_8);
        Path port = Path.of(args[1]);
        Files.writeString(port.resolveSibling(port.getFileName() + ".tmp"), Integer.toString(service.port()));
        Files.move(port.resolveSibling(port.getFileName() + ".tmp"), port,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        while (true) {
            Thread.sleep(Duration.ofHours(1));
        }
    }
}
