package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.VersionLease;
import io.closecast.serving.monitoring.ServingMetrics;
import io.closecast.serving.track.Tracker;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.bundle.ForecastModel;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /invocations}: MLflow's scoring protocol, so tools that call an MLflow model server can call this one.
 * <ul>
 *   <li>{@code application/json} with exactly one of {@code dataframe_split}, {@code dataframe_records},
 *       {@code instances}, {@code inputs}, and optionally {@code params: {"horizon": n, "intervals": true}} (horizon
 *       default 1; intervals default false: with true the answer also has {@code "intervals"}, for one window
 *       {@code [{"level": 0.8, "lower": [..], "upper": [..]}, ..]} as {@code /v1/predict} returns them, for several
 *       windows one such list per window).</li>
 *   <li>A data frame (either JSON form, or a {@code text/csv} body) holds consecutive days as rows and must have the
 *       model's price column (its name, e.g. {@code Close}, as the model's signature and input example spell it,
 *       matched case-insensitively); the last window of that column is forecast.
 *       Answer: {@code {"predictions": [p1..pn]}}. With a {@code Date} column (any case; a CSV body must have one)
 *       the frame is dated: with the forecast log on, its forecast is logged as {@code /v1/predict}'s with dates
 *       (the window's last day, the id in {@code X-Request-Id}, the challenger in shadow); see {@link ScoringFrame}.</li>
 *   <li>{@code instances} / {@code inputs} as an array of prices is one window ({@code {"predictions": [p1..pn]}});
 *       as an array of arrays it is several windows ({@code {"predictions": [[..], [..]]}}); {@code inputs} as an
 *       object {@code {"<price column>": [..]}} is one window (a data frame by columns: with {@code "Date": [..]},
 *       one day per price, it is dated).</li>
 *   <li>Every answer also says {@code "interval_method"}: the method of the version's intervals (as
 *       {@code /v1/predict} says it; {@code none} for a version without a calibration), beside MLflow's
 *       {@code predictions}, which MLflow's scoring clients read (they ignore other keys).</li>
 * </ul>
 */
public final class InvocationsService implements HttpService {

    private static final List<String> FORMATS = List.of("dataframe_split", "dataframe_records", "instances", "inputs");
    private static final int MAX_WINDOWS = 1024;

    private final ModelFleet models;
    private final ServingMetrics metrics;
    private final long maxBodyBytes;
    private final Optional<Tracker> tracker;

    public InvocationsService(ModelFleet models, ServingMetrics metrics, long maxBodyBytes) {
        this(models, metrics, maxBodyBytes, Optional.empty());
    }

    /**
     * With the forecast log: a dated body (a CSV body, or a JSON data frame with a {@code Date} column) is logged, an
     * undated one counted.
     */
    public InvocationsService(ModelFleet models, ServingMetrics metrics, long maxBodyBytes, Optional<Tracker> tracker) {
        this.models = models;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.tracker = tracker;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/invocations", this::invocations)
                .any("/invocations", (req, res) -> Responses.methodNotAllowed(req, res, "POST"));
    }

    private void invocations(ServerRequest req, ServerResponse res) {
        String type = Bodies.requireType(req, "application/json", "text/csv");
        byte[] body = Bodies.read(req, maxBodyBytes);
        ModelManager manager = models.single("/invocations");
        try (VersionLease lease = PredictService.lease(manager)) {
            ModelInfo info = lease.info();
            // the query's horizon is for text/csv bodies (JSON has params.horizon); out of range it is refused either way
            int queryHorizon = req.query().contains("horizon")
                    ? Inputs.horizon(req.query().get("horizon"), "horizon", info.maxHorizon()) : 1;
            StringBuilder sb = new StringBuilder(256);
            Runnable shadow = () -> { };
            String method;
            sb.append("{\"predictions\":");
            if (type.equals("text/csv")) {
                int horizon = queryHorizon;
                Inputs.CsvWindow w = Inputs.csvWindow(new String(body, StandardCharsets.UTF_8),
                        info.priceColumn(), info.windowLength());
                ForecastModel.Forecast f = tracker.isPresent()
                        ? PredictService.forecastWithIntervals(lease, w.prices(), horizon)
                        : pricesChecked(lease, w.prices(), horizon);
                JsonText.numbers(sb, f.prices());
                method = f.intervalMethod();
                if (tracker.isPresent()) {
                    shadow = log(res, info, new Dated(w.prices(), w.dates().getLast(), horizon, f));
                }
                lease.meters().predictions(1);
            } else {
                StringBuilder intervals = new StringBuilder();
                Answered a = json(JsonText.requireObject(JsonText.parse(body)), lease, sb, intervals);
                method = a.method();
                if (tracker.isPresent() && a.dated().isPresent()) {
                    shadow = log(res, info, a.dated().get());
                } else {
                    tracker.ifPresent(t -> t.undated(info.name()));
                }
                if (!intervals.isEmpty()) {
                    sb.append(",\"intervals\":").append(intervals);
                }
            }
            // beside MLflow's "predictions" (its scoring clients read that key and ignore the others)
            sb.append(",\"interval_method\":");
            JsonText.quote(sb, method);
            sb.append('}');
            res.header(Responses.MODEL_VERSION, info.version());
            res.header(Responses.CLOSES_USED, Integer.toString(info.windowLength()));
            Responses.json(res, 200, sb);
            shadow.run(); // the challenger's forecast, after the answer is sent
        }
    }

    /**
     * Logs a dated forecast as {@code /v1/predict} does (the request id in {@code X-Request-Id}); returns the
     * challenger's run in shadow, to start after the answer is sent.
     */
    private Runnable log(ServerResponse res, ModelInfo info, Dated d) {
        String id = PredictService.log(tracker, info, Optional.of(d.lastDay()), d.horizon(), d.forecast(),
                Inputs.naive(d.prices(), d.horizon()));
        res.header(Responses.REQUEST_ID, id);
        return () -> ShadowRun.submit(models, tracker, info, d.prices(), d.horizon(), Optional.of(d.lastDay()), id);
    }

    /** What {@code params} asks for. */
    private record Params(int horizon, boolean intervals) {
    }

    /** One dated window's forecast, for the forecast log. */
    private record Dated(double[] prices, LocalDate lastDay, int horizon, ForecastModel.Forecast forecast) {
    }

    /** A JSON body answered: the forecasts' interval method and, for a dated data frame, its forecast to log. */
    private record Answered(String method, Optional<Dated> dated) {
    }

    /** Answers a JSON body into {@code sb} (and {@code intervals}). */
    private Answered json(JsonNode root, VersionLease lease, StringBuilder sb, StringBuilder intervals) {
        ModelInfo info = lease.info();
        String format = null;
        TreeSet<String> keys = new TreeSet<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            keys.add(key);
            if (FORMATS.contains(key)) {
                if (format != null) {
                    throw ApiException.badField(key, "expected exactly one of " + FORMATS + ", found both " + format + " and " + key);
                }
                format = key;
            } else if (!key.equals("params")) {
                throw ApiException.badField(key, "expected only one of " + FORMATS + " and optionally params, found unknown field " + JsonText.abbreviate(key));
            }
        }
        if (format == null) {
            throw ApiException.malformed("expected a JSON object with exactly one of " + FORMATS + ", found fields " + keys);
        }
        Params params = params(root.get("params"), info);
        JsonNode data = root.get(format);
        return switch (format) {
            case "dataframe_split" -> one(sb, intervals, lease, ScoringFrame.split(data, info), params);
            case "dataframe_records" -> one(sb, intervals, lease, ScoringFrame.records(data, info), params);
            default -> tensor(sb, intervals, lease, data, format, params);
        };
    }

    private static Params params(JsonNode params, ModelInfo info) {
        if (params == null || params.isNull()) {
            return new Params(1, false);
        }
        if (!params.isObject()) {
            throw ApiException.badField("params", "expected an object such as {\"horizon\": 5, \"intervals\": true}, found "
                    + JsonText.describe(params));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!key.equals("horizon") && !key.equals("intervals")) {
                throw ApiException.badField("params." + key, "expected only params.horizon and params.intervals, found unknown parameter "
                        + JsonText.abbreviate(key));
            }
        }
        JsonNode intervals = params.get("intervals");
        if (intervals != null && !intervals.isNull() && !intervals.isBoolean()) {
            throw ApiException.badField("params.intervals", "expected true or false, found " + JsonText.describe(intervals));
        }
        return new Params(Inputs.horizon(params.get("horizon"), "params.horizon", info.maxHorizon()),
                intervals != null && intervals.asBoolean(false));
    }

    /**
     * One window's forecast into {@code sb}, and its intervals into {@code intervals} when asked for; returns the
     * interval method of the forecast (said also when the intervals were not asked for).
     */
    private String forecast(StringBuilder sb, StringBuilder intervals, VersionLease lease, double[] window, Params params) {
        return forecast(sb, intervals, lease, window, params, false).intervalMethod();
    }

    /** As above, returning the forecast; a {@code logged} one has its intervals checked (as the CSV path's). */
    private ForecastModel.Forecast forecast(StringBuilder sb, StringBuilder intervals, VersionLease lease, double[] window,
                                            Params params, boolean logged) {
        ForecastModel.Forecast f;
        if (params.intervals() || logged) {
            f = PredictService.forecastWithIntervals(lease, window, params.horizon());
            if (params.intervals()) {
                PredictService.intervals(intervals, f.intervals());
            }
        } else {
            f = pricesChecked(lease, window, params.horizon());
        }
        JsonText.numbers(sb, f.prices());
        return f;
    }

    /**
     * The forecast with its intervals, only its prices checked: a point request is not refused for a bound it did
     * not ask for, yet says the interval method of the version's forecasts.
     */
    private static ForecastModel.Forecast pricesChecked(VersionLease lease, double[] window, int horizon) {
        ForecastModel.Forecast f = lease.forecaster().forecastWithIntervals(window, horizon);
        PredictService.check(lease, f.prices(), horizon);
        return f;
    }

    private String one(StringBuilder sb, StringBuilder intervals, VersionLease lease, double[] window, Params params) {
        String method = forecast(sb, intervals, lease, window, params);
        lease.meters().predictions(1);
        return method;
    }

    /** A data frame's one window; a dated one is returned for the forecast log (when the log is on). */
    private Answered one(StringBuilder sb, StringBuilder intervals, VersionLease lease, ScoringFrame.Window w, Params params) {
        boolean logged = tracker.isPresent() && w.lastDay().isPresent();
        ForecastModel.Forecast f = forecast(sb, intervals, lease, w.prices(), params, logged);
        lease.meters().predictions(1);
        return new Answered(f.intervalMethod(),
                logged ? Optional.of(new Dated(w.prices(), w.lastDay().get(), params.horizon(), f)) : Optional.empty());
    }

    private Answered tensor(StringBuilder sb, StringBuilder intervals, VersionLease lease, JsonNode data, String field,
                            Params params) {
        ModelInfo info = lease.info();
        if (data.isObject()) {
            if (!field.equals("inputs")) {
                throw ApiException.badField(field, "expected an array of " + info.windowLength()
                        + " prices or an array of such arrays, found " + JsonText.describe(data));
            }
            return one(sb, intervals, lease, ScoringFrame.columns(data, info), params);
        }
        if (!data.isArray() || data.isEmpty()) {
            throw ApiException.badField(field, "expected an array of " + info.windowLength()
                    + " prices or an array of such arrays, found " + JsonText.describe(data));
        }
        if (!data.get(0).isArray()) {
            return new Answered(one(sb, intervals, lease, Inputs.window(data, field, info.windowLength()), params), Optional.empty());
        }
        if (data.size() > MAX_WINDOWS) {
            throw ApiException.badField(field, "expected at most " + MAX_WINDOWS + " windows, found " + data.size());
        }
        List<double[]> windows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            windows.add(Inputs.window(data.get(i), field + "[" + i + "]", info.windowLength()));
        }
        sb.append('[');
        if (params.intervals()) {
            intervals.append('[');
        }
        String method = ForecastModel.NO_INTERVALS;
        for (int i = 0; i < windows.size(); i++) {
            if (i > 0) {
                sb.append(',');
                if (params.intervals()) {
                    intervals.append(',');
                }
            }
            method = forecast(sb, intervals, lease, windows.get(i), params); // one version: one method for all
        }
        sb.append(']');
        if (params.intervals()) {
            intervals.append(']');
        }
        lease.meters().predictions(windows.size());
        return new Answered(method, Optional.empty());
    }
}
