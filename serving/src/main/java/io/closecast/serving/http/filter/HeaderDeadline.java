package io.closecast.serving.http.filter;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Closes a connection whose request headers do not arrive in time: a new connection's first request headers within
 * {@code timeout} of its accept (nginx's {@code client_header_timeout}: a connection that never sends a byte, or
 * sends part of a request and stops, is closed), and any later request's headers within {@code timeout} of its request
 * line (slow loris). Helidon 4.5.0's idle-connection check skips connections whose protocol is not detected yet (no
 * byte arrived), and its socket read timeout does not apply to the channels it reads; so every accepted channel is
 * registered here through {@link #socketOptions} (Helidon configures each accepted channel with them) and closed at
 * its deadline, which ends the blocked read of its (virtual) thread. A later request's stalled headers interrupt the
 * connection's reading thread, which closes its socket too.
 */
public final class HeaderDeadline implements Http1ConnectionListener, AutoCloseable {

    private record Waiting(Thread thread, long deadline) {
    }

    /** A connection accepted whose first request headers have not arrived yet. */
    private record Accepted(SocketChannel channel, long deadline) {
    }

    private final long timeoutNanos;
    private final Map<ConnectionContext, Waiting> waiting = new ConcurrentHashMap<>();
    private final Map<SocketAddress, Accepted> accepted = new ConcurrentHashMap<>();
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
        if (!accepted.isEmpty()) {
            accepted.remove(ctx.remotePeer().address());
        }
    }

    /**
     * {@code delegate}'s socket options, which also register every channel Helidon accepts and configures with them:
     * it is closed unless its first request headers arrive within the timeout.
     */
    public SocketOptions socketOptions(SocketOptions delegate) {
        return new Registering(delegate);
    }

    private void accepted(SocketChannel channel) {
        try {
            SocketAddress peer = channel.getRemoteAddress();
            if (peer != null) {
                accepted.put(peer, new Accepted(channel, System.nanoTime() + timeoutNanos));
            }
        } catch (IOException e) {
            // closed already: nothing to watch
        }
    }
    /** Connections closed for headers that came too slowly. */
    long closed() {
        return closed.get();
    }

    private void sweep() {
        long now = System.nanoTime();
        accepted.forEach((peer, a) -> {
            if (!a.channel().isOpen()) {
                accepted.remove(peer, a);
            } else if (now - a.deadline() > 0 && accepted.remove(peer, a)) {
                closed.incrementAndGet();
                try {
                    a.channel().close(); // the connection's blocked read ends, Helidon drops the connection
                } catch (IOException e) {
                    // closed either way
                }
            }
        });
        waiting.forEach((ctx, w) -> {
            if (now - w.deadline() > 0 && waiting.remove(ctx, w)) {
                closed.incrementAndGet();
                w.thread().interrupt();
            }
        });
    }

    /** Helidon's socket options, and each accepted channel registered. */
    private final class Registering implements SocketOptions {
        private final SocketOptions delegate;

        Registering(SocketOptions delegate) {
            this.delegate = delegate;
        }

        @Override
        public void configureSocket(Socket socket) {
            delegate.configureSocket(socket);
        }

        @Override
        public void configureSocket(SocketChannel channel) {
            delegate.configureSocket(channel);
            accepted(channel);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return delegate.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return delegate.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return delegate.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return delegate.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return delegate.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return delegate.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return delegate.tcpNoDelay();
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
