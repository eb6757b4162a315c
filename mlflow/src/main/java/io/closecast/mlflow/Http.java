package io.closecast.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP stack: one retry, auth, timeout and error policy for every call. */
final class Http implements AutoCloseable {
    static final String API = "/api/2.0/mlflow/";
    static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);

    private final MlflowConfig config;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    Http(MlflowConfig config) {
        this.config = config;
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    ObjectMapper json() {
        return json;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    JsonNode get(String endpoint, Map<String, List<String>> query) {
        return sendJson("GET", API + endpoint + queryString(query), null);
    }

    JsonNode post(String endpoint, JsonNode body) {
        return sendJson("POST", API + endpoint, body);
    }

    JsonNode patch(String endpoint, JsonNode body) {
        return sendJson("PATCH", API + endpoint, body);
    }

    JsonNode delete(String endpoint, JsonNode body) {
        return sendJson("DELETE", API + endpoint, body);
    }

    JsonNode getAbsolute(String pathAndQuery) {
        return sendJson("GET", pathAndQuery, null);
    }

    /** PUT the file's bytes to a server path. */
    void put(String path, Path file) {
        send("PUT", path, () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (IOException e) {
                throw new MlflowException("cannot read " + file + " for upload to " + path + ": " + e.getMessage(), e);
            }
        }, "application/octet-stream", HttpResponse.BodyHandlers.ofString());
    }

    /** GET a server path into the target file (written through a temporary sibling, then moved). */
    void download(String path, Path target) {
        HttpResponse<InputStream> response = send("GET", path, HttpRequest.BodyPublishers::noBody, null,
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".download-", ".part");
            try {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new MlflowException("download of GET " + path + " to " + target + " failed: " + e.getMessage(), e);
        }
    }

    private JsonNode sendJson(String method, String path, JsonNode body) {
        String text;
        try {
            text = body == null ? null : json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<String> response = send(method, path,
                () -> text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text),
                text == null ? null : "application/json", HttpResponse.BodyHandlers.ofString());
        String answer = response.body();
        if (answer == null || answer.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(answer);
        } catch (IOException e) {
            throw new MlflowException(method + " " + path + " answered HTTP " + response.statusCode()
                    + ", expected a JSON body, found '" + Errors.snippet(answer) + "'", response.statusCode(), "", e);
        }
    }

    private <T> HttpResponse<T> send(String method, String path, PublisherSupplier body, String contentType,
                                     HttpResponse.BodyHandler<T> handler) {
        URI uri = URI.create(config.trackingUri() + path);
        RetryPolicy retry = config.retry();
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(config.requestTimeout())
                    .method(method, body.get());
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            config.credentials().authorizationHeader().ifPresent(value -> request.header("Authorization", value));
            HttpResponse<T> response;
            try {
                response = client.send(request.build(), handler);
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new MlflowException(method + " " + path + " failed after " + attempt + " attempt(s): "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + " (is the MLflow server at " + config.trackingUri() + " running?)", e);
                }
                pause(retry, attempt, method, path, e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlflowException(method + " " + path + " interrupted", e);
            }
            int status = response.statusCode();
            if (status < 400) {
                return response;
            }
            String errorBody = readBody(response.body());
            if (retry.retries(status) && attempt < retry.maxAttempts()) {
                pause(retry, attempt, method, path, "HTTP " + status);
                continue;
            }
            throw Errors.fromResponse(method, path, status, errorBody);
        }
    }

    private static String readBody(Object body) {
        if (body instanceof String s) {
            return s;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
        return "";
    }

    private static void pause(RetryPolicy retry, int attempt, String method, String path, String reason) {
        Duration wait = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
        LOG.warn("{} {} failed ({}), attempt {} of {}; retrying in {} ms", method, path, reason, attempt,
                retry.maxAttempts(), wait.toMillis());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException(method + " " + path + " interrupted while waiting to retry", e);
        }
    }

    static String queryString(Map<String, List<String>> query) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            for (String value : entry.getValue()) {
                out.append(out.isEmpty() ? '?' : '&')
                        .append(encode(entry.getKey())).append('=').append(encode(value));
            }
        }
        return out.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Encodes each segment of a slash-separated path, keeping the slashes. */
    static String encodePath(String path) {
        return java.util.Arrays.stream(path.split("/", -1)).map(Http::encode)
                .collect(java.util.stream.Collectors.joining("/"));
    }

    @Override
    public void close() {
        client.close();
    }

    @FunctionalInterface
    private interface PublisherSupplier {
        HttpRequest.BodyPublisher get();
    }
}
