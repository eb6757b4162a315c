package io.closecast.serving;

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
        return ModelManager.create(source, new ModelManager.Settings(Duration.ofMinutes(1), Duration.ofMillis(10),
                Duration.ofMillis(40), 2), metrics);
    }

    @Test
    void theOldVersionClosesOnlyAfterItsLastLease() {
        TestModelSource source = new TestModelSource(5, 3, "1");
        try (ModelManager models = manager(source)) {
            assertTrue(models.check(false));
            ModelManager.Lease held = models.acquire().orElseThrow();
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
            assertTrue(models.check(false));
            assertTrue(models.check(true));
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
                () -> new ModelManager.Settings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), 1));
        assertEquals("poll-interval must be > 0, found PT0S", e.getMessage());
        ServingException w = assertThrows(ServingException.class, () -> DriftForecaster.info("m", "1", 0, 3));
        assertTrue(w.getMessage().startsWith("windowLength must be > 0, found 0"), w.getMessage());
        ServingException d = assertThrows(ServingException.class,
                () -> ServingConfig.duration("ten seconds", "model.poll-interval", "configs/serving.yaml"));
        assertTrue(d.getMessage().contains("found 'ten seconds' (configs/serving.yaml)"), d.getMessage());
        assertEquals(Duration.ofMillis(500), ServingConfig.duration("500ms", "k", "w"));
        assertEquals(Duration.ofSeconds(30), ServingConfig.duration("PT30S", "k", "w"));
        assertEquals(Duration.ofMinutes(2), ServingConfig.duration("2m", "k", "w"));
    }
}
