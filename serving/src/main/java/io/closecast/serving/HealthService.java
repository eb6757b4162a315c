package io.closecast.serving;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /health/live}: 200 while the process answers. {@code GET /health/ready}: 200 with the serving model
 * when one is loaded, else 503 with the reason (source unreachable, no version, load failed, still starting).
 */
final class HealthService implements HttpService {

    private final ModelManager models;

    HealthService(ModelManager models) {
        this.models = models;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health/live", this::live)
                .any("/health/live", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/health/ready", this::ready)
                .any("/health/ready", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void live(ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, "{\"status\":\"UP\"}");
    }

    private void ready(ServerRequest req, ServerResponse res) {
        ModelManager.Status status = models.status();
        StringBuilder sb = new StringBuilder(256);
        if (status.serving().isPresent()) {
            sb.append("{\"status\":\"UP\",\"model\":");
            sb.append(ModelService.describe(status.serving().get(), models.sourceDescription()));
        } else {
            sb.append("{\"status\":\"DOWN\",\"reason\":");
            Json.quote(sb, status.reason().orElse("no model version loaded"));
        }
        status.lastFailure().ifPresent(f -> {
            sb.append(",\"last_failure\":");
            Json.quote(sb, f);
        });
        sb.append('}');
        Responses.json(res, status.ready() ? 200 : 503, sb);
    }
}
