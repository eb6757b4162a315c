package io.closecast.model.prices.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server that replays the recorded AAPL chart response the way Yahoo serves it: only the bars
 * and events within period1..period2, 404 with chart.error for any other symbol. Tests can queue canned
 * answers (a 429, a truncated body) that are served first.
 */
public final class ChartReplayServer implements AutoCloseable {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String NOT_FOUND = "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\","
            + "\"description\":\"No data found, symbol may be delisted\"}}}";

    public record Canned(int status, String body, Map<String, String> headers) {
    }

    public record Request(URI uri, String userAgent) {
        public Map<String, String> query() {
            Map<String, String> q = new HashMap<>();
            for (String kv : uri.getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8));
            }
            return q;
        }

        public long period1() {
            return Long.parseLong(query().get("period1"));
        }
    }

    private final HttpServer server;
    private final JsonNode fixture;
    private final Deque<Canned> canned = new ArrayDeque<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public ChartReplayServer(JsonNode fixture) {
        this.fixture = fixture;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public static JsonNode recordedAapl() {
        try (InputStream in = ChartReplayServer.class.getResourceAsStream("/yahoo_chart_AAPL.json")) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ChartReplayServer start() {
        return new ChartReplayServer(recordedAapl());
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized void enqueue(int status, String body, Map<String, String> headers) {
        canned.add(new Canned(status, body, headers));
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.add(new Request(exchange.getRequestURI(), exchange.getRequestHeaders().getFirst("User-Agent")));
        Canned next;
        synchronized (this) {
            next = canned.poll();
        }
        if (next == null) {
            next = replay(exchange.getRequestURI());
        }
        next.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(next.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Canned replay(URI uri) {
        String path = uri.getPath();
        String symbol = path.substring(path.lastIndexOf('/') + 1);
        String fixtureSymbol = fixture.path("chart").path("result").path(0).path("meta").path("symbol").asText();
        if (!path.startsWith("/v8/finance/chart/") || !symbol.equals(fixtureSymbol)) {
            return new Canned(404, NOT_FOUND, Map.of());
        }
        Request r = new Request(uri, "");
        long p1 = r.period1();
        long p2 = Long.parseLong(r.query().get("period2"));
        return new Canned(200, filtered(fixture, p1, p2).toString(), Map.of());
    }

    /** The response Yahoo would give for period1..period2 (timestamps in [p1, p2), events likewise). */
    public static JsonNode filtered(JsonNode original, long p1, long p2) {
        ObjectNode copy = original.deepCopy();
        ObjectNode result = (ObjectNode) copy.path("chart").path("result").path(0);
        ArrayNode ts = (ArrayNode) result.path("timestamp");
        ObjectNode quote = (ObjectNode) result.path("indicators").path("quote").path(0);
        ArrayNode adj = (ArrayNode) result.path("indicators").path("adjclose").path(0).path("adjclose");
        for (int i = ts.size() - 1; i >= 0; i--) {
            long t = ts.get(i).asLong();
            if (t < p1 || t >= p2) {
                ts.remove(i);
                adj.remove(i);
                for (String f : List.of("open", "high", "low", "close", "volume")) {
                    ((ArrayNode) quote.path(f)).remove(i);
                }
            }
        }
        for (String kind : List.of("dividends", "splits")) {
            JsonNode events = result.path("events").path(kind);
            if (events instanceof ObjectNode obj) {
                Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
                while (it.hasNext()) {
                    long t = it.next().getValue().path("date").asLong();
                    if (t < p1 || t >= p2) {
                        it.remove();
                    }
                }
            }
        }
        return copy;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
