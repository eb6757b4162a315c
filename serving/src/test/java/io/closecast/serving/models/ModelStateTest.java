package io.closecast.serving.models;

import io.closecast.serving.DriftForecaster;
import io.closecast.serving.monitoring.ServingMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.helidon.metrics.api.Metrics;
import org.junit.jupiter.api.Test;

/** The state a manager replaces as a whole: its condition, reasons and alias mismatch follow from its parts. */
class ModelStateTest {

    private static final String NAME = "state-model";

    @SuppressWarnings("removal")
    private static VersionLease lease(String version) {
        ServingMetrics metrics = ServingMetrics.create(Metrics.globalRegistry(), List.of("/v1/predict"));
        return new VersionLease(new DriftForecaster(DriftForecaster.info(NAME, version, 5, 3)), metrics.model(NAME));
    }

    private static VersionRef ref(String version) {
        return lease(version).info().ref();
    }

    @Test
    void theConditionSaysWhyNothingServes() {
        ModelState starting = ModelState.starting();
        assertEquals(Condition.LOADING, starting.condition());
        assertEquals(Optional.of("starting: no model version loaded yet"), starting.reason());
        assertFalse(starting.aliasMismatch(), "nothing is known before the registry answered");

        ModelState none = starting.registryAnswered(AliasTarget.NONE).withReason("no model version: points at none");
        assertEquals(Condition.NO_VERSION, none.condition());
        assertFalse(none.condition().holdsReadinessBack());

        ModelState refused = starting.registryAnswered(AliasTarget.of(ref("2"))).refusing(ref("2"), "checksum mismatch",
                "loading v2 failed: checksum mismatch");
        assertEquals(Condition.REFUSED, refused.condition());
        assertEquals(Optional.of("loading v2 failed: checksum mismatch"), refused.reason());
        assertEquals(Optional.of("checksum mismatch"), refused.refused());
        assertTrue(refused.condition().holdsReadinessBack());
        assertEquals(Condition.LOADING, refused.registryAnswered(AliasTarget.of(ref("3"))).condition(),
                "a refusal counts only while the alias points at the refused version");

        ModelState down = refused.registryDown(Instant.EPOCH, "Connection refused", "unreachable");
        assertEquals(Condition.REGISTRY_UNREACHABLE, down.condition());
        ModelState stillDown = down.registryDown(Instant.EPOCH.plusSeconds(60), "timeout", "unreachable");
        assertEquals(Optional.of(Instant.EPOCH), stillDown.registryDownSince(), "an outage keeps its start");
        assertEquals(Optional.of("timeout"), stillDown.registryError());
        assertTrue(stillDown.registryAnswered(AliasTarget.NONE).registryDownSince().isEmpty());
    }

    @Test
    void aServingVersionHidesTheReasonAndKeepsTheLastFailure() {
        VersionLease v1 = lease("1");
        ModelState serving = ModelState.starting().registryAnswered(AliasTarget.of(v1.info().ref())).serving(v1);
        assertEquals(Condition.SERVING, serving.condition());
        assertEquals(Optional.empty(), serving.reason());
        assertFalse(serving.aliasMismatch());

        ModelState refused = serving.registryAnswered(AliasTarget.of(ref("2"))).refusing(ref("2"), "bad", "loading v2 failed: bad");
        assertEquals(Condition.SERVING, refused.condition(), "a broken version never replaces a working one");
        assertEquals("1", refused.serving().orElseThrow().version());
        assertTrue(refused.aliasMismatch());
        assertEquals("starting: no model version loaded yet", refused.notServingReason(),
                "a refusal is no reason while a version serves");

        ModelState next = refused.serving(lease("2"));
        assertEquals(Optional.of("loading v2 failed: bad"), next.lastFailure(), "kept for operators");
        assertTrue(next.refusal().isEmpty());
        assertTrue(next.registryAnswered(AliasTarget.NONE).aliasMismatch(), "a version serves while the alias points at none");
        assertFalse(next.closed().ready());
    }

    @Test
    void fromCacheHoldsOnlyWhileTheCachedVersionServes() {
        ModelState cached = ModelState.starting().servingFromCache(lease("1"));
        assertTrue(cached.fromCache());
        assertFalse(cached.confirmed().fromCache());
        assertFalse(cached.closed().fromCache());
    }
}
