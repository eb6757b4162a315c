package io.closecast.serving.track;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

import io.closecast.model.evaluation.DieboldMariano;

/**
 * A model's live track record from its scored forecasts: per version and horizon step, over the latest
 * {@code window} scored target days, the MAE, the naive forecast's MAE on the same days and MASE (their ratio),
 * directional accuracy (the forecast's move from the last close has the sign of the realised move; days without a
 * realised move left out) beside the share of up days, interval coverage per level, and once
 * {@value #DM_MIN_DAYS} or more days are scored a Diebold-Mariano test (absolute loss) of the forecasts against naive.
 *
 * @param model    registered model name
 * @param window   scored days per version and step at most
 * @param counts   what the log holds for the model
 * @param undated  undated forecasts the model answered since this process started (counted, not logged)
 * @param versions per version (the highest number first), per step
 */
public record TrackRecord(String model, int window, TrackStore.Counts counts, long undated, List<Line> versions) {

    /** Scored days before the Diebold-Mariano test is run. */
    public static final int DM_MIN_DAYS = 30;

    public TrackRecord {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(counts, "counts");
        versions = List.copyOf(versions);
    }

    /** Coverage of one level: {@code inside} of {@code days}. */
    public record LevelCoverage(double level, int inside, int days) {
        public double coverage() {
            return days == 0 ? Double.NaN : (double) inside / days;
        }
    }

    /** The Diebold-Mariano test of the live forecasts against naive (absolute loss). */
    public record Dm(double statistic, double pTwoSided, double pBetter, int days) {
    }

    /**
     * One version's figures at one horizon step.
     *
     * @param directionalAccuracy share of days with a realised move whose forecast move had its sign; empty without such days
     * @param upDayShare          share of those days that closed above the last close
     * @param mase                mae / naiveMae; empty while naiveMae is 0
     * @param dm                  empty until {@link #DM_MIN_DAYS} days are scored
     */
    public record Line(String version, int step, int days, LocalDate first, LocalDate last, double mae, double naiveMae,
                       OptionalDouble mase, OptionalDouble directionalAccuracy, OptionalDouble upDayShare,
                       List<LevelCoverage> coverage, Optional<Dm> dm) {
        public Line {
            coverage = List.copyOf(coverage);
        }
    }

    /** Computes the record from every score of the model (any order). */
    public static TrackRecord of(String model, int window, TrackStore.Counts counts, long undated, List<Score> scores) {
        Map<String, Map<Integer, List<Score>>> byVersion = new TreeMap<>();
        for (Score s : scores) {
            byVersion.computeIfAbsent(s.key().version(), v -> new TreeMap<>())
                    .computeIfAbsent(s.key().step(), k -> new ArrayList<>()).add(s);
        }
        List<Line> lines = new ArrayList<>();
        byVersion.forEach((version, steps) -> steps.forEach((step, list) -> lines.add(line(version, step, window, list))));
        lines.sort(Comparator.comparing((Line l) -> l.version().length()).thenComparing(Line::version).reversed()
                .thenComparingInt(Line::step));
        return new TrackRecord(model, window, counts, undated, lines);
    }

    static Line line(String version, int step, int window, List<Score> all) {
        List<Score> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Score::target).thenComparing(s -> s.key().symbol()));
        List<Score> days = sorted.subList(Math.max(0, sorted.size() - window), sorted.size());
        int n = days.size();
        double err = 0;
        double naive = 0;
        int moved = 0;
        int hit = 0;
        int up = 0;
        Map<Double, int[]> levels = new TreeMap<>();
        double[] e1 = new double[n];
        double[] e2 = new double[n];
        for (int i = 0; i < n; i++) {
            Score s = days.get(i);
            err += s.absError();
            naive += s.naiveError();
            e1[i] = s.point() - s.actual();
            e2[i] = s.naive() - s.actual();
            double realised = Math.signum(s.actual() - s.naive());
            if (realised != 0) {
                moved++;
                up += realised > 0 ? 1 : 0;
                hit += Math.signum(s.point() - s.naive()) == realised ? 1 : 0;
            }
            for (Score.Coverage c : s.bounds()) {
                int[] counts = levels.computeIfAbsent(c.level(), l -> new int[2]);
                counts[0] += c.inside() ? 1 : 0;
                counts[1]++;
            }
        }
        double mae = err / n;
        double naiveMae = naive / n;
        List<LevelCoverage> coverage = new ArrayList<>();
        levels.forEach((level, c) -> coverage.add(new LevelCoverage(level, c[0], c[1])));
        Optional<Dm> dm = Optional.empty();
        if (n >= DM_MIN_DAYS) {
            DieboldMariano.Result r = DieboldMariano.test(e1, e2, step, DieboldMariano.Loss.ABSOLUTE);
            dm = Optional.of(new Dm(r.statistic(), r.pTwoSided(), r.pBetter(), r.n()));
        }
        return new Line(version, step, n, days.getFirst().target(), days.getLast().target(), mae, naiveMae,
                naiveMae > 0 ? OptionalDouble.of(mae / naiveMae) : OptionalDouble.empty(),
                moved > 0 ? OptionalDouble.of((double) hit / moved) : OptionalDouble.empty(),
                moved > 0 ? OptionalDouble.of((double) up / moved) : OptionalDouble.empty(), coverage, dm);
    }
}
