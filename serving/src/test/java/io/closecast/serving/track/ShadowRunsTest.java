package io.closecast.serving.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The challengers' runs in shadow: on the shadow thread, never the caller's; a full queue drops a run at once (never
 * waits) and counts it per model; a wait for idle covers the runs in hand; a close runs what is queued.
 */
class ShadowRunsTest {

    private static MeterRegistry registry() {
        return Metrics.createMeterRegistry(MetricsConfig.create());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void runsOnTheShadowThreadAndAFullQueueDropsAtOnceAndCounts() {
        MeterRegistry registry = registry();
        ShadowRuns runs = new ShadowRuns(1, 2, registry);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        try {
            assertTrue(runs.submit("m", () -> {
                ran.add(Thread.currentThread().getName());
                started.countDown();
                await(release);
            }));
            await(started); // the one thread is busy; two more runs fill the queue
            assertTrue(runs.submit("m", () -> ran.add("second")));
            assertTrue(runs.submit("m", () -> ran.add("third")));
            long t0 = System.nanoTime();
            assertFalse(runs.submit("m", () -> ran.add("dropped")), "a full queue takes no more");
            assertFalse(runs.submit("other", () -> ran.add("dropped too")));
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500), "dropping never waits");
            assertEquals(2, runs.dropped());
            assertEquals(1, registry.counter("closecast_shadow_runs_dropped", List.of(Tag.create("model", "m")))
                    .map(Counter::count).orElse(0L));
            assertEquals(1, registry.counter("closecast_shadow_runs_dropped", List.of(Tag.create("model", "other")))
                    .map(Counter::count).orElse(0L));
            assertFalse(runs.awaitIdle(Duration.ofMillis(100)), "three runs are not done yet");
            release.countDown();
            assertTrue(runs.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(List.of("closecast-shadow-1", "second", "third"), ran);
        } finally {
            release.countDown();
            runs.close();
        }
    }

    @Test
    void aFailingRunIsLoggedAndTheNextOneRuns() {
        ShadowRuns runs = new ShadowRuns(1, 4, registry());
        List<String> ran = new CopyOnWriteArrayList<>();
        try {
            assertTrue(runs.submit("m", () -> {
                throw new IllegalStateException("challenger broke");
            }));
            assertTrue(runs.submit("m", () -> ran.add("next")));
            assertTrue(runs.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(List.of("next"), ran);
        } finally {
            runs.close();
        }
    }

    @Test
    void closeRunsWhatIsQueuedThenTakesNoMore() {
        ShadowRuns runs = new ShadowRuns(1, 8, registry());
        List<Integer> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertTrue(runs.submit("m", () -> ran.add(n)));
        }
        runs.close(Duration.ofSeconds(10));
        assertEquals(List.of(0, 1, 2, 3, 4), ran);
        assertFalse(runs.submit("m", () -> ran.add(99)), "closed: dropped");
        assertEquals(1, runs.dropped());
        assertTrue(runs.awaitIdle(Duration.ofMillis(10)));
    }
}
