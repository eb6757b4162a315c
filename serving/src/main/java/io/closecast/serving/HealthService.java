package io.closecast.serving;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /health/live}: 200 while the process answers. {@code GET /health/ready}: 200 when a model version
 * serves, else 503. Without an API key (when keys are configured) it says only that and which version serves; with
 * one it adds the model, the state (alias target, refusal, registry outage, cache) and the reasons, which name the
 * tracking URL, run ids and cache paths.
 * MLflow's scoring-server probes: {@code GET /ping} and {@code GET /health} (200 when a version serves, else 503)
 * and {@code GET /version}.
 */
final class HealthService implements HttpService {

    /** This build's version (the jar manifest's), or {@code dev} from a class directory. */
    static final String VERSION = java.util.Optional.ofNullable(HealthService.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final ModelManager models;
    private final ApiKeys keys;

    HealthService(ModelManager models, ApiKeys keys) {
        this.models = models;
        this.keys = keys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health/live", this::live)
                .any("/health/live", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/health/ready", this::ready)
                .any("/health/ready", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/ping", this::ping)
                .any("/ping", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/health", this::ping)
                .any("/health", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/version", this::version)
                .any("/version", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void ping(ServerRequest req, ServerResponse res) {
        boolean ready = models.ready();
        Responses.json(res, ready ? 200 : 503, ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }

    private void version(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(64);
        sb.append("{\"version\":");
        Json.quote(sb, VERSION);
        sb.append('}');
        Responses.json(res, 200, sb);
    }

    private boolean detailed(ServerRequest req) {
        return !keys.enabled() || keys.check(ApiKeyFilter.presented(req)) == ApiKeys.Result.ACCEPTED;
    }

    private void live(ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, "{\"status\":\"UP\"}");
    }

    private void ready(ServerRequest req, ServerResponse res) {
        ModelManager.Status status = models.status();
        StringBuilder sb = new StringBuilder(256);
        if (!detailed(req)) {
            sb.append("{\"status\":").append(status.ready() ? "\"UP\"" : "\"DOWN\"").append(",\"serving_version\":");
            if (status.serving().isPresent()) {
                Json.quote(sb, status.serving().get().version());
            } else {
                sb.append("null");
            }
            sb.append(",\"details\":\"present an API key for the model, its state and the reasons\"}");
            Responses.json(res, status.ready() ? 200 : 503, sb);
            return;
        }
        if (status.serving().isPresent()) {
            sb.append("{\"status\":\"UP\",\"model\":");
            sb.append(ModelService.describe(status.serving().get(), models.sourceDescription()));
        } else {
            sb.append("{\"status\":\"DOWN\",\"reason\":");
            Json.quote(sb, status.reason().orElse("no model version loaded"));
        }
        sb.append(",\"state\":");
        ModelService.state(sb, status, models.alias());
        status.lastFailure().ifPresent(f -> {
            sb.append(",\"last_failure\":");
            Json.quote(sb, f);
        });
        sb.append('}');
        Responses.json(res, status.ready() ? 200 : 503, sb);
    }
}
