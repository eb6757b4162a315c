package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wire itself, over raw sockets: request smuggling through bodies a route never read, the web server's own
 * errors as JSON, idle, header (slow loris) and body timeouts, and keep-alive still working for good requests.
 */
public class WireIT {

    static final String KEY = "wire-test-key";
    static RunningService service;

    @BeforeAll
    static void start() {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).maxBodyBytes(4096).apiKeys(List.of(KEY))
                .idleTimeout(Duration.ofSeconds(1)).headerTimeout(Duration.ofSeconds(1)).bodyTimeout(Duration.ofSeconds(1))
                .build();
        service = Main.start(config, new TestModelSource(5, 10, "1"));
        TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** What came back on one connection: the bytes until the server closed it (or 3 s of silence), and whether it did. */
    record Answer(String text, boolean closed) {
        List<Integer> statuses() {
            Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(text);
            java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
            return out;
        }

        JsonNode json() {
            int at = text.indexOf("\r\n\r\n");
            try {
                return TestClient.MAPPER.readTree(text.substring(at + 4));
            } catch (IOException e) {
                throw new AssertionError("expected one JSON body, found " + text, e);
            }
        }
    }

    static Answer exchange(String request) {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Answer exchange(byte[] request) {
        try (Socket s = new Socket("127.0.0.1", service.port())) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readAll(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Answer readAll(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        boolean closed;
        try {
            for (int n; ; ) {
                n = in.read(buf);
                if (n < 0) {
                    closed = true;
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (SocketException e) {
            closed = true; // reset by the server
        }
        return new Answer(out.toString(StandardCharsets.ISO_8859_1), closed);
    }

    private static final String SMUGGLED = "GET /v1/model HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY + "\r\n\r\n";

    static String post(String path, String type, String body, String... headers) {
        StringBuilder sb = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: x\r\n");
        if (type != null) {
            sb.append("Content-Type: ").append(type).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n\r\n").append(body);
        return sb.toString();
    }

    @Test
    void aBodyTheRouteNeverReadIsNeverParsedAsTheNextRequest() {
        // the attack: 415 before the body is read, Connection: close, a request inside the body
        Answer a = exchange(post("/v1/predict", "text/plain", SMUGGLED, "X-API-Key: " + KEY, "Connection: close"));
        assertEquals(List.of(415), a.statuses(), a.text());
        assertTrue(a.closed(), "expected the connection closed after the 415, found it open: " + a.text());
        // the same without Connection: close, and after a 401 (no key), a 404, and a route that ignores bodies
        for (String attack : List.of(
                post("/v1/predict", "text/plain", SMUGGLED, "X-API-Key: " + KEY),
                post("/v1/predict", "application/json", SMUGGLED),
                post("/v1/nowhere", "application/json", SMUGGLED, "X-API-Key: " + KEY),
                "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED)) {
            Answer b = exchange(attack);
            assertEquals(1, b.statuses().size(), "expected exactly one response, found " + b.text());
            assertTrue(b.closed(), "expected the connection closed, found it open: " + b.text());
            assertTrue(!b.text().contains("\"run_id\""), "the smuggled GET /v1/model must not be answered: " + b.text());
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsAnsweredOnceAndTheConnectionClosed() {
        String big = "x".repeat(5000);
        Answer a = exchange(post("/v1/predict", "application/json", big.substring(0, 4000) + SMUGGLED + big.substring(4000),
                "X-API-Key: " + KEY));
        assertEquals(List.of(413), a.statuses(), a.text());
        assertEquals("body_too_large", a.json().path("error").path("code").asText(), a.text());
        assertTrue(a.closed(), a.text());
    }

    @Test
    void goodRequestsKeepTheConnectionAliveAndEarlyAnswersSayClose() throws IOException {
        // its own service: the 1 s idle timeout above would race the wait for the end of the answers
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).build();
        try (RunningService patient = Main.start(config, new TestModelSource(5, 10, "1"));
             Socket s = new Socket("127.0.0.1", patient.port())) {
            TestClient.await("model ready", Duration.ofSeconds(20), patient.models()::ready);
            String predict = post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5]}");
            s.setSoTimeout(1500);
            OutputStream out = s.getOutputStream();
            out.write((predict + predict).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Answer a = readAll(s);
            assertEquals(List.of(200, 200), a.statuses(), a.text());
            assertTrue(!a.closed(), "expected the connection kept alive between good requests");
            assertTrue(!a.text().toLowerCase(java.util.Locale.ROOT).contains("connection: close"), a.text());
        }
        Answer early = exchange(post("/v1/predict", "text/plain", "{}", "X-API-Key: " + KEY));
        assertEquals(List.of(415), early.statuses(), early.text());
        assertTrue(early.text().toLowerCase(java.util.Locale.ROOT).contains("connection: close"),
                "an answer that ends the connection must say so: " + early.text());
    }

    @Test
    void malformedChunksABadMethodAndBadContentTypesGetA4xxJsonError() {
        String chunked = "POST /v1/predict HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String bad : List.of(chunked + "zz\r\n{}\r\n0\r\n\r\n", chunked + "-5\r\n{}\r\n0\r\n\r\n",
                chunked + "ffffffffffffffffff\r\n{}\r\n0\r\n\r\n")) {
            Answer a = exchange(bad);
            assertEquals(1, a.statuses().size(), a.text());
            int status = a.statuses().getFirst();
            assertTrue(status >= 400 && status < 500, "expected a 4xx for a malformed chunk size, found " + a.text());
            assertTrue(a.json().path("error").hasNonNull("code"), a.text());
        }
        byte[] method = ("G\u00c9T /health/live HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Answer m = exchange(method);
        assertEquals(1, m.statuses().size(), m.text());
        assertTrue(m.statuses().getFirst() >= 400 && m.statuses().getFirst() < 500, m.text());
        assertTrue(m.json().path("error").hasNonNull("code"), m.text());
        for (String path : List.of("/v1/predict", "/invocations", "/v1/feedback", "/v1/predict/csv")) {
            for (String type : new String[] {"json", ";;;", "", "application/", "/json", null}) {
                Answer a = exchange(post(path, type, "{}", "X-API-Key: " + KEY));
                assertEquals(List.of(415), a.statuses(), path + " Content-Type " + type + ": " + a.text());
                assertEquals("unsupported_media_type", a.json().path("error").path("code").asText(), a.text());
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws IOException {
        try (Socket s = new Socket("127.0.0.1", service.port())) {
            s.setSoTimeout(4000);
            long start = System.nanoTime();
            s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] head = new byte[17];
            assertEquals(17, s.getInputStream().readNBytes(head, 0, 17));
            assertEquals("HTTP/1.1 200 OK\r\n", new String(head, StandardCharsets.ISO_8859_1));
            s.getInputStream().readNBytes(s.getInputStream().available());
            int r = s.getInputStream().read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, r, "expected the idle connection closed");
            // an upper bound only: on a loaded machine Helidon 4.5.0's idle check closed it after 360-455 ms in two
            // runs (its sweep runs every quarter of the timeout); a connection kept past the timeout is the failure
            assertTrue(ms < 3900, "expected it closed within the 1 s idle timeout and a check period, found after " + ms + " ms");
        } catch (SocketException e) {
            // reset: closed as well
        }
    }

    @Test
    void headersTrickledInAreCutOffWhilePredictionsKeepAnswering() throws Exception {
        try (Socket s = new Socket("127.0.0.1", service.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();
            boolean cut = false;
            TestClient client = new TestClient(service.port());
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    out.write('X');
                    out.flush();
                } catch (IOException e) {
                    cut = true;
                    break;
                }
                if (i % 5 == 0) {
                    var res = client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5]}", "X-API-Key", KEY);
                    assertEquals(200, res.statusCode(), res.body());
                }
                Thread.sleep(150);
                s.setSoTimeout(1);
                try {
                    cut = s.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    // still open
                } catch (SocketException e) {
                    cut = true;
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(cut, "expected the slow-loris connection cut off, found it open after " + ms + " ms");
            assertTrue(ms < 4000, "expected it cut off about 1 s after the request line, found " + ms + " ms");
        }
    }

    @Test
    void aBodyTrickledInGetsA408AndTheConnectionClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", service.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/predict HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"closes\":").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long start = System.nanoTime();
            for (int i = 0; i < 12; i++) {
                Thread.sleep(200);
                try {
                    out.write(' ');
                    out.flush();
                } catch (IOException e) {
                    break;
                }
            }
            s.setSoTimeout(3000);
            Answer a = readAll(s);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(408), a.statuses(), a.text());
            assertEquals("body_timeout", a.json().path("error").path("code").asText(), a.text());
            assertTrue(a.closed(), a.text());
            assertTrue(ms < 6000, "expected the slow body cut off near 1 s, found " + ms + " ms");
        }
    }
}
