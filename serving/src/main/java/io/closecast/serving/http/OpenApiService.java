package io.closecast.serving.http;

import io.closecast.serving.ServingException;
import io.closecast.serving.http.support.Responses;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /openapi}: the hand-written OpenAPI 3 document ({@code openapi.yaml} on the class path), as is. */
public final class OpenApiService implements HttpService {

    static final String RESOURCE = "/io/closecast/serving/openapi.yaml";

    private final byte[] document;

    public OpenApiService() {
        try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ServingException("expected the OpenAPI document on the class path at " + RESOURCE + ", found none");
            }
            this.document = in.readAllBytes();
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
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
        res.send(document);
    }
}
