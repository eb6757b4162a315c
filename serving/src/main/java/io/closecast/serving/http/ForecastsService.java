package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.TrackStore;
import io.closecast.serving.track.Tracker;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/forecasts?model=&from=&to=&limit=&cursor=&format=}: the forecast log exported a page at a time, as
 * JSON or CSV (the seeds' prediction log: one row per step). {@code from}/{@code to} bound the last input day
 * (inclusive); a page holds at most {@code limit} forecasts (requests), in the order they were answered, and
 * {@code next_cursor} (JSON) or the {@code X-Next-Cursor} header (CSV) asks for the next one.
 */
public final class ForecastsService implements HttpService {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final ModelFleet fleet;
    private final Optional<Tracker> tracker;

    public ForecastsService(ModelFleet fleet, Optional<Tracker> tracker) {
        this.fleet = fleet;
        this.tracker = tracker;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/forecasts", this::export)
                .any("/v1/forecasts", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void export(ServerRequest req, ServerResponse res) {
        Tracker t = tracker.orElseThrow(() -> ApiException.create(404, "track_record_off",
                "track.enabled: expected true for the forecast log, found false (the forecast log is off)"));
        var q = req.query();
        String model = q.first("model").orElseGet(() -> fleet.single("/v1/forecasts").name());
        if (fleet.find(model).isEmpty()) {
            throw ApiException.create(404, "model_not_found", "model: expected one of " + fleet.names() + ", found "
                    + JsonText.abbreviate(model));
        }
        LocalDate from = q.first("from").map(s -> Inputs.date(s, "from")).orElse(LocalDate.of(1, 1, 1));
        LocalDate to = q.first("to").map(s -> Inputs.date(s, "to")).orElse(LocalDate.of(9999, 12, 31));
        if (to.isBefore(from)) {
            throw ApiException.badField("to", "expected a day on or after from (" + from + "), found " + to);
        }
        int limit = q.first("limit").map(ForecastsService::limit).orElse(DEFAULT_LIMIT);
        Optional<TrackStore.Cursor> after = q.first("cursor").map(ForecastsService::cursor);
        String format = q.first("format").orElseGet(() -> req.headers().first(HeaderNames.ACCEPT).orElse("")
                .contains("text/csv") ? "csv" : "json");
        if (!format.equals("json") && !format.equals("csv")) {
            throw ApiException.badField("format", "expected json or csv, found " + JsonText.abbreviate(format));
        }
        List<LoggedForecast> page = t.forecasts(model, from, to, after, limit);
        Optional<String> next = page.size() < limit ? Optional.empty() : Optional.of(cursor(page.getLast()));
        if (format.equals("csv")) {
            StringBuilder sb = new StringBuilder("request_id,received_at,model,version,alias,symbol,as_of,step,target_date,prediction,naive\n");
            for (LoggedForecast f : page) {
                for (LoggedForecast.Step s : f.steps()) {
                    sb.append(f.requestId()).append(',').append(f.receivedAt()).append(',').append(csv(f.model())).append(',')
                            .append(csv(f.version())).append(',').append(csv(f.alias())).append(',').append(csv(f.symbol()))
                            .append(',').append(f.asOf()).append(',').append(s.step()).append(',').append(s.target())
                            .append(',').append(s.point()).append(',').append(s.naive()).append('\n');
                }
            }
            next.ifPresent(c -> res.header("X-Next-Cursor", c));
            res.status(200).header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8")
                    .send(sb.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        StringBuilder sb = new StringBuilder("{\"model\":");
        JsonText.quote(sb, model);
        sb.append(",\"forecasts\":[");
        for (int i = 0; i < page.size(); i++) {
            LoggedForecast f = page.get(i);
            sb.append(i > 0 ? "," : "").append("{\"request_id\":");
            JsonText.quote(sb, f.requestId());
            sb.append(",\"received_at\":\"").append(f.receivedAt()).append("\",\"version\":");
            JsonText.quote(sb, f.version());
            sb.append(",\"alias\":");
            JsonText.quote(sb, f.alias());
            sb.append(",\"symbol\":");
            JsonText.quote(sb, f.symbol());
            sb.append(",\"as_of\":\"").append(f.asOf()).append("\",\"steps\":[");
            for (int j = 0; j < f.steps().size(); j++) {
                LoggedForecast.Step s = f.steps().get(j);
                sb.append(j > 0 ? "," : "").append("{\"step\":").append(s.step()).append(",\"target_date\":\"").append(s.target())
                        .append("\",\"prediction\":").append(s.point()).append(",\"naive\":").append(s.naive()).append('}');
            }
            sb.append("]}");
        }
        sb.append("],\"next_cursor\":");
        if (next.isPresent()) {
            JsonText.quote(sb, next.get());
        } else {
            sb.append("null");
        }
        sb.append('}');
        Responses.json(res, 200, sb);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static int limit(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badField("limit", "expected an integer 1.." + MAX_LIMIT + ", found " + JsonText.abbreviate(text));
    }

    static String cursor(LoggedForecast last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((last.receivedAt().toEpochMilli() + ":" + last.requestId())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static TrackStore.Cursor cursor(String text) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            return new TrackStore.Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
        } catch (RuntimeException e) {
            throw ApiException.badField("cursor", "expected the next_cursor of a previous page, found " + JsonText.abbreviate(text));
        }
    }
}
