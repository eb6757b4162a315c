package io.closecast.serving.track;

import io.closecast.serving.ServingException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code track.*} keys (docs/configuration.md): the forecast log, its store, the price feed and the track record.
 *
 * @param enabled         {@code track.enabled}: log dated forecasts and score them (default true)
 * @param dir             {@code track.dir}: where the embedded store's file lives when no URL is set
 * @param url             {@code track.store.url}: a {@code jdbc:postgresql:} or {@code jdbc:h2:} URL; empty: the embedded H2 file in {@code dir}
 * @param user            {@code track.store.user}
 * @param password        {@code track.store.password} (or {@code CLOSECAST_TRACK_STORE_PASSWORD})
 * @param queueCapacity   {@code track.queue-capacity}: forecasts that may wait for the store
 * @param batchSize       {@code track.batch-size}: forecasts per insert transaction
 * @param pricesDir       {@code track.prices-dir}: the directory of {@code <SYMBOL>.csv} price files realised closes come from
 * @param refreshInterval {@code track.refresh-interval}: how often closes are refreshed and forecasts scored
 * @param window          {@code track.window}: scored days per version and step the track record covers
 * @param feed            {@code track.feed.*}: the price feed's source and schedule
 */
public record TrackSettings(boolean enabled, Path dir, Optional<String> url, Optional<String> user,
                            Optional<String> password, int queueCapacity, int batchSize, Path pricesDir,
                            Duration refreshInterval, int window, FeedSettings feed) {

    public static final int MAX_QUEUE = 10_000_000;

    public TrackSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(pricesDir, "pricesDir");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Objects.requireNonNull(feed, "feed");
        if (queueCapacity < 1 || queueCapacity > MAX_QUEUE) {
            throw new ServingException("track.queue-capacity must be 1.." + MAX_QUEUE + ", found " + queueCapacity);
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new ServingException("track.batch-size must be 1..100000, found " + batchSize);
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new ServingException("track.refresh-interval must be > 0, found " + refreshInterval);
        }
        if (window < 1 || window > OnlineAccuracy.MAX_WINDOW) {
            throw new ServingException("track.window must be 1.." + OnlineAccuracy.MAX_WINDOW + ", found " + window);
        }
        if (url.isPresent() && !url.get().startsWith("jdbc:h2:") && !url.get().startsWith("jdbc:postgresql:")) {
            throw new ServingException("track.store.url must be a jdbc:postgresql: or jdbc:h2: URL, found '"
                    + url.get().replaceAll("(?i)(password=)[^;&]*", "$1***") + "'");
        }
    }

    /** Settings with the default feed (the price directory). */
    public TrackSettings(boolean enabled, Path dir, Optional<String> url, Optional<String> user, Optional<String> password,
                         int queueCapacity, int batchSize, Path pricesDir, Duration refreshInterval, int window) {
        this(enabled, dir, url, user, password, queueCapacity, batchSize, pricesDir, refreshInterval, window,
                FeedSettings.defaults());
    }

    /** The same settings with {@code feed}. */
    public TrackSettings withFeed(FeedSettings feed) {
        return new TrackSettings(enabled, dir, url, user, password, queueCapacity, batchSize, pricesDir, refreshInterval,
                window, feed);
    }

    /** The defaults: on, embedded H2 under {@code data/track}, prices from the directory {@code data}, hourly, 250 days. */
    public static TrackSettings defaults() {
        return new TrackSettings(true, Path.of("data", "track"), Optional.empty(), Optional.empty(), Optional.empty(),
                100_000, 2000, Path.of("data"), Duration.ofHours(1), 250);
    }
}
