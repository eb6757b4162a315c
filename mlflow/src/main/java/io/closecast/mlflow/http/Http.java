package io.closecast.mlflow.http;

import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;
import io.closecast.mlflow.RetryPolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP stack: one retry, auth, timeout and error policy for every call. */
public final class Http implements AutoCloseable {
    static final String API = "/api/2.0/mlflow/";
    /** The artifact proxy's path on the server. */
    public static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);
    /** Interrupts downloads that pass their deadline. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "closecast-mlflow-download-deadline");
                t.setDaemon(true);
                return t;
            });
    private static final int MAX_REDIRECTS = 5;

    private final MlflowConfig config;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * The HTTP stack for one server.
     *
     * @param config the server, its credentials, timeouts and retry policy
     */
    public Http(MlflowConfig config) {
        this.config = config;
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // same-origin redirects are followed in send(); others refused
                .build();
    }

    ObjectMapper json() {
        return json;
    }

    /**
     * A new JSON object for a request body.
     *
     * @return an empty object
     */
    public ObjectNode object() {
        return json.createObjectNode();
    }

    /**
     * GET an API endpoint.
     *
     * @param endpoint the endpoint under {@code /api/2.0/mlflow/}, e.g. {@code runs/get}
     * @param query    the query parameters, each possibly repeated
     * @return the answer's JSON
     * @throws MlflowNotFoundException when the server answers that the thing does not exist
     * @throws MlflowException         on any other failure, after the retries
     */
    public JsonNode get(String endpoint, Map<String, List<String>> query) {
        return sendJson("GET", API + endpoint + Urls.queryString(query), null);
    }

    /**
     * Every item of a paged GET, following the answers' {@code next_page_token}.
     *
     * @param endpoint the API endpoint, e.g. {@code metrics/get-history}
     * @param query    the query without a page token
     * @param items    the field holding each page's items, e.g. {@code metrics}
     * @param read     reads one item
     * @param <T>      the items' type
     * @return every item, page after page
     */
    public <T> List<T> getAllPages(String endpoint, Map<String, List<String>> query, String items,
                                   Function<JsonNode, T> read) {
        List<T> all = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Map<String, List<String>> page = new LinkedHashMap<>(query);
            token.ifPresent(t -> page.put("page_token", List.of(t)));
            JsonNode response = get(endpoint, page);
            response.path(items).forEach(item -> all.add(read.apply(item)));
            token = Wire.pageToken(response);
        } while (token.isPresent());
        return all;
    }

    /**
     * POST a JSON body to an API endpoint.
     *
     * @param endpoint the endpoint under {@code /api/2.0/mlflow/}
     * @param body     the request body
     * @return the answer's JSON
     * @throws MlflowNotFoundException when the server answers that the thing does not exist
     * @throws MlflowException         on any other failure, after the retries
     */
    public JsonNode post(String endpoint, JsonNode body) {
        return sendJson("POST", API + endpoint, body);
    }

    /**
     * PATCH an API endpoint with a JSON body.
     *
     * @param endpoint the endpoint under {@code /api/2.0/mlflow/}
     * @param body     the request body
     * @return the answer's JSON
     * @throws MlflowNotFoundException when the server answers that the thing does not exist
     * @throws MlflowException         on any other failure, after the retries
     */
    public JsonNode patch(String endpoint, JsonNode body) {
        return sendJson("PATCH", API + endpoint, body);
    }

    /**
     * DELETE on an API endpoint with a JSON body.
     *
     * @param endpoint the endpoint under {@code /api/2.0/mlflow/}
     * @param body     the request body
     * @return the answer's JSON
     * @throws MlflowNotFoundException when the server answers that the thing does not exist
     * @throws MlflowException         on any other failure, after the retries
     */
    public JsonNode delete(String endpoint, JsonNode body) {
        return sendJson("DELETE", API + endpoint, body);
    }

    /**
     * GET a server path outside the tracking API (the artifact proxy's listing).
     *
     * @param pathAndQuery the path from the server root, with its query
     * @return the answer's JSON
     * @throws MlflowNotFoundException when the server answers that the thing does not exist
     */
    public JsonNode getAbsolute(String pathAndQuery) {
        return sendJson("GET", pathAndQuery, null);
    }

    /**
     * PUT the file's bytes to a server path.
     *
     * @param path the path from the server root
     * @param file the file to send
     * @throws MlflowException when the file cannot be read or the upload fails
     */
    public void put(String path, Path file) {
        send("PUT", path, () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (IOException e) {
                throw new MlflowException("cannot read " + file + " for upload to " + path + ": " + e.getMessage(), e);
            }
        }, "application/octet-stream", HttpResponse.BodyHandlers.ofString());
    }

    /**
     * GET a server path into the target file (written through a temporary sibling, then moved): at most
     * {@code maxBytes} are written, and the whole transfer must end before {@code deadline} ({@link System#nanoTime}),
     * enforced by interrupting the reading thread, so a body trickled in cannot hold the caller.
     *
     * @param path     the path from the server root
     * @param target   the file to write (its parents are created)
     * @param maxBytes the most bytes to accept
     * @param deadline when the transfer must have ended, in {@link System#nanoTime} terms
     * @throws MlflowNotFoundException when the file does not exist
     * @throws MlflowException         when the body is larger, the deadline passes or the transfer fails
     */
    public void download(String path, Path target, long maxBytes, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new MlflowException("download of GET " + path + " must finish by its deadline, found the deadline passed");
        }
        Thread reader = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            expired.set(true);
            reader.interrupt();
        }, left, java.util.concurrent.TimeUnit.NANOSECONDS);
        try {
            HttpResponse<InputStream> response = send("GET", path, HttpRequest.BodyPublishers::noBody, null,
                    HttpResponse.BodyHandlers.ofInputStream(), Duration.ofNanos(Math.min(left, config.requestTimeout().toNanos())));
            OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent() && declared.getAsLong() > maxBytes) {
                closeQuietly(response.body());
                throw new MlflowException("download of GET " + path + " must be at most " + maxBytes + " bytes, found "
                        + declared.getAsLong() + " (Content-Length)");
            }
            try (InputStream in = response.body()) {
                Path parent = target.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Path temp = Files.createTempFile(parent, ".download-", ".part");
                try {
                    try (var out = Files.newOutputStream(temp)) {
                        byte[] buf = new byte[64 * 1024];
                        long written = 0;
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            written += n;
                            if (written > maxBytes) {
                                throw new MlflowException("download of GET " + path + " must be at most " + maxBytes
                                        + " bytes, found more streamed (stopped there)");
                            }
                            out.write(buf, 0, n);
                        }
                    }
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                if (expired.get()) {
                    throw expiredException(path);
                }
                throw new MlflowException("download of GET " + path + " to " + target + " failed: " + e.getMessage(), e);
            }
        } catch (MlflowException e) {
            if (expired.get() && !e.getMessage().contains("deadline")) {
                throw expiredException(path);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
            if (expired.get()) {
                Thread.interrupted(); // the deadline's interrupt is ours: do not leak it to the caller
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing an answer we refuse: nothing to report
        }
    }

    private static MlflowException expiredException(String path) {
        return new MlflowException("download of GET " + path + " must finish by its deadline, found it still "
                + "running then (a body trickled in or a stalled server); stopped");
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
        return send(method, path, body, contentType, handler, config.requestTimeout());
    }

    private <T> HttpResponse<T> send(String method, String path, PublisherSupplier body, String contentType,
                                     HttpResponse.BodyHandler<T> handler, Duration timeout) {
        URI origin = URI.create(config.trackingUri() + path);
        URI uri = origin;
        RetryPolicy retry = config.retry();
        int redirects = 0;
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
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
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                String location = response.headers().firstValue("Location").get();
                readBody(response.body());
                URI next = uri.resolve(location);
                if (!Urls.sameOrigin(origin, next)) {
                    throw new MlflowException(method + " " + path + " was redirected to " + Errors.snippet(location)
                            + ": expected the same origin as " + config.trackingUri() + " (redirects to another origin are"
                            + " not followed)", status, "", null);
                }
                if (++redirects > MAX_REDIRECTS) {
                    throw new MlflowException(method + " " + path + " was redirected more than " + MAX_REDIRECTS
                            + " times, expected an answer", status, "", null);
                }
                uri = next;
                attempt--;
                continue;
            }
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

    /** Releases the HTTP client. */
    @Override
    public void close() {
        client.close();
    }

    @FunctionalInterface
    private interface PublisherSupplier {
        public HttpRequest.BodyPublisher get();
    }
}
