package io.closecast.serving.models;

import io.closecast.serving.Main;
import io.closecast.serving.ServingException;
import io.closecast.serving.TestModelSource;
import io.closecast.serving.monitoring.ServingMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import io.helidon.metrics.api.Metrics;
import org.junit.jupiter.api.Test;

/** Readiness of several models, each checked on the test's thread (no background loader). */
class ModelFleetTest {

    private static ModelFleet fleet(TestModelSource... sources) {
        ModelFleet fleet = ModelFleet.create(List.of(sources), new LoaderSettings(Duration.ofMinutes(1),
                Duration.ofMillis(10), Duration.ofMillis(40), 1), ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES));
        fleet.all().forEach(m -> m.check(false));
        return fleet;
    }

    @Test
    void readyWhenEveryModelServes() {
        try (ModelFleet fleet = fleet(new TestModelSource("fleet-a", 5, 10, "1"), new TestModelSource("fleet-b", 5, 10, "2"))) {
            assertTrue(fleet.ready());
            assertEquals(List.of(), fleet.notReadyReasons());
            assertEquals(List.of("fleet-a", "fleet-b"), fleet.names());
            assertEquals("2", fleet.get("fleet-b").status().serving().orElseThrow().version());
        }
    }

    @Test
    void aModelWithoutAVersionDoesNotHoldBackTheOthers() {
        try (ModelFleet fleet = fleet(new TestModelSource("fleet-a", 5, 10, "1"), new TestModelSource("fleet-none", 5, 10, null))) {
            assertEquals(Condition.NO_VERSION, fleet.get("fleet-none").status().condition());
            assertTrue(fleet.ready(), "a model whose alias points at no version must not take the served ones out of service");
        }
    }

    @Test
    void noModelServingIsNotReady() {
        try (ModelFleet fleet = fleet(new TestModelSource("fleet-none", 5, 10, null), new TestModelSource("fleet-none2", 5, 10, null))) {
            assertFalse(fleet.ready());
            assertEquals(2, fleet.notReadyReasons().size(), fleet.notReadyReasons().toString());
        }
    }

    @Test
    void aRefusedOrUnreachableModelHoldsReadinessBack() {
        TestModelSource broken = new TestModelSource("fleet-broken", 5, 10, "3").failOnLoad("3");
        try (ModelFleet fleet = fleet(new TestModelSource("fleet-a", 5, 10, "1"), broken)) {
            assertEquals(Condition.REFUSED, fleet.get("fleet-broken").status().condition());
            assertFalse(fleet.ready(), "a replica that cannot load a model others serve must not take traffic");
            assertTrue(fleet.notReadyReasons().getFirst().startsWith("fleet-broken: "), fleet.notReadyReasons().toString());
            assertTrue(fleet.notReadyReasons().getFirst().contains("checksum mismatch"), fleet.notReadyReasons().toString());
        }
        try (ModelFleet fleet = fleet(new TestModelSource("fleet-a", 5, 10, "1"), new TestModelSource("fleet-down", 5, 10, "1").down(true))) {
            assertEquals(Condition.REGISTRY_UNREACHABLE, fleet.get("fleet-down").status().condition());
            assertFalse(fleet.ready());
        }
    }

    @Test
    void singleAndUnknownNames() {
        try (ModelFleet fleet = fleet(new TestModelSource("fleet-a", 5, 10, "1"), new TestModelSource("fleet-b", 5, 10, "2"))) {
            ModelRequiredException several = assertThrows(ModelRequiredException.class, () -> fleet.single("/v1/predict"));
            assertEquals(List.of("fleet-a", "fleet-b"), several.served());
            assertEquals("/v1/predict", several.route());
            assertTrue(several.getMessage().contains("fleet-a, fleet-b"), several.getMessage());
            UnknownModelException unknown = assertThrows(UnknownModelException.class, () -> fleet.get("fleet-z"));
            assertEquals("fleet-z", unknown.name());
            assertEquals(List.of("fleet-a", "fleet-b"), unknown.served());
            assertTrue(unknown.getMessage().contains("fleet-z"), unknown.getMessage());
        }
        try (ModelFleet one = fleet(new TestModelSource("fleet-a", 5, 10, "1"))) {
            assertEquals("fleet-a", one.single("/v1/predict").name());
        }
        assertThrows(ServingException.class, () -> fleet(new TestModelSource("fleet-a", 5, 10, "1"),
                new TestModelSource("fleet-a", 5, 10, "2")));
    }
}
