package io.closecast.serving.track;

import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.track.jdbc.JdbcTrackStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.closecast.model.intervals.ForecastInterval;
import io.closecast.model.prices.source.AlphaVantageClient;
import io.closecast.model.prices.source.AlphaVantageConfig;
import io.closecast.model.prices.source.AlphaVantageReplayServer;
import io.closecast.model.prices.source.ChartReplayServer;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Yahoo price feed of the track record against a local server replaying Yahoo's recorded AAPL chart response
 * (2020-08-31..2020-11-06, the model core's test fixture), with a clock the test moves: a symbol is fetched once its
 * exchange has closed a day the store lacks (16:00 New York + the delay; not on a weekend), new bars are checked before
 * they are stored (a bar whose close is above its high is refused), logged forecasts are scored from them, and an
 * unknown symbol is counted and named in the status without stopping the others. The Alpha Vantage feed against its
 * replayed documented responses: closed days only, through the same checks, B3 symbols in its spelling.
 */
class PriceFeedIT {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** A clock the test sets. */
    static final class FeedTestClock extends Clock {
        volatile Instant now;

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }

        void newYork(LocalDateTime time) {
            now = time.atZone(NEW_YORK).toInstant();
        }
    }

    private static ModelInfo model(String symbol) {
        return new ModelInfo("feed-model", "1", "run-1", "production", LocalDate.of(2015, 1, 1), LocalDate.of(2019, 12, 31),
                5, 2, List.of("Close"), Map.of(), Instant.EPOCH, symbol);
    }

    private static double close(LocalDate day) {
        JsonNode result = ChartReplayServer.recordedAapl().path("chart").path("result").path(0);
        JsonNode ts = result.path("timestamp");
        for (int i = 0; i < ts.size(); i++) {
            if (Instant.ofEpochSecond(ts.get(i).asLong()).atZone(NEW_YORK).toLocalDate().equals(day)) {
                return result.path("indicators").path("quote").path(0).path("close").get(i).asDouble();
            }
        }
        throw new AssertionError(day + " not in the recorded response");
    }

    @Test
    void theFeedFetchesClosedDaysChecksThemAndScoresTheForecasts(@TempDir Path dir) {
        FeedTestClock clock = new FeedTestClock();
        clock.newYork(LocalDateTime.of(2020, 10, 14, 15, 0)); // Wednesday, before the close
        MeterRegistry registry = Metrics.createMeterRegistry(MetricsConfig.create());
        try (ChartReplayServer server = ChartReplayServer.start()) {
            TrackSettings settings = new TrackSettings(true, dir, Optional.empty(), Optional.empty(), Optional.empty(),
                    1000, 100, dir.resolve("unused"), Duration.ofDays(1), 250)
                    .withFeed(new FeedSettings(FeedSettings.Source.YAHOO, Duration.ofMinutes(30), Optional.of(server.baseUrl())));
            String url = JdbcTrackStore.embeddedUrl(dir);
            try (Tracker tracker = Tracker.start(settings, () -> JdbcTrackStore.open(url, Optional.empty(), Optional.empty()),
                    registry, clock)) {
                ForecastInterval interval = new ForecastInterval(0.8, new double[] {120.0, 119.0}, new double[] {122.0, 123.0});
                tracker.dated(model("AAPL"), "req-1", LocalDate.of(2020, 10, 13),
                        List.of(LocalDate.of(2020, 10, 14), LocalDate.of(2020, 10, 15)), new double[] {121.0, 121.5},
                        List.of(interval), new double[] {121.1, 121.1});
                assertTrue(tracker.flush(Duration.ofSeconds(10)));

                // before Wednesday's close: Tuesday is the latest closed day; no close stored yet, so 60 days back
                Tracker.Refreshed first = tracker.refresh();
                assertEquals(1, server.requests.size());
                assertEquals(String.valueOf(LocalDate.of(2020, 10, 14).atStartOfDay(ZoneOffset.UTC).toEpochSecond()),
                        server.requests.getLast().query().get("period2"), "asked up to Tuesday, not the open day");
                assertEquals(31, first.stored().get("AAPL"), "2020-08-31..2020-10-13: 31 trading days (Labor Day off)");
                assertEquals(0, first.scored(), "Wednesday has no close yet");

                tracker.refresh();
                clock.newYork(LocalDateTime.of(2020, 10, 14, 16, 20)); // closed, but within the delay
                tracker.refresh();
                assertEquals(1, server.requests.size(), "nothing due: no request");
                assertEquals(Map.of(), tracker.status().feedErrors(), "nothing due is no error");

                clock.newYork(LocalDateTime.of(2020, 10, 14, 16, 45));
                Tracker.Refreshed wednesday = tracker.refresh();
                assertEquals(2, server.requests.size());
                assertEquals(1, wednesday.stored().get("AAPL"));
                assertEquals(1, wednesday.scored());
                TrackRecord.Line step1 = line(tracker.trackRecord("feed-model"), 1);
                assertEquals(Math.abs(close(LocalDate.of(2020, 10, 14)) - 121.0), step1.mae(), 1e-9);
                assertEquals(Math.abs(close(LocalDate.of(2020, 10, 14)) - 121.1), step1.naiveMae(), 1e-9);

                clock.newYork(LocalDateTime.of(2020, 10, 17, 12, 0)); // Saturday: Thursday and Friday are due
                Tracker.Refreshed weekend = tracker.refresh();
                assertEquals(2, weekend.stored().get("AAPL"));
                assertEquals(1, weekend.scored());
                TrackRecord.Line step2 = line(tracker.trackRecord("feed-model"), 2);
                assertEquals(Math.abs(close(LocalDate.of(2020, 10, 15)) - 121.5), step2.mae(), 1e-9);
                assertEquals(1.0, step2.coverage().getFirst().coverage(), "119 <= " + close(LocalDate.of(2020, 10, 15)) + " <= 123");
                clock.newYork(LocalDateTime.of(2020, 10, 18, 20, 0)); // Sunday: nothing closed since
                tracker.refresh();
                assertEquals(3, server.requests.size());

                // Monday's bar as the provider sends it, with a close above the day's high: refused, not stored
                clock.newYork(LocalDateTime.of(2020, 10, 19, 17, 0));
                long p1 = LocalDate.of(2020, 10, 19).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
                ObjectNode bad = (ObjectNode) ChartReplayServer.filtered(ChartReplayServer.recordedAapl(), p1, p1 + 86_400);
                ObjectNode quote = (ObjectNode) bad.path("chart").path("result").path(0).path("indicators").path("quote").path(0);
                ((ArrayNode) quote.get("close")).set(0, quote.get("high").get(0).asDouble() + 5);
                server.enqueue(200, bad.toString(), Map.of());
                Tracker.Refreshed refused = tracker.refresh();
                assertEquals(0, refused.stored().get("AAPL"));
                assertEquals(1, refused.refused().size(), refused.refused().toString());
                assertTrue(refused.refused().getFirst().startsWith("AAPL"), refused.refused().toString());

                // an unknown symbol: counted, named in the status, the others still fetched (Monday again, now clean)
                tracker.dated(model("NOSUCH"), "req-2", LocalDate.of(2020, 10, 16), List.of(LocalDate.of(2020, 10, 19)),
                        new double[] {10.0}, List.of(), new double[] {10.0});
                assertTrue(tracker.flush(Duration.ofSeconds(10)));
                Tracker.Refreshed unknown = tracker.refresh();
                assertEquals(1, unknown.stored().get("AAPL"));
                Tracker.Status status = tracker.status();
                assertEquals("yahoo", status.feed());
                assertTrue(status.feedErrors().get("NOSUCH").startsWith("yahoo: unknown symbol NOSUCH"), status.feedErrors().toString());
                assertEquals(1L, registry.counter("closecast_price_feed_failures", List.of(Tag.create("symbol", "NOSUCH")))
                        .map(Counter::count).orElse(0L));
                assertTrue(!status.feedErrors().containsKey("AAPL"));
            }
        }
    }

    @Test
    void theAlphaVantageFeedAsksForClosedDaysOnlyAndChecksThem(@TempDir Path dir) {
        FeedTestClock clock = new FeedTestClock();
        clock.newYork(LocalDateTime.of(2020, 9, 10, 17, 0)); // Thursday, after the close and the delay
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            FeedSettings settings = new FeedSettings(FeedSettings.Source.ALPHA_VANTAGE, Duration.ofMinutes(30),
                    Optional.of(server.baseUrl()));
            PriceFeed feed = new PriceFeed(settings, new PriceDirectory(dir, clock), Optional.of(AlphaVantageClient.create(
                    AlphaVantageConfig.defaults().withBaseUrl(server.baseUrl()), AlphaVantageReplayServer.KEY)), clock);
            PriceDirectory.Refresh r = feed.read("AAPL", LocalDate.MIN).orElseThrow();
            assertEquals(List.of(), r.refused());
            assertEquals(28, r.accepted().size(), "2020-08-03..2020-09-10 (Labor Day off); Friday's bar not yet closed");
            assertEquals(LocalDate.of(2020, 9, 10), ((java.util.TreeMap<LocalDate, Double>) r.accepted()).lastKey());
            assertEquals(1, server.requests.size());
            assertTrue(feed.read("AAPL", LocalDate.of(2020, 9, 10)).isEmpty(), "nothing due before Friday's close");
            assertEquals(1, server.requests.size());
            assertEquals("PETR4.SAO", feed.providerSymbol("PETR4.SA"), "Alpha Vantage's spelling of a B3 listing");
            assertEquals("AAPL", feed.providerSymbol("AAPL"));
        }
    }

    private static TrackRecord.Line line(TrackRecord record, int step) {
        return record.versions().stream().filter(l -> l.step() == step).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + step + " in " + record.versions()));
    }
}
