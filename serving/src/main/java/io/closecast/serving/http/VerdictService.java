package io.closecast.serving.http;

import io.closecast.serving.dashboard.Comparison;
import io.closecast.serving.dashboard.LiveVerdict;
import io.closecast.serving.dashboard.ModelVerdict;
import io.closecast.serving.dashboard.ShadowVerdict;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.VersionLease;
import io.closecast.serving.track.ChallengerComparison;
import io.closecast.serving.track.TrackRecord;
import io.closecast.serving.track.TrackStoreException;
import io.closecast.serving.track.Tracker;

import java.util.List;
import java.util.Optional;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/model/verdict} (one model configured) and {@code GET /v1/models/{name}/verdict}: what the dashboard's
 * model card says about the serving version ({@link ModelVerdict}): verdict lines in words, the test period's figures
 * behind them, the interval calibration per level beside GARCH(1,1) and the constant-width baseline, and the live
 * track record ({@link LiveVerdict}) and, for a model with a shadow alias, its challenger beside it
 * ({@link ShadowVerdict}). 503 while no version serves; the live part says so when the forecast log is
 * off or its store does not answer (the rest is still answered).
 */
public final class VerdictService implements HttpService {

    private final ModelFleet fleet;
    private final Optional<Tracker> tracker;

    public VerdictService(ModelFleet fleet, Optional<Tracker> tracker) {
        this.fleet = fleet;
        this.tracker = tracker;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/model/verdict", (req, res) -> answer(res, fleet.single("/v1/model/verdict")))
                .any("/v1/model/verdict", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/v1/models/{name}/verdict", (req, res) -> answer(res, ModelPaths.named(fleet, req)))
                .any("/v1/models/{name}/verdict", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void answer(ServerResponse res, ModelManager model) {
        ModelInfo info;
        try (VersionLease lease = PredictService.lease(model)) {
            info = lease.info();
        }
        ModelVerdict v = ModelVerdict.of(info, live(model.name(), info.version()),
                fleet.shadow(model.name()).map(shadow -> challenger(model.name(), info.version(), shadow)));
        StringBuilder sb = new StringBuilder(2048);
        sb.append("{\"model\":");
        JsonText.quote(sb, v.model());
        sb.append(",\"version\":");
        JsonText.quote(sb, v.version());
        sb.append(",\"alias\":");
        JsonText.quote(sb, info.alias());
        sb.append(",\"alpha\":").append(Comparison.ALPHA).append(",\"lines\":[");
        List<ModelVerdict.Line> lines = v.lines();
        for (int i = 0; i < lines.size(); i++) {
            ModelVerdict.Line l = lines.get(i);
            sb.append(i > 0 ? "," : "").append("{\"topic\":\"").append(l.topic()).append('"');
            if (!Double.isNaN(l.level())) {
                sb.append(",\"level\":").append(l.level());
            }
            sb.append(",\"tone\":\"").append(l.tone().json()).append("\",\"text\":");
            JsonText.quote(sb, l.text());
            sb.append('}');
        }
        sb.append("],\"test\":{\"days\":").append(v.days() > 0 ? Integer.toString(v.days()) : "null");
        comparison(sb, v.point(), "naive_mae");
        number(sb.append(",\"mase\":"), v.mase());
        sb.append("},\"intervals\":{\"verdict\":\"").append(v.intervals().tone().json()).append("\",\"levels\":[");
        for (int i = 0; i < v.levels().size(); i++) {
            level(sb.append(i > 0 ? "," : ""), v.levels().get(i));
        }
        sb.append("]},\"live\":");
        live(sb, v.live());
        sb.append(",\"challenger\":");
        if (v.challenger().isPresent()) {
            challenger(sb, v.challenger().get());
        } else {
            sb.append("null");
        }
        sb.append('}');
        Responses.json(res, 200, sb);
    }

    private LiveVerdict live(String model, String version) {
        if (tracker.isEmpty()) {
            return LiveVerdict.off(version);
        }
        try {
            return LiveVerdict.of(tracker.get().trackRecord(model), version);
        } catch (TrackStoreException e) {
            return LiveVerdict.unavailable(version, "the forecast log's store does not answer: " + e.getMessage());
        }
    }

    private ShadowVerdict challenger(String model, String production, ModelManager shadow) {
        Optional<String> version = shadow.status().serving().map(ModelInfo::version);
        if (version.isEmpty()) {
            return ShadowVerdict.notServing(shadow.alias(), shadow.status().condition().text());
        }
        if (tracker.isEmpty()) {
            return ShadowVerdict.unscored(shadow.alias(), version.get(), "the forecast log is off");
        }
        try {
            return ShadowVerdict.of(shadow.alias(), version.get(), tracker.get().compare(model, production, version.get()));
        } catch (TrackStoreException e) {
            return ShadowVerdict.unscored(shadow.alias(), version.get(), "the forecast log's store does not answer");
        }
    }

    /** {@code alias, version, verdict, days, first, last, production_mae, challenger_mae, ratio, dm_p} at the first step. */
    private static void challenger(StringBuilder sb, ShadowVerdict c) {
        sb.append("{\"alias\":");
        JsonText.quote(sb, c.alias());
        sb.append(",\"version\":");
        if (c.version().isPresent()) {
            JsonText.quote(sb, c.version().get());
        } else {
            sb.append("null");
        }
        sb.append(",\"verdict\":\"").append(c.tone().json()).append('"');
        if (c.comparison().isPresent()) {
            ChallengerComparison x = c.comparison().get();
            sb.append(",\"step\":").append(x.step()).append(",\"days\":").append(x.days())
                    .append(",\"first\":\"").append(x.first()).append("\",\"last\":\"").append(x.last()).append('"');
            number(sb.append(",\"production_mae\":"), x.productionMae());
            number(sb.append(",\"challenger_mae\":"), x.challengerMae());
            number(sb.append(",\"ratio\":"), x.ratio());
        } else {
            sb.append(",\"step\":null,\"days\":0,\"first\":null,\"last\":null,\"production_mae\":null,"
                    + "\"challenger_mae\":null,\"ratio\":null");
        }
        number(sb.append(",\"dm_p\":"), c.point().p());
        sb.append('}');
    }

    /** {@code "verdict", "mae", "<reference>", "dm_p"} of a comparison. */
    private static void comparison(StringBuilder sb, Comparison c, String reference) {
        sb.append(",\"verdict\":\"").append(c.tone().json()).append('"');
        number(sb.append(",\"mae\":"), c.model());
        number(sb.append(",\"").append(reference).append("\":"), c.reference());
        number(sb.append(",\"dm_p\":"), c.p());
    }

    private static void level(StringBuilder sb, ModelVerdict.Level l) {
        sb.append("{\"level\":").append(l.level());
        number(sb.append(",\"coverage\":"), l.coverage());
        number(sb.append(",\"kupiec_p\":"), l.kupiecP());
        number(sb.append(",\"christoffersen_ind_p\":"), l.christoffersenIndP());
        number(sb.append(",\"christoffersen_cc_p\":"), l.christoffersenCcP());
        sb.append(",\"calibration\":\"").append(l.calibration().json()).append("\",\"text\":");
        JsonText.quote(sb, l.calibrationText());
        number(sb.append(",\"interval_score\":"), l.againstGarch().model());
        number(sb.append(",\"garch_interval_score\":"), l.againstGarch().reference());
        number(sb.append(",\"constant_interval_score\":"), l.constantIntervalScore());
        sb.append(",\"against_garch\":\"").append(l.againstGarch().tone().json()).append('"');
        number(sb.append(",\"garch_dm_p\":"), l.againstGarch().p());
        sb.append('}');
    }

    private static void live(StringBuilder sb, LiveVerdict live) {
        sb.append("{\"verdict\":\"").append(live.tone().json()).append("\",\"version\":");
        JsonText.quote(sb, live.version());
        if (live.line().isEmpty()) {
            sb.append(",\"days\":0,\"first\":null,\"last\":null,\"mae\":null,\"naive_mae\":null,\"mase\":null,\"dm_p\":null");
        } else {
            TrackRecord.Line l = live.line().get();
            sb.append(",\"days\":").append(l.days()).append(",\"first\":\"").append(l.first()).append("\",\"last\":\"")
                    .append(l.last()).append('"');
            number(sb.append(",\"mae\":"), l.mae());
            number(sb.append(",\"naive_mae\":"), l.naiveMae());
            number(sb.append(",\"mase\":"), l.mase().orElse(Double.NaN));
            number(sb.append(",\"dm_p\":"), live.point().p());
        }
        sb.append(",\"coverage\":[");
        List<TrackRecord.LevelCoverage> coverage = live.coverage();
        for (int i = 0; i < coverage.size(); i++) {
            TrackRecord.LevelCoverage c = coverage.get(i);
            sb.append(i > 0 ? "," : "").append("{\"level\":").append(c.level()).append(",\"inside\":").append(c.inside())
                    .append(",\"days\":").append(c.days());
            number(sb.append(",\"coverage\":"), c.coverage());
            sb.append('}');
        }
        sb.append("]}");
    }

    private static void number(StringBuilder sb, double v) {
        if (Double.isFinite(v)) {
            sb.append(v);
        } else {
            sb.append("null");
        }
    }
}
