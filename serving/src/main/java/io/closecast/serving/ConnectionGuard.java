package io.closecast.serving;

import java.time.Duration;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Maps every failure to the JSON error ({@link Responses#failure}) and closes the connection after any answer that
 * left request bytes unread or that the client asked to end ({@code Connection: close}).
 * <p>
 * Helidon 4.5.0 answers {@code Connection: close} but keeps reading the socket, and does not drain a body that the
 * route did not read when the response says close: those bytes were parsed as the next request (request smuggling,
 * helidon-io/helidon#12324, fixed upstream after 4.5.3 and not on Maven Central). Closing the connection here ends
 * that for every route, including the early answers (401, 404, 413, 415) and routes that ignore bodies.
 */
final class ConnectionGuard implements Filter {

    private final Duration bodyTimeout;

    /** @param bodyTimeout how long a route may wait for a request body ({@link Bodies#read}) */
    ConnectionGuard(Duration bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(new Bodies.Deadline(System.nanoTime() + bodyTimeout.toNanos(), bodyTimeout));
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
        if (res.isSent() && (!req.content().consumed() || req.headers().contains(HeaderValues.CONNECTION_CLOSE))) {
            throw new CloseConnectionException("request body left unread, or the client asked to close");
        }
    }
}
