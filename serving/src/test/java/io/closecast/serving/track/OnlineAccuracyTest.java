package io.closecast.serving.track;

import io.closecast.serving.ServingException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import org.junit.jupiter.api.Test;

class OnlineAccuracyTest {

    static final LocalDate D = LocalDate.of(2024, 12, 2);
    static final String M = "closecast-accuracy-test";

    static OnlineAccuracy.Feedback fb(int day, double actual, double predicted, double last, String version) {
        return new OnlineAccuracy.Feedback(D.plusDays(day), actual, predicted, last, version);
    }

    @Test
    void maeNaiveMaeAndMaseOverTheLastWindowDays() {
        MeterRegistry registry = Metrics.globalRegistry();
        OnlineAccuracy acc = OnlineAccuracy.create(registry, M, 3);
        acc.record(fb(0, 100, 110, 100, "91")); // error 10, naive 0: falls out of the window below
        acc.record(fb(1, 100, 101, 98, "91"));
        acc.record(fb(2, 102, 101.5, 100, "91"));
        OnlineAccuracy.Summary s = acc.record(fb(3, 99, 100.5, 101, "91"));
        assertEquals(3, s.count());
        assertEquals(1.0, s.mae(), 1e-12);
        assertEquals(2.0, s.naiveMae(), 1e-12);
        assertEquals(0.5, s.mase().getAsDouble(), 1e-12);
        assertEquals(D.plusDays(1), s.first());
        assertEquals(D.plusDays(3), s.last());

        // the gauges read the same figures
        List<Tag> tags = List.of(Tag.create("model", M), Tag.create("version", "91"));
        assertEquals(1.0, registry.gauge("closecast_online_mae", tags).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        assertEquals(2.0, registry.gauge("closecast_online_naive_mae", tags).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        assertEquals(0.5, registry.gauge("closecast_online_mase", tags).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);

        // a day reported again replaces the earlier report instead of counting twice
        OnlineAccuracy.Summary again = acc.record(fb(3, 99, 99, 101, "91"));
        assertEquals(3, again.count());
        assertEquals(0.5, again.mae(), 1e-12);
        acc.close();
        assertTrue(registry.gauge("closecast_online_mae", tags).isEmpty(), "gauges removed on close");
    }

    @Test
    void coverageIsTheShareInsideOverTheLast50ReportsPerLevelAndAGaugeShowsIt() {
        MeterRegistry registry = Metrics.globalRegistry();
        OnlineAccuracy acc = OnlineAccuracy.create(registry, M, 100);
        // 60 days: the first 10 all outside the 80 % interval (they fall out of the last 50), then 40 inside and 10
        // outside; the 95 % interval holds all but one; day 5 has no 95 % interval at all
        for (int day = 0; day < 60; day++) {
            boolean inside80 = day >= 10 && day < 50;
            double actual = 100;
            List<OnlineAccuracy.Interval> intervals = new java.util.ArrayList<>();
            intervals.add(inside80 ? new OnlineAccuracy.Interval(0.8, 99, 101) : new OnlineAccuracy.Interval(0.8, 100.5, 102));
            if (day != 5) {
                intervals.add(day == 59 ? new OnlineAccuracy.Interval(0.95, 90, 99.9) : new OnlineAccuracy.Interval(0.95, 90, 110));
            }
            acc.record(new OnlineAccuracy.Feedback(D.plusDays(day), actual, 100.2, 99.8, "93", intervals));
        }
        OnlineAccuracy.Summary s = acc.summary("93").orElseThrow();
        OnlineAccuracy.Coverage c80 = s.coverage(0.8).orElseThrow();
        assertEquals(50, c80.reports());
        assertEquals(40, c80.inside());
        assertEquals(0.8, c80.coverage(), 1e-12);
        OnlineAccuracy.Coverage c95 = s.coverage(0.95).orElseThrow();
        assertEquals(50, c95.reports());
        assertEquals(49, c95.inside());
        List<Tag> tags80 = List.of(Tag.create("model", M), Tag.create("version", "93"), Tag.create("level", "0.8"));
        assertEquals(0.8, registry.gauge("closecast_online_coverage", tags80).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        assertEquals(50, registry.gauge("closecast_online_coverage_reports", tags80).map(Gauge::value).orElseThrow().doubleValue());
        assertEquals(0.98, registry.gauge("closecast_online_coverage", List.of(Tag.create("model", M), Tag.create("version", "93"),
                Tag.create("level", "0.95"))).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        // a report without intervals counts for accuracy and leaves the coverage alone
        acc.record(fb(60, 100, 100.1, 99.9, "93"));
        assertEquals(61, acc.summary("93").orElseThrow().count());
        assertEquals(40, acc.summary("93").orElseThrow().coverage(0.8).orElseThrow().inside());
        acc.close();
        assertTrue(registry.gauge("closecast_online_coverage", tags80).isEmpty(), "coverage gauges removed on close");
    }

    @Test
    void maseIsUnknownWhileNaiveIsPerfectAndVersionsAreKeptApart() {
        OnlineAccuracy acc = OnlineAccuracy.create(Metrics.globalRegistry(), M, 100);
        long before = acc.received();
        OnlineAccuracy.Summary flat = acc.record(fb(0, 50, 51, 50, "92"));
        assertFalse(flat.mase().isPresent(), "naive MAE 0: MASE not defined");
        assertTrue(Double.isNaN(Metrics.globalRegistry().gauge("closecast_online_mase", List.of(Tag.create("model", M), Tag.create("version", "92")))
                .map(Gauge::value).orElseThrow().doubleValue()));
        acc.record(fb(0, 50, 55, 40, "100"));
        assertEquals(List.of("100", "92"), acc.summaries().stream().map(OnlineAccuracy.Summary::version).toList());
        assertEquals(1, acc.summary("92").orElseThrow().count());
        assertEquals(before + 2, acc.received());
        acc.close();
    }

    @Test
    void onlyTheMostRecentlyReportedVersionsKeepGauges() {
        MeterRegistry registry = Metrics.globalRegistry();
        OnlineAccuracy acc = OnlineAccuracy.create(registry, M, 10);
        for (int v = 0; v <= OnlineAccuracy.MAX_VERSIONS; v++) {
            acc.record(fb(0, 10, 11, 9, Integer.toString(500 + v)));
        }
        assertEquals(OnlineAccuracy.MAX_VERSIONS, acc.summaries().size());
        assertTrue(acc.summary("500").isEmpty(), "the least recently reported version is dropped");
        assertTrue(registry.gauge("closecast_online_mae", List.of(Tag.create("model", M), Tag.create("version", "500"))).isEmpty());
        assertTrue(registry.gauge("closecast_online_mae", List.of(Tag.create("model", M), Tag.create("version", "520"))).isPresent());
        acc.close();
    }

    @Test
    void twoModelsKeepTheirOwnWindowsVersionsAndGaugesEvenForTheSameVersionNumber() {
        MeterRegistry registry = Metrics.globalRegistry();
        OnlineAccuracy msft = OnlineAccuracy.create(registry, "closecast-acc-msft", 2);
        OnlineAccuracy aapl = OnlineAccuracy.create(registry, "closecast-acc-aapl", 100);
        long aaplBefore = aapl.received();
        // both models serve a version "3"; msft's forecasts are 1 off (naive 2 off), aapl's 4 off (naive 2 off)
        msft.record(fb(0, 100, 150, 100, "3")); // falls out of msft's window of 2
        msft.record(fb(1, 100, 101, 98, "3"));
        msft.record(new OnlineAccuracy.Feedback(D.plusDays(2), 100, 99, 102, "3",
                List.of(new OnlineAccuracy.Interval(0.8, 98, 102))));
        aapl.record(fb(1, 50, 54, 48, "3"));
        aapl.record(new OnlineAccuracy.Feedback(D.plusDays(2), 50, 46, 52, "3",
                List.of(new OnlineAccuracy.Interval(0.8, 51, 60))));
        aapl.record(fb(3, 50, 54, 52, "4"));

        OnlineAccuracy.Summary m3 = msft.summary("3").orElseThrow();
        assertEquals(2, m3.count(), "msft's window is 2 days");
        assertEquals(1.0, m3.mae(), 1e-12);
        assertEquals(2.0, m3.naiveMae(), 1e-12);
        assertEquals(0.5, m3.mase().getAsDouble(), 1e-12);
        assertEquals(1.0, m3.coverage(0.8).orElseThrow().coverage(), 1e-12);
        OnlineAccuracy.Summary a3 = aapl.summary("3").orElseThrow();
        assertEquals(2, a3.count());
        assertEquals(4.0, a3.mae(), 1e-12);
        assertEquals(2.0, a3.mase().getAsDouble(), 1e-12);
        assertEquals(0.0, a3.coverage(0.8).orElseThrow().coverage(), 1e-12);
        assertEquals(List.of("3"), msft.summaries().stream().map(OnlineAccuracy.Summary::version).toList(),
                "aapl's version 4 is not msft's");
        assertEquals(List.of("4", "3"), aapl.summaries().stream().map(OnlineAccuracy.Summary::version).toList());
        assertEquals(2, msft.window());
        assertEquals(100, aapl.window());
        assertEquals(3, aapl.received() - aaplBefore, "the counter is aapl's own");
        assertEquals("closecast-acc-msft", msft.model());

        // each model's gauges carry its name: the same version "3" is two series
        List<Tag> msftTags = List.of(Tag.create("model", "closecast-acc-msft"), Tag.create("version", "3"));
        List<Tag> aaplTags = List.of(Tag.create("model", "closecast-acc-aapl"), Tag.create("version", "3"));
        assertEquals(0.5, registry.gauge("closecast_online_mase", msftTags).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        assertEquals(2.0, registry.gauge("closecast_online_mase", aaplTags).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        assertEquals(0.0, registry.gauge("closecast_online_coverage", List.of(Tag.create("model", "closecast-acc-aapl"),
                Tag.create("version", "3"), Tag.create("level", "0.8"))).map(Gauge::value).orElseThrow().doubleValue(), 1e-12);
        assertEquals(3.0, registry.counter("closecast_feedback", List.of(Tag.create("model", "closecast-acc-aapl")))
                .orElseThrow().count() - aaplBefore, 1e-12);

        // closing one model's accuracy removes its gauges only
        msft.close();
        assertTrue(registry.gauge("closecast_online_mase", msftTags).isEmpty());
        assertTrue(registry.gauge("closecast_online_mase", aaplTags).isPresent(), "aapl's gauges stay");
        aapl.close();
    }

    @Test
    void badValuesAreRefused() {
        assertEquals("actual must be a finite price > 0, found -1.0",
                assertThrows(ServingException.class, () -> fb(0, -1, 1, 1, "1")).getMessage());
        assertEquals("feedback.window must be 1..100000, found 0",
                assertThrows(ServingException.class, () -> OnlineAccuracy.create(Metrics.globalRegistry(), M, 0)).getMessage());
        assertEquals("model must not be blank, found ' '",
                assertThrows(ServingException.class, () -> OnlineAccuracy.create(Metrics.globalRegistry(), " ", 10)).getMessage());
    }
}
