package io.closecast.serving.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import org.junit.jupiter.api.Test;

/** The log never blocks the caller: a store that is down delays writes, a full queue or a refusal is counted. */
class ForecastLogTest {

    /** A store that keeps what it is given and fails while told to (transiently or for good), or blocks. */
    static final class FlakyStore implements TrackStore {
        final List<LoggedForecast> written = new CopyOnWriteArrayList<>();
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        volatile boolean down;
        volatile boolean refuse;
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void append(List<LoggedForecast> batch) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (down || refuse) {
                throw new TrackStoreException(down ? "connection refused" : "value too long", down, null);
            }
            written.addAll(batch);
            batches.add(batch.size());
        }

        @Override public int putCloses(String symbol, Map<LocalDate, Double> closes) { return 0; }
        @Override public Optional<LocalDate> lastClose(String symbol) { return Optional.empty(); }
        @Override public List<String> symbols() { return List.of(); }
        @Override public int score() { return 0; }
        @Override public List<Score> scores(String model) { return List.of(); }
        @Override public Counts counts(String model) { return new Counts(0, 0, 0); }
        @Override public List<LoggedForecast> forecasts(String model, java.time.LocalDate from, java.time.LocalDate to,
                Optional<Cursor> after, int limit) { return List.of(); }
        @Override public String describe() { return "flaky"; }
        @Override public void close() { }
    }

    static LoggedForecast forecast(int i) {
        return new LoggedForecast("r" + i, Instant.EPOCH, "m", "1", "production", "MSFT", LocalDate.of(2024, 1, 2),
                List.of(new LoggedForecast.Step(1, LocalDate.of(2024, 1, 3), 100 + i, 100, List.of())));
    }

    private static MeterRegistry registry() {
        return Metrics.createMeterRegistry(MetricsConfig.create());
    }

    @Test
    void aStoreThatIsDownDelaysWritesButLosesNothingThatFits() {
        FlakyStore store = new FlakyStore();
        store.down = true;
        ForecastLog log = new ForecastLog(() -> store, 100, 10, registry());
        for (int i = 0; i < 50; i++) {
            assertTrue(log.submit(forecast(i)));
        }
        assertFalse(log.flush(Duration.ofMillis(300)), "nothing can be written while the store is down");
        assertFalse(log.status().storeUp());
        assertEquals(Optional.of("connection refused"), log.status().lastError());
        store.down = false;
        assertTrue(log.flush(Duration.ofSeconds(10)));
        assertEquals(50, store.written.size());
        assertEquals(0, log.status().lost());
        assertTrue(log.status().storeUp());
        log.close();
    }

    @Test
    void aFullQueueAndARefusedBatchAreCountedNotWritten() throws Exception {
        FlakyStore store = new FlakyStore();
        store.gate = new CountDownLatch(1); // the writer blocks in the store: the queue fills
        ForecastLog log = new ForecastLog(() -> store, 5, 1, registry());
        long start = System.nanoTime();
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            accepted += log.submit(forecast(i)) ? 1 : 0;
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "submit never blocks");
        assertTrue(accepted <= 6, "5 queued and at most 1 in hand, found " + accepted);
        assertEquals(20 - accepted, log.status().lost());
        store.gate.countDown();
        assertTrue(log.flush(Duration.ofSeconds(10)));
        assertEquals(accepted, store.written.size());

        store.refuse = true;
        log.submit(forecast(99));
        assertTrue(log.flush(Duration.ofSeconds(10)));
        assertEquals(20 - accepted + 1, log.status().lost(), "a batch the store refuses for good is lost, and counted");
        log.close();
    }

    @Test
    void forecastsArrivingOneByOneAreWrittenInFewTransactions() throws Exception {
        FlakyStore store = new FlakyStore();
        ForecastLog log = new ForecastLog(() -> store, 1000, 500, registry());
        try {
            // a request every ~0.2 ms, as under load: without the linger each would be a transaction of its own
            for (int i = 0; i < 40; i++) {
                log.submit(forecast(i));
                Thread.sleep(0, 200_000);
            }
            assertTrue(log.flush(Duration.ofSeconds(5)));
            assertEquals(40, store.written.size());
            assertTrue(store.batches.size() <= 10, "40 forecasts within ~10 ms in at most 10 batches: " + store.batches);
        } finally {
            log.close();
        }
    }

    @Test
    void closeWritesWhatIsQueued() {
        FlakyStore store = new FlakyStore();
        ForecastLog log = new ForecastLog(() -> store, 1000, 7, registry());
        for (int i = 0; i < 300; i++) {
            log.submit(forecast(i));
        }
        log.close();
        assertEquals(300, store.written.size());
        assertEquals(0, log.status().lost());
    }
}
