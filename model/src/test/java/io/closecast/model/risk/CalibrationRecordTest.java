package io.closecast.model.risk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationRecordTest {

    /** A version's tags as training writes them: {@link RiskEvaluation#metrics} of the test part, {@code %.6g}. */
    private static Map<String, String> trainingTags(RiskEvaluation r) {
        Map<String, String> tags = new LinkedHashMap<>();
        r.metrics("test").forEach((k, v) -> {
            if (k.startsWith("test_") || k.startsWith("garch_test_")) {
                tags.put(k, String.format(Locale.ROOT, "%.6g", v));
            }
        });
        tags.put("test_windows", "300");
        tags.put("test_mase", "0.98");
        tags.put("closecast.symbol", "MSFT");
        return tags;
    }

    @Test
    void readsBackWhatTheRiskEvaluationRecordsUnderTheKeysTrainingWrites() {
        double[] all = StudentTGarchTest.returns("MSFT.csv", 1300);
        double[] train = java.util.Arrays.copyOf(all, 1000);
        double[] later = java.util.Arrays.copyOfRange(all, 1000, 1300);
        double[] last = new double[later.length];
        double[] actual = new double[later.length];
        double price = 100;
        for (int i = 0; i < later.length; i++) {
            last[i] = price;
            price *= Math.exp(later[i]);
            actual[i] = price;
        }
        VolatilityReferences refs = VolatilityReferences.fit(train);
        List<DailyBounds> bounds = new ArrayList<>();
        for (double level : List.of(0.8, 0.95)) {
            DailyBounds g = refs.garch(level, later, last).orElseThrow();
            bounds.add(g);
            // the "model": GARCH's intervals at 1.1 times the width (calibrated enough), and at 80 % half the width
            double f = level == 0.8 ? 0.5 : 1.1;
            double[] lo = new double[last.length];
            double[] hi = new double[last.length];
            for (int i = 0; i < lo.length; i++) {
                lo[i] = last[i] - f * (last[i] - g.lower()[i]);
                hi[i] = last[i] + f * (g.upper()[i] - last[i]);
            }
            bounds.add(new DailyBounds(RiskEvaluation.MODEL, level, lo, hi));
        }
        RiskEvaluation r = RiskEvaluation.of(refs.garch(), bounds, actual);

        CalibrationRecord record = CalibrationRecord.read(trainingTags(r));
        assertEquals(1, record.periods().size(), "only the test period was recorded: " + record);
        CalibrationRecord.Period test = record.period(CalibrationRecord.TEST).orElseThrow();
        assertEquals(Optional.of(300), test.days());
        assertEquals(Optional.empty(), test.range());
        assertEquals(List.of(0.8, 0.95), test.levels().stream().map(CalibrationRecord.Level::level).toList());
        List<IntervalBacktest> model = r.methods().get(RiskEvaluation.MODEL);
        List<IntervalBacktest> garch = r.methods().get(RiskEvaluation.GARCH);
        for (int l = 0; l < 2; l++) {
            CalibrationRecord.Level got = test.levels().get(l);
            IntervalBacktest m = model.get(l);
            close(m.coverage(), got.coverage(), "coverage");
            close(m.tests().kupiecP(), got.kupiecP(), "kupiec");
            close(m.tests().independenceP(), got.independenceP(), "independence");
            close(m.tests().conditionalCoverageP(), got.conditionalCoverageP(), "cc");
            close(m.intervalScore(), got.intervalScore(), "interval score");
            close(garch.get(l).intervalScore(), got.garchIntervalScore(), "GARCH's interval score");
            close(r.againstGarch().get(RiskEvaluation.MODEL).get(l).pTwoSided(), got.dmGarchP(), "DM p");
        }
        // the half-width 80 % intervals under-cover: Kupiec rejects them, the verdict fails, and so the period's
        assertTrue(model.get(0).tests().kupiecP() < 0.05, "fixture: the 80 % fails Kupiec");
        assertEquals(Optional.of(false), test.levels().get(0).passes());
        assertEquals(Optional.of(false), test.passes());
    }

    private static void close(double expected, Optional<Double> actual, String what) {
        assertTrue(actual.isPresent(), what + " not read");
        assertEquals(expected, actual.get(), 1e-5 * Math.max(1e-3, Math.abs(expected)), what);
    }

    @Test
    void anEvaluationsTagsAndTheVerdictRule() {
        // as closecast evaluate tags a version (EvaluateCommand: closecast.eval. + the metric without "eval_")
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("closecast.eval.range", "2024-01-02..2024-12-31");
        tags.put("closecast.eval.days", "251");
        tags.put("closecast.eval.in_sample", "false");
        tags.put("closecast.eval.mase", "1.01");
        tags.put("closecast.eval.coverage_80", "0.804");
        tags.put("closecast.eval.kupiec_p_80", "0.87");
        tags.put("closecast.eval.christoffersen_cc_p_80", "0.051");
        tags.put("closecast.eval.interval_score_80", "12.5");
        tags.put("closecast.eval.garch_eval_interval_score_80", "13.1");
        tags.put("closecast.eval.dm_garch_interval_score_80_p_two_sided", "0.2");
        tags.put("closecast.eval.coverage_97_5", "0.96");
        tags.put("closecast.eval.kupiec_p_97_5", "0.04");
        tags.put("closecast.eval.christoffersen_cc_p_97_5", "0.5");
        tags.put("closecast.eval.interval_score_97_5", "not a number");
        CalibrationRecord record = CalibrationRecord.read(tags);
        assertEquals(Optional.empty(), record.period(CalibrationRecord.TEST));
        CalibrationRecord.Period eval = record.period(CalibrationRecord.EVALUATION).orElseThrow();
        assertEquals(Optional.of("2024-01-02..2024-12-31"), eval.range());
        assertEquals(Optional.of(251), eval.days());
        assertEquals(Optional.of(false), eval.inSample());
        assertEquals(2, eval.levels().size());
        CalibrationRecord.Level l80 = eval.levels().get(0);
        assertEquals(0.8, l80.level());
        assertEquals(Optional.of(13.1), l80.garchIntervalScore());
        assertEquals(Optional.empty(), l80.independenceP(), "evaluate records no independence p: none invented");
        assertEquals(Optional.of(true), l80.passes(), "Kupiec 0.87 and cc 0.051 are both >= 0.05");
        CalibrationRecord.Level l975 = eval.levels().get(1);
        assertEquals(0.975, l975.level(), 1e-15);
        assertEquals(Optional.empty(), l975.intervalScore(), "a value that is not a number is left out");
        assertEquals(Optional.of(false), l975.passes(), "Kupiec 0.04 < 0.05");
        assertEquals(Optional.of(false), eval.passes());
        // a verdict needs both p-values
        tags.remove("closecast.eval.christoffersen_cc_p_80");
        tags.put("closecast.eval.kupiec_p_97_5", "0.5");
        CalibrationRecord.Period partial = CalibrationRecord.read(tags).period(CalibrationRecord.EVALUATION).orElseThrow();
        assertEquals(Optional.empty(), partial.levels().get(0).passes());
        assertEquals(Optional.empty(), partial.passes(), "one level unknown, none failed");
        assertEquals(List.of(), CalibrationRecord.read(Map.of("test_mase", "0.9")).periods());
    }
}
