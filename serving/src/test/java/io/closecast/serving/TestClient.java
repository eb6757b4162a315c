package io.closecast.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JDK HttpClient against a running service, plus small helpers for the route tests. */
public final class TestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    TestClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        return post(path, contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    HttpResponse<String> post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b, headers);
    }

    HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A {@code /v1/predict} body: {@code closes}, oldest first, and the {@code horizon}. */
    static String predictBody(double[] closes, int horizon) {
        StringBuilder sb = new StringBuilder("{\"closes\":[");
        for (int i = 0; i < closes.length; i++) {
            sb.append(i > 0 ? "," : "").append(closes[i]);
        }
        return sb.append("],\"horizon\":").append(horizon).append('}').toString();
    }

    public static JsonNode json(HttpResponse<String> res) {
        try {
            return MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new AssertionError("expected a JSON body, found: " + res.body(), e);
        }
    }

    /** Waits until the condition holds, failing after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A strictly rising window of prices, 100, 101, ... */
    public static String closes(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(100 + i);
        }
        return sb.append(']').toString();
    }
}
