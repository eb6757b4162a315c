package io.closecast.serving;

import java.util.Map;
import java.util.TreeMap;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/model}: the serving version, its provenance and test metrics; 503 while none serves. */
final class ModelService implements HttpService {

    private final ModelManager models;

    ModelService(ModelManager models) {
        this.models = models;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/model", this::model)
                .any("/v1/model", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void model(ServerRequest req, ServerResponse res) {
        try (ModelManager.Lease lease = PredictService.lease(models)) {
            ModelInfo info = lease.info();
            res.header(Responses.MODEL_VERSION, info.version());
            StringBuilder sb = describe(info, models.sourceDescription());
            sb.setLength(sb.length() - 1);
            sb.append(",\"state\":");
            state(sb, models.status(), models.alias());
            sb.append('}');
            Responses.json(res, 200, sb);
        }
    }

    /**
     * What serves against what the registry says, as JSON: {@code serving_version}, {@code alias},
     * {@code alias_points_at} (null: points at none; "unknown": not resolved yet), {@code in_sync}, {@code refused}
     * (version and reason, while the alias points at a refused version), {@code registry} (reachable, since when
     * not, why), {@code from_cache}.
     */
    static void state(StringBuilder sb, ModelManager.Status status, String alias) {
        sb.append("{\"serving_version\":");
        if (status.serving().isPresent()) {
            Json.quote(sb, status.serving().get().version());
        } else {
            sb.append("null");
        }
        sb.append(",\"alias\":");
        Json.quote(sb, alias);
        sb.append(",\"alias_points_at\":");
        if (status.aliasTarget().isEmpty()) {
            sb.append("\"unknown\"");
        } else if (status.aliasTarget().get().isEmpty()) {
            sb.append("null");
        } else {
            Json.quote(sb, status.aliasTarget().get().get().version());
        }
        sb.append(",\"in_sync\":").append(status.aliasTarget().isPresent() && !status.aliasMismatch());
        sb.append(",\"refused\":");
        if (status.refused().isPresent() && status.aliasTarget().flatMap(t -> t).isPresent()) {
            sb.append("{\"version\":");
            Json.quote(sb, status.aliasTarget().get().get().version());
            sb.append(",\"reason\":");
            Json.quote(sb, status.refused().get());
            sb.append('}');
        } else {
            sb.append("null");
        }
        sb.append(",\"registry\":{\"reachable\":").append(status.registryDownSince().isEmpty());
        status.registryDownSince().ifPresent(t -> sb.append(",\"unreachable_since\":\"").append(t).append('"'));
        status.registryError().ifPresent(e -> {
            sb.append(",\"error\":");
            Json.quote(sb, e);
        });
        sb.append("},\"from_cache\":").append(status.fromCache()).append('}');
    }

    /** The model as JSON (also used by the readiness answer). */
    static StringBuilder describe(ModelInfo info, String source) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"name\":");
        Json.quote(sb, info.name());
        sb.append(",\"version\":");
        Json.quote(sb, info.version());
        sb.append(",\"run_id\":");
        Json.quote(sb, info.runId());
        sb.append(",\"alias\":");
        Json.quote(sb, info.alias());
        sb.append(",\"source\":");
        Json.quote(sb, source);
        sb.append(",\"symbol\":");
        if (info.symbol().isEmpty()) {
            sb.append("null");
        } else {
            Json.quote(sb, info.symbol());
        }
        sb.append(",\"trained_from\":\"").append(info.trainedFrom()).append('"');
        sb.append(",\"trained_to\":\"").append(info.trainedTo()).append('"');
        sb.append(",\"window_length\":").append(info.windowLength());
        sb.append(",\"max_horizon\":").append(info.maxHorizon());
        sb.append(",\"features\":[");
        for (int i = 0; i < info.features().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Json.quote(sb, info.features().get(i));
        }
        sb.append("],\"test_metrics\":{");
        boolean first = true;
        for (Map.Entry<String, Double> e : new TreeMap<>(info.testMetrics()).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.quote(sb, e.getKey());
            sb.append(':');
            double v = e.getValue();
            if (Double.isFinite(v)) {
                sb.append(v);
            } else {
                sb.append("null");
            }
        }
        sb.append("},\"loaded_at\":\"").append(info.loadedAt()).append("\"}");
        return sb;
    }
}
