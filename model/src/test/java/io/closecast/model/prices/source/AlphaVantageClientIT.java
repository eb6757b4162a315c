package io.closecast.model.prices.source;


import com.fasterxml.jackson.databind.node.ObjectNode;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Alpha Vantage client against a local server replaying responses recorded in Alpha Vantage's documented format. */
class AlphaVantageClientIT {

    private static final LocalDate FROM = LocalDate.of(2020, 8, 3);
    private static final LocalDate TO = LocalDate.of(2020, 9, 11);
    private static final LocalDate SPLIT = LocalDate.of(2020, 8, 31);

    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    private AlphaVantageClient client(AlphaVantageReplayServer server, AlphaVantageConfig.Function function, String key) {
        AlphaVantageConfig config = AlphaVantageConfig.defaults().withBaseUrl(server.baseUrl()).withFunction(function)
                .withRetries(3, Duration.ofMillis(500));
        return AlphaVantageClient.create(config, key, waits::add);
    }

    private AlphaVantageClient client(AlphaVantageReplayServer server) {
        return client(server, AlphaVantageConfig.Function.TIME_SERIES_DAILY_ADJUSTED, AlphaVantageReplayServer.KEY);
    }

    @Test
    void theAdjustedSeriesIsSplitAdjustedIntoTheCacheLayoutAndAgreesWithYahoo() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            ChartData data = client(server).fetch("AAPL", FROM, TO);
            PriceSeries series = data.series();
            assertEquals(29, series.size());
            assertEquals(FROM, series.firstDate());
            assertEquals(TO, series.lastDate());
            assertTrue(series.isStrictlyAscending());
            assertEquals(ZoneId.of("US/Eastern"), data.exchangeZone());
            // 2020-08-28, the last day before the 4:1 split, traded at 499.23 on 46 907 500 shares
            PriceBar beforeSplit = bar(series, LocalDate.of(2020, 8, 28));
            assertEquals(499.23 / 4, beforeSplit.close(), 1e-9);
            assertEquals(504.05 / 4, beforeSplit.open(), 1e-9);
            assertEquals(46_907_500.0 * 4, beforeSplit.volume(), 1e-6);
            assertEquals(121.06, beforeSplit.adjClose(), 1e-9, "5. adjusted close as sent");
            PriceBar splitDay = bar(series, SPLIT);
            assertEquals(129.04, splitDay.close(), 1e-9, "the split day itself trades at the new price");
            assertEquals(List.of(SPLIT), data.splits().stream().map(ChartData.StockSplit::date).toList());
            assertEquals("4:1", data.splits().getFirst().ratio());
            assertEquals(1, data.dividends().size());
            assertEquals(LocalDate.of(2020, 8, 7), data.dividends().getFirst().date());
            assertEquals(0.82, data.dividends().getFirst().amount(), 1e-12);

            // Yahoo's split-adjusted closes (the bundled data/AAPL.csv) on the same days, to the cent
            Map<LocalDate, PriceBar> yahoo = PriceCsv.read(io.closecast.model.TestData.file("AAPL.csv")).between(FROM, TO).bars().stream()
                    .collect(Collectors.toMap(PriceBar::date, b -> b));
            for (PriceBar b : series.bars()) {
                assertEquals(yahoo.get(b.date()).close(), b.close(), 0.005, b.date().toString());
                assertEquals(yahoo.get(b.date()).volume(), b.volume(), 4.0, b.date().toString());
            }

            Map<String, String> q = AlphaVantageReplayServer.query(server.requests.getFirst());
            assertEquals("TIME_SERIES_DAILY_ADJUSTED", q.get("function"));
            assertEquals("AAPL", q.get("symbol"));
            assertEquals("full", q.get("outputsize"), "2020 lies before the latest 100 trading days");
            assertEquals(AlphaVantageReplayServer.KEY, q.get("apikey"));
            assertFalse(series.source().contains(AlphaVantageReplayServer.KEY), series.source());
            assertTrue(series.source().contains("apikey=***"), series.source());
            assertEquals(List.of(), waits);
        }
    }

    @Test
    void theDailySeriesKeepsPricesAsTradedWithAdjCloseEqualToClose() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            ChartData data = client(server, AlphaVantageConfig.Function.TIME_SERIES_DAILY, AlphaVantageReplayServer.KEY)
                    .fetch("AAPL", LocalDate.of(2020, 8, 27), LocalDate.of(2020, 9, 1));
            assertEquals(4, data.series().size());
            PriceBar beforeSplit = bar(data.series(), LocalDate.of(2020, 8, 28));
            assertEquals(499.23, beforeSplit.close(), 1e-9);
            assertEquals(499.23, beforeSplit.adjClose(), 1e-9);
            assertEquals(46_907_500.0, beforeSplit.volume(), 1e-6);
            assertEquals(List.of(), data.splits());
            assertEquals("TIME_SERIES_DAILY", AlphaVantageReplayServer.query(server.requests.getFirst()).get("function"));
        }
    }

    @Test
    void aRecentRangeAsksForTheCompactSeries() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            LocalDate recent = LocalDate.now().minusDays(30);
            ChartData data = client(server).fetch("AAPL", recent, recent.plusDays(7));
            assertEquals(0, data.series().size(), "the recording ends in 2020");
            assertEquals("compact", AlphaVantageReplayServer.query(server.requests.getFirst()).get("outputsize"));
        }
    }

    @Test
    void thePerMinuteRateLimitIsWaitedOutThenAskedAgainWithoutLoggingTheKey() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            server.enqueue(200, AlphaVantageReplayServer.MINUTE_LIMIT);
            server.enqueue(200, AlphaVantageReplayServer.BURST_LIMIT);
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            ChartData data = client(server).fetch("AAPL", FROM, TO);
            assertEquals(29, data.series().size());
            assertEquals(3, server.requests.size());
            assertEquals(List.of(Duration.ofSeconds(60), Duration.ofSeconds(1)), waits,
                    "the documented waits: a minute for 5 calls per minute, a second for the burst limit");
        } finally {
            System.setErr(stderr);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("the per-minute rate limit") && logged.contains("asking again in 60 s"), logged);
        assertFalse(logged.contains(AlphaVantageReplayServer.KEY), logged);
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesIsAnErrorSayingSo() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            for (int i = 0; i < 4; i++) {
                server.enqueue(200, AlphaVantageReplayServer.MINUTE_LIMIT);
            }
            RuntimeException e = assertThrows(PriceSourceException.class, () -> client(server).fetch("AAPL", FROM, TO));
            assertTrue(e.getMessage().startsWith("Alpha Vantage did not answer with data for AAPL after 4 attempt(s), last the"
                    + " per-minute rate limit (\"Note\": Thank you for using Alpha Vantage! Our standard API call frequency is 5"
                    + " calls per minute"), e.getMessage());
            assertEquals(4, server.requests.size());
            assertEquals(3, waits.size());
            assertFalse(e.getMessage().contains(AlphaVantageReplayServer.KEY), e.getMessage());
        }
    }

    @Test
    void theDailyLimitFailsAtOnce() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            server.enqueue(200, AlphaVantageReplayServer.DAILY_LIMIT);
            RuntimeException e = assertThrows(PriceSourceException.class, () -> client(server).fetch("AAPL", FROM, TO));
            assertTrue(e.getMessage().startsWith("Alpha Vantage's daily rate limit is used up for this key; asking again today"
                    + " will not help (the free tier allows 25 requests a day): \"Information\": Thank you"), e.getMessage());
            assertEquals(1, server.requests.size());
            assertEquals(List.of(), waits);
        }
    }

    @Test
    void aBadKeyIsAnErrorNamingTheVariableNotTheKey() {
        String wrong = "not-the-key-4242";
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            RuntimeException e = assertThrows(PriceSourceException.class, () -> client(server,
                    AlphaVantageConfig.Function.TIME_SERIES_DAILY_ADJUSTED, wrong).fetch("AAPL", FROM, TO));
            assertTrue(e.getMessage().startsWith("Alpha Vantage refused the API key in ALPHAVANTAGE_API_KEY (missing, invalid"
                    + " or the demo key): \"Error Message\": the parameter apikey is invalid or missing."), e.getMessage());
            assertTrue(e.getMessage().contains("apikey=***"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());

            server.enqueue(200, AlphaVantageReplayServer.DEMO_KEY);
            RuntimeException demo = assertThrows(PriceSourceException.class, () -> client(server).fetch("AAPL", FROM, TO));
            assertTrue(demo.getMessage().startsWith("Alpha Vantage refused the API key in ALPHAVANTAGE_API_KEY"), demo.getMessage());
            assertEquals(List.of(), waits);
        }
    }

    @Test
    void aPremiumFunctionAndAnUnknownSymbolAreErrorsSayingSo() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            server.enqueue(200, AlphaVantageReplayServer.PREMIUM);
            RuntimeException premium = assertThrows(PriceSourceException.class, () -> client(server).fetch("AAPL", FROM, TO));
            assertTrue(premium.getMessage().startsWith("Alpha Vantage serves TIME_SERIES_DAILY_ADJUSTED with outputsize=full"
                    + " (--from before the last 100 trading days) to premium keys only; with a free key, try --function"
                    + " TIME_SERIES_DAILY"), premium.getMessage());

            RuntimeException unknown = assertThrows(PriceSourceException.class, () -> client(server).fetch("NOSUCH", FROM, TO));
            assertTrue(unknown.getMessage().startsWith("Alpha Vantage refused the call for symbol 'NOSUCH' as invalid: most"
                    + " often an unknown symbol"), unknown.getMessage());
            assertTrue(unknown.getMessage().contains("\"Error Message\": Invalid API call."), unknown.getMessage());
        }
    }

    @Test
    void aMissingOrMalformedFieldIsAnErrorNamingIt() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            server.rewrite(answer -> {
                ((ObjectNode) answer.get("Time Series (Daily)").get("2020-08-28")).remove("5. adjusted close");
                return answer;
            });
            assertMessage(server, "Alpha Vantage TIME_SERIES_DAILY_ADJUSTED response for AAPL: \"Time Series (Daily)\"."
                    + "\"2020-08-28\" has no \"5. adjusted close\" (GET ");

            server.rewrite(answer -> {
                ((ObjectNode) answer.get("Time Series (Daily)").get("2020-09-01")).put("6. volume", "n/a");
                return answer;
            });
            assertMessage(server, "Alpha Vantage TIME_SERIES_DAILY_ADJUSTED response for AAPL: \"Time Series (Daily)\"."
                    + "\"2020-09-01\".\"6. volume\" must be a decimal number in a string, like \"167.1300\", found \"n/a\"");

            server.rewrite(answer -> {
                ((ObjectNode) answer.get("Meta Data")).remove("5. Time Zone");
                return answer;
            });
            assertMessage(server, "Alpha Vantage TIME_SERIES_DAILY_ADJUSTED response for AAPL: \"Meta Data\" has no"
                    + " \"5. Time Zone\"");

            server.rewrite(answer -> {
                answer.remove("Time Series (Daily)");
                return answer;
            });
            assertMessage(server, "Alpha Vantage TIME_SERIES_DAILY_ADJUSTED response for AAPL has no \"Time Series (Daily)\" object");

            server.rewrite(answer -> {
                answer.remove("Meta Data");
                return answer;
            });
            assertMessage(server, "Alpha Vantage TIME_SERIES_DAILY_ADJUSTED response for AAPL has no \"Meta Data\" object");

            server.enqueue(200, "{\"Meta Data\": {\"2. Symbol\": \"AAPL\"");
            assertMessage(server, "Alpha Vantage response for AAPL is not complete JSON");
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            server.enqueue(503, "unavailable");
            server.enqueue(429, "slow down");
            assertEquals(29, client(server).fetch("AAPL", FROM, TO).series().size());
            assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1000)), waits);
        }
    }

    private void assertMessage(AlphaVantageReplayServer server, String prefix) {
        RuntimeException e = assertThrows(PriceSourceException.class, () -> client(server).fetch("AAPL", FROM, TO));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertFalse(e.getMessage().contains(AlphaVantageReplayServer.KEY), e.getMessage());
    }

    private static PriceBar bar(PriceSeries series, LocalDate date) {
        return series.bars().stream().filter(b -> b.date().equals(date)).findFirst()
                .orElseThrow(() -> new AssertionError(date + " missing from " + series.bars()));
    }
}
