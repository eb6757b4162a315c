package io.closecast.model.prices.source;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.closecast.model.prices.PriceBar;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart client against a local server replaying Yahoo's recorded AAPL response. */
class YahooChartClientIT {

    private static final LocalDate FROM = LocalDate.of(2020, 8, 31);
    private static final LocalDate TO = LocalDate.of(2020, 11, 6);

    private static YahooChartClient client(URI base) {
        return YahooChartClient.create(YahooConfig.defaults().withBaseUrl(base).withRetries(3, Duration.ofMillis(20)));
    }

    @Test
    void parsesTheRecordedAaplResponse() {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            ChartData data = client(server.baseUrl()).fetch("AAPL", FROM, TO);
            assertEquals(49, data.series().size());
            assertEquals(ZoneId.of("America/New_York"), data.exchangeZone());
            assertEquals("USD", data.currency());
            assertEquals(0, data.droppedNullBars());
            PriceBar first = data.series().bar(0);
            assertEquals(LocalDate.of(2020, 8, 31), first.date());
            assertEquals(129.04, first.close(), 0.005);
            assertEquals(125.82673645019531, first.adjClose());
            assertTrue(first.volume() > 0);
            assertEquals(LocalDate.of(2020, 11, 6), data.series().lastDate());
            assertTrue(data.series().isStrictlyAscending());
            assertEquals(1, data.splits().size());
            assertEquals(LocalDate.of(2020, 8, 31), data.splits().getFirst().date());
            assertEquals("4:1", data.splits().getFirst().ratio());
            assertEquals(1, data.dividends().size());
            assertEquals(LocalDate.of(2020, 11, 6), data.dividends().getFirst().date());
            assertEquals(0.205, data.dividends().getFirst().amount());

            ChartReplayServer.Request request = server.requests.getFirst();
            assertEquals("/v8/finance/chart/AAPL", request.uri().getPath());
            Map<String, String> q = request.query();
            assertEquals("1d", q.get("interval"));
            assertEquals("div|split", q.get("events"));
            assertEquals(String.valueOf(FROM.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()), q.get("period1"));
            assertTrue(request.userAgent().startsWith("Mozilla/5.0"), request.userAgent());
        }
    }

    @Test
    void retriesA429ThenSucceeds() {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            server.enqueue(429, "Too Many Requests", Map.of());
            server.enqueue(503, "unavailable", Map.of("Retry-After", "0"));
            ChartData data = client(server.baseUrl()).fetch("AAPL", FROM, TO);
            assertEquals(49, data.series().size());
            assertEquals(3, server.requests.size());
        }
    }

    @Test
    void givesUpAfterTheConfiguredRetries() {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            for (int i = 0; i < 4; i++) {
                server.enqueue(429, "Too Many Requests", Map.of());
            }
            PriceSourceException e = assertThrows(PriceSourceException.class, () -> client(server.baseUrl()).fetch("AAPL", FROM, TO));
            assertTrue(e.getMessage().startsWith("Yahoo chart API did not answer successfully after 4 attempt(s), last HTTP 429"),
                    e.getMessage());
            assertEquals(4, server.requests.size());
        }
    }

    @Test
    void unknownSymbolIsAClearError() {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            PriceSourceException e = assertThrows(PriceSourceException.class,
                    () -> client(server.baseUrl()).fetch("NOSUCH", FROM, TO));
            assertTrue(e.getMessage().startsWith(
                    "unknown symbol NOSUCH: Yahoo answered 404 Not Found: No data found, symbol may be delisted (GET http://127.0.0.1:"),
                    e.getMessage());
            assertEquals(1, server.requests.size(), "a 404 is not retried");
        }
    }

    @Test
    void truncatedBodyIsAClearError() {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            String full = ChartReplayServer.recordedAapl().toString();
            server.enqueue(200, full.substring(0, full.length() / 2), Map.of());
            PriceSourceException e = assertThrows(PriceSourceException.class, () -> client(server.baseUrl()).fetch("AAPL", FROM, TO));
            assertTrue(e.getMessage().startsWith("Yahoo chart response for AAPL is not complete JSON (HTTP 200, "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        }
    }

    @Test
    void nullBarsAreDroppedAndCounted() {
        JsonNode fixture = ChartReplayServer.recordedAapl();
        ObjectNode quote = (ObjectNode) fixture.path("chart").path("result").path(0).path("indicators").path("quote").path(0);
        ((ArrayNode) quote.path("close")).setNull(1);
        ((ArrayNode) quote.path("volume")).setNull(5);
        try (ChartReplayServer server = new ChartReplayServer(fixture)) {
            ChartData data = client(server.baseUrl()).fetch("AAPL", FROM, TO);
            assertEquals(47, data.series().size());
            assertEquals(2, data.droppedNullBars());
            assertEquals(LocalDate.of(2020, 9, 2), data.series().bar(1).date());
        }
    }

    @Test
    void datesAreTakenInTheExchangeTimeZone() {
        // An ASX bar: the session opens at 10:00 in Sydney, which is 23:00 UTC on the day before.
        JsonNode fixture = ChartReplayServer.recordedAapl();
        ObjectNode result = (ObjectNode) fixture.path("chart").path("result").path(0);
        ((ObjectNode) result.path("meta")).put("exchangeTimezoneName", "Australia/Sydney").put("symbol", "BHP.AX");
        long sydneyOpen = java.time.ZonedDateTime.of(2020, 11, 2, 10, 0, 0, 0, ZoneId.of("Australia/Sydney")).toEpochSecond();
        ((ArrayNode) result.path("timestamp")).set(48, sydneyOpen);
        ChartData data = YahooChartClient.parse("BHP.AX", LocalDate.of(2020, 11, 2), LocalDate.of(2020, 11, 2),
                URI.create("http://test"), 200, fixture.toString());
        assertEquals(1, data.series().size());
        assertEquals(LocalDate.of(2020, 11, 2), data.series().bar(0).date());
        assertEquals(LocalDate.of(2020, 11, 1), java.time.Instant.ofEpochSecond(sydneyOpen).atZone(java.time.ZoneOffset.UTC).toLocalDate());
    }
}
