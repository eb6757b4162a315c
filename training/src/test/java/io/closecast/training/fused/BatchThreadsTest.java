package io.closecast.training.fused;

import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class BatchThreadsTest {
    private static final ParameterLayout LAYOUT = ParameterLayout.create(ModelSpec.builder()
            .lstmHiddenUnits(List.of(3)).inputFeatures(2).horizon(1).build());

    @Test
    void splitsIntoContiguousPartsOfAtLeastMinRows() {
        try (BatchThreads threads = new BatchThreads(LAYOUT, 4, 64, new float[LAYOUT.size()])) {
            assertArrayEquals(new int[] {0, 16, 32, 48, 64}, threads.split(64));
            assertArrayEquals(new int[] {0, 10, 20}, threads.split(20), "20 rows: 2 parts of >= 8");
            assertArrayEquals(new int[] {0, 5}, threads.split(5), "fewer than 16 rows: not split");
            assertEquals(64, threads.chunk());
        }
    }

    @Test
    void fewerPartsThanThreadsForASmallBatch() {
        try (BatchThreads threads = new BatchThreads(LAYOUT, 8, 20, new float[LAYOUT.size()])) {
            assertArrayEquals(new int[] {0, 10, 20}, threads.split(20));
            assertEquals(20, threads.chunk(), "2 parts of capacity 10");
        }
    }

    @Test
    void runsEveryPartOnceAndPartZeroSumsIntoTheEngineGradient() {
        float[] grad = new float[LAYOUT.size()];
        try (BatchThreads threads = new BatchThreads(LAYOUT, 3, 48, grad)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            threads.run(3, runs::incrementAndGet);
            for (int p = 0; p < 3; p++) {
                assertEquals(1, runs.get(p), "part " + p);
            }
            assertSame(grad, threads.workspace(0).grad);
            assertEquals(grad.length, threads.workspace(2).grad.length);
        }
    }

    @Test
    void aFailingPartFailsTheRun() {
        try (BatchThreads threads = new BatchThreads(LAYOUT, 2, 32, new float[LAYOUT.size()])) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> threads.run(2, p -> {
                if (p == 1) {
                    throw new IllegalStateException("part 1 failed");
                }
            }));
            assertEquals("part 1 failed", e.getMessage());
        }
    }

    @Test
    void workspacesAreSizedForTheWindowAndAnEmptyWindowIsRefused() {
        try (BatchThreads threads = new BatchThreads(LAYOUT, 1, 10, new float[LAYOUT.size()])) {
            threads.checkWindow(7);
            ThreadWorkspace w = threads.workspace(0);
            assertEquals(7, w.steps);
            assertEquals(7 * 10 * 2, w.x.length, "steps x rows x features");
            assertEquals(7 * 10 * 4 * 3, w.act[0].length, "steps x rows x 4 gates x units");
            assertThrows(ModelException.class, () -> threads.checkWindow(0));
        }
    }
}
