package io.closecast.serving.http;

import io.closecast.serving.dashboard.SampleFiles;
import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;

import java.util.List;
import java.util.stream.Collectors;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/samples}: the bundled price files ({@link SampleFiles}). {@code GET /v1/samples/{symbol}?days=N&column=C}:
 * the last N days of one column (default: the serving model's price column, else {@code Close}; N defaults to the
 * model's window length, else 60), with their dates, ready for {@code POST /v1/predict}.
 */
public final class SamplesService implements HttpService {

    static final int DEFAULT_DAYS = 60;

    private final ModelFleet models;
    private final SampleFiles samples;

    public SamplesService(ModelFleet models, SampleFiles samples) {
        this.models = models;
        this.samples = samples;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/samples", this::list)
                .any("/v1/samples", (req, res) -> Responses.methodNotAllowed(req, res, "GET"))
                .get("/v1/samples/{symbol}", this::sample)
                .any("/v1/samples/{symbol}", (req, res) -> Responses.methodNotAllowed(req, res, "GET"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(512).append("{\"symbols\":[");
        List<SampleFiles.Series> all = samples.list();
        for (int i = 0; i < all.size(); i++) {
            SampleFiles.Series s = all.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"symbol\":");
            JsonText.quote(sb, s.symbol());
            sb.append(",\"rows\":").append(s.rows());
            sb.append(",\"first\":\"").append(s.dates().getFirst()).append('"');
            sb.append(",\"last\":\"").append(s.dates().getLast()).append('"');
            sb.append(",\"columns\":[");
            boolean first = true;
            for (String c : s.columns().keySet().stream().sorted().toList()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                JsonText.quote(sb, c);
            }
            sb.append("]}");
        }
        sb.append("]}");
        Responses.json(res, 200, sb);
    }

    private void sample(ServerRequest req, ServerResponse res) {
        String symbol = req.path().pathParameters().get("symbol");
        SampleFiles.Series s = samples.find(symbol).orElseThrow(() -> ApiException.create(404, "not_found",
                "symbol: expected one of [" + samples.list().stream().map(SampleFiles.Series::symbol).collect(Collectors.joining(", "))
                        + "] (the CSV files in the data directory), found " + JsonText.abbreviate(symbol)));
        var info = models.first().status().serving(); // the first model's column and window (the only one's, usually)
        String column = req.query().contains("column")
                ? req.query().get("column")
                : info.map(ModelInfo::priceColumn).filter(s.columns()::containsKey).orElse("Close");
        double[] values = s.columns().get(column);
        if (values == null) {
            throw ApiException.badField("column", "expected one of " + s.columns().keySet().stream().sorted().toList()
                    + " (the numeric columns of " + s.symbol() + "), found " + JsonText.abbreviate(column));
        }
        int days = req.query().contains("days")
                ? days(req.query().get("days"), s)
                : Math.min(s.rows(), info.map(ModelInfo::windowLength).orElse(DEFAULT_DAYS));
        StringBuilder sb = new StringBuilder(64 + days * 32).append("{\"symbol\":");
        JsonText.quote(sb, s.symbol());
        sb.append(",\"column\":");
        JsonText.quote(sb, column);
        sb.append(",\"dates\":[");
        int from = s.rows() - days;
        for (int i = from; i < s.rows(); i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append('"').append(s.dates().get(i)).append('"');
        }
        sb.append("],\"closes\":[");
        for (int i = from; i < s.rows(); i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append(values[i]);
        }
        sb.append("]}");
        Responses.json(res, 200, sb);
    }

    private static int days(String text, SampleFiles.Series s) {
        String expected = "expected an integer 1.." + s.rows() + " (the rows in " + s.symbol() + "), found ";
        long v;
        try {
            v = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badField("days", expected + JsonText.abbreviate(text));
        }
        if (v < 1 || v > s.rows()) {
            throw ApiException.badField("days", expected + JsonText.abbreviate(text));
        }
        return (int) v;
    }
}
