package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.track.TrackRecord;
import io.closecast.serving.track.ChallengerComparison;
import io.closecast.serving.track.Tracker;

import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/models/{name}/track-record} and {@code GET /v1/track-record} (one model configured): the live track
 * record of the model's logged forecasts against the realised closes ({@link TrackRecord}); 404 while the forecast
 * log is off ({@code track.enabled: false}), 503 while its store does not answer.
 */
public final class TrackRecordService implements HttpService {

    private final ModelFleet fleet;
    private final Optional<Tracker> tracker;

    public TrackRecordService(ModelFleet fleet, Optional<Tracker> tracker) {
        this.fleet = fleet;
        this.tracker = tracker;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/track-record", (req, res) -> answer(res, fleet.single("/v1/track-record")))
                .any("/v1/track-record", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/v1/models/{name}/track-record", (req, res) -> answer(res, ModelPaths.named(fleet, req)))
                .any("/v1/models/{name}/track-record", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void answer(ServerResponse res, ModelManager model) {
        Tracker t = tracker.orElseThrow(() -> ApiException.create(404, "track_record_off",
                "track.enabled: expected true for a track record, found false (the forecast log is off)"));
        TrackRecord r = t.trackRecord(model.name());
        StringBuilder sb = new StringBuilder(512 + 400 * r.versions().size());
        sb.append("{\"model\":");
        JsonText.quote(sb, r.model());
        sb.append(",\"window\":").append(r.window())
                .append(",\"dm_min_days\":").append(TrackRecord.DM_MIN_DAYS)
                .append(",\"log\":{\"requests\":").append(r.counts().requests())
                .append(",\"forecasts\":").append(r.counts().logical())
                .append(",\"scored\":").append(r.counts().scored())
                .append(",\"pending\":").append(r.counts().logical() - r.counts().scored())
                .append(",\"undated\":").append(r.undated())
                .append("},\"versions\":[");
        for (int i = 0; i < r.versions().size(); i++) {
            line(sb.append(i > 0 ? "," : ""), r.versions().get(i));
        }
        sb.append(']');
        fleet.shadow(model.name()).ifPresent(shadow -> challenger(sb, t, model, shadow));
        sb.append('}');
        Responses.json(res, 200, sb);
    }

    /**
     * {@code "challenger":{alias, version, production_version, condition, comparison:[per step]}}: the challenger in
     * shadow beside the production version now serving, on their common scored days ({@link ChallengerComparison}).
     */
    private static void challenger(StringBuilder sb, Tracker t, ModelManager model, ModelManager shadow) {
        Optional<String> production = model.status().serving().map(io.closecast.serving.models.ModelInfo::version);
        Optional<String> challenger = shadow.status().serving().map(io.closecast.serving.models.ModelInfo::version);
        sb.append(",\"challenger\":{\"alias\":");
        JsonText.quote(sb, shadow.alias());
        sb.append(",\"version\":");
        quoteOrNull(sb, challenger);
        sb.append(",\"production_version\":");
        quoteOrNull(sb, production);
        sb.append(",\"condition\":");
        JsonText.quote(sb, shadow.status().condition().text());
        sb.append(",\"comparison\":[");
        if (production.isPresent() && challenger.isPresent()) {
            List<ChallengerComparison> all = t.compare(model.name(), production.get(), challenger.get());
            for (int i = 0; i < all.size(); i++) {
                ChallengerComparison c = all.get(i);
                sb.append(i > 0 ? "," : "").append("{\"step\":").append(c.step()).append(",\"days\":").append(c.days())
                        .append(",\"first\":\"").append(c.first()).append("\",\"last\":\"").append(c.last()).append('"');
                number(sb.append(",\"production_mae\":"), c.productionMae());
                number(sb.append(",\"challenger_mae\":"), c.challengerMae());
                number(sb.append(",\"ratio\":"), c.ratio());
                dm(sb.append(",\"dm\":"), c.dm());
                sb.append('}');
            }
        }
        sb.append("]}");
    }

    private static void quoteOrNull(StringBuilder sb, Optional<String> v) {
        if (v.isPresent()) {
            JsonText.quote(sb, v.get());
        } else {
            sb.append("null");
        }
    }

    private static void dm(StringBuilder sb, Optional<TrackRecord.Dm> v) {
        if (v.isPresent()) {
            TrackRecord.Dm dm = v.get();
            sb.append("{\"loss\":\"abs\",\"days\":").append(dm.days());
            number(sb.append(",\"statistic\":"), dm.statistic());
            number(sb.append(",\"p_two_sided\":"), dm.pTwoSided());
            number(sb.append(",\"p_better\":"), dm.pBetter());
            sb.append('}');
        } else {
            sb.append("null");
        }
    }

    private static void line(StringBuilder sb, TrackRecord.Line l) {
        sb.append("{\"version\":");
        JsonText.quote(sb, l.version());
        sb.append(",\"step\":").append(l.step()).append(",\"days\":").append(l.days())
                .append(",\"first\":\"").append(l.first()).append("\",\"last\":\"").append(l.last()).append('"');
        number(sb.append(",\"mae\":"), l.mae());
        number(sb.append(",\"naive_mae\":"), l.naiveMae());
        optional(sb.append(",\"mase\":"), l.mase());
        optional(sb.append(",\"directional_accuracy\":"), l.directionalAccuracy());
        optional(sb.append(",\"up_day_share\":"), l.upDayShare());
        sb.append(",\"coverage\":[");
        for (int i = 0; i < l.coverage().size(); i++) {
            TrackRecord.LevelCoverage c = l.coverage().get(i);
            sb.append(i > 0 ? "," : "").append("{\"level\":").append(c.level()).append(",\"inside\":").append(c.inside())
                    .append(",\"days\":").append(c.days());
            number(sb.append(",\"coverage\":"), c.coverage());
            sb.append('}');
        }
        dm(sb.append("],\"dm\":"), l.dm());
        sb.append('}');
    }

    private static void number(StringBuilder sb, double v) {
        if (Double.isFinite(v)) {
            sb.append(v);
        } else {
            sb.append("null");
        }
    }

    private static void optional(StringBuilder sb, OptionalDouble v) {
        number(sb, v.orElse(Double.NaN));
    }

    /** The forecast log's health as readiness details show it: {@code "forecast_log":{...}}. */
    static void status(StringBuilder sb, Tracker.Status s) {
        sb.append("\"forecast_log\":{\"store\":");
        JsonText.quote(sb, s.store());
        sb.append(",\"store_up\":").append(s.log().storeUp())
                .append(",\"queued\":").append(s.log().queued())
                .append(",\"written\":").append(s.log().written())
                .append(",\"not_written\":").append(s.log().lost())
                .append(",\"scored\":").append(s.scored());
        sb.append(",\"feed\":");
        JsonText.quote(sb, s.feed());
        s.log().lastError().filter(e -> !s.log().storeUp()).ifPresent(e -> {
            sb.append(",\"error\":");
            JsonText.quote(sb, e);
        });
        s.log().failingSince().ifPresent(t -> sb.append(",\"failing_since\":\"").append(t).append('"'));
        sb.append(",\"feed_errors\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.feedErrors()).entrySet()) {
            sb.append(first ? "" : ",");
            first = false;
            JsonText.quote(sb, e.getKey());
            sb.append(':');
            JsonText.quote(sb, e.getValue());
        }
        sb.append("}}");
    }
}
