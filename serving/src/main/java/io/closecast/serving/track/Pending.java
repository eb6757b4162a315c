package io.closecast.serving.track;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work accepted and not finished yet (the forecasts the {@link ForecastLog} has not written or lost, the challenger
 * runs {@link ShadowRuns} has not run or dropped), and a wait until there is none: {@link ForecastLog#flush} and
 * {@link ShadowRuns#awaitIdle}. Thread-safe.
 */
final class Pending {

    private final AtomicLong count = new AtomicLong();
    private final Object monitor = new Object();

    /** {@code n} more accepted. */
    void add(long n) {
        count.addAndGet(n);
    }

    /** {@code n} finished (done or given up): when none is left, waiters wake. */
    void finished(long n) {
        if (count.addAndGet(-n) == 0) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    /** Waits until everything accepted so far has finished, at most {@code timeout}; true when it has. */
    boolean await(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (count.get() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }
}
