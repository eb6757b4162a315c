package io.closecast.model.prices.checks;

import io.closecast.model.TestData;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceChecksTest {

    private static final List<LocalDate> FLAT_HOLIDAYS = List.of("2017-06-15", "2017-09-07", "2017-10-12", "2017-11-02",
            "2017-11-15", "2017-11-20", "2017-12-25", "2017-12-29", "2018-01-25").stream().map(LocalDate::parse).toList();

    @Test
    void closeOutsideRangeToleratesFloatRoundingOnly() {
        // A download rounds Close and High separately: 33.68000030517578 vs 33.68 is rounding, not a glitch.
        PriceSeries s = PriceCsv.parse(PriceCsv.HEADER + "\n"
                + "2024-01-02,33.1,33.68,33.0,33.68000000001,33.68,100\n"
                + "2024-01-03,33.1,33.68,33.0,33.7,33.7,100\n"
                + "2024-01-04,33.1,33.68,33.0,32.99999999999,32.99,100\n", "X");
        List<Finding> outside = PriceChecks.run(s, CheckConfig.defaults()).findings(FindingKind.CLOSE_OUTSIDE_RANGE);
        assertEquals(List.of(LocalDate.of(2024, 1, 3)), outside.stream().map(Finding::from).toList());
    }

    @Test
    void petr4HasItsKnownProblems() {
        CheckReport report = PriceChecks.run(TestData.read("PETR4.SA.csv"), CheckConfig.defaults());

        List<LocalDate> zeroVolume = report.findings(FindingKind.ZERO_VOLUME).stream().map(Finding::from).toList();
        assertTrue(zeroVolume.containsAll(FLAT_HOLIDAYS), zeroVolume.toString());
        List<LocalDate> zeroVolumeSince2017 = zeroVolume.stream().filter(d -> d.getYear() >= 2017).toList();
        // 2017-05-29 is a tenth flat zero-volume row in the same period.
        assertEquals(10, zeroVolumeSince2017.size(), zeroVolumeSince2017.toString());
        assertEquals(54, zeroVolume.size());

        List<Finding> outside = report.findings(FindingKind.CLOSE_OUTSIDE_RANGE);
        assertEquals(1, outside.size());
        assertEquals(LocalDate.of(2014, 4, 2), outside.getFirst().from());
        assertEquals("expected Low <= Close <= High, found Low=15.7 Close=15.56 High=16.6", outside.getFirst().detail());

        List<Finding> runs = report.findings(FindingKind.REPEATED_PRICES);
        assertEquals(List.of("2011-05-10..2011-05-18", "2011-07-28..2011-08-16", "2011-10-21..2011-10-27"),
                runs.stream().map(Finding::dates).toList());
        assertTrue(runs.get(1).detail().startsWith("14 identical closes"), runs.get(1).detail());
        assertEquals(13, runs.get(1).rows().size());

        List<Finding> gaps = report.findings(FindingKind.CALENDAR_GAP);
        assertEquals(List.of("2012-02-17..2012-02-23"), gaps.stream().map(Finding::dates).toList());

        List<Finding> moves = report.findings(FindingKind.LARGE_MOVE);
        assertEquals(List.of(LocalDate.of(2020, 3, 9)), moves.stream().map(Finding::from).toList());
        assertTrue(moves.getFirst().detail().startsWith("close moved -29.7%"), moves.getFirst().detail());

        assertTrue(report.findings(FindingKind.DUPLICATE_DATE).isEmpty());
        assertTrue(report.findings(FindingKind.UNSORTED).isEmpty());
        assertTrue(report.findings(FindingKind.MISSING_VALUE).isEmpty());
        assertTrue(report.findings(FindingKind.NON_POSITIVE_PRICE).isEmpty());
    }

    @Test
    void msftAndAaplAreClean() {
        assertEquals(List.of(), PriceChecks.run(TestData.read("MSFT.csv"), CheckConfig.defaults()).findings());
        assertEquals(List.of(), PriceChecks.run(TestData.read("AAPL.csv"), CheckConfig.defaults()).findings());
    }

    @Test
    void tighterGapThresholdFlagsHurricaneSandyOnMsft() {
        CheckReport report = PriceChecks.run(TestData.read("MSFT.csv"), CheckConfig.defaults().withMaxGapDays(4));
        assertEquals(List.of("2012-10-26..2012-10-31"), report.findings().stream().map(Finding::dates).toList());
    }

    @Test
    void findsEveryKindInASmallSeries() {
        String csv = PriceCsv.HEADER + "\n"
                + "2024-01-02,10,11,9,10,10,100\n"
                + "2024-01-03,10,11,9,10.5,10.5,100\n"
                + "2024-01-03,10,11,9,10.5,10.5,100\n"    // duplicate (line 4)
                + "2024-01-01,10,11,9,10,10,100\n"        // unsorted (line 5)
                + "2024-01-04,10,11,9,,10,100\n"          // missing close
                + "2024-01-05,10,11,9,-1,10,100\n"        // non-positive (and below Low)
                + "2024-01-08,10,11,9,12,12,100\n"        // close above high
                + "2024-01-09,10,11,9,10,10,0\n"          // zero volume
                + "2024-01-20,10,20,9,19,19,100\n";       // gap of 11 days, +90% move
        CheckReport report = PriceChecks.run(PriceCsv.parse(csv, "X"), CheckConfig.defaults());
        assertEquals(List.of(FindingKind.DUPLICATE_DATE, FindingKind.UNSORTED, FindingKind.MISSING_VALUE,
                        FindingKind.NON_POSITIVE_PRICE, FindingKind.CLOSE_OUTSIDE_RANGE, FindingKind.CLOSE_OUTSIDE_RANGE,
                        FindingKind.ZERO_VOLUME,
                        FindingKind.CALENDAR_GAP, FindingKind.LARGE_MOVE),
                report.findings().stream().map(Finding::kind).toList());
        assertEquals(List.of(2), report.findings(FindingKind.DUPLICATE_DATE).getFirst().rows());
        assertEquals("missing Close on line 6", report.findings(FindingKind.MISSING_VALUE).getFirst().detail());
        assertEquals("expected prices > 0 and volume >= 0, found Close=-1 on line 7",
                report.findings(FindingKind.NON_POSITIVE_PRICE).getFirst().detail());
        assertEquals("11 calendar days between rows, expected at most 5",
                report.findings(FindingKind.CALENDAR_GAP).getFirst().detail());
        assertEquals(LocalDate.of(2024, 1, 20), report.findings(FindingKind.LARGE_MOVE).getFirst().from());
    }

    @Test
    void aRunShorterThanTheThresholdIsNotReported() {
        StringBuilder csv = new StringBuilder(PriceCsv.HEADER).append('\n');
        LocalDate d = LocalDate.of(2024, 1, 1);
        double[] closes = {10, 11, 11, 11, 11, 12, 12, 12, 12, 12, 13};
        for (double c : closes) {
            csv.append(d).append(",10,20,5,").append(c).append(',').append(c).append(",100\n");
            d = d.plusDays(1);
        }
        List<Finding> runs = PriceChecks.run(PriceCsv.parse(csv.toString(), "X"), CheckConfig.defaults())
                .findings(FindingKind.REPEATED_PRICES);
        assertEquals(List.of("2024-01-06..2024-01-10"), runs.stream().map(Finding::dates).toList());
    }
}
