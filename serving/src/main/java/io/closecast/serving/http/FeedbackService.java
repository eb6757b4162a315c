package io.closecast.serving.http;

import io.closecast.serving.adaptive.AdaptiveIntervals;
import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.OnlineAccuracy;
import io.closecast.serving.track.Tracker;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/feedback}: a client reports what happened on a day it got a forecast for,
 * {@code {"date": "2024-12-30", "actual": 424.83, "predicted": 425.1, "last": 423.0, "version": "3"}}
 * ({@code last} = the last close the forecast started from, i.e. the naive forecast; {@code version} defaults to
 * the serving version), and optionally the intervals it was given for that day,
 * {@code "intervals": [{"level": 0.8, "lower": 419.9, "upper": 430.2}, ...]} (one per level: the day's step of
 * {@code /v1/predict}'s intervals). The service keeps no forecasts of its own: the client sends all the numbers.
 * {@code GET /v1/feedback/summary}: the online MAE, naive MAE and MASE per version ({@link OnlineAccuracy}).
 * <p>
 * The same for one model of a fleet at {@code POST /v1/models/{name}/feedback} and
 * {@code GET /v1/models/{name}/feedback/summary} ({@code version} defaults to that model's serving version; an
 * unknown name is a 404). Each served model has its own {@link OnlineAccuracy}, so two models' versions never mix;
 * the single-model routes answer 409 when several models are configured.
 * <p>
 * With the forecast log on, a report is also a realised close and a logged one-step forecast in the track record
 * ({@link Tracker#feedback}): scored there once, whichever of the feed, a logged forecast or an earlier report saw the
 * day first ({@code accepted.counted} says whether this report's forecast was the one scored); the track record's
 * gauges are then the only source, and the {@code closecast_online_*} names are their deprecated aliases.
 * With adaptive intervals ({@code intervals.adaptive.gamma}), a report's intervals are also an outcome of the
 * version's running miss rates ({@link AdaptiveIntervals#observe}: once per version and day, in day order).
 */
public final class FeedbackService implements HttpService {

    private static final Set<String> FIELDS = Set.of("date", "actual", "predicted", "last", "version", "intervals");
    private static final Set<String> INTERVAL_FIELDS = Set.of("level", "lower", "upper");
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}");

    private final ModelFleet models;
    private final Map<String, OnlineAccuracy> accuracy;
    private final long maxBodyBytes;
    private final Optional<Tracker> tracker;
    private final Optional<AdaptiveIntervals> adaptive;

    /** One {@link OnlineAccuracy} per model of the fleet, in {@code registry}, over {@code window} days per version. */
    public FeedbackService(ModelFleet models, MeterRegistry registry, int window, long maxBodyBytes) {
        this(models, registry, window, maxBodyBytes, Optional.empty(), Optional.empty());
    }

    /**
     * One {@link OnlineAccuracy} per model of the fleet, in {@code registry}, over {@code window} days per version; its
     * gauges only without a {@code tracker} (with one, reports are scored in the track record, whose gauges count).
     * Reports with intervals also update the {@code adaptive} intervals' miss rates.
     */
    public FeedbackService(ModelFleet models, MeterRegistry registry, int window, long maxBodyBytes, Optional<Tracker> tracker,
                           Optional<AdaptiveIntervals> adaptive) {
        this.adaptive = adaptive;
        this.models = models;
        this.tracker = tracker;
        Map<String, OnlineAccuracy> byModel = new LinkedHashMap<>();
        for (String name : models.names()) {
            byModel.put(name, tracker.isPresent() ? OnlineAccuracy.withoutGauges(registry, name, window)
                    : OnlineAccuracy.create(registry, name, window));
        }
        this.accuracy = Map.copyOf(byModel);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/feedback", (req, res) -> feedback(req, res, models.single("/v1/feedback")))
                .any("/v1/feedback", (req, res) -> Responses.methodNotAllowed(req, res, "POST"))
                .get("/v1/feedback/summary", (req, res) -> summary(res, models.single("/v1/feedback/summary")))
                .any("/v1/feedback/summary", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .post("/v1/models/{name}/feedback", (req, res) -> feedback(req, res, ModelPaths.named(models, req)))
                .any("/v1/models/{name}/feedback", (req, res) -> Responses.methodNotAllowed(req, res, "POST"))
                .get("/v1/models/{name}/feedback/summary", (req, res) -> summary(res, ModelPaths.named(models, req)))
                .any("/v1/models/{name}/feedback/summary", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    /** The online accuracy of one served model (every model of the fleet has one). */
    OnlineAccuracy accuracy(ModelManager model) {
        return accuracy.get(model.name());
    }

    private void feedback(ServerRequest req, ServerResponse res, ModelManager model) {
        Bodies.requireType(req, "application/json");
        JsonNode root = JsonText.requireObject(JsonText.parse(Bodies.read(req, maxBodyBytes)));
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.badField(name, "expected only the fields actual, date, intervals, last, predicted, version, found "
                        + JsonText.abbreviate(name));
            }
        }
        LocalDate date = date(root.get("date"));
        double actual = Inputs.price(required(root, "actual"), "actual");
        double predicted = Inputs.price(required(root, "predicted"), "predicted");
        double last = Inputs.price(required(root, "last"), "last");
        String version = version(root.get("version"), model);
        List<OnlineAccuracy.Interval> intervals = intervals(root.get("intervals"));
        Optional<Tracker.Reported> reported = tracker.map(t -> t.feedback(model.name(), version,
                model.status().serving().map(ModelInfo::symbol).orElse(""), date, actual, predicted, last,
                intervals.stream().map(i -> new LoggedForecast.Bound(i.level(), i.lower(), i.upper())).toList()));
        OnlineAccuracy.Summary s = accuracy(model).record(new OnlineAccuracy.Feedback(date, actual, predicted, last, version,
                intervals));
        if (adaptive.isPresent() && !intervals.isEmpty()) { // one outcome per version and day (AdaptiveIntervals)
            Map<Double, Boolean> missed = new LinkedHashMap<>();
            intervals.forEach(i -> missed.put(i.level(), !i.covers(actual)));
            adaptive.get().observe(model.name(), version, date, missed);
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"model\":");
        JsonText.quote(sb, model.name());
        sb.append(",\"accepted\":{\"date\":\"").append(date).append("\",\"version\":");
        JsonText.quote(sb, version);
        sb.append(",\"abs_error\":").append(Math.abs(actual - predicted));
        sb.append(",\"naive_abs_error\":").append(Math.abs(actual - last));
        sb.append(",\"inside\":[");
        for (int i = 0; i < intervals.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"level\":").append(intervals.get(i).level()).append(",\"inside\":")
                    .append(intervals.get(i).covers(actual)).append('}');
        }
        sb.append(']');
        reported.ifPresent(r -> sb.append(",\"counted\":").append(r.counted()));
        sb.append("},\"summary\":");
        summary(sb, s);
        sb.append('}');
        Responses.json(res, 200, sb);
    }

    private void summary(ServerResponse res, ModelManager model) {
        OnlineAccuracy online = accuracy(model);
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"model\":");
        JsonText.quote(sb, model.name());
        sb.append(",\"window\":").append(online.window()).append(",\"serving_version\":");
        Optional<String> serving = model.status().serving().map(ModelInfo::version);
        if (serving.isPresent()) {
            JsonText.quote(sb, serving.get());
        } else {
            sb.append("null");
        }
        sb.append(",\"versions\":[");
        boolean first = true;
        for (OnlineAccuracy.Summary s : online.summaries()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            summary(sb, s);
        }
        sb.append("]}");
        Responses.json(res, 200, sb);
    }

    static void summary(StringBuilder sb, OnlineAccuracy.Summary s) {
        sb.append("{\"version\":");
        JsonText.quote(sb, s.version());
        sb.append(",\"count\":").append(s.count());
        sb.append(",\"mae\":").append(s.mae());
        sb.append(",\"naive_mae\":").append(s.naiveMae());
        sb.append(",\"mase\":");
        if (s.mase().isPresent()) {
            sb.append(s.mase().getAsDouble());
        } else {
            sb.append("null");
        }
        sb.append(",\"coverage\":[");
        for (int i = 0; i < s.coverage().size(); i++) {
            OnlineAccuracy.Coverage c = s.coverage().get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"level\":").append(c.level()).append(",\"reports\":").append(c.reports())
                    .append(",\"coverage\":").append(Double.isNaN(c.coverage()) ? "null" : Double.toString(c.coverage())).append('}');
        }
        sb.append(']');
        sb.append(",\"first_date\":\"").append(s.first()).append('"');
        sb.append(",\"last_date\":\"").append(s.last()).append("\"}");
    }

    /** The optional {@code intervals}: at most {@value OnlineAccuracy#MAX_LEVELS} objects with distinct levels. */
    private static List<OnlineAccuracy.Interval> intervals(JsonNode n) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray() || n.size() > OnlineAccuracy.MAX_LEVELS) {
            throw ApiException.badField("intervals", "expected an array of at most " + OnlineAccuracy.MAX_LEVELS
                    + " objects {\"level\": 0.8, \"lower\": price, \"upper\": price}, found " + JsonText.describe(n));
        }
        List<OnlineAccuracy.Interval> out = new ArrayList<>(n.size());
        Set<Double> levels = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String f = "intervals[" + i + "]";
            JsonNode item = n.get(i);
            if (!item.isObject()) {
                throw ApiException.badField(f, "expected an object {\"level\": 0.8, \"lower\": price, \"upper\": price}, found "
                        + JsonText.describe(item));
            }
            for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!INTERVAL_FIELDS.contains(name)) {
                    throw ApiException.badField(f + "." + name, "expected only the fields level, lower, upper, found "
                            + JsonText.abbreviate(name));
                }
            }
            JsonNode levelNode = item.get("level");
            if (levelNode == null || !levelNode.isNumber() || !(levelNode.asDouble() > 0 && levelNode.asDouble() < 1)) {
                throw ApiException.badField(f + ".level", "expected a coverage level strictly between 0 and 1 (e.g. 0.8), found "
                        + JsonText.describe(levelNode));
            }
            double level = levelNode.asDouble();
            if (!levels.add(level)) {
                throw ApiException.badField(f + ".level", "expected one interval per level, found " + level + " twice");
            }
            double lower = Inputs.price(required(item, "lower", f + ".lower"), f + ".lower");
            double upper = Inputs.price(required(item, "upper", f + ".upper"), f + ".upper");
            if (lower > upper) {
                throw ApiException.badField(f + ".upper", "expected upper >= lower " + lower + ", found " + upper);
            }
            out.add(new OnlineAccuracy.Interval(level, lower, upper));
        }
        return out;
    }

    private static JsonNode required(JsonNode root, String key, String field) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw ApiException.badField(field, "expected a number > 0, found nothing (the field is required)");
        }
        return n;
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.badField(field, "expected a number > 0, found nothing (the field is required)");
        }
        return n;
    }

    private static LocalDate date(JsonNode n) {
        if (n == null || n.isNull()) {
            throw ApiException.badField("date", "expected an ISO date (yyyy-MM-dd), found nothing (the field is required)");
        }
        if (!n.isTextual()) {
            throw ApiException.badField("date", "expected an ISO date (yyyy-MM-dd), found " + JsonText.describe(n));
        }
        return Inputs.date(n.asText(), "date");
    }

    /** The reported version, or the model's serving version when none is given. */
    private static String version(JsonNode n, ModelManager model) {
        if (n == null || n.isNull()) {
            return model.status().serving().map(ModelInfo::version).orElseThrow(() -> ApiException.badField("version",
                    "expected the version of " + model.name() + " the forecast came from (e.g. \"3\"), found nothing, "
                            + "and no version of it serves to default to"));
        }
        String text = n.isTextual() || n.isIntegralNumber() ? n.asText() : "";
        if (!VERSION.matcher(text).matches()) {
            throw ApiException.badField("version", "expected a registry version number such as \"3\", found " + JsonText.describe(n));
        }
        return text;
    }
}
