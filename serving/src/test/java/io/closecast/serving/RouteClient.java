package io.closecast.serving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.net.ssl.SSLSession;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.testing.junit5.DirectClient;

/**
 * The route tests' client over Helidon's {@link DirectClient} (no socket: requests go straight into the routing),
 * with {@link TestClient}'s calls and answers as {@link HttpResponse}, so a test reads the same over the wire or not.
 */
public final class RouteClient {

    private final DirectClient client;

    public RouteClient(DirectClient client) {
        this.client = client;
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(request(Method.GET, path), path, null, headers);
    }

    public HttpResponse<String> delete(String path, String... headers) {
        return send(request(Method.DELETE, path), path, null, headers);
    }

    public HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        return post(path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body, String... headers) {
        Http1ClientRequest req = request(Method.POST, path);
        if (contentType != null) {
            req.header(HeaderNames.CONTENT_TYPE, contentType);
        }
        return send(req, path, body, headers);
    }

    /** A request for a path with an optional query ({@code /v1/predict/csv?horizon=2}): the query goes in as parameters. */
    private Http1ClientRequest request(Method method, String path) {
        int q = path.indexOf('?');
        Http1ClientRequest req = client.method(method).uri(q < 0 ? path : path.substring(0, q));
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                req.queryParam(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return req;
    }

    private static HttpResponse<String> send(Http1ClientRequest req, String path, byte[] body, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            req.header(HeaderNames.create(headers[i]), headers[i + 1]);
        }
        try (Http1ClientResponse res = body == null ? req.request() : req.outputStream(out -> {
            out.write(body);
            out.close();
        })) {
            Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Header h : res.headers()) {
                map.put(h.name(), h.allValues());
            }
            String text = res.entity().hasEntity() ? res.as(String.class) : "";
            return new Answer(res.status().code(), HttpHeaders.of(map, (k, v) -> true), text, URI.create("direct:" + path));
        }
    }

    /** One answer, as the JDK client would give it. */
    private record Answer(int statusCode, HttpHeaders headers, String body, URI uri) implements HttpResponse<String> {
        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create("http://direct" + uri.getSchemeSpecificPart())).build();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
