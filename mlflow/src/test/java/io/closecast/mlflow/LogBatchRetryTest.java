package io.closecast.mlflow;

import io.closecast.mlflow.entities.Param;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log-batch whose earlier attempt was stored although its answer was lost: the database refuses the
 * duplicate rows (400), and the client accepts that only when the stored params equal the ones it sent.
 */
class LogBatchRetryTest {
    private static final String DUPLICATE = "{\"error_code\":\"BAD_REQUEST\",\"message\":\"(sqlite3.IntegrityError) "
            + "UNIQUE constraint failed: params.key, params.run_uuid\"}";
    private HttpServer server;

    private MlflowClient serve(String storedParamValue) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            int status = path.endsWith("runs/log-batch") ? 400 : 200;
            String body = status == 400 ? DUPLICATE : "{\"run\": {\"info\": {\"run_id\": \"r1\", \"experiment_id\": \"0\","
                    + " \"status\": \"RUNNING\", \"start_time\": 0}, \"data\": {\"params\": [{\"key\": \"a\", \"value\": \""
                    + storedParamValue + "\"}]}}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return MlflowClient.create(MlflowConfig.builder().trackingUri("http://127.0.0.1:" + server.getAddress().getPort())
                .retry(RetryPolicy.none()).build());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void duplicateRowsWithOurValuesAreAlreadyStored() throws IOException {
        try (MlflowClient client = serve("1")) {
            assertDoesNotThrow(() -> client.logBatch("r1", List.of(), List.of(new Param("a", "1")), List.of()));
        }
    }

    @Test
    void aDifferentStoredValueIsARealConflict() throws IOException {
        try (MlflowClient client = serve("2")) {
            MlflowException e = assertThrows(MlflowException.class,
                    () -> client.logBatch("r1", List.of(), List.of(new Param("a", "1")), List.of()));
            assertTrue(e.getMessage().contains("UNIQUE constraint failed"), e.getMessage());
        }
    }

    @Test
    void otherBadRequestsAreNotTakenForDuplicates() {
        assertTrue(WriteConflicts.alreadyStored(new MlflowException(DUPLICATE, 400, "BAD_REQUEST", null)));
        assertTrue(!WriteConflicts.alreadyStored(new MlflowException("INVALID_PARAMETER_VALUE: Changing param values is not allowed",
                400, "INVALID_PARAMETER_VALUE", null)));
        assertTrue(!WriteConflicts.alreadyStored(new MlflowException(DUPLICATE, 500, "", null)));
    }
}
