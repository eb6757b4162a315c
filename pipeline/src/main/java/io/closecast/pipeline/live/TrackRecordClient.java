package io.closecast.pipeline.live;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a served model's live track record from a running closecast service
 * ({@code GET URL/v1/models/{name}/track-record}), with the API key from {@value #API_KEY_ENV} (sent as
 * {@code X-API-Key}) where the service wants one. Every failure is a {@link PipelineException} that names the URL and
 * says what to do: the service unreachable, the model not served there, its forecast log off, the key missing (401)
 * or refused (403), or an answer that is not a track record.
 */
public final class TrackRecordClient {

    /** The environment variable the API key comes from (a prediction or admin key of the service). */
    public static final String API_KEY_ENV = "CLOSECAST_API_KEY";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final Optional<String> apiKey;
    private final HttpClient http;

    private TrackRecordClient(URI base, Optional<String> apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * A client of the service at {@code url} ({@code http://host:port}, with or without a trailing slash), with the
     * key from {@value #API_KEY_ENV} when it is set and not blank.
     */
    public static TrackRecordClient fromEnvironment(String url) {
        return create(url, Optional.ofNullable(System.getenv(API_KEY_ENV)).filter(k -> !k.isBlank()));
    }

    public static TrackRecordClient create(String url, Optional<String> apiKey) {
        return new TrackRecordClient(baseUri(url), apiKey.map(String::strip));
    }

    /** The service's base URL, refused with the value when it is not an absolute http(s) URL. */
    static URI baseUri(String url) {
        try {
            URI uri = new URI(url.strip().replaceAll("/+$", ""));
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new PipelineException("the service URL must be an absolute http(s) URL such as"
                        + " http://127.0.0.1:8080, found '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new PipelineException("the service URL must be an absolute http(s) URL such as http://127.0.0.1:8080,"
                    + " found '" + url + "' (" + e.getReason() + ")");
        }
    }

    /** The base URL as given (what verdicts and tags name as the evidence's source). */
    public String url() {
        return base.toString();
    }

    /** The live track record of the served model {@code model}. */
    public LiveTrackRecord trackRecord(String model) {
        URI uri = URI.create(base + "/v1/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
                + "/track-record");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET();
        apiKey.ifPresent(k -> request.header("X-API-Key", k));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PipelineException("cannot reach the closecast service at " + base + " (" + describe(e)
                    + "): is it running, and is the URL its address?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while asking " + uri + " for the track record", e);
        }
        return answer(uri.toString(), model, apiKey.isPresent(), response.statusCode(), response.body());
    }

    /**
     * The track record in the service's answer {@code (status, body)} to {@code GET uri}, or the failure it means.
     */
    static LiveTrackRecord answer(String uri, String model, boolean keySent, int status, String body) {
        if (status == 200) {
            return LiveTrackRecord.parse(body, uri);
        }
        Optional<String> code = errorField(body, "code");
        String message = errorField(body, "message").orElse(body.length() > 300 ? body.substring(0, 300) + "..." : body);
        throw new PipelineException(switch (status) {
            case 401 -> "the closecast service at " + uri + " wants an API key (401): set " + API_KEY_ENV
                    + " to one of its keys" + (keySent ? "" : " (it is not set)") + "; the service says: " + message;
            case 403 -> "the closecast service at " + uri + " refused the API key in " + API_KEY_ENV + " (403): "
                    + message;
            case 404 -> code.filter(c -> c.equals("track_record_off")).isPresent()
                    ? "the closecast service at " + uri + " keeps no track record (404 track_record_off): " + message
                    : code.filter(c -> c.equals("model_not_found")).isPresent()
                    ? "the closecast service at " + uri + " does not serve model '" + model + "' (404): " + message
                    : "no track record at " + uri + " (404" + code.map(c -> " " + c).orElse("")
                    + "): is the URL a closecast service? " + message;
            case 503 -> "the closecast service at " + uri + " is not ready (503): " + message;
            default -> "the closecast service at " + uri + " answered " + status + code.map(c -> " " + c).orElse("")
                    + ": " + message;
        });
    }

    /** {@code error.code} or {@code error.message} of the service's error body ({@code {"error":{...}}}), if any. */
    private static Optional<String> errorField(String body, String field) {
        try {
            JsonNode v = JSON.readTree(body).path("error").path(field);
            return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static String describe(IOException e) {
        String what = e.getClass().getSimpleName();
        return e.getMessage() == null ? what : what + ": " + e.getMessage();
    }
}
