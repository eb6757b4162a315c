package io.closecast.serving.http;

import java.util.Map;

import io.closecast.serving.http.filter.ApiKeyFilter;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.ModelState;
import io.closecast.serving.security.ApiKeys;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /health/live}: 200 while the process answers. {@code GET /health/ready}: 200 when the fleet is ready
 * ({@link ModelFleet#ready()}: with one model, when a version of it serves), else 503; {@code models} says it per
 * model. Without an API key (when keys are configured) it says only that and which version serves; with
 * one it adds the model, the state (alias target, refusal, registry outage, cache) and the reasons, which name the
 * tracking URL, run ids and cache paths.
 * MLflow's scoring-server probes: {@code GET /ping} and {@code GET /health} (200 when a version serves, else 503)
 * and {@code GET /version}.
 */
public final class HealthService implements HttpService {

    /** This build's version (the jar manifest's), or {@code dev} from a class directory. */
    static final String VERSION = java.util.Optional.ofNullable(HealthService.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private final ModelFleet fleet;
    private final ApiKeys keys;
    private final java.util.Optional<io.closecast.serving.track.Tracker> tracker;

    public HealthService(ModelFleet fleet, ApiKeys keys) {
        this(fleet, keys, java.util.Optional.empty());
    }

    /** With the forecast log, whose health the detailed readiness answer adds as {@code forecast_log}. */
    public HealthService(ModelFleet fleet, ApiKeys keys, java.util.Optional<io.closecast.serving.track.Tracker> tracker) {
        this.fleet = fleet;
        this.keys = keys;
        this.tracker = tracker;
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
        boolean ready = fleet.ready();
        Responses.json(res, ready ? 200 : 503, ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }

    private void version(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(64);
        sb.append("{\"version\":");
        JsonText.quote(sb, VERSION);
        sb.append('}');
        Responses.json(res, 200, sb);
    }

    private boolean detailed(ServerRequest req) {
        return !keys.enabled() || keys.check(ApiKeyFilter.presented(req)).accepted();
    }

    private void live(ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, "{\"status\":\"UP\"}");
    }

    /**
     * With one model, the fields it always had ({@code status}, {@code model} or {@code reason}, {@code state},
     * {@code last_failure}); with several, {@code status} and (when not ready) {@code reason}. Both add
     * {@code models}: per model its {@code status} (UP/DOWN), {@code condition} (serving, no_version, refused, registry_unreachable, loading) and serving version, and with an API
     * key the same detail as the single-model answer.
     */
    private void ready(ServerRequest req, ServerResponse res) {
        boolean ready = fleet.ready();
        boolean detailed = detailed(req);
        StringBuilder sb = new StringBuilder(256 * fleet.size());
        if (fleet.size() == 1) {
            single(sb, fleet.first(), detailed);
        } else {
            sb.append("{\"status\":").append(ready ? "\"UP\"" : "\"DOWN\"");
            if (!ready && detailed) {
                sb.append(",\"reason\":");
                JsonText.quote(sb, String.join("; ", fleet.notReadyReasons()));
            }
            if (!detailed) {
                sb.append(",\"details\":\"present an API key for the models, their state and the reasons\"");
            }
            sb.append('}');
        }
        sb.setLength(sb.length() - 1);
        sb.append(",\"models\":{");
        boolean first = true;
        for (ModelManager m : fleet.all()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            JsonText.quote(sb, m.name());
            sb.append(':');
            if (detailed) {
                single(sb, m, true);
                ModelState status = m.status();
                sb.setLength(sb.length() - 1);
                sb.append(",\"condition\":");
                JsonText.quote(sb, status.condition().text());
                sb.append('}');
            } else {
                ModelState status = m.status();
                sb.append("{\"status\":").append(status.ready() ? "\"UP\"" : "\"DOWN\"").append(",\"condition\":");
                JsonText.quote(sb, status.condition().text());
                sb.append(",\"serving_version\":");
                version(sb, status);
                sb.append('}');
            }
        }
        sb.append('}');
        if (detailed && !fleet.shadows().isEmpty()) {
            shadows(sb);
        }
        if (detailed && tracker.isPresent()) {
            TrackRecordService.status(sb.append(','), tracker.get().status());
        }
        sb.append('}');
        Responses.json(res, ready ? 200 : 503, sb);
    }

    /**
     * {@code "challengers":{MODEL:{alias, condition, serving_version, reason?}}}: the challengers in shadow, which never
     * hold readiness back (a broken or missing one only logs nothing).
     */
    private void shadows(StringBuilder sb) {
        sb.append(",\"challengers\":{");
        boolean first = true;
        for (Map.Entry<String, ModelManager> e : fleet.shadows().entrySet()) {
            ModelState status = e.getValue().status();
            JsonText.quote(sb.append(first ? "" : ","), e.getKey());
            first = false;
            sb.append(":{\"alias\":");
            JsonText.quote(sb, e.getValue().alias());
            sb.append(",\"condition\":");
            JsonText.quote(sb, status.condition().text());
            sb.append(",\"serving_version\":");
            version(sb, status);
            if (status.reason().isPresent()) {
                sb.append(",\"reason\":");
                JsonText.quote(sb, status.reason().get());
            }
            sb.append(",\"affects_readiness\":false}");
        }
        sb.append('}');
    }

    private static void version(StringBuilder sb, ModelState status) {
        if (status.serving().isPresent()) {
            JsonText.quote(sb, status.serving().get().version());
        } else {
            sb.append("null");
        }
    }

    /** One model's readiness object, as the single-model service always answered it. */
    private static void single(StringBuilder sb, ModelManager models, boolean detailed) {
        ModelState status = models.status();
        if (!detailed) {
            sb.append("{\"status\":").append(status.ready() ? "\"UP\"" : "\"DOWN\"").append(",\"serving_version\":");
            version(sb, status);
            sb.append(",\"details\":\"present an API key for the model, its state and the reasons\"}");
            return;
        }
        if (status.serving().isPresent()) {
            sb.append("{\"status\":\"UP\",\"model\":");
            sb.append(ModelService.describe(status.serving().get(), models.sourceDescription()));
        } else {
            sb.append("{\"status\":\"DOWN\",\"reason\":");
            JsonText.quote(sb, status.reason().orElse("no model version loaded"));
        }
        sb.append(",\"state\":");
        ModelService.state(sb, status, models.alias());
        status.lastFailure().ifPresent(f -> {
            sb.append(",\"last_failure\":");
            JsonText.quote(sb, f);
        });
        sb.append('}');
    }
}
