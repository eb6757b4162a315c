package io.closecast.serving.config;

import io.closecast.serving.ServingException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every key the reader knows is read into its section; the environment overrides what it names. */
class ServingConfigReaderTest {

    /** Every key docs/serving.md documents, as the refusal of an unknown key lists them. */
    private static final List<String> DOCUMENTED = List.of("dashboard.data-dir", "feedback.window", "limits.max-body-bytes",
            "mlflow.tracking-uri", "model.alias", "model.cache-dir", "model.download.max-bundle-bytes",
            "model.download.max-depth", "model.download.max-file-bytes", "model.download.max-files",
            "model.download.timeout", "model.intervals.adaptive.gamma", "model.name", "model.poll-interval", "model.retry.initial", "model.retry.max",
            "model.serve-cached-on-outage", "model.warmup-rounds", "models", "security.admin-keys", "security.api-keys",
            "security.api-keys-file", "security.issued-keys-file", "security.open.dashboard", "security.open.health", "security.open.metrics",
            "security.open.openapi", "server.body-timeout", "server.header-timeout", "server.host",
            "server.idle-timeout", "server.port", "server.write-queue-length", "track.batch-size", "track.dir",
            "track.enabled", "track.feed.base-url", "track.feed.delay", "track.feed.source", "track.prices-dir", "track.queue-capacity", "track.refresh-interval", "track.store.password",
            "track.store.url", "track.store.user", "track.window", "webhook.max-skew", "webhook.secret");

    @Test
    void theKnownKeysAreTheDocumentedOnes() {
        assertEquals(DOCUMENTED, ServingConfigReader.keys());
    }

    @Test
    void issuedKeysLiveBesideTheConfigFileUnlessTheKeyOrTheEnvironmentSaysOtherwise(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("serving.yaml");
        Files.writeString(yaml, "model: {name: m}\n");
        assertEquals(Optional.of(dir.toAbsolutePath().resolve("issued-keys.json")),
                ServingConfig.load(yaml, Map.of()).security().issuedKeysFile());
        assertEquals(Optional.of(Path.of("/elsewhere/keys.json")), ServingConfig.load(yaml,
                Map.of("CLOSECAST_ISSUED_KEYS_FILE", "/elsewhere/keys.json")).security().issuedKeysFile());
        assertEquals(Optional.empty(), ServingConfig.builder().modelName("m").build().security().issuedKeysFile(),
                "a config built in code has no file beside it");
    }

    @Test
    void everyKeyLandsInItsSection(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("all.yaml");
        Files.writeString(yaml, """
                server: {host: 127.0.0.2, port: 9001, write-queue-length: 4, idle-timeout: 31s, header-timeout: 11s, body-timeout: 12s}
                mlflow: {tracking-uri: "http://r:1"}
                model:
                  name: m
                  alias: champion
                  poll-interval: 2s
                  retry: {initial: 3s, max: 4s}
                  warmup-rounds: 5
                  cache-dir: /c
                  serve-cached-on-outage: false
                  download: {max-file-bytes: 2000, max-bundle-bytes: 3000, max-files: 6, max-depth: 7, timeout: 8s}
                security:
                  api-keys: [k]
                  api-keys-file: /k.txt
                  admin-keys: [a]
                  issued-keys-file: /i.json
                  open: {health: false, metrics: false, openapi: false, dashboard: false}
                limits: {max-body-bytes: 4096}
                webhook: {secret: s, max-skew: 9s}
                feedback: {window: 10}
                dashboard: {data-dir: /d}
                track:
                  enabled: false
                  dir: /t
                  store: {url: "jdbc:postgresql://db:5432/closecast", user: u, password: p}
                  queue-capacity: 11
                  batch-size: 12
                  prices-dir: /p
                  refresh-interval: 13m
                  window: 14
                  feed: {source: alpha-vantage, delay: 15m, base-url: "http://av:8080"}
                """);
        ServingConfig c = ServingConfig.load(yaml, Map.of());
        assertEquals(new ServerSettings("127.0.0.2", 9001, 4, new ServerSettings.Timeouts(Duration.ofSeconds(31),
                Duration.ofSeconds(11), Duration.ofSeconds(12)), 4096), c.server());
        assertEquals(Optional.of("http://r:1"), c.registry().trackingUri());
        assertEquals(List.of(new RegistrySettings.ServedModel("m", "champion")), c.registry().models());
        assertEquals(new io.closecast.serving.models.LoaderSettings(Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(4), 5, false), c.registry().loader());
        assertEquals(Path.of("/c"), c.registry().modelCacheDir());
        assertEquals(new io.closecast.mlflow.artifacts.DownloadLimits(2000, 3000, 6, 7, Duration.ofSeconds(8)), c.registry().download());
        assertEquals(new SecuritySettings(List.of("k"), Optional.of(Path.of("/k.txt")), false, false, false, false, List.of("a"),
                Optional.of(Path.of("/i.json"))), c.security());
        assertEquals(new WebhookSettings(Optional.of("s"), Duration.ofSeconds(9)), c.webhook());
        assertEquals(new DashboardSettings(10, Path.of("/d")), c.dashboard());
        assertEquals(new io.closecast.serving.track.TrackSettings(false, Path.of("/t"),
                Optional.of("jdbc:postgresql://db:5432/closecast"), Optional.of("u"), Optional.of("p"), 11, 12, Path.of("/p"),
                Duration.ofMinutes(13), 14, new io.closecast.serving.track.FeedSettings(
                io.closecast.serving.track.FeedSettings.Source.ALPHA_VANTAGE, Duration.ofMinutes(15),
                Optional.of(java.net.URI.create("http://av:8080")))), c.track());
    }

    @Test
    void aFeedSourceOutsideTheListIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("feed.yaml");
        Files.writeString(yaml, "model: {name: m}\ntrack: {feed: {source: yahoo-finance}}\n");
        assertEquals("track.feed.source must be one of directory, yahoo, alpha-vantage, found 'yahoo-finance'",
                assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of())).getMessage());
        Files.writeString(yaml, "model: {name: m}\ntrack: {feed: {source: yahoo, delay: 13h}}\n");
        assertEquals("track.feed.delay must be 0s..12h, found PT13H",
                assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of())).getMessage());
        Files.writeString(yaml, "model: {name: m}\n");
        assertEquals(io.closecast.serving.track.FeedSettings.defaults(), ServingConfig.load(yaml, Map.of()).track().feed());
    }

    @Test
    void aModelMayNameAChallengerInShadow(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("shadow.yaml");
        Files.writeString(yaml, """
                models:
                  - {name: a, shadow-alias: challenger}
                  - {name: b, alias: champion}
                """);
        ServingConfig c = ServingConfig.load(yaml, Map.of());
        assertEquals(List.of(new RegistrySettings.ServedModel("a", "production", Optional.of("challenger")),
                new RegistrySettings.ServedModel("b", "champion", Optional.empty())), c.registry().models());
        Files.writeString(yaml, """
                models:
                  - {name: a, alias: production, shadow-alias: production}
                """);
        assertEquals("models[].shadow-alias must differ from the alias it shadows (production) for a, found the same",
                assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of())).getMessage());
    }

    @Test
    void theEnvironmentOverridesWhatItNamesAndIgnoresBlanks() {
        ServingConfig c = ServingConfig.load(ServingConfigTest.YAML, Map.of("CLOSECAST_MAX_BODY_BYTES", "2048",
                "CLOSECAST_MODEL_CACHE_DIR", "/e", "CLOSECAST_API_KEYS_FILE", "/keys", "CLOSECAST_MODEL_ALIAS", " ",
                "CLOSECAST_WEBHOOK_SECRET", "", "CLOSECAST_TRACK_STORE_URL", "jdbc:postgresql://pg/x",
                "CLOSECAST_TRACK_STORE_PASSWORD", "secret"));
        assertEquals(Optional.of("jdbc:postgresql://pg/x"), c.track().url());
        assertEquals(Optional.of("secret"), c.track().password());
        assertEquals(2048, c.server().maxBodyBytes());
        assertEquals(Path.of("/e"), c.registry().modelCacheDir());
        assertEquals(Optional.of(Path.of("/keys")), c.security().apiKeysFile());
        assertEquals("production", c.registry().models().get(0).alias());
        assertEquals(Optional.empty(), c.webhook().secret());
        assertEquals("CLOSECAST_POLL_INTERVAL must be a duration such as 500ms, 30s, 10m, 1h or PT30S, found 'x' (environment)",
                assertThrows(ServingException.class, () -> ServingConfig.load(ServingConfigTest.YAML,
                        Map.of("CLOSECAST_POLL_INTERVAL", "x"))).getMessage());
        assertEquals("track.store.url must be a jdbc:postgresql: or jdbc:h2: URL, found 'mysql://h/d?password=***'",
                assertThrows(ServingException.class, () -> ServingConfig.load(ServingConfigTest.YAML,
                        Map.of("CLOSECAST_TRACK_STORE_URL", "mysql://h/d?password=hunter2"))).getMessage());
    }
}
