package io.closecast.serving.track;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes logged forecasts off the request path: {@link #submit} only offers to a bounded queue; one writer thread
 * drains it in batches into the {@link TrackStore}. While the store is down or slow the queue fills and the batch in
 * hand is retried (backing off up to {@link #MAX_BACKOFF}); a forecast offered to a full queue is not written and is
 * counted as lost ({@code closecast_forecast_log_lost_total}), as is a batch the store refuses for good (not a
 * transient failure). {@link #close} drains what is queued within its deadline, then counts the rest as lost. A crash
 * loses what is queued and the batch in hand: at most the queue's capacity plus one batch.
 */
public final class ForecastLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastLog.class);
    /** The longest wait between two tries of a batch the store could not take. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How long a batch that is not full may wait for more forecasts before it is written ({@link #fill}). */
    static final Duration LINGER = Duration.ofMillis(200);
    /** How long the writer sleeps between two looks at the queue while a batch fills. */
    private static final long FILL_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** The log's health, for readiness details. */
    public record Status(boolean storeUp, long queued, long written, long lost, Optional<String> lastError,
                         Optional<Instant> failingSince) {
    }

    private final Supplier<TrackStore> store;
    private final BlockingQueue<LoggedForecast> queue;
    private final int batchSize;
    /** Forecasts accepted by {@link #submit} and not yet written or lost (queued, or in the writer's hand). */
    private final Pending unsettled = new Pending();
    private final Counter writtenCounter;
    private final Counter lostCounter;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile boolean storeUp = true;
    private volatile String lastError;
    private volatile Instant failingSince;

    /**
     * Starts the writer thread.
     *
     * @param store     the store, asked for on each batch (it may not be open yet: a failure to get it is transient)
     * @param capacity  how many forecasts may wait
     * @param batchSize how many are written in one transaction at most
     */
    public ForecastLog(Supplier<TrackStore> store, int capacity, int batchSize, MeterRegistry registry) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.writtenCounter = registry.getOrCreate(Counter.builder("closecast_forecast_log_written")
                .description("Dated forecasts written to the forecast log"));
        this.lostCounter = registry.getOrCreate(Counter.builder("closecast_forecast_log_lost")
                .description("Dated forecasts the forecast log could not write (queue full, store refused, left at stop)"));
        registry.gauge("closecast_forecast_log_queued", List.of()).ifPresent(registry::remove);
        registry.getOrCreate(Gauge.builder("closecast_forecast_log_queued", () -> (double) queue.size())
                .description("Dated forecasts waiting to be written to the forecast log"));
        registry.gauge("closecast_forecast_log_store_up", List.of()).ifPresent(registry::remove);
        registry.getOrCreate(Gauge.builder("closecast_forecast_log_store_up", () -> storeUp ? 1.0 : 0.0)
                .description("1 while the forecast log's store takes writes, 0 while they fail"));
        this.writer = Thread.ofPlatform().daemon().name("closecast-forecast-log").start(this::run);
    }

    /** Queues one forecast; false (and counted as lost) when the queue is full. Never blocks. */
    public boolean submit(LoggedForecast forecast) {
        if (running) {
            unsettled.add(1);
            if (queue.offer(forecast)) {
                return true;
            }
            unsettled.finished(1);
        }
        lose(1, "the queue is full (" + (queue.size() + queue.remainingCapacity()) + ")");
        return false;
    }

    public Status status() {
        return new Status(storeUp, queue.size(), written.get(), lost.get(), Optional.ofNullable(lastError),
                Optional.ofNullable(failingSince));
    }

    /** Waits until everything queued so far is written (or lost), at most {@code timeout}; true when it is. */
    public boolean flush(Duration timeout) {
        return unsettled.await(timeout);
    }

    private void run() {
        List<LoggedForecast> batch = new ArrayList<>(batchSize);
        long backoff = 50;
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    LoggedForecast first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                    fill(batch);
                }
                store.get().append(batch);
                written.addAndGet(batch.size());
                writtenCounter.increment(batch.size());
                if (!storeUp) {
                    LOG.info("Forecast log: the store takes writes again");
                }
                storeUp = true;
                failingSince = null;
                backoff = 50;
                unsettled.finished(batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                boolean retry = !(e instanceof TrackStoreException t) || t.transientFailure();
                if (storeUp) {
                    LOG.warn("Forecast log: cannot write {} forecast(s): {}", batch.size(), e.getMessage());
                }
                storeUp = false;
                lastError = e.getMessage();
                if (failingSince == null) {
                    failingSince = Instant.now();
                }
                if (!retry) {
                    lose(batch.size(), "the store refused them: " + e.getMessage());
                    unsettled.finished(batch.size());
                    batch.clear();
                    continue;
                }
                if (!running) {
                    break;
                }
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF.toMillis(), backoff * 2);
            }
        }
        int left = batch.size() + queue.size();
        if (left > 0) {
            lose(left, "the service stopped before the store took them");
            queue.clear();
            unsettled.finished(left);
        }
    }

    /**
     * Lets a batch that is not full yet fill for up to {@link #LINGER} while the service runs: under load one
     * transaction then takes what arrived in that time rather than a handful each. A commit costs the embedded H2 about
     * 1.4 ms of CPU however few rows it holds (the requests that got the same forecast share one row: schema 6), so at
     * ~13,000 requests/s 50 ms batches of 500 cost the service ~5 % of its throughput, 200 ms batches of up to 2000
     * ~1 % (BENCHMARKS.md); when requests are few the wait costs nothing but the delay. The writer sleeps in
     * steps of {@link #FILL_STEP_NANOS} and drains what came meanwhile: waiting on the queue instead would wake it once
     * per request (a thread switch per request on the request threads' cores; bench/serving/run.sh --forecast-log-on-off
     * measured the log with a store that writes nothing at 0.88 of the throughput without it that way, 1.00 this way).
     */
    private void fill(List<LoggedForecast> batch) {
        long end = System.nanoTime() + LINGER.toNanos();
        while (running && batch.size() < batchSize) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, FILL_STEP_NANOS));
            queue.drainTo(batch, batchSize - batch.size());
        }
    }

    private void lose(int n, String why) {
        long before = lost.getAndAdd(n);
        lostCounter.increment(n);
        if (before == 0 || Long.numberOfTrailingZeros(before + n) >= 10) {
            LOG.warn("Forecast log: {} forecast(s) not written ({} so far): {}", n, before + n, why);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued within {@code drain} (retrying a store that is down meanwhile), then stops. */
    public void close(Duration drain) {
        flush(drain);
        running = false; // no interrupt: H2 closes its file when a thread in it is interrupted
        try {
            writer.join(drain.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
