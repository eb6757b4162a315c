package io.closecast.model.prices.checks;

import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceSeries;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Data checks for a daily price series: duplicates, unsorted rows, missing values, non-positive prices,
 * Close outside [Low, High], zero-volume days, runs of repeated closes, calendar gaps and large moves.
 * Row checks look at each row as read; the sequence checks (runs, gaps, moves) look at the rows sorted by
 * date, first occurrence of each date, skipping rows whose close is missing or not positive.
 */
public final class PriceChecks {

    private PriceChecks() {
    }

    /** Relative tolerance of the {@code Low <= Close <= High} check: downloads round the three independently. */
    public static final double RANGE_TOLERANCE = 1e-9;

    /**
     * Runs every check on a series as read (any order, duplicates included).
     *
     * @param series the bars to check
     * @param config the thresholds for gaps, moves and repeated prices
     * @return every finding, by kind then date; none for a clean series
     */
    public static CheckReport run(PriceSeries series, CheckConfig config) {
        List<Finding> found = new ArrayList<>();
        List<PriceBar> bars = series.bars();
        if (series.adjCloseFromClose() && !bars.isEmpty()) {
            LocalDate first = bars.stream().map(PriceBar::date).min(LocalDate::compareTo).orElseThrow();
            LocalDate last = bars.stream().map(PriceBar::date).max(LocalDate::compareTo).orElseThrow();
            found.add(new Finding(FindingKind.MISSING_ADJ_CLOSE, first, last, List.of(),
                    "the file has no Adj Close column: Adj Close is taken equal to Close on every row"
                            + " (expected Adj Close for data.target adj-close; dividends and splits are not adjusted)"));
        }

        Map<LocalDate, Integer> firstRow = new HashMap<>();
        for (int i = 0; i < bars.size(); i++) {
            LocalDate date = bars.get(i).date();
            Integer first = firstRow.putIfAbsent(date, i);
            if (first != null) {
                found.add(new Finding(FindingKind.DUPLICATE_DATE, date, date, List.of(i),
                        "date appears again on line " + line(i) + ", first on line " + line(first)
                                + "; expected each date once"));
            }
        }
        LocalDate latest = null;
        for (int i = 0; i < bars.size(); i++) {
            LocalDate date = bars.get(i).date();
            if (latest != null && date.isBefore(latest)) {
                found.add(new Finding(FindingKind.UNSORTED, date, date, List.of(i),
                        "line " + line(i) + " is dated before " + latest + " on an earlier line; expected ascending dates"));
            }
            if (latest == null || date.isAfter(latest)) {
                latest = date;
            }
        }
        for (int i = 0; i < bars.size(); i++) {
            PriceBar bar = bars.get(i);
            List<String> missing = new ArrayList<>();
            List<String> nonPositive = new ArrayList<>();
            for (PriceColumn c : PriceColumn.values()) {
                double v = bar.value(c);
                if (Double.isNaN(v)) {
                    missing.add(c.header());
                } else if (c == PriceColumn.VOLUME ? v < 0 : v <= 0) {
                    nonPositive.add(c.header() + "=" + num(v));
                }
            }
            LocalDate d = bar.date();
            if (!missing.isEmpty()) {
                found.add(new Finding(FindingKind.MISSING_VALUE, d, d, List.of(i),
                        "missing " + String.join(", ", missing) + " on line " + line(i)));
            }
            if (!nonPositive.isEmpty()) {
                found.add(new Finding(FindingKind.NON_POSITIVE_PRICE, d, d, List.of(i),
                        "expected prices > 0 and volume >= 0, found " + String.join(", ", nonPositive)
                                + " on line " + line(i)));
            }
            if (!Double.isNaN(bar.close()) && !Double.isNaN(bar.low()) && !Double.isNaN(bar.high())
                    && outsideRange(bar.close(), bar.low(), bar.high())) {
                found.add(new Finding(FindingKind.CLOSE_OUTSIDE_RANGE, d, d, List.of(i),
                        "expected Low <= Close <= High, found Low=" + num(bar.low()) + " Close=" + num(bar.close())
                                + " High=" + num(bar.high())));
            }
            if (bar.volume() == 0) {
                boolean flat = bar.open() == bar.high() && bar.high() == bar.low() && bar.low() == bar.close();
                found.add(new Finding(FindingKind.ZERO_VOLUME, d, d, List.of(i),
                        flat ? "volume 0 with a flat bar (Open=High=Low=Close=" + num(bar.close())
                                + "): likely a non-trading day"
                                : "volume 0 with Open=" + num(bar.open()) + " Close=" + num(bar.close())));
            }
        }

        int[] order = sequence(series, firstRow);
        int runStart = 0;
        for (int k = 1; k <= order.length; k++) {
            boolean same = k < order.length && bars.get(order[k]).close() == bars.get(order[runStart]).close();
            if (!same) {
                int length = k - runStart;
                if (length >= config.minRepeatedRun()) {
                    List<Integer> rows = IntStream.range(runStart + 1, k).mapToObj(j -> order[j]).toList();
                    found.add(new Finding(FindingKind.REPEATED_PRICES, bars.get(order[runStart]).date(),
                            bars.get(order[k - 1]).date(), rows,
                            length + " identical closes of " + num(bars.get(order[runStart]).close())
                                    + " in a row (reported from " + config.minRepeatedRun() + ")"));
                }
                runStart = k;
            }
        }
        for (int k = 1; k < order.length; k++) {
            PriceBar prev = bars.get(order[k - 1]);
            PriceBar bar = bars.get(order[k]);
            long days = ChronoUnit.DAYS.between(prev.date(), bar.date());
            if (days > config.maxGapDays()) {
                found.add(new Finding(FindingKind.CALENDAR_GAP, prev.date(), bar.date(), List.of(),
                        days + " calendar days between rows, expected at most " + config.maxGapDays()));
            }
            double move = bar.close() / prev.close() - 1;
            if (Math.abs(move) > config.maxMove()) {
                found.add(new Finding(FindingKind.LARGE_MOVE, bar.date(), bar.date(), List.of(order[k]),
                        String.format(Locale.ROOT, "close moved %+.1f%% (%s -> %s) since %s, expected at most %.1f%%",
                                move * 100, num(prev.close()), num(bar.close()), prev.date(), config.maxMove() * 100)));
            }
        }
        found.sort(Comparator.comparing(Finding::kind).thenComparing(Finding::from));
        return new CheckReport(series, config, found);
    }

    /** Row indexes sorted by date: the first row of each date whose close is present and positive. */
    private static int[] sequence(PriceSeries series, Map<LocalDate, Integer> firstRow) {
        return firstRow.values().stream()
                .filter(i -> {
                    double c = series.bar(i).close();
                    return !Double.isNaN(c) && c > 0;
                })
                .sorted(Comparator.comparing(i -> series.bar(i).date()))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static int line(int index) {
        return index + 2;
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Close below Low or above High by more than {@link #RANGE_TOLERANCE} of the price (float rounding is not a finding). */
    static boolean outsideRange(double close, double low, double high) {
        double tolerance = RANGE_TOLERANCE * Math.max(Math.abs(low), Math.abs(high));
        return close < low - tolerance || close > high + tolerance;
    }
}
