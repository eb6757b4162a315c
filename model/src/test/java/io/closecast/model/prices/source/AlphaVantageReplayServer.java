package io.closecast.model.prices.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A local HTTP server that answers {@code GET /query} the way Alpha Vantage does, from responses recorded in its
 * documented format ({@code alphavantage/<FUNCTION>_<SYMBOL>.json}: AAPL around its 2020-08-31 4:1 split and the
 * 2020-08-07 dividend): the whole series for {@code outputsize=full}, the latest 100 days for {@code compact}, and
 * Alpha Vantage's HTTP 200 refusals for a wrong key or an unknown symbol. Tests can queue canned answers (a rate-limit
 * note, a 503) that are served first, and rewrite the recorded answer (a field taken out).
 */
public final class AlphaVantageReplayServer implements AutoCloseable {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String KEY = "av-test-key-7Q2X9";
    public static final String BAD_KEY = "{\"Error Message\": \"the parameter apikey is invalid or missing. Please claim your free"
            + " API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.\"}";
    public static final String MINUTE_LIMIT = "{\"Note\": \"Thank you for using Alpha Vantage! Our standard API call frequency is"
            + " 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would"
            + " like to target a higher API call frequency.\"}";
    public static final String DAILY_LIMIT = "{\"Information\": \"Thank you for using Alpha Vantage! Our standard API rate limit"
            + " is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/"
            + " to instantly remove all daily rate limits.\"}";
    public static final String BURST_LIMIT = "{\"Information\": \"Thank you for using Alpha Vantage! Please consider spreading out"
            + " your free API requests more sparingly (1 request per second). You may subscribe to any of the premium plans"
            + " at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day), raise the"
            + " per-minute rate limit, and remove the per-second burst limit.\"}";
    public static final String PREMIUM = "{\"Information\": \"Thank you for using Alpha Vantage! This is a premium endpoint. You"
            + " may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all"
            + " premium endpoints\"}";
    public static final String DEMO_KEY = "{\"Information\": \"The **demo** API key is for demo purposes only. Please claim your"
            + " free API key at (https://www.alphavantage.co/support/#api-key) to explore our full API offerings. It takes"
            + " fewer than 20 seconds.\"}";

    public record Canned(int status, String body) {
    }

    private final HttpServer server;
    private final Deque<Canned> canned = new ArrayDeque<>();
    private volatile UnaryOperator<ObjectNode> rewrite = UnaryOperator.identity();
    public final List<URI> requests = new CopyOnWriteArrayList<>();

    private AlphaVantageReplayServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public static AlphaVantageReplayServer start() {
        return new AlphaVantageReplayServer();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized void enqueue(int status, String body) {
        canned.add(new Canned(status, body));
    }

    /** Rewrites every recorded answer served from now on (e.g. a field removed). */
    public void rewrite(UnaryOperator<ObjectNode> edit) {
        rewrite = edit;
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String kv : uri.getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            q.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        return q;
    }

    public static ObjectNode recorded(String function, String symbol) {
        try (InputStream in = AlphaVantageReplayServer.class.getResourceAsStream("/alphavantage/" + function + "_" + symbol + ".json")) {
            return in == null ? null : (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        requests.add(uri);
        Canned next;
        synchronized (this) {
            next = canned.poll();
        }
        if (next == null) {
            next = replay(uri);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(next.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Canned replay(URI uri) {
        if (!uri.getPath().equals("/query")) {
            return new Canned(404, "{}");
        }
        Map<String, String> q = query(uri);
        if (!KEY.equals(q.get("apikey"))) {
            return new Canned(200, BAD_KEY);
        }
        String function = q.getOrDefault("function", "");
        ObjectNode answer = recorded(function, q.getOrDefault("symbol", ""));
        if (answer == null) {
            return new Canned(200, "{\"Error Message\": \"Invalid API call. Please retry or visit the documentation"
                    + " (https://www.alphavantage.co/documentation/) for " + function + ".\"}");
        }
        if ("compact".equals(q.get("outputsize"))) {
            ((ObjectNode) answer.get("Meta Data")).put("4. Output Size", "Compact");
            Iterator<Map.Entry<String, JsonNode>> days = answer.get("Time Series (Daily)").fields();
            for (int i = 0; days.hasNext(); i++) {
                days.next();
                if (i >= 100) {
                    days.remove();
                }
            }
        }
        return new Canned(200, rewrite.apply(answer).toPrettyString());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
