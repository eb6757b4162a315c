package io.closecast.serving.http;

import io.closecast.serving.ServingException;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /openapi}: the hand-written OpenAPI 3 document ({@code openapi.yaml} on the class path) with the loaded
 * models' limits filled in ({@code __WINDOW_LENGTH__}: the longest window of the models serving, so that a history
 * the document allows is accepted by each; {@code __MAX_HORIZON__}: the shortest largest horizon; 1 and 1 while none
 * serves), so that what it allows is what the running service accepts.
 */
public final class OpenApiService implements HttpService {

    static final String RESOURCE = "/io/closecast/serving/openapi.yaml";
    static final String WINDOW_LENGTH = "__WINDOW_LENGTH__";
    static final String MAX_HORIZON = "__MAX_HORIZON__";
    static final String PRICE_COLUMN = "__PRICE_COLUMN__";

    private final String document;
    private final ModelFleet models;

    public OpenApiService(ModelFleet models) {
        this.models = models;
        try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ServingException("expected the OpenAPI document on the class path at " + RESOURCE + ", found none");
            }
            this.document = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/openapi", this::openapi)
                .any("/openapi", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void openapi(ServerRequest req, ServerResponse res) {
        int window = 0;
        int horizon = Integer.MAX_VALUE;
        String column = "Close";
        for (ModelManager manager : models.all()) {
            Optional<ModelInfo> serving = manager.status().serving();
            if (serving.isPresent()) {
                window = Math.max(window, serving.get().windowLength());
                horizon = Math.min(horizon, serving.get().maxHorizon());
                column = window == serving.get().windowLength() ? serving.get().priceColumn() : column;
            }
        }
        String text = document.replace(WINDOW_LENGTH, Integer.toString(Math.max(1, window)))
                .replace(MAX_HORIZON, Integer.toString(horizon == Integer.MAX_VALUE ? 1 : horizon))
                .replace(PRICE_COLUMN, column);
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
        res.send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
