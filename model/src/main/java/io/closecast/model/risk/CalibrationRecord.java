package io.closecast.model.risk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The out-of-sample interval test results a model version carries as key-value pairs (its registry tags), read back
 * by their key names: what training recorded for its held-out test period and what the latest
 * {@code closecast evaluate} recorded for its days. The key names are defined here once, for every reader that must
 * not depend on the writers (the service's {@code /v1/model}); the writers form them from
 * {@link RiskEvaluation#metrics(String)}: training logs {@code test_kupiec_p_80}, {@code garch_test_interval_score_80},
 * ... and copies them onto the version; {@code evaluate} tags {@code closecast.eval.kupiec_p_80},
 * {@code closecast.eval.garch_eval_interval_score_80}, ... A statistic that was not recorded stays empty: nothing is
 * derived or invented.
 *
 * @param periods the periods with at least one recorded level: {@value #TEST} first, then {@value #EVALUATION}
 */
public record CalibrationRecord(List<Period> periods) {

    /** The test level of the verdict: a p-value below it rejects correct coverage. */
    public static final double ALPHA = 0.05;
    /** The period training held out (the version's {@code test_*} tags). */
    public static final String TEST = "test";
    /** The latest {@code closecast evaluate} of the version (its {@code closecast.eval.*} tags). */
    public static final String EVALUATION = "evaluation";

    /** Prefix of the model's statistics of training's test period ({@code RiskEvaluation.metrics("test")}). */
    public static final String TEST_PREFIX = "test_";
    /** Prefix of GARCH(1,1)'s statistics of training's test period. */
    public static final String GARCH_TEST_PREFIX = "garch_test_";
    /** How many windows training's test period held (one next-day interval each). */
    public static final String TEST_DAYS = "test_windows";
    /** Prefix of the version tags of its latest {@code closecast evaluate} (pipeline's {@code ClosecastTags.EVAL_PREFIX}). */
    public static final String EVALUATION_PREFIX = "closecast.eval.";
    /** Prefix of GARCH(1,1)'s statistics of the latest evaluation. */
    public static final String GARCH_EVALUATION_PREFIX = EVALUATION_PREFIX + "garch_eval_";

    /** Statistic names, each followed by the level's name ({@code 80}, {@code 97_5}). */
    public static final String COVERAGE = "coverage_";
    public static final String KUPIEC_P = "kupiec_p_";
    public static final String INDEPENDENCE_P = "christoffersen_ind_p_";
    public static final String CONDITIONAL_COVERAGE_P = "christoffersen_cc_p_";
    public static final String INTERVAL_SCORE = "interval_score_";
    /** The Diebold-Mariano test of the interval scores against GARCH's: {@code dm_garch_interval_score_80_p_two_sided}. */
    public static final String DM_GARCH = "dm_garch_interval_score_";
    public static final String DM_TWO_SIDED = "_p_two_sided";

    private static final Pattern LEVEL_KEY = Pattern.compile("(?:" + KUPIEC_P + "|" + INTERVAL_SCORE + "|" + COVERAGE
            + ")(\\d{1,2}(?:_\\d+)?)");

    public CalibrationRecord {
        periods = List.copyOf(periods);
    }

    /**
     * One period's results.
     *
     * @param name     {@value #TEST} or {@value #EVALUATION}
     * @param range    the evaluated days {@code FROM..TO}, when recorded (an evaluation's)
     * @param days     how many next-day intervals were tested, when recorded
     * @param inSample whether the evaluated days overlap the training days, when recorded (an evaluation's)
     * @param levels   one entry per recorded level, ascending
     */
    public record Period(String name, Optional<String> range, Optional<Integer> days, Optional<Boolean> inSample,
                         List<Level> levels) {
        public Period {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(days, "days");
            Objects.requireNonNull(inSample, "inSample");
            levels = List.copyOf(levels);
        }

        /**
         * The period's verdict: it passes when every level passes, fails when one fails.
         *
         * @return empty when no level failed and some level's verdict is unknown
         */
        public Optional<Boolean> passes() {
            boolean unknown = false;
            for (Level l : levels) {
                Optional<Boolean> p = l.passes();
                if (p.isPresent() && !p.get()) {
                    return Optional.of(false);
                }
                unknown |= p.isEmpty();
            }
            return unknown || levels.isEmpty() ? Optional.empty() : Optional.of(true);
        }
    }

    /**
     * One level's results; each statistic empty when it was not recorded.
     *
     * @param level                the nominal level, in (0, 1)
     * @param coverage             the share of days inside the interval
     * @param kupiecP              the Kupiec proportion-of-failures p-value
     * @param independenceP        the Christoffersen independence p-value
     * @param conditionalCoverageP the Christoffersen conditional-coverage p-value
     * @param intervalScore        the mean Winkler interval score
     * @param garchIntervalScore   GARCH(1,1)'s mean interval score on the same days
     * @param dmGarchP             the two-sided Diebold-Mariano p-value of the interval scores against GARCH's
     */
    public record Level(double level, Optional<Double> coverage, Optional<Double> kupiecP, Optional<Double> independenceP,
                        Optional<Double> conditionalCoverageP, Optional<Double> intervalScore,
                        Optional<Double> garchIntervalScore, Optional<Double> dmGarchP) {

        /**
         * The coverage verdict at {@value #ALPHA}, the gate's rule: Kupiec's and Christoffersen's conditional-coverage
         * p-values both at least {@link #ALPHA}.
         *
         * @return pass (true) or fail (false); empty when either p-value was not recorded
         */
        public Optional<Boolean> passes() {
            if (kupiecP.isEmpty() || conditionalCoverageP.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(kupiecP.get() >= ALPHA && conditionalCoverageP.get() >= ALPHA);
        }
    }

    /**
     * Reads the results a version's tags carry.
     *
     * @param tags the version's tags (other keys are ignored; values that are not numbers are left out)
     * @return the periods that have at least one level recorded; no period when none has
     */
    public static CalibrationRecord read(Map<String, String> tags) {
        List<Period> periods = new ArrayList<>();
        period(tags, TEST, TEST_PREFIX, GARCH_TEST_PREFIX, Optional.empty(), number(tags, TEST_DAYS).map(Double::intValue),
                Optional.empty()).ifPresent(periods::add);
        period(tags, EVALUATION, EVALUATION_PREFIX, GARCH_EVALUATION_PREFIX,
                Optional.ofNullable(tags.get(EVALUATION_PREFIX + "range")),
                number(tags, EVALUATION_PREFIX + "days").map(Double::intValue),
                Optional.ofNullable(tags.get(EVALUATION_PREFIX + "in_sample")).map(v -> Boolean.parseBoolean(v.strip())))
                .ifPresent(periods::add);
        return new CalibrationRecord(periods);
    }

    private static Optional<Period> period(Map<String, String> tags, String name, String prefix, String garchPrefix,
                                           Optional<String> range, Optional<Integer> days, Optional<Boolean> inSample) {
        TreeMap<Double, String> levels = new TreeMap<>();
        for (String key : tags.keySet()) {
            if (key.startsWith(prefix)) {
                Matcher m = LEVEL_KEY.matcher(key.substring(prefix.length()));
                if (m.matches()) {
                    levels.put(level(m.group(1)), m.group(1));
                }
            }
        }
        List<Level> out = new ArrayList<>();
        levels.forEach((level, l) -> out.add(new Level(level, number(tags, prefix + COVERAGE + l),
                number(tags, prefix + KUPIEC_P + l), number(tags, prefix + INDEPENDENCE_P + l),
                number(tags, prefix + CONDITIONAL_COVERAGE_P + l), number(tags, prefix + INTERVAL_SCORE + l),
                number(tags, garchPrefix + INTERVAL_SCORE + l), number(tags, prefix + DM_GARCH + l + DM_TWO_SIDED))));
        return out.isEmpty() ? Optional.empty() : Optional.of(new Period(name, range, days, inSample, out));
    }

    /** {@code 80} -> 0.8, {@code 97_5} -> 0.975: the inverse of {@code IntervalSpec.levelName}. */
    static double level(String name) {
        return new BigDecimal(name.replace('_', '.')).movePointLeft(2).doubleValue();
    }

    private static Optional<Double> number(Map<String, String> tags, String key) {
        String value = tags.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            double v = Double.parseDouble(value.strip());
            return Double.isFinite(v) ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    /**
     * The period named so.
     *
     * @param name {@value #TEST} or {@value #EVALUATION}
     * @return the period, when it was recorded
     */
    public Optional<Period> period(String name) {
        return periods.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
