package io.closecast.serving.track;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the challengers' forecasts in shadow off the request threads: a request hands its challenger's run here after
 * its answer is sent and goes on; a small pool of daemon threads ({@code closecast-shadow-N}) works a bounded queue. A
 * run offered to a full queue (the challengers cannot keep up with the requests) or after {@link #close} is not run:
 * dropped and counted per model in {@code closecast_shadow_runs_dropped_total{model}}, so the challenger is then
 * compared on a sample of the requests (the track record compares on common days only). {@link #submit} never blocks.
 */
public final class ShadowRuns implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRuns.class);
    /** The pool's threads: one, so a challenger never takes more than a core from production's requests. */
    public static final int THREADS = 1;
    /** Runs that may wait for a shadow thread. */
    public static final int CAPACITY = 1024;

    private final ThreadPoolExecutor executor;
    private final MeterRegistry registry;
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final AtomicLong droppedTotal = new AtomicLong();
    /** Runs accepted and not yet finished. */
    private final Pending pending = new Pending();

    /**
     * @param threads  the shadow threads
     * @param capacity how many runs may wait for one
     */
    public ShadowRuns(int threads, int capacity, MeterRegistry registry) {
        this.registry = registry;
        AtomicLong n = new AtomicLong();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(capacity),
                r -> Thread.ofPlatform().daemon().name("closecast-shadow-" + n.incrementAndGet()).unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs {@code run}, the challenger of {@code model} on one request, on a shadow thread; false (and counted as
     * dropped) when the queue is full or the runs are closed. Never blocks.
     */
    public boolean submit(String model, Runnable run) {
        pending.add(1);
        try {
            executor.execute(() -> {
                try {
                    run.run();
                } catch (RuntimeException e) {
                    LOG.warn("Challenger run in shadow of {} failed (no answer was affected): {}", model, e.toString());
                } finally {
                    finished();
                }
            });
            return true;
        } catch (RejectedExecutionException full) {
            finished();
            droppedTotal.incrementAndGet();
            dropped.computeIfAbsent(model, m -> registry.getOrCreate(Counter.builder("closecast_shadow_runs_dropped")
                    .description("Challenger runs in shadow not run: their queue was full (or the service stopping)")
                    .tags(List.of(Tag.create("model", m))))).increment();
            return false;
        }
    }

    /** Runs dropped since start, all models. */
    public long dropped() {
        return droppedTotal.get();
    }

    /** Waits until every run accepted so far has finished, at most {@code timeout}; true when they have. */
    public boolean awaitIdle(Duration timeout) {
        return pending.await(timeout);
    }

    private void finished() {
        pending.finished(1);
    }

    /** Takes no more runs and finishes the queued ones (at most {@code drain}; later ones are not run). */
    public void close(Duration drain) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                // not shutdownNow: no interrupt of the run in hand (H2 closes its file when a thread in it is interrupted)
                List<Runnable> left = new java.util.ArrayList<>();
                executor.getQueue().drainTo(left);
                left.forEach(r -> finished());
                LOG.warn("Challenger runs in shadow: {} not run at stop (the drain took longer than {})", left.size(), drain);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
