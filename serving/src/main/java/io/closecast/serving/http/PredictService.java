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
import io.closecast.serving.track.Tracker;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.prices.TradingCalendar;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/predict} (JSON prices in) and {@code POST /v1/predict/csv} (a Yahoo daily CSV in): the next
 * closing prices from the serving model, with the naive forecast (tomorrow = today) beside them. The same for one
 * model of several at {@code POST /v1/models/{name}/predict} and {@code POST /v1/models/{name}/predict/csv}; the
 * single-model routes answer 409 when several models are configured.
 */
public final class PredictService implements HttpService {

    /** The fields a {@code /v1/predict} body may have; any other is refused by name. */
    static final java.util.Set<String> FIELDS = java.util.Set.of("closes", "horizon", "dates");

    private final ModelFleet models;
    private final long maxBodyBytes;
    private final Optional<Tracker> tracker;

    public PredictService(ModelFleet models, long maxBodyBytes) {
        this(models, maxBodyBytes, Optional.empty());
    }

    /** With the forecast log: dated answers are logged, undated ones counted. */
    public PredictService(ModelFleet models, long maxBodyBytes, Optional<Tracker> tracker) {
        this.models = models;
        this.maxBodyBytes = maxBodyBytes;
        this.tracker = tracker;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/predict", (req, res) -> predict(req, res, models.single("/v1/predict")))
                .any("/v1/predict", (req, res) -> Responses.methodNotAllowed(req, res, "POST"))
                .post("/v1/predict/csv", (req, res) -> predictCsv(req, res, models.single("/v1/predict/csv")))
                .any("/v1/predict/csv", (req, res) -> Responses.methodNotAllowed(req, res, "POST"))
                .post("/v1/models/{name}/predict", (req, res) -> predict(req, res, ModelPaths.named(models, req)))
                .any("/v1/models/{name}/predict", (req, res) -> Responses.methodNotAllowed(req, res, "POST"))
                .post("/v1/models/{name}/predict/csv", (req, res) -> predictCsv(req, res, ModelPaths.named(models, req)))
                .any("/v1/models/{name}/predict/csv", (req, res) -> Responses.methodNotAllowed(req, res, "POST"));
    }

    private void predict(ServerRequest req, ServerResponse res, ModelManager models) {
        Bodies.requireType(req, "application/json");
        byte[] body = Bodies.read(req, maxBodyBytes);
        JsonNode root = JsonText.requireObject(JsonText.parse(body));
        Inputs.onlyFields(root, FIELDS, "");
        try (VersionLease lease = lease(models)) {
            ModelInfo info = lease.info();
            JsonNode closes = root.get("closes");
            double[] window = Inputs.window(closes, "closes", info.windowLength());
            int horizon = Inputs.horizon(root.get("horizon"), "horizon", info.maxHorizon());
            JsonNode datesNode = root.get("dates");
            Optional<List<LocalDate>> dates = datesNode == null || datesNode.isNull()
                    ? Optional.empty()
                    : Optional.of(Inputs.dates(datesNode, "dates", closes.size()));
            answer(res, lease, window, horizon, dates.map(d -> d.getLast()));
        }
    }

    private void predictCsv(ServerRequest req, ServerResponse res, ModelManager models) {
        Bodies.requireType(req, "text/csv", "text/plain");
        String body = new String(Bodies.read(req, maxBodyBytes), StandardCharsets.UTF_8);
        try (VersionLease lease = lease(models)) {
            ModelInfo info = lease.info();
            int horizon = req.query().contains("horizon")
                    ? Inputs.horizon(req.query().get("horizon"), "horizon", info.maxHorizon())
                    : 1;
            Inputs.CsvWindow w = Inputs.csvWindow(body, info.priceColumn(), info.windowLength());
            answer(res, lease, w.prices(), horizon, Optional.of(w.dates().getLast()));
        }
    }

    private void answer(ServerResponse res, VersionLease lease, double[] window, int horizon, Optional<LocalDate> lastDate) {
        ModelInfo info = lease.info();
        ForecastModel.Forecast forecast = forecastWithIntervals(lease, window, horizon);
        double[] predictions = forecast.prices();
        lease.meters().predictions(1);
        // sized for the whole answer (predictions, dates, naive: ~48 chars a step; each interval level ~40 a step
        // and its keys) so it is not copied while it grows
        StringBuilder sb = new StringBuilder(256 + horizon * 48 + forecast.intervals().size() * (32 + horizon * 40));
        sb.append("{\"model\":{\"name\":");
        JsonText.quote(sb, info.name());
        sb.append(",\"version\":");
        JsonText.quote(sb, info.version());
        sb.append(",\"run_id\":");
        JsonText.quote(sb, info.runId());
        sb.append("},\"horizon\":").append(horizon).append(",\"closes_used\":").append(window.length)
                .append(",\"predictions\":");
        JsonText.numbers(sb, predictions);
        double[] naive = Inputs.naive(window, horizon);
        TradingCalendar calendar = lastDate.isPresent() ? TradingCalendar.forSymbol(info.symbol()) : TradingCalendar.WEEKDAYS;
        Optional<List<LocalDate>> targets = lastDate.map(d -> calendar.next(d, horizon)); // the answer's and the log's
        String requestId = log(tracker, info, lastDate, targets, forecast, naive);
        if (targets.isPresent()) {
            sb.append(",\"dates\":[");
            List<LocalDate> next = targets.get();
            for (int i = 0; i < next.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"').append(next.get(i)).append('"');
            }
            sb.append("],\"calendar\":\"").append(calendar.name()).append('"');
        }
        sb.append(",\"intervals\":");
        intervals(sb, forecast.intervals());
        sb.append(",\"interval_method\":");
        JsonText.quote(sb, forecast.intervalMethod());
        sb.append(",\"naive\":");
        JsonText.numbers(sb, naive);
        sb.append('}');
        res.header(Responses.REQUEST_ID, requestId);
        res.header(Responses.MODEL_VERSION, info.version());
        res.header(Responses.CLOSES_USED, Integer.toString(window.length));
        Responses.json(res, 200, sb);
        ShadowRun.submit(models, tracker, info, window, horizon, lastDate, requestId); // after the answer, off this thread
    }

    /**
     * Logs a dated forecast (its target days from the symbol's trading calendar) or counts an undated one; returns
     * the request id the answer carries in {@code X-Request-Id}.
     */
    static String log(Optional<Tracker> tracker, ModelInfo info, Optional<LocalDate> lastDate, int horizon,
                      ForecastModel.Forecast forecast, double[] naive) {
        return log(tracker, info, lastDate,
                lastDate.map(d -> TradingCalendar.forSymbol(info.symbol()).next(d, horizon)), forecast, naive);
    }

    /** As {@link #log(Optional, ModelInfo, Optional, int, ForecastModel.Forecast, double[])} with the target days known. */
    static String log(Optional<Tracker> tracker, ModelInfo info, Optional<LocalDate> lastDate,
                      Optional<List<LocalDate>> targets, ForecastModel.Forecast forecast, double[] naive) {
        String requestId = io.closecast.serving.track.RequestIds.next();
        if (tracker.isPresent()) {
            if (lastDate.isPresent()) {
                tracker.get().dated(info, requestId, lastDate.get(), targets.orElseThrow(), forecast.prices(),
                        forecast.intervals(), naive);
            } else {
                tracker.get().undated(info.name());
            }
        }
        return requestId;
    }

    /** Leases the serving model or answers 503. */
    static VersionLease lease(ModelManager models) {
        return models.acquire().orElseThrow(() -> ApiException.create(503, "model_not_ready",
                "model: expected a loaded version of " + models.name() + ", found none ("
                        + models.status().reason().orElse("loading") + ")"));
    }

    /** Runs the model and checks its answer; a broken answer is the model's fault (500), never the caller's. */
    static double[] forecast(VersionLease lease, double[] window, int horizon) {
        double[] out = lease.forecaster().forecast(window, horizon);
        check(lease, out, horizon);
        return out;
    }

    static void check(VersionLease lease, double[] out, int horizon) {
        if (out == null || out.length != horizon) {
            throw ApiException.create(500, "model_error", "model " + lease.info().name() + " v" + lease.info().version()
                    + " returned " + (out == null ? "nothing" : out.length + " values") + ", expected " + horizon);
        }
        for (double v : out) {
            if (!Double.isFinite(v)) {
                throw ApiException.create(500, "model_error", "model " + lease.info().name() + " v"
                        + lease.info().version() + " returned a non-finite value " + v);
            }
        }
    }

    /** {@link #forecast} with the version's intervals, checked the same way (a broken interval is a 500). */
    static ForecastModel.Forecast forecastWithIntervals(VersionLease lease, double[] window, int horizon) {
        ForecastModel.Forecast out = lease.forecaster().forecastWithIntervals(window, horizon);
        check(lease, out.prices(), horizon);
        for (ForecastInterval interval : out.intervals()) {
            check(lease, interval.lower(), horizon);
            check(lease, interval.upper(), horizon);
        }
        return out;
    }

    /** {@code [{"level":0.8,"lower":[...],"upper":[...]}, ...]}: one object per level, one bound per step. */
    static void intervals(StringBuilder sb, List<ForecastInterval> intervals) {
        sb.append('[');
        for (int i = 0; i < intervals.size(); i++) {
            ForecastInterval interval = intervals.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"level\":").append(interval.level()).append(",\"lower\":");
            JsonText.numbers(sb, interval.lower());
            sb.append(",\"upper\":");
            JsonText.numbers(sb, interval.upper());
            sb.append('}');
        }
        sb.append(']');
    }
}
