package io.closecast.serving.dashboard;

import io.closecast.model.intervals.IntervalSpec;
import io.closecast.serving.dashboard.Comparison.Tone;
import io.closecast.serving.models.ModelInfo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the dashboard's model card says about a version, in words decided here (not by the page): the point forecast
 * against naive on the test period (Diebold-Mariano, absolute loss, at {@value Comparison#ALPHA}), the intervals'
 * calibration per level (Kupiec and Christoffersen at the same level) and their interval score beside GARCH(1,1)'s,
 * and the live track record beside them ({@link LiveVerdict}). Read from the version's test metrics (its tags:
 * {@code test_mae}, {@code naive_test_mae}, {@code test_dm_abs_p_better}, {@code test_kupiec_p_80},
 * {@code garch_test_interval_score_80}, ...); the first horizon step's (the un-prefixed keys).
 *
 * @param model     registered model name
 * @param version   the version judged
 * @param point     test-period MAE against naive's
 * @param mase      test-period MASE (NaN: not recorded)
 * @param days      test-period days (0: not recorded)
 * @param intervals the calibration verdict over every level
 * @param levels    per interval level, widest last
 * @param live       the live track record's verdict
 * @param challenger a challenger in shadow beside this version; empty when the model names no shadow alias
 */
public record ModelVerdict(String model, String version, Comparison point, double mase, int days, Intervals intervals,
                           List<Level> levels, LiveVerdict live, Optional<ShadowVerdict> challenger) {

    private static final Pattern COVERAGE = Pattern.compile("test_coverage_(\\d+(?:_\\d+)?)");

    public ModelVerdict {
        levels = List.copyOf(levels);
    }

    /**
     * The intervals over all levels.
     *
     * @param tone {@code BETTER}: calibrated at every level; {@code WORSE}: a level fails a test; {@code NONE}: no
     *             interval metrics, or coverage without the tests
     */
    public record Intervals(Tone tone, String text) {
    }

    /**
     * One interval level on the test period.
     *
     * @param level                  nominal coverage, e.g. 0.8
     * @param coverage               share of days inside (NaN: not recorded)
     * @param kupiecP                Kupiec's proportion-of-failures p-value (NaN: not recorded)
     * @param christoffersenIndP     Christoffersen's independence p-value (NaN: not recorded)
     * @param christoffersenCcP      Christoffersen's conditional-coverage p-value (NaN: not recorded)
     * @param calibration            {@code BETTER}: both tests pass; {@code WORSE}: one fails; {@code NONE}: not tested
     * @param calibrationText        e.g. "80 % interval under-covers (Kupiec p = 0.01)"
     * @param againstGarch           the Winkler interval score against GARCH(1,1)'s on the same days
     * @param constantIntervalScore  the constant-width baseline's interval score (NaN: not recorded)
     */
    public record Level(double level, double coverage, double kupiecP, double christoffersenIndP, double christoffersenCcP,
                        Tone calibration, String calibrationText, Comparison againstGarch, double constantIntervalScore) {
    }

    /**
     * One verdict line of the card.
     *
     * @param topic {@code test} (the point forecast), {@code intervals}, {@code interval_score} (one level against
     *              GARCH(1,1)), {@code live} or {@code challenger}
     * @param level the interval level of an {@code interval_score} line, else NaN
     */
    public record Line(String topic, double level, Tone tone, String text) {
    }

    /**
     * The card's verdict lines, in order: the point forecast, the intervals, each level against GARCH, live, the
     * challenger in shadow.
     */
    public List<Line> lines() {
        List<Line> out = new ArrayList<>();
        out.add(new Line("test", Double.NaN, point.tone(), "Test period MAE: " + point.text()));
        out.add(new Line("intervals", Double.NaN, intervals.tone(), intervals.text()));
        for (Level l : levels) {
            if (!Double.isNaN(l.againstGarch().reference())) {
                out.add(new Line("interval_score", l.level(), l.againstGarch().tone(),
                        label(l.level()) + " interval score: " + l.againstGarch().text()));
            }
        }
        out.add(new Line("live", Double.NaN, live.tone(), live.text()));
        challenger.ifPresent(c -> out.add(new Line("challenger", Double.NaN, c.tone(), c.text())));
        return out;
    }

    /** The texts of {@link #lines()}. */
    public List<String> texts() {
        return lines().stream().map(Line::text).toList();
    }

    /** The verdict of {@code info}'s test metrics beside {@code live}, with no challenger. */
    public static ModelVerdict of(ModelInfo info, LiveVerdict live) {
        return of(info, live, Optional.empty());
    }

    /** The verdict of {@code info}'s test metrics beside {@code live} and a challenger in shadow. */
    public static ModelVerdict of(ModelInfo info, LiveVerdict live, Optional<ShadowVerdict> challenger) {
        Map<String, Double> m = info.testMetrics();
        Comparison point = Comparison.of(get(m, "test_mae"), get(m, "naive_test_mae"), get(m, "test_dm_abs_p_better"), "naive");
        double days = get(m, "test_days");
        List<Level> levels = new ArrayList<>();
        for (String name : levelNames(m)) {
            levels.add(level(m, name));
        }
        return new ModelVerdict(info.name(), info.version(), point, get(m, "test_mase"),
                Double.isFinite(days) ? (int) Math.round(days) : 0, intervals(levels), levels, live, challenger);
    }

    private static TreeSet<String> levelNames(Map<String, Double> m) {
        TreeSet<String> names = new TreeSet<>((a, b) -> Double.compare(level(a), level(b)));
        for (String key : m.keySet()) {
            Matcher x = COVERAGE.matcher(key);
            if (x.matches()) {
                names.add(x.group(1));
            }
        }
        return names;
    }

    private static double level(String name) {
        return new BigDecimal(name.replace('_', '.')).movePointLeft(2).doubleValue();
    }

    private static Level level(Map<String, Double> m, String name) {
        double level = level(name);
        double coverage = get(m, "test_coverage_" + name);
        double kupiec = get(m, "test_kupiec_p_" + name);
        double ind = get(m, "test_christoffersen_ind_p_" + name);
        double cc = get(m, "test_christoffersen_cc_p_" + name);
        String label = label(level) + " interval";
        Tone tone;
        String text;
        if (Double.isNaN(kupiec)) {
            tone = Tone.NONE;
            text = label + " not tested for calibration (coverage " + Comparison.ratio(coverage) + ")";
        } else if (kupiec < Comparison.ALPHA) {
            tone = Tone.WORSE;
            text = label + (coverage < level ? " under-covers" : " over-covers") + " (coverage " + Comparison.ratio(coverage)
                    + ", Kupiec " + Comparison.p(kupiec) + ")";
        } else if (cc < Comparison.ALPHA || ind < Comparison.ALPHA) {
            tone = Tone.WORSE;
            double shown = Double.isNaN(ind) ? cc : Math.min(ind, Double.isNaN(cc) ? ind : cc);
            text = label + "'s misses cluster (Christoffersen " + Comparison.p(shown) + ")";
        } else {
            tone = Tone.BETTER;
            text = label + " calibrated (coverage " + Comparison.ratio(coverage) + ", Kupiec " + Comparison.p(kupiec)
                    + (Double.isNaN(cc) ? "" : ", Christoffersen " + Comparison.p(cc)) + ")";
        }
        Comparison garch = Comparison.of(get(m, "test_interval_score_" + name), get(m, "garch_test_interval_score_" + name),
                get(m, "test_dm_garch_interval_score_" + name + "_p_better"), "GARCH(1,1)");
        return new Level(level, coverage, kupiec, ind, cc, tone, text, garch, get(m, "baseline_test_interval_score_" + name));
    }

    private static Intervals intervals(List<Level> levels) {
        if (levels.isEmpty()) {
            return new Intervals(Tone.NONE, "No interval metrics recorded with this version");
        }
        List<Level> failed = levels.stream().filter(l -> l.calibration() == Tone.WORSE).toList();
        List<Level> passed = levels.stream().filter(l -> l.calibration() == Tone.BETTER).toList();
        List<Level> untested = levels.stream().filter(l -> l.calibration() == Tone.NONE).toList();
        if (!failed.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Level l : failed) {
                sb.append(sb.isEmpty() ? "" : "; ").append(l.calibrationText());
            }
            if (!passed.isEmpty()) {
                sb.append("; calibrated at ").append(labels(passed));
            }
            return new Intervals(Tone.WORSE, capitalised(sb.toString()));
        }
        if (!untested.isEmpty()) {
            return new Intervals(Tone.NONE, "Intervals not tested for calibration (Kupiec, Christoffersen) at "
                    + labels(untested) + (passed.isEmpty() ? "" : "; calibrated at " + labels(passed)));
        }
        return new Intervals(Tone.BETTER, "Intervals calibrated at " + labels(passed)
                + " (Kupiec and Christoffersen p \u2265 " + Comparison.ALPHA + " at each)");
    }

    /** "80 % and 95 %", "80 %, 90 % and 95 %". */
    private static String labels(List<Level> levels) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levels.size(); i++) {
            sb.append(i == 0 ? "" : i == levels.size() - 1 ? " and " : ", ").append(label(levels.get(i).level()));
        }
        return sb.toString();
    }

    /** A level as the card writes it: {@code 80 %}, {@code 97.5 %}. */
    public static String label(double level) {
        return IntervalSpec.levelName(level).replace('_', '.') + " %";
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static double get(Map<String, Double> m, String key) {
        Double v = m.get(key);
        return v == null || !Double.isFinite(v) ? Double.NaN : v;
    }
}
