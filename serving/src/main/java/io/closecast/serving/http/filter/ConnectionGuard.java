package io.closecast.serving.http.filter;

import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.Responses;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Maps every failure to the JSON error ({@link Responses#failure}) and ends the connection after any answer that
 * left request bytes unread or that the client asked to end ({@code Connection: close}).
 * <p>
 * Helidon 4.5.0 answers {@code Connection: close} but keeps reading the socket, and does not drain a body that the
 * route did not read when the response says close: those bytes were parsed as the next request (request smuggling,
 * helidon-io/helidon#12324, fixed upstream after 4.5.3; Maven Central serves no 4.x release after 4.5.0 with it).
 * Here every such answer carries {@code Connection: close}; then an unread body of a declared length up to
 * {@link #DRAIN_LIMIT} is read and dropped within the body timeout (so the client reads the answer rather than a
 * reset), and the connection is closed. This covers every route, including the early answers (401, 403, 404, 413,
 * 415) and routes that ignore bodies.
 */
public final class ConnectionGuard implements Filter {

    /** Unread bodies up to this many declared bytes are drained before the close; larger or chunked ones are not. */
    static final long DRAIN_LIMIT = 4L << 20;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "closecast-drain-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Duration bodyTimeout;

    /** @param bodyTimeout how long a route may wait for a request body ({@link Bodies#read}), and a drain may take */
    public ConnectionGuard(Duration bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(new Bodies.Deadline(System.nanoTime() + bodyTimeout.toNanos(), bodyTimeout));
        boolean clientCloses = req.headers().contains(HeaderValues.CONNECTION_CLOSE);
        res.beforeSend(() -> {
            if (clientCloses || !req.content().consumed()) {
                res.header(HeaderValues.CONNECTION_CLOSE); // so the client does not send another request on it
            }
        });
        try {
            chain.proceed();
        } catch (CloseConnectionException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            if (res.isSent()) {
                throw new CloseConnectionException("failure after the response was sent", e);
            }
            Responses.failure(req, res, e);
        }
        if (!res.isSent()) {
            return;
        }
        boolean unread = !req.content().consumed();
        if (unread || clientCloses) {
            if (unread) {
                drain(req);
            }
            throw new CloseConnectionException("request body left unread, or the client asked to close");
        }
    }

    /** Reads and drops a declared-length body up to {@link #DRAIN_LIMIT}, interrupted at the body timeout. */
    private void drain(RoutingRequest req) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isEmpty() || declared.getAsLong() > DRAIN_LIMIT) {
            return;
        }
        Thread reader = Thread.currentThread();
        ScheduledFuture<?> deadline = WATCHDOG.schedule(reader::interrupt, bodyTimeout.toNanos(), TimeUnit.NANOSECONDS);
        try (InputStream in = req.content().inputStream()) {
            byte[] buf = new byte[16 * 1024];
            while (in.read(buf) >= 0) {
                // dropped
            }
        } catch (IOException | RuntimeException e) {
            // the connection is closed next either way
        } finally {
            deadline.cancel(false);
            Thread.interrupted();
        }
    }
}
