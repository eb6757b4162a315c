package io.closecast.mlflow.http;

import io.closecast.mlflow.Credentials;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;
import io.closecast.mlflow.RetryPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our HTTP policy (retry, no-retry, auth, content type) against a tiny in-process server; no MLflow semantics. */
class HttpPolicyTest {
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), 0.5);

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile int[] statuses = {200};

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int call = calls.getAndIncrement();
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth="
                    + exchange.getRequestHeaders().getFirst("Authorization") + " type="
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " body="
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = statuses[Math.min(call, statuses.length - 1)];
            byte[] body = (status == 200 ? "{\"ok\": " + call + "}"
                    : "{\"error_code\":\"E" + status + "\",\"message\":\"m\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Http http(Credentials credentials) {
        return new Http(MlflowConfig.builder().trackingUri("http://127.0.0.1:" + server.getAddress().getPort())
                .credentials(credentials).retry(FAST).build());
    }

    @Test
    void serviceUnavailableIsRetriedUntilSuccess() {
        statuses = new int[] {503, 503, 200};
        try (Http http = http(Credentials.none())) {
            assertEquals(2, http.get("x", Map.of()).path("ok").asInt());
        }
        assertEquals(3, calls.get());
    }

    @Test
    void tooManyRequestsIsRetried() {
        statuses = new int[] {429, 200};
        try (Http http = http(Credentials.none())) {
            assertEquals(1, http.post("runs/log-batch", new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode().put("a", 1)).path("ok").asInt());
        }
        assertEquals(2, calls.get());
        // a retried POST sends the same body again
        assertTrue(seen.get(1).endsWith("body={\"a\":1}"), seen.get(1));
    }

    @Test
    void persistentServerErrorStopsAfterMaxAttemptsWithCode() {
        statuses = new int[] {500};
        try (Http http = http(Credentials.none())) {
            MlflowException e = assertThrows(MlflowException.class, () -> http.get("runs/get", Map.of()));
            assertEquals("E500: m (HTTP 500 on GET /api/2.0/mlflow/runs/get)", e.getMessage());
        }
        assertEquals(4, calls.get());
    }

    @Test
    void notFoundIsNotRetried() {
        statuses = new int[] {404, 200};
        try (Http http = http(Credentials.none())) {
            MlflowException e = assertThrows(MlflowNotFoundException.class,
                    () -> http.get("registered-models/get", Map.of("name", List.of("a b"))));
            assertEquals(404, e.status());
            assertTrue(e.getMessage().contains("GET /api/2.0/mlflow/registered-models/get?name=a%20b"), e.getMessage());
        }
        assertEquals(1, calls.get());
    }

    @Test
    void badRequestIsNotRetried() {
        statuses = new int[] {400, 200};
        try (Http http = http(Credentials.none())) {
            assertThrows(MlflowException.class, () -> http.post("runs/create", new com.fasterxml.jackson.databind
                    .ObjectMapper().createObjectNode()));
        }
        assertEquals(1, calls.get());
    }

    @Test
    void credentialsAndJsonContentTypeAreSent() {
        try (Http http = http(Credentials.bearer("tok"))) {
            http.post("experiments/create", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                    .put("name", "e"));
        }
        assertEquals("POST /api/2.0/mlflow/experiments/create auth=Bearer tok type=application/json body={\"name\":\"e\"}",
                seen.get(0));
    }

    @Test
    void connectionRefusedIsRetriedThenExplained() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (Http http = new Http(MlflowConfig.builder().trackingUri("http://127.0.0.1:" + port).retry(FAST).build())) {
            MlflowException e = assertThrows(MlflowException.class, () -> http.get("runs/get", Map.of()));
            assertTrue(e.getMessage().startsWith("GET /api/2.0/mlflow/runs/get failed after 4 attempt(s)"), e.getMessage());
            assertTrue(e.getMessage().contains("is the MLflow server at http://127.0.0.1:" + port + " running?"),
                    e.getMessage());
            assertEquals(0, e.status());
        }
    }
}
