package io.closecast.serving.http;

import io.closecast.model.intervals.AdaptiveConformal;
import io.closecast.serving.adaptive.AdaptiveIntervals;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.VersionLease;
import io.closecast.serving.models.ModelState;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

import io.closecast.model.risk.CalibrationRecord;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/model} (one model configured) and {@code GET /v1/models/{name}}: the serving version, its provenance,
 * test metrics, recorded interval test results ({@code calibration}) and its adaptive intervals' state
 * ({@code adaptive_intervals}, null when off); 503 while none serves. {@code GET /v1/models}: every configured model, its state, the version
 * that serves and what its alias points at.
 */
public final class ModelService implements HttpService {

    private final ModelFleet fleet;
    private final Optional<AdaptiveIntervals> adaptive;

    public ModelService(ModelFleet fleet) {
        this(fleet, Optional.empty());
    }

    /** With the adaptive intervals' state shown per version ({@code adaptive_intervals}). */
    public ModelService(ModelFleet fleet, Optional<AdaptiveIntervals> adaptive) {
        this.fleet = fleet;
        this.adaptive = adaptive;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/model", (req, res) -> model(res, fleet.single("/v1/model")))
                .any("/v1/model", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/v1/models", this::list)
                .any("/v1/models", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/v1/models/{name}", (req, res) -> model(res, ModelPaths.named(fleet, req)))
                .any("/v1/models/{name}", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(256 * fleet.size());
        sb.append("{\"ready\":").append(fleet.ready()).append(",\"models\":[");
        boolean first = true;
        for (ModelManager m : fleet.all()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            summary(sb, m);
        }
        sb.append("]}");
        Responses.json(res, 200, sb);
    }

    /**
     * One model as {@code GET /v1/models} lists it: {@code name}, {@code condition} ({@link ModelState#condition()}),
     * {@code reason} (null while it serves), then the fields of {@link #state}.
     */
    static void summary(StringBuilder sb, ModelManager m) {
        ModelState status = m.status();
        sb.append("{\"name\":");
        JsonText.quote(sb, m.name());
        sb.append(",\"condition\":");
        JsonText.quote(sb, status.condition().text());
        sb.append(",\"reason\":");
        if (status.reason().isPresent()) {
            JsonText.quote(sb, status.reason().get());
        } else {
            sb.append("null");
        }
        sb.append(',');
        int at = sb.length();
        state(sb, status, m.alias());
        sb.deleteCharAt(at); // the state object's fields, in this object
    }

    private void model(ServerResponse res, ModelManager models) {
        try (VersionLease lease = PredictService.lease(models)) {
            ModelInfo info = lease.info();
            res.header(Responses.MODEL_VERSION, info.version());
            StringBuilder sb = describe(info, models.sourceDescription());
            sb.setLength(sb.length() - 1);
            sb.append(",\"calibration\":");
            calibration(sb, info.calibration());
            sb.append(",\"state\":");
            state(sb, models.status(), models.alias());
            sb.append(",\"adaptive_intervals\":");
            adaptive(sb, adaptive.flatMap(a -> a.view(info.name(), info.version())),
                    adaptive.map(a -> a.gamma(info.name())).orElse(OptionalDouble.empty()));
            sb.append('}');
            Responses.json(res, 200, sb);
        }
    }

    /**
     * The serving version's adaptive intervals, {@code null} when they are off for the model: {@code gamma},
     * {@code updates}, {@code last_outcome} (the last target day applied, or null), {@code store}, and per level
     * {@code level}, {@code alpha} (the running miss rate), {@code effective_level} ({@code 1 - alpha}),
     * {@code min_alpha} and {@code max_alpha} (its bounds).
     */
    static void adaptive(StringBuilder sb, Optional<AdaptiveIntervals.View> view, OptionalDouble gamma) {
        if (gamma.isEmpty()) {
            sb.append("null");
            return;
        }
        sb.append("{\"gamma\":").append(gamma.getAsDouble());
        sb.append(",\"updates\":").append(view.map(v -> v.state().updates()).orElse(0L));
        sb.append(",\"last_outcome\":");
        Optional<java.time.LocalDate> last = view.flatMap(AdaptiveIntervals.View::lastOutcome);
        sb.append(last.isPresent() ? "\"" + last.get() + "\"" : "null");
        sb.append(",\"store\":");
        if (view.isPresent()) {
            JsonText.quote(sb, view.get().store());
        } else {
            sb.append("null");
        }
        sb.append(",\"levels\":[");
        if (view.isPresent()) {
            AdaptiveConformal state = view.get().state();
            for (int i = 0; i < state.levels().size(); i++) {
                double level = state.levels().get(i);
                sb.append(i > 0 ? "," : "").append("{\"level\":").append(level).append(",\"alpha\":")
                        .append(state.alpha(level)).append(",\"effective_level\":").append(state.effectiveLevel(level))
                        .append(",\"min_alpha\":").append(AdaptiveConformal.minAlpha(level))
                        .append(",\"max_alpha\":").append(AdaptiveConformal.maxAlpha(level)).append('}');
            }
        }
        sb.append("]}");
    }

    /**
     * What serves against what the registry says, as JSON: {@code serving_version}, {@code alias},
     * {@code alias_points_at} (null: points at none; "unknown": not resolved yet), {@code in_sync}, {@code refused}
     * (version and reason, while the alias points at a refused version), {@code registry} (reachable, since when
     * not, why), {@code from_cache}.
     */
    static void state(StringBuilder sb, ModelState status, String alias) {
        sb.append("{\"serving_version\":");
        if (status.serving().isPresent()) {
            JsonText.quote(sb, status.serving().get().version());
        } else {
            sb.append("null");
        }
        sb.append(",\"alias\":");
        JsonText.quote(sb, alias);
        sb.append(",\"alias_points_at\":");
        if (!status.aliasTarget().resolved()) {
            sb.append("\"unknown\"");
        } else if (status.aliasTarget().pointsAtNone()) {
            sb.append("null");
        } else {
            JsonText.quote(sb, status.aliasTarget().version().get().version());
        }
        sb.append(",\"in_sync\":").append(status.aliasTarget().resolved() && !status.aliasMismatch());
        sb.append(",\"refused\":");
        if (status.refused().isPresent() && status.aliasTarget().version().isPresent()) {
            sb.append("{\"version\":");
            JsonText.quote(sb, status.aliasTarget().version().get().version());
            sb.append(",\"reason\":");
            JsonText.quote(sb, status.refused().get());
            sb.append('}');
        } else {
            sb.append("null");
        }
        sb.append(",\"registry\":{\"reachable\":").append(status.registryDownSince().isEmpty());
        status.registryDownSince().ifPresent(t -> sb.append(",\"unreachable_since\":\"").append(t).append('"'));
        status.registryError().ifPresent(e -> {
            sb.append(",\"error\":");
            JsonText.quote(sb, e);
        });
        sb.append("},\"from_cache\":").append(status.fromCache()).append('}');
    }

    /**
     * The version's recorded interval test results: {@code {"alpha": 0.05, "test": {...}, "evaluation": {...}}}, each
     * period present only when recorded, with {@code range}, {@code days}, {@code in_sample} when recorded, its
     * {@code verdict} ({@code pass} when every level passes, {@code fail} when one fails) and {@code levels}: per
     * level {@code level}, {@code coverage}, {@code kupiec_p}, {@code christoffersen_ind_p}, {@code christoffersen_cc_p},
     * {@code interval_score}, {@code garch_interval_score}, {@code dm_garch_p_two_sided} and {@code verdict} (Kupiec
     * and Christoffersen conditional coverage both not rejected at alpha). A statistic not recorded is left out.
     */
    static void calibration(StringBuilder sb, CalibrationRecord record) {
        sb.append("{\"alpha\":").append(CalibrationRecord.ALPHA);
        for (CalibrationRecord.Period p : record.periods()) {
            sb.append(',');
            JsonText.quote(sb, p.name());
            sb.append(":{");
            int start = sb.length();
            p.range().ifPresent(r -> {
                sb.append("\"range\":");
                JsonText.quote(sb, r);
            });
            p.days().ifPresent(d -> sb.append(sb.length() > start ? "," : "").append("\"days\":").append(d));
            p.inSample().ifPresent(b -> sb.append(sb.length() > start ? "," : "").append("\"in_sample\":").append(b));
            p.passes().ifPresent(v -> sb.append(sb.length() > start ? "," : "").append("\"verdict\":\"")
                    .append(v ? "pass" : "fail").append('"'));
            sb.append(sb.length() > start ? "," : "").append("\"levels\":[");
            for (int i = 0; i < p.levels().size(); i++) {
                CalibrationRecord.Level l = p.levels().get(i);
                sb.append(i > 0 ? "," : "").append("{\"level\":").append(l.level());
                number(sb, "coverage", l.coverage());
                number(sb, "kupiec_p", l.kupiecP());
                number(sb, "christoffersen_ind_p", l.independenceP());
                number(sb, "christoffersen_cc_p", l.conditionalCoverageP());
                number(sb, "interval_score", l.intervalScore());
                number(sb, "garch_interval_score", l.garchIntervalScore());
                number(sb, "dm_garch_p_two_sided", l.dmGarchP());
                l.passes().ifPresent(v -> sb.append(",\"verdict\":\"").append(v ? "pass" : "fail").append('"'));
                sb.append('}');
            }
            sb.append("]}");
        }
        sb.append('}');
    }

    private static void number(StringBuilder sb, String key, java.util.Optional<Double> value) {
        value.ifPresent(v -> sb.append(",\"").append(key).append("\":").append(v)); // finite: CalibrationRecord reads no other
    }

    /** The model as JSON (also used by the readiness answer). */
    static StringBuilder describe(ModelInfo info, String source) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"name\":");
        JsonText.quote(sb, info.name());
        sb.append(",\"version\":");
        JsonText.quote(sb, info.version());
        sb.append(",\"run_id\":");
        JsonText.quote(sb, info.runId());
        sb.append(",\"alias\":");
        JsonText.quote(sb, info.alias());
        sb.append(",\"source\":");
        JsonText.quote(sb, source);
        sb.append(",\"symbol\":");
        if (info.symbol().isEmpty()) {
            sb.append("null");
        } else {
            JsonText.quote(sb, info.symbol());
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
            JsonText.quote(sb, info.features().get(i));
        }
        sb.append("],\"test_metrics\":{");
        boolean first = true;
        for (Map.Entry<String, Double> e : new TreeMap<>(info.testMetrics()).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            JsonText.quote(sb, e.getKey());
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
