package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.track.PricePush;
import io.closecast.serving.track.Tracker;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.closecast.model.prices.PriceBar;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/prices}: realised daily bars pushed by a client, the third price feed beside the directory.
 * Authenticated as every route is ({@code ApiKeyFilter}: any configured API key; open where none is). A bar is
 * refused by the data checks' rules, a date after today (the service's clock), a non-trading day, an unknown symbol
 * (none a served model forecasts or the log holds): 400/422 naming the field, nothing stored. Accepted closes are
 * stored and scored exactly as the directory's ({@link Tracker#push}).
 */
public final class PricesService implements HttpService {

    /** At most this many bars per push. */
    static final int MAX_BARS = 10_000;
    private static final Set<String> FIELDS = Set.of("symbol", "bars");
    private static final Set<String> BAR_FIELDS = Set.of("date", "open", "high", "low", "close", "adj_close", "volume");

    private final ModelFleet fleet;
    private final Optional<Tracker> tracker;
    private final long maxBodyBytes;

    public PricesService(ModelFleet fleet, Optional<Tracker> tracker, long maxBodyBytes) {
        this.fleet = fleet;
        this.tracker = tracker;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/prices", this::push)
                .any("/v1/prices", (req, res) -> Responses.methodNotAllowed(req, res, "POST"));
    }

    private void push(ServerRequest req, ServerResponse res) {
        Tracker t = tracker.orElseThrow(() -> ApiException.create(404, "track_record_off",
                "track.enabled: expected true to take realised prices, found false (the forecast log is off)"));
        Bodies.requireType(req, "application/json");
        JsonNode root = JsonText.requireObject(JsonText.parse(Bodies.read(req, maxBodyBytes)));
        Inputs.onlyFields(root, FIELDS, "");
        JsonNode symbolNode = root.get("symbol");
        if (symbolNode == null || !symbolNode.isTextual() || symbolNode.asText().isBlank()) {
            throw ApiException.badField("symbol", "expected a symbol as text (e.g. \"MSFT\"), found " + JsonText.describe(symbolNode));
        }
        String symbol = symbolNode.asText().strip();
        Set<String> known = known(t);
        if (!known.contains(symbol)) {
            throw ApiException.badField("symbol", "expected a symbol a served model forecasts (" + String.join(", ", known)
                    + "), found " + JsonText.abbreviate(symbol));
        }
        List<PriceBar> bars = bars(root.get("bars"));
        Tracker.Pushed pushed = t.push(symbol, bars);
        if (!pushed.refused().isEmpty()) {
            PricePush.Refusal first = pushed.refused().getFirst();
            String field = "bars[" + first.index() + "]" + (first.field().isEmpty() ? "" : "." + first.field());
            StringBuilder message = new StringBuilder(field).append(": ").append(first.reason());
            if (pushed.refused().size() > 1) {
                message.append(" (and ").append(pushed.refused().size() - 1).append(" more refusal(s); nothing stored)");
            } else {
                message.append(" (nothing stored)");
            }
            StringBuilder sb = new StringBuilder("{\"error\":{\"code\":\"bar_refused\",\"message\":");
            JsonText.quote(sb, message.toString());
            sb.append(",\"field\":");
            JsonText.quote(sb, field);
            sb.append(",\"refused\":[");
            for (int i = 0; i < pushed.refused().size(); i++) {
                PricePush.Refusal r = pushed.refused().get(i);
                sb.append(i > 0 ? "," : "").append("{\"index\":").append(r.index()).append(",\"field\":");
                JsonText.quote(sb, "bars[" + r.index() + "]" + (r.field().isEmpty() ? "" : "." + r.field()));
                sb.append(",\"reason\":");
                JsonText.quote(sb, r.reason());
                sb.append('}');
            }
            sb.append("]}}");
            Responses.json(res, 422, sb);
            return;
        }
        StringBuilder sb = new StringBuilder("{\"symbol\":");
        JsonText.quote(sb, symbol);
        sb.append(",\"received\":").append(bars.size()).append(",\"stored\":").append(pushed.stored())
                .append(",\"scored\":").append(pushed.scored()).append('}');
        Responses.json(res, 200, sb);
    }

    /** The symbols prices may be pushed for: those the served models forecast and those the forecast log holds. */
    private Set<String> known(Tracker t) {
        Set<String> known = new TreeSet<>(t.symbols());
        for (ModelManager m : fleet.all()) {
            m.status().serving().map(i -> i.symbol()).filter(s -> !s.isEmpty()).ifPresent(known::add);
        }
        return known;
    }

    private static List<PriceBar> bars(JsonNode n) {
        if (n == null || !n.isArray() || n.isEmpty() || n.size() > MAX_BARS) {
            throw ApiException.badField("bars", "expected an array of 1.." + MAX_BARS + " bars {\"date\", \"open\", \"high\", "
                    + "\"low\", \"close\", \"volume\", \"adj_close\" (optional)}, found " + JsonText.describe(n));
        }
        List<PriceBar> bars = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            String f = "bars[" + i + "]";
            JsonNode bar = n.get(i);
            if (!bar.isObject()) {
                throw ApiException.badField(f, "expected an object {\"date\", \"open\", \"high\", \"low\", \"close\", \"volume\"}, found "
                        + JsonText.describe(bar));
            }
            Inputs.onlyFields(bar, BAR_FIELDS, f);
            JsonNode dateNode = bar.get("date");
            if (dateNode == null || !dateNode.isTextual()) {
                throw ApiException.badField(f + ".date", "expected an ISO date (yyyy-MM-dd), found " + JsonText.describe(dateNode));
            }
            LocalDate date = Inputs.date(dateNode.asText(), f + ".date");
            double open = Inputs.price(bar.get("open"), f + ".open");
            double high = Inputs.price(bar.get("high"), f + ".high");
            double low = Inputs.price(bar.get("low"), f + ".low");
            double close = Inputs.price(bar.get("close"), f + ".close");
            JsonNode adj = bar.get("adj_close");
            double adjClose = adj == null || adj.isNull() ? close : Inputs.price(adj, f + ".adj_close");
            JsonNode volume = bar.get("volume");
            if (volume == null || !volume.isNumber() || !Double.isFinite(volume.doubleValue()) || volume.doubleValue() < 0) {
                throw ApiException.badField(f + ".volume", "expected a number of shares >= 0, found " + JsonText.describe(volume));
            }
            bars.add(new PriceBar(date, open, high, low, close, adjClose, volume.doubleValue()));
        }
        return bars;
    }
}
