package io.closecast.serving.http;

import io.closecast.serving.ServingException;
import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /}: the dashboard page, and {@code GET /dashboard/{asset}}: its script and style sheet. A fixed set of
 * files read once from the class path ({@code web/}); nothing from a CDN, so the page works offline.
 */
public final class DashboardService implements HttpService {

    private record Asset(byte[] body, String type) {
    }

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=UTF-8",
            "app.js", "text/javascript; charset=UTF-8",
            "app.css", "text/css; charset=UTF-8");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final Map<String, Asset> assets;

    public DashboardService() {
        Map<String, Asset> loaded = new java.util.HashMap<>();
        FILES.forEach((name, type) -> loaded.put(name, new Asset(read("/web/" + name), type)));
        this.assets = Map.copyOf(loaded);
    }

    private static byte[] read(String resource) {
        try (InputStream in = DashboardService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ServingException("expected the dashboard asset on the class path at " + resource + ", found none");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> send(res, "index.html"))
                .any("/", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/dashboard/{asset}", this::asset)
                .any("/dashboard/{asset}", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("asset");
        if (name.equals("index.html") || !assets.containsKey(name)) {
            throw ApiException.create(404, "not_found", "asset: expected one of app.css, app.js, found " + JsonText.abbreviate(name));
        }
        send(res, name);
    }

    private void send(ServerResponse res, String name) {
        Asset a = assets.get(name);
        res.header(HeaderNames.CONTENT_TYPE, a.type());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.send(a.body());
    }
}
