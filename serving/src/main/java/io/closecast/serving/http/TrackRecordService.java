package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.track.TrackRecord;
import io.closecast.serving.track.Tracker;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
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
        sb.append("]}");
        Responses.json(res, 200, sb);
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
        sb.append("],\"dm\":");
        if (l.dm().isPresent()) {
            TrackRecord.Dm dm = l.dm().get();
            sb.append("{\"loss\":\"abs\",\"days\":").append(dm.days());
            number(sb.append(",\"statistic\":"), dm.statistic());
            number(sb.append(",\"p_two_sided\":"), dm.pTwoSided());
            number(sb.append(",\"p_better\":"), dm.pBetter());
            sb.append('}');
        } else {
            sb.append("null");
        }
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
