package io.closecast.serving;

import io.closecast.serving.config.RegistrySettings;
import io.closecast.serving.models.VersionRef;
import io.closecast.serving.registry.MlflowModelSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.closecast.mlflow.artifacts.DownloadLimits;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.MlflowException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MlflowModelSource} against a fake MLflow that answers like an attacker would: another model name, a name
 * that climbs out of the cache, a listing nested thousands of directories deep, a file far larger than listed, a
 * body trickled in, a redirect to another origin. (The real MLflow is in the other ITs; these answers it never gives.)
 */
class HostileRegistryIT {

    static final String NAME = "closecast-hostile";
    static final String RUN = "0123456789abcdef0123456789abcdef";

    enum Mode { OTHER_NAME, DEEP_LISTING, HUGE_FILE, TRICKLE, REDIRECT }

    @TempDir
    Path work;
    HttpServer fake;
    HttpServer elsewhere;
    volatile Mode mode;
    final AtomicInteger listings = new AtomicInteger();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicInteger elsewhereHits = new AtomicInteger();
    MlflowClient client;
    Path cache;

    @BeforeEach
    void start() throws IOException {
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", ex -> {
            elsewhereHits.incrementAndGet();
            send(ex, 200, "{}");
        });
        elsewhere.start();
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        fake.createContext("/", this::answer);
        fake.start();
        client = MlflowClient.create(MlflowConfig.builder().trackingUri("http://127.0.0.1:" + fake.getAddress().getPort())
                .requestTimeout(Duration.ofSeconds(5)).build());
        cache = work.resolve("cache");
    }

    @AfterEach
    void stop() {
        client.close();
        fake.stop(0);
        elsewhere.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        String name = mode == Mode.OTHER_NAME ? ".." : NAME;
        String version = "{\"name\":\"" + name + "\",\"version\":\"7\",\"source\":\"runs:/" + RUN + "/model\",\"run_id\":\""
                + RUN + "\",\"current_stage\":\"None\",\"status\":\"READY\"}";
        if (path.endsWith("/registered-models/alias") || path.endsWith("/model-versions/get")) {
            send(ex, 200, "{\"model_version\":" + version + "}");
        } else if (path.endsWith("/runs/get")) {
            send(ex, 200, "{\"run\":{\"info\":{\"run_id\":\"" + RUN + "\",\"experiment_id\":\"1\",\"status\":\"FINISHED\","
                    + "\"artifact_uri\":\"mlflow-artifacts:/1/" + RUN + "/artifacts\",\"lifecycle_stage\":\"active\"},\"data\":{}}}");
        } else if (path.equals("/api/2.0/mlflow-artifacts/artifacts") && query.startsWith("path=")) {
            listings.incrementAndGet();
            send(ex, 200, mode == Mode.DEEP_LISTING
                    ? "{\"files\":[{\"path\":\"d\",\"is_dir\":true}]}"
                    : "{\"files\":[{\"path\":\"MLmodel\",\"is_dir\":false,\"file_size\":987}]}");
        } else if (path.startsWith("/api/2.0/mlflow-artifacts/artifacts/")) {
            body(ex);
        } else {
            send(ex, 404, "{\"error_code\":\"ENDPOINT_NOT_FOUND\",\"message\":\"no " + path + "\"}");
        }
    }

    private void body(HttpExchange ex) throws IOException {
        switch (mode) {
            case HUGE_FILE -> {
                ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse up front
                byte[] chunk = new byte[64 * 1024];
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 0; i < 300 * 16; i++) { // 300 MB, as in the audit
                        out.write(chunk);
                        bytesSent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the client hung up: what the test wants
                }
            }
            case TRICKLE -> {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 0; i < 987; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up
                }
            }
            case REDIRECT -> {
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/MLmodel");
                send(ex, 302, "");
            }
            default -> send(ex, 200, "x".repeat(987));
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private MlflowModelSource source(DownloadLimits limits) {
        return MlflowModelSource.create(client, NAME, "production", cache, limits);
    }

    private void assertNothingLeftBeside(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                assertEquals(0, walk.filter(Files::isRegularFile).count(), "expected no file left under " + dir);
            }
        }
    }

    @Test
    void anotherModelNameFromTheRegistryIsRefusedAndNothingIsWrittenOutsideTheCache() throws Exception {
        mode = Mode.OTHER_NAME;
        MlflowModelSource source = source(RegistrySettings.DEFAULT_DOWNLOAD);
        ServingException resolve = assertThrows(ServingException.class, source::resolve);
        assertTrue(resolve.getMessage().contains("expected " + NAME), resolve.getMessage());
        ServingException load = assertThrows(ServingException.class, () -> source.load(VersionRef.create("..", "7", RUN)));
        assertTrue(load.getMessage().contains("expected to load model " + NAME), load.getMessage());
        ServingException answered = assertThrows(ServingException.class, () -> source.load(VersionRef.create(NAME, "7", RUN)));
        assertTrue(answered.getMessage().contains("answered with model \"..\""), answered.getMessage());
        assertFalse(Files.exists(work.resolve("7")), "nothing may be written beside the cache directory");
        assertNothingLeftBeside(cache);
    }

    @Test
    void aListingNestedThousandsDeepIsRefusedAtTheDepthBoundWithoutAStackOverflow() throws Exception {
        mode = Mode.DEEP_LISTING;
        MlflowException e = assertThrows(MlflowException.class,
                () -> source(RegistrySettings.DEFAULT_DOWNLOAD).load(VersionRef.create(NAME, "7", RUN)));
        assertTrue(e.getMessage().contains("must nest at most 16 directories deep"), e.getMessage());
        assertEquals(17, listings.get(), "expected the listing stopped at the bound");
        assertNothingLeftBeside(cache);
    }

    @Test
    void aFileLargerThanListedIsCutOffAtItsListedSize() throws Exception {
        mode = Mode.HUGE_FILE;
        MlflowException e = assertThrows(MlflowException.class,
                () -> source(RegistrySettings.DEFAULT_DOWNLOAD).load(VersionRef.create(NAME, "7", RUN)));
        assertTrue(e.getMessage().contains("must be at most 987 bytes"), e.getMessage());
        assertNothingLeftBeside(cache);
        Thread.sleep(200);
        assertTrue(bytesSent.get() < 64L << 20, "expected the download stopped early, the server sent " + bytesSent.get());
    }

    @Test
    void aBodyTrickledInEndsAtTheDownloadDeadline() throws Exception {
        mode = Mode.TRICKLE;
        DownloadLimits limits = new DownloadLimits(1 << 20, 1 << 20, 10, 4, Duration.ofSeconds(1));
        long start = System.nanoTime();
        MlflowException e = assertThrows(MlflowException.class,
                () -> source(limits).load(VersionRef.create(NAME, "7", RUN)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertTrue(ms < 4000, "expected the download stopped near its 1 s deadline, found " + ms + " ms");
        assertFalse(Thread.currentThread().isInterrupted(), "the deadline's interrupt must not leak to the caller");
        assertNothingLeftBeside(cache);
    }

    @Test
    void aRedirectToAnotherOriginIsNotFollowed() throws Exception {
        mode = Mode.REDIRECT;
        MlflowException e = assertThrows(MlflowException.class,
                () -> source(RegistrySettings.DEFAULT_DOWNLOAD).load(VersionRef.create(NAME, "7", RUN)));
        assertTrue(e.getMessage().contains("redirects to another origin are not followed"), e.getMessage());
        assertEquals(0, elsewhereHits.get(), "the other origin must not be asked");
        assertNothingLeftBeside(cache);
    }
}
