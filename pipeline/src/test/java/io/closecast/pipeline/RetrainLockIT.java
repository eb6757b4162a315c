package io.closecast.pipeline;

import io.closecast.pipeline.retrain.RetrainLock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.closecast.mlflow.MlflowClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retrain lock in a registered model's tag, against a real MLflow server: one holder at a time, leases expire. */
class RetrainLockIT {
    private static MlflowClient client;

    @BeforeAll
    static void connect() {
        client = ItServers.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void fourContendersAtOnceOneHoldsTheLockAndCloseFreesIt() throws Exception {
        String model = ItServers.unique("closecast-it-lock");
        client.registry().createRegisteredModel(model);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Optional<RetrainLock>>> tries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String owner = "owner-" + i;
                Callable<Optional<RetrainLock>> attempt = () -> RetrainLock.tryAcquire(client, model, owner,
                        Duration.ofMinutes(5), Duration.ofSeconds(2), Clock.systemUTC());
                tries.add(pool.submit(attempt));
            }
            List<RetrainLock> held = new ArrayList<>();
            for (Future<Optional<RetrainLock>> t : tries) {
                t.get().ifPresent(held::add);
            }
            assertEquals(1, held.size(), "exactly one of four contenders holds the lock");
            String value = client.registry().getRegisteredModel(model).tags().get("closecast.retrain.lock");
            assertTrue(value.matches("owner-\\d \\d+"), value);
            assertTrue(RetrainLock.tryAcquire(client, model, "late", Duration.ofMinutes(5), Duration.ofMillis(100),
                    Clock.systemUTC()).isEmpty(), "held: a later contender does not get it");
            held.getFirst().close();
            assertEquals("", client.registry().getRegisteredModel(model).tags().get("closecast.retrain.lock"));
            try (RetrainLock next = RetrainLock.tryAcquire(client, model, "next", Duration.ofMinutes(5),
                    Duration.ofMillis(100), Clock.systemUTC()).orElseThrow()) {
                assertTrue(client.registry().getRegisteredModel(model).tags().get("closecast.retrain.lock").startsWith("next "));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExpiredLeaseOfACrashedHolderIsTakenOver() {
        String model = ItServers.unique("closecast-it-lock");
        client.registry().createRegisteredModel(model);
        // what a process killed outright leaves behind: its lease, expired a second ago
        client.registry().setRegisteredModelTag(model, "closecast.retrain.lock",
                "crashed-1 " + Instant.now().minusSeconds(1).getEpochSecond());
        assertTrue(RetrainLock.heldByOther(client, model, "me", Clock.systemUTC()).isEmpty());
        try (RetrainLock lock = RetrainLock.tryAcquire(client, model, "me", Duration.ofMinutes(5), Duration.ofMillis(100),
                Clock.systemUTC()).orElseThrow()) {
            assertTrue(client.registry().getRegisteredModel(model).tags().get("closecast.retrain.lock").startsWith("me "));
        }
        // an unexpired lease is respected
        client.registry().setRegisteredModelTag(model, "closecast.retrain.lock",
                "alive-2 " + Instant.now().plusSeconds(600).getEpochSecond());
        assertEquals("alive-2", RetrainLock.heldByOther(client, model, "me", Clock.systemUTC()).orElseThrow().owner());
        assertTrue(RetrainLock.tryAcquire(client, model, "me", Duration.ofMinutes(5), Duration.ofMillis(100),
                Clock.systemUTC()).isEmpty());
    }
}
