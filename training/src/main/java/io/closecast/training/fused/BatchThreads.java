package io.closecast.training.fused;

import io.closecast.model.ModelException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits a mini-batch's rows into contiguous parts, one per thread, each with its own {@link ThreadWorkspace}, and
 * runs a task on every part (part 0 on the calling thread). The parts depend only on the row count and the thread
 * count, so a given thread count is deterministic. Not thread-safe itself.
 */
final class BatchThreads implements AutoCloseable {
    /** Rows per thread below which a mini-batch is not split. */
    static final int MIN_ROWS_PER_THREAD = 8;

    /** Work on one part of a split batch. */
    @FunctionalInterface
    interface PartTask {
        /**
         * Does the work of one part.
         *
         * @param part the part's index, 0 to the part count - 1; also the index of its workspace
         */
        void run(int part);
    }

    private final int parts;
    private final ThreadWorkspace[] workspaces;
    private final ExecutorService pool;
    private int window = -1;

    /**
     * @param layout the network's parameter layout, which sizes the workspaces
     * @param threads threads to use at most ({@code training.threads})
     * @param batchSize rows per mini-batch at most
     * @param grad the engine's gradient, which part 0 sums into; the other parts get their own
     */
    BatchThreads(ParameterLayout layout, int threads, int batchSize, float[] grad) {
        parts = Math.max(1, Math.min(threads, batchSize / MIN_ROWS_PER_THREAD));
        int capacity = (batchSize + parts - 1) / parts;
        workspaces = new ThreadWorkspace[parts];
        for (int p = 0; p < parts; p++) {
            workspaces[p] = new ThreadWorkspace(layout, capacity, p == 0 ? grad : new float[layout.size()]);
        }
        pool = parts > 1 ? Executors.newFixedThreadPool(parts - 1, r -> {
            Thread t = new Thread(r, "closecast-fused-lstm");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** The workspace of part {@code part}. */
    ThreadWorkspace workspace(int part) {
        return workspaces[part];
    }

    /** Rows one call can take at most: every part's capacity together. */
    int chunk() {
        return workspaces[0].capacity * parts;
    }

    /** Sizes every workspace for windows of {@code steps} time steps, unless they already are. */
    void checkWindow(int steps) {
        if (steps <= 0) {
            throw new ModelException("windows must have at least one time step, found " + steps);
        }
        if (steps != window) {
            window = steps;
            for (ThreadWorkspace w : workspaces) {
                w.allocate(steps);
            }
        }
    }

    /**
     * The bounds of {@code n} rows split into parts: part {@code p} has rows {@code [bounds[p], bounds[p+1])}. Fewer
     * parts than threads when a part would get fewer than {@link #MIN_ROWS_PER_THREAD} rows.
     */
    int[] split(int n) {
        int k = Math.max(1, Math.min(parts, n / MIN_ROWS_PER_THREAD));
        int[] bounds = new int[k + 1];
        for (int p = 0; p <= k; p++) {
            bounds[p] = (int) ((long) n * p / k);
        }
        return bounds;
    }

    /** Runs {@code task} on parts 0 to {@code count - 1}, part 0 on this thread, and waits for all of them. */
    void run(int count, PartTask task) {
        if (count == 1) {
            task.run(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(count - 1);
        for (int p = 1; p < count; p++) {
            int part = p;
            futures.add(pool.submit(() -> task.run(part)));
        }
        task.run(0);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException("fused training interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new ModelException("fused training failed: " + cause, cause);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
