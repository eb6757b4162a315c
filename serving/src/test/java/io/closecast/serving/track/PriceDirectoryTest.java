package io.closecast.serving.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad bars are refused with the data checks' rules, future and non-trading days too; good ones pass. */
class PriceDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void refusesBadBarsAndKeepsGoodOnes() throws Exception {
        Files.writeString(dir.resolve("MSFT.csv"), String.join("\n",
                "Date,Open,High,Low,Close,Adj Close,Volume",
                "2024-12-02,100,101,99,100.5,100.5,1000",
                "2024-12-03,100,101,99,-100.5,100.5,1000",   // non-positive price
                "2024-12-04,100,101,99,100.7,100.7,1000",
                "2024-12-04,100,101,99,100.9,100.9,1000",    // duplicate date
                "2024-12-05,100,101,99,120,120,1000",        // close outside [low, high]
                "2024-12-07,100,101,99,100.1,100.1,1000",    // a Saturday
                "2024-12-25,100,101,99,100.2,100.2,1000",    // Christmas, NYSE closed
                "2024-12-26,100,101,99,100.3,100.3,1000",
                "2024-12-27,100,101,99,100.4,100.4,1000") + "\n"); // after the clock's today
        Clock clock = Clock.fixed(LocalDate.of(2024, 12, 26).atTime(22, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        PriceDirectory.Refresh r = new PriceDirectory(dir, clock).read("MSFT", LocalDate.MIN);
        assertEquals(Map.of(LocalDate.of(2024, 12, 2), 100.5, LocalDate.of(2024, 12, 4), 100.7,
                LocalDate.of(2024, 12, 26), 100.3), r.accepted());
        assertEquals(6, r.refused().size(), r.refused().toString());
        List<String> refused = r.refused();
        assertTrue(refused.stream().anyMatch(s -> s.contains("NON_POSITIVE_PRICE") && s.contains("2024-12-03")), refused.toString());
        assertTrue(refused.stream().anyMatch(s -> s.contains("DUPLICATE_DATE")), refused.toString());
        assertTrue(refused.stream().anyMatch(s -> s.contains("CLOSE_OUTSIDE_RANGE")), refused.toString());
        assertTrue(refused.stream().anyMatch(s -> s.startsWith("2024-12-07: not a trading day")), refused.toString());
        assertTrue(refused.stream().anyMatch(s -> s.startsWith("2024-12-25: not a trading day")), refused.toString());
        assertTrue(refused.stream().anyMatch(s -> s.startsWith("2024-12-27: dated after today")), refused.toString());

        PriceDirectory.Refresh later = new PriceDirectory(dir, clock).read("MSFT", LocalDate.of(2024, 12, 4));
        assertEquals(Map.of(LocalDate.of(2024, 12, 26), 100.3), later.accepted(), "only bars after the last stored day");
    }

    /** A B3 listing's closes go by B3's calendar: none on Carnival or the year's last day, Ash Wednesday's kept. */
    @Test
    void refusesBarsOnB3sHolidaysForAB3Listing() throws Exception {
        Files.writeString(dir.resolve("PETR4.SA.csv"), String.join("\n",
                "Date,Open,High,Low,Close,Adj Close,Volume",
                "2024-12-30,36,37,35,36.19,36.19,1000",
                "2024-12-31,36,37,35,36.2,36.2,1000",         // B3 does not trade on the year's last day
                "2025-02-28,36,37,35,36.3,36.3,1000",
                "2025-03-03,36,37,35,36.4,36.4,1000",         // Carnival Monday
                "2025-03-05,36,37,35,36.5,36.5,1000") + "\n"); // Ash Wednesday: trades from 13:00
        Clock clock = Clock.fixed(LocalDate.of(2025, 3, 6).atTime(22, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        PriceDirectory.Refresh r = new PriceDirectory(dir, clock).read("PETR4.SA", LocalDate.MIN);
        assertEquals(Map.of(LocalDate.of(2024, 12, 30), 36.19, LocalDate.of(2025, 2, 28), 36.3,
                LocalDate.of(2025, 3, 5), 36.5), r.accepted());
        assertEquals(2, r.refused().size(), r.refused().toString());
        assertTrue(r.refused().stream().anyMatch(s -> s.startsWith("2024-12-31: not a trading day")), r.refused().toString());
        assertTrue(r.refused().stream().anyMatch(s -> s.startsWith("2025-03-03: not a trading day")), r.refused().toString());
    }
}
