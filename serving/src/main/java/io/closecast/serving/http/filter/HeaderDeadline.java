package io.closecast.serving.http.filter;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Closes a connection whose request headers do not arrive within {@code timeout} of its request line (slow loris).
 * Helidon's idle-connection timeout covers idle sockets and a request line trickled in; it does not cover headers
 * trickled in after it. The connection's reading (virtual) thread is interrupted, which closes its socket.
 */
public final class HeaderDeadline implements Http1ConnectionListener, AutoCloseable {

    private record Waiting(Thread thread, long deadline) {
    }

    private final long timeoutNanos;
    private final Map<ConnectionContext, Waiting> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final AtomicLong closed = new AtomicLong();

    public HeaderDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "closecast-header-deadline");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        waiting.put(ctx, new Waiting(Thread.currentThread(), System.nanoTime() + timeoutNanos));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        waiting.remove(ctx);
    }

    /** Connections closed for headers that came too slowly. */
    long closed() {
        return closed.get();
    }

    private void sweep() {
        long now = System.nanoTime();
        waiting.forEach((ctx, w) -> {
            if (now - w.deadline() > 0 && waiting.remove(ctx, w)) {
                closed.incrementAndGet();
                w.thread().interrupt();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
