package io.closecast.pipeline;

import io.closecast.pipeline.data.PriceCache;
import io.closecast.model.prices.source.AlphaVantageClient;
import io.closecast.model.prices.source.AlphaVantageConfig;
import io.closecast.model.prices.source.AlphaVantageReplayServer;
import io.closecast.model.prices.source.ChartReplayServer;
import io.closecast.model.prices.source.YahooChartClient;
import io.closecast.model.prices.source.YahooConfig;

import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceCacheIT {

    private static final LocalDate AV_FROM = LocalDate.of(2020, 8, 3);
    private static final LocalDate AV_TO = LocalDate.of(2020, 9, 11);

    private static final Clock LATER = Clock.fixed(Instant.parse("2021-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static YahooChartClient client(ChartReplayServer server) {
        return YahooChartClient.create(YahooConfig.defaults().withBaseUrl(server.baseUrl()).withRetries(2, Duration.ofMillis(10)));
    }

    @Test
    void secondFetchAsksOnlyForTheMissingDaysAndMerges(@TempDir Path dir) throws Exception {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            PriceCache cache = PriceCache.create(dir, LATER);
            PriceCache.FetchResult first = cache.fetch(client(server), "AAPL", LocalDate.of(2020, 8, 31), LocalDate.of(2020, 10, 15));
            assertEquals(33, first.series().size());
            assertEquals(LocalDate.of(2020, 10, 15), first.series().lastDate());
            assertTrue(Files.readString(dir.resolve("AAPL.csv")).startsWith(PriceCsv.HEADER + "\n2020-08-31,"));

            PriceCache.FetchResult second = cache.fetch(client(server), "AAPL", LocalDate.of(2020, 8, 31), LocalDate.of(2020, 11, 5));
            assertEquals("incremental", second.note());
            assertEquals(2, server.requests.size());
            long period1 = server.requests.get(1).period1();
            assertTrue(period1 > LocalDate.of(2020, 10, 15).atTime(23, 59, 59).toEpochSecond(ZoneOffset.UTC),
                    "second request starts after the cached last date, found period1 " + Instant.ofEpochSecond(period1));
            assertEquals(LocalDate.of(2020, 10, 16).atStartOfDay(ZoneOffset.UTC).toEpochSecond(), period1);
            assertEquals(15, second.fetchedBars());
            assertEquals(15, second.addedBars());

            PriceSeries merged = PriceCsv.read(dir.resolve("AAPL.csv"));
            assertEquals(48, merged.size());
            assertTrue(merged.isStrictlyAscending(), "sorted, no duplicates");
            assertEquals(LocalDate.of(2020, 11, 5), merged.lastDate());
            assertEquals(first.series().bars(), merged.bars().subList(0, 33));

            PriceCache.FetchResult third = cache.fetch(client(server), "AAPL", LocalDate.of(2020, 9, 1), LocalDate.of(2020, 11, 5));
            assertTrue(third.requests().isEmpty(), "nothing missing, no request");
            assertEquals(2, server.requests.size());
        }
    }

    @Test
    void aDividendInTheNewDaysRefetchesTheWholeRange(@TempDir Path dir) {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            PriceCache cache = PriceCache.create(dir, LATER);
            cache.fetch(client(server), "AAPL", LocalDate.of(2020, 9, 1), LocalDate.of(2020, 11, 5));
            PriceCache.FetchResult r = cache.fetch(client(server), "AAPL", LocalDate.of(2020, 9, 1), LocalDate.of(2020, 11, 6));
            assertTrue(r.refetchedAll());
            assertEquals(3, server.requests.size());
            assertEquals(LocalDate.of(2020, 9, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond(), server.requests.get(2).period1());
            assertEquals(48, r.series().size());
            assertEquals(1, r.addedBars());
        }
    }

    @Test
    void aFailedFetchWritesNothing(@TempDir Path dir) throws Exception {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            PriceCache cache = PriceCache.create(dir, LATER);
            cache.fetch(client(server), "AAPL", LocalDate.of(2020, 8, 31), LocalDate.of(2020, 10, 15));
            byte[] before = Files.readAllBytes(dir.resolve("AAPL.csv"));
            String full = ChartReplayServer.recordedAapl().toString();
            server.enqueue(200, full.substring(0, 3000), Map.of());
            assertThrows(io.closecast.model.prices.source.PriceSourceException.class,
                    () -> cache.fetch(client(server), "AAPL", LocalDate.of(2020, 8, 31), LocalDate.of(2020, 11, 5)));
            assertEquals(new String(before), new String(Files.readAllBytes(dir.resolve("AAPL.csv"))));

            server.enqueue(200, full.substring(0, 3000), Map.of());
            assertThrows(io.closecast.model.prices.source.PriceSourceException.class,
                    () -> cache.fetch(client(server), "AAPL2", LocalDate.of(2020, 8, 31), LocalDate.of(2020, 11, 5)));
            assertFalse(Files.exists(dir.resolve("AAPL2.csv")));
            try (var files = Files.list(dir)) {
                assertEquals(List.of(dir.resolve("AAPL.csv")), files.toList(), "no temporary files left");
            }
        }
    }

    @Test
    void barsOfTodayAreLeftOut(@TempDir Path dir) {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            Clock nov6 = Clock.fixed(Instant.parse("2020-11-06T18:00:00Z"), ZoneOffset.UTC);
            PriceCache.FetchResult r = PriceCache.create(dir, nov6)
                    .fetch(client(server), "AAPL", LocalDate.of(2020, 8, 31), LocalDate.of(2020, 12, 31));
            assertEquals(LocalDate.of(2020, 11, 5), r.series().lastDate());
            assertTrue(r.series().bars().stream().map(PriceBar::date).noneMatch(d -> d.equals(LocalDate.of(2020, 11, 6))));
        }
    }

    private static AlphaVantageClient alphaVantage(AlphaVantageReplayServer server) {
        return AlphaVantageClient.create(AlphaVantageConfig.defaults().withBaseUrl(server.baseUrl())
                .withRetries(3, Duration.ofMillis(500)), AlphaVantageReplayServer.KEY, wait -> { });
    }

    @Test
    void theCacheFetchesIncrementallyAndRefetchesAfterTheSplit(@TempDir Path dir) throws Exception {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            PriceCache cache = PriceCache.create(dir);
            PriceCache.FetchResult first = cache.fetch(alphaVantage(server), "AAPL", AV_FROM, LocalDate.of(2020, 8, 21));
            assertEquals(15, first.series().size());
            assertEquals("new file", first.note());
            assertEquals("Date,Open,High,Low,Close,Adj Close,Volume", Files.readAllLines(dir.resolve("AAPL.csv")).getFirst());

            // the new days hold the split: the whole range again, so the first days are re-priced by the split
            PriceCache.FetchResult second = cache.fetch(alphaVantage(server), "AAPL", AV_FROM, AV_TO);
            assertTrue(second.refetchedAll(), second.note());
            PriceSeries cached = PriceCsv.read(dir.resolve("AAPL.csv"));
            assertEquals(29, cached.size());
            assertEquals(108.9375, bar(cached, AV_FROM).close(), 0.005, "split-adjusted like Yahoo's");
            assertTrue(second.requests().stream().allMatch(u -> u.toString().contains("apikey=***")), second.requests().toString());
            assertFalse(Files.readString(dir.resolve("AAPL.csv")).contains(AlphaVantageReplayServer.KEY));
        }
    }


    private static PriceBar bar(PriceSeries series, LocalDate date) {
        return series.bars().stream().filter(b -> b.date().equals(date)).findFirst()
                .orElseThrow(() -> new AssertionError(date + " missing from " + series.bars()));
    }
}
