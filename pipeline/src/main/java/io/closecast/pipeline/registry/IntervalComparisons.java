package io.closecast.pipeline.registry;

import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.risk.IntervalBacktest;
import io.closecast.model.risk.RiskEvaluation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidate and production's next-day interval scores per level on the days both forecast, and the Diebold-Mariano
 * test between them (what the interval objective's "not significantly worse than production" reads). Pure.
 */
final class IntervalComparisons {

    private IntervalComparisons() {
    }

    /**
     * The comparisons, one per level both versions have intervals at; empty when either has none or fewer than 3
     * days are common.
     */
    static List<Gate.IntervalComparison> of(Gate.Evaluation candidate, Gate.Evaluation production) {
        List<IntervalBacktest> c = candidate.risk().map(r -> r.of(RiskEvaluation.MODEL)).orElse(List.of());
        List<IntervalBacktest> p = production.risk().map(r -> r.of(RiskEvaluation.MODEL)).orElse(List.of());
        Map<LocalDate, Integer> productionIndex = new HashMap<>();
        List<LocalDate> pDates = production.backtest().dates();
        for (int i = 0; i < pDates.size(); i++) {
            productionIndex.put(pDates.get(i), i);
        }
        List<Gate.IntervalComparison> out = new ArrayList<>();
        for (IntervalBacktest ct : c) {
            IntervalBacktest pt = p.stream().filter(t -> t.level() == ct.level()).findFirst().orElse(null);
            if (pt == null) {
                continue;
            }
            List<double[]> pairs = new ArrayList<>();
            List<LocalDate> cDates = candidate.backtest().dates();
            for (int i = 0; i < cDates.size(); i++) {
                Integer j = productionIndex.get(cDates.get(i));
                if (j != null) {
                    pairs.add(new double[] {ct.scores()[i], pt.scores()[j]});
                }
            }
            if (pairs.size() < 3) {
                return List.of();
            }
            double[] a = pairs.stream().mapToDouble(x -> x[0]).toArray();
            double[] b = pairs.stream().mapToDouble(x -> x[1]).toArray();
            out.add(new Gate.IntervalComparison(ct.level(), mean(a), mean(b),
                    DieboldMariano.test(a, b, 1, DieboldMariano.Loss.ABSOLUTE)));
        }
        return out;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}
