package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * Connections that never send a byte (nginx's {@code client_header_timeout} case): 500 of them, each closed by the
 * service within {@code server.header-timeout} (plus the deadline sweep's period and a margin for a loaded machine),
 * while {@code /v1/predict} keeps answering on other connections. The idle timeout is far longer, so only the header
 * deadline can close them.
 */
class SilentConnectionsIT {

    static final int SILENT = 500;
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
    /** The sweep runs every quarter of the timeout; a loaded 2-core machine needs a margin beyond that. */
    static final long LIMIT_MS = HEADER_TIMEOUT.toMillis() + 3000;

    @Test
    void connectionsThatNeverSendAByteAreClosedWithinTheHeaderTimeoutWhilePredictionsAnswer() throws Exception {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).idleTimeout(Duration.ofMinutes(5)).headerTimeout(HEADER_TIMEOUT)
                .build();
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
            TestClient client = new TestClient(service.port());
            AtomicInteger answered = new AtomicInteger();
            AtomicReference<String> failed = new AtomicReference<>();
            Thread predictions = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted() && failed.get() == null) {
                    try {
                        HttpResponse<String> res = client.post("/v1/predict", "application/json", "{\"closes\": [1,2,3,4,5]}");
                        if (res.statusCode() != 200) {
                            failed.set(res.statusCode() + " " + res.body());
                        }
                        answered.incrementAndGet();
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        failed.set(e.toString());
                    }
                }
            });
            List<Socket> sockets = new ArrayList<>(SILENT);
            long[] opened = new long[SILENT];
            try {
                for (int i = 0; i < SILENT; i++) {
                    sockets.add(new Socket("127.0.0.1", service.port()));
                    opened[i] = System.nanoTime();
                }
                int atStart = answered.get();
                List<String> late = new ArrayList<>();
                long slowest = 0;
                for (int i = 0; i < SILENT; i++) {
                    long ms = closedAfter(sockets.get(i), opened[i]);
                    slowest = Math.max(slowest, ms);
                    if (ms < 0 || ms > LIMIT_MS) {
                        late.add("#" + i + (ms < 0 ? " still open" : " after " + ms + " ms"));
                    }
                }
                assertTrue(late.isEmpty(), "expected every silent connection closed within " + LIMIT_MS + " ms ("
                        + HEADER_TIMEOUT.toMillis() + " ms header timeout), found " + late.size() + " not: "
                        + late.subList(0, Math.min(10, late.size())));
                assertTrue(slowest >= HEADER_TIMEOUT.toMillis() - 100, "expected none closed before the header timeout, "
                        + "found the slowest closed after " + slowest + " ms");
                assertEquals(null, failed.get(), "a prediction failed while the silent connections were open");
                assertTrue(answered.get() - atStart >= 20, "expected predictions to keep answering, found "
                        + (answered.get() - atStart) + " while the silent connections were open");
            } finally {
                predictions.interrupt();
                for (Socket s : sockets) {
                    s.close();
                }
            }
            // the service still takes a new connection and answers on it
            assertEquals(200, client.get("/health/live").statusCode());
        }
    }

    /** Milliseconds from {@code opened} until the server closed the socket; -1 when it is still open at the limit. */
    private static long closedAfter(Socket s, long opened) throws IOException {
        long left = LIMIT_MS + 2000 - (System.nanoTime() - opened) / 1_000_000;
        s.setSoTimeout((int) Math.max(1, left));
        try {
            int r = s.getInputStream().read();
            assertEquals(-1, r, "expected no answer to a connection that sent nothing, found a byte");
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (SocketException e) {
            // reset: closed as well
        }
        return (System.nanoTime() - opened) / 1_000_000;
    }
}
