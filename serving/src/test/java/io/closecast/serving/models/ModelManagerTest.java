package io.closecast.serving.models;

import io.closecast.serving.DriftForecaster;
import io.closecast.serving.ServingException;
import io.closecast.serving.TestClient;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.config.ServingConfigReader;
import io.closecast.serving.monitoring.ServingMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import io.helidon.metrics.api.Metrics;
import org.junit.jupiter.api.Test;

/** The manager on the caller's thread (check), without a server. */
class ModelManagerTest {

    @SuppressWarnings("removal")
    private static ModelManager manager(TestModelSource source) {
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), List.of("/v1/predict"));
        return ModelManager.create(source, new LoaderSettings(Duration.ofMinutes(1), Duration.ofMillis(10),
                Duration.ofMillis(40), 2), metrics);
    }

    @Test
    void theOldVersionClosesOnlyAfterItsLastLease() {
        TestModelSource source = new TestModelSource(5, 3, "1");
        try (ModelManager models = manager(source)) {
            assertTrue(models.check(false));
            VersionLease held = models.acquire().orElseThrow();
            source.pointAt("2");
            assertTrue(models.check(false));
            assertEquals("2", models.acquire().map(l -> {
                l.close();
                return l.info().version();
            }).orElseThrow());
            assertFalse(source.loaded("1").closed(), "v1 is leased and must stay open");
            assertEquals(6.0, held.forecaster().forecast(new double[] {1, 2, 3, 4, 5}, 1)[0], 0, "a leased old version still answers");
            held.close();
            assertTrue(source.loaded("1").closed(), "v1 closes with its last lease");
            assertFalse(source.loaded("2").closed());
        }
        assertTrue(source.loaded("2").closed(), "closing the manager closes the serving version");
    }

    @Test
    void aRefusedVersionIsNotRetriedOnPollsButIsOnAForcedCheck() {
        TestModelSource source = new TestModelSource(5, 3, "1");
        try (ModelManager models = manager(source)) {
            models.check(false);
            source.failOnLoad("2").pointAt("2");
            assertTrue(models.check(false), "v1 keeps serving");
            assertEquals("1", models.status().serving().orElseThrow().version());
            assertTrue(models.status().lastFailure().orElseThrow().contains("v2"));
            assertEquals(null, source.loaded("2"));
            assertEquals(1, source.loadAttempts("2"), "one attempt at v2");
            assertTrue(models.check(false));
            assertTrue(models.check(false));
            assertEquals(1, source.loadAttempts("2"), "polls do not retry a refused version");
            assertTrue(models.check(true));
            assertEquals(2, source.loadAttempts("2"), "a forced check retries it");
            assertEquals("1", models.status().serving().orElseThrow().version());
        }
    }

    @Test
    void warmUpRefusesAModelThatAnswersNonsense() {
        TestModelSource source = new TestModelSource(5, 3, "1") {
            @Override
            public Forecaster load(VersionRef ref) {
                return new DriftForecaster(DriftForecaster.info(ref.name(), ref.version(), 5, 3)) {
                    @Override
                    public double[] forecast(double[] window, int horizon) {
                        return new double[] {Double.NaN};
                    }
                };
            }
        };
        try (ModelManager models = manager(source)) {
            assertFalse(models.check(false));
            assertTrue(models.status().reason().orElseThrow().contains("warm-up"), models.status().toString());
        }
    }

    @Test
    void settingsAndInfoValidateWithClearMessages() {
        ServingException e = assertThrows(ServingException.class,
                () -> new LoaderSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), 1));
        assertEquals("poll-interval must be > 0, found PT0S", e.getMessage());
        ServingException w = assertThrows(ServingException.class, () -> DriftForecaster.info("m", "1", 0, 3));
        assertTrue(w.getMessage().startsWith("windowLength must be > 0, found 0"), w.getMessage());
        ServingException d = assertThrows(ServingException.class,
                () -> ServingConfigReader.duration("ten seconds", "model.poll-interval", "configs/serving.yaml"));
        assertTrue(d.getMessage().contains("found 'ten seconds' (configs/serving.yaml)"), d.getMessage());
        assertEquals(Duration.ofMillis(500), ServingConfigReader.duration("500ms", "k", "w"));
        assertEquals(Duration.ofSeconds(30), ServingConfigReader.duration("PT30S", "k", "w"));
        assertEquals(Duration.ofMinutes(2), ServingConfigReader.duration("2m", "k", "w"));
    }

    @SuppressWarnings("removal")
    private static ModelManager polling(ModelSource source, boolean serveCached) {
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), List.of("/v1/predict"));
        return ModelManager.create(source, new LoaderSettings(Duration.ofMillis(50), Duration.ofMillis(10),
                Duration.ofMillis(40), 1, serveCached), metrics);
    }

    @Test
    void theLoaderSurvivesAnyThrowableAndKeepsPolling() {
        java.util.concurrent.atomic.AtomicInteger errors = new java.util.concurrent.atomic.AtomicInteger();
        TestModelSource source = new TestModelSource(5, 3, "1") {
            @Override
            public java.util.Optional<VersionRef> resolve() throws java.io.IOException {
                if (errors.getAndIncrement() < 3) {
                    throw new OutOfMemoryError("test: what a hostile listing could raise");
                }
                return super.resolve();
            }

            @Override
            public Forecaster load(VersionRef ref) throws java.io.IOException {
                if (ref.version().equals("2")) {
                    throw new StackOverflowError(); // a listing nested thousands of directories deep, before the bound
                }
                return super.load(ref);
            }
        };
        try (ModelManager models = polling(source, false)) {
            long failuresBefore = failures();
            models.start();
            TestClient.await("v1 serving after three failed checks", Duration.ofSeconds(10), models::ready);
            assertTrue(failures() - failuresBefore >= 3, "expected the failed checks counted");
            source.pointAt("2");
            TestClient.await("v2 refused", Duration.ofSeconds(10), () -> models.status().refused().isPresent());
            assertEquals("1", models.status().serving().orElseThrow().version());
            assertTrue(models.status().aliasMismatch());
            source.pointAt("3");
            TestClient.await("v3 serving: the loop still polls", Duration.ofSeconds(10),
                    () -> models.status().serving().map(i -> i.version().equals("3")).orElse(false));
            assertFalse(models.status().aliasMismatch());
        }
    }

    @SuppressWarnings("removal")
    private static long failures() {
        return Metrics.globalRegistry().counter("closecast_model_check_failures", List.of(io.helidon.metrics.api.Tag.create("model", TestModelSource.NAME))).map(c -> c.count()).orElse(0L);
    }

    @Test
    void theStateSaysWhatServesWhereTheAliasPointsAndWhy() {
        TestModelSource source = new TestModelSource(5, 3, "1");
        try (ModelManager models = manager(source)) {
            assertFalse(models.status().aliasTarget().resolved(), "nothing known before the first check");
            models.check(false);
            assertFalse(models.status().aliasMismatch());
            source.failOnLoad("2").pointAt("2");
            models.check(false);
            ModelState s = models.status();
            assertEquals("1", s.serving().orElseThrow().version());
            assertEquals("2", s.aliasTarget().version().orElseThrow().version());
            assertTrue(s.aliasMismatch());
            assertTrue(s.refused().orElseThrow().contains("checksum mismatch"), s.toString());
            source.down(true);
            models.check(false);
            assertTrue(models.status().registryDownSince().isPresent());
            assertTrue(models.status().registryError().orElseThrow().contains("Connection refused"));
            assertTrue(models.status().aliasMismatch(), "the mismatch stays while the registry is down");
            source.down(false).pointAt("1");
            models.check(false);
            assertFalse(models.status().aliasMismatch());
            assertTrue(models.status().refused().isEmpty());
            assertTrue(models.status().registryDownSince().isEmpty());
            source.pointAt(null);
            models.check(false);
            assertTrue(models.status().aliasMismatch(), "v1 serves while the alias points at none");
        }
    }

    /** A source whose registry is down but whose cache holds the last served version (a restart during an outage). */
    private static TestModelSource cachedOnly(String cached) {
        return new TestModelSource(5, 3, "2") {
            @Override
            public java.util.Optional<Forecaster> loadLastVerified() {
                return java.util.Optional.of(new DriftForecaster(DriftForecaster.info(NAME, cached, 5, 3)));
            }
        };
    }

    @Test
    void aStartDuringAnOutageServesTheCachedVersionAndSwitchesWhenTheRegistryAnswers() {
        TestModelSource source = cachedOnly("1");
        source.down(true);
        try (ModelManager models = polling(source, true)) {
            assertTrue(models.check(false), "expected the cached version to serve while the registry is down");
            ModelState s = models.status();
            assertEquals("1", s.serving().orElseThrow().version());
            assertTrue(s.fromCache());
            assertTrue(s.registryDownSince().isPresent());
            source.down(false);
            assertTrue(models.check(false));
            assertEquals("2", models.status().serving().orElseThrow().version(), "switched to what the alias points at");
            assertFalse(models.status().fromCache());
        }
        TestModelSource off = cachedOnly("1");
        off.down(true);
        try (ModelManager models = polling(off, false)) {
            assertFalse(models.check(false), "with serve-cached-on-outage off nothing serves while the registry is down");
        }
    }
}
