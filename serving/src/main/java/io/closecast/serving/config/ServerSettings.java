package io.closecast.serving.config;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.VersionRef;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the web server listens: the {@code server} keys and {@code limits.max-body-bytes}.
 *
 * @param host             {@code server.host}
 * @param port             {@code server.port} (0: any free port)
 * @param writeQueueLength {@code server.write-queue-length}: responses queued per connection for Helidon's writer
 * @param timeouts         {@code server.idle-timeout}, {@code server.header-timeout}, {@code server.body-timeout}
 * @param maxBodyBytes     {@code limits.max-body-bytes}: the largest request body read
 */
public record ServerSettings(String host, int port, int writeQueueLength, Timeouts timeouts, long maxBodyBytes) {

    /**
     * Responses queued per connection for Helidon's writer (0: written by the request's virtual thread). With 0,
     * about 1% of requests took 0.2-0.8 s at 16-64 connections on 2 cores here (2026-11-23); with the queue and one
     * socket poller ({@code -Djdk.readPollers=1}, the launcher's) the p99 at 16 connections was 2.2 ms (BENCHMARKS.md).
     */
    public static final int DEFAULT_WRITE_QUEUE_LENGTH = 32;

    /**
     * How long a connection may sit idle, take to send its request headers, and take to send its body.
     *
     * @param idle    a connection with no request in progress is closed after this long
     * @param headers the request headers must arrive within this of the request line (slow loris)
     * @param body    a request body must arrive within this of the route starting to read it
     */
    public record Timeouts(Duration idle, Duration headers, Duration body) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));

        public Timeouts {
            positive(idle, "server.idle-timeout");
            positive(headers, "server.header-timeout");
            positive(body, "server.body-timeout");
        }

        private static void positive(Duration d, String key) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) {
                throw new ServingException(key + " must be > 0, found " + d);
            }
        }
    }

    public ServerSettings {
        VersionRef.requireText(host, "server.host");
        if (port < 0 || port > 65535) {
            throw new ServingException("server.port must be 0..65535 (0 = any free port), found " + port);
        }
        if (writeQueueLength < 0 || writeQueueLength > 1024) {
            throw new ServingException("server.write-queue-length must be 0..1024 (0 = write on the request's thread), found "
                    + writeQueueLength);
        }
        Objects.requireNonNull(timeouts, "timeouts");
        if (maxBodyBytes < 1024) {
            throw new ServingException("limits.max-body-bytes must be >= 1024, found " + maxBodyBytes);
        }
    }
}
