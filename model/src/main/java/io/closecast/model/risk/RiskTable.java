package io.closecast.model.risk;

import io.closecast.model.evaluation.DieboldMariano;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link RiskEvaluation} as text: one line per level and method, then GARCH's estimate (or why there is none). */
public final class RiskTable {

    private RiskTable() {
    }

    /**
     * The table's lines, without line ends.
     *
     * @param r the evaluation
     * @return a header, one row per level and method, a note and the GARCH line
     */
    public static List<String> lines(RiskEvaluation r) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-5s %-8s %8s %9s %9s %9s %8s %8s %8s %10s", "level", "method", "coverage",
                "int score", "width", "pinball", "Kupiec p", "Chr ind", "Chr cc", "DM vs GARCH"));
        List<Double> levels = r.methods().values().stream().flatMap(List::stream).map(IntervalBacktest::level)
                .distinct().sorted().toList();
        for (double level : levels) {
            for (Map.Entry<String, List<IntervalBacktest>> e : r.methods().entrySet()) {
                List<IntervalBacktest> tests = e.getValue();
                for (int i = 0; i < tests.size(); i++) {
                    IntervalBacktest t = tests.get(i);
                    if (t.level() != level) {
                        continue;
                    }
                    List<DieboldMariano.Result> dm = r.againstGarch().get(e.getKey());
                    String p = dm == null ? "" : String.format(Locale.ROOT, "%.4f", dm.get(i).pTwoSided());
                    out.add(String.format(Locale.ROOT, "%4.1f%% %-8s %7.1f%% %9.4f %9.4f %9.4f %8.4f %8.4f %8.4f %10s",
                            100 * level, e.getKey(), 100 * t.coverage(), t.intervalScore(), t.meanWidth(), t.pinball(),
                            t.tests().kupiecP(), t.tests().independenceP(), t.tests().conditionalCoverageP(), p));
                }
            }
        }
        out.add("next-day intervals; p-values below 0.05 reject correct coverage (Kupiec), independent misses"
                + " (Christoffersen ind) or both (cc); DM: two-sided p of equal interval scores with GARCH(1,1)");
        if (r.garch() instanceof GarchFit.Fitted f) {
            GarchParameters p = f.parameters();
            out.add(String.format(Locale.ROOT, "GARCH(1,1)-t on %d training returns: mu %.3g omega %.3g alpha %.4f"
                    + " beta %.4f nu %.2f (log-likelihood %.2f)", f.observations(), p.mu(), p.omega(), p.alpha(),
                    p.beta(), p.nu(), f.logLikelihood()));
        } else if (r.garch() instanceof GarchFit.Failed failed) {
            out.add("GARCH(1,1) not fitted: " + failed.reason() + " (evaluated without it)");
        }
        return out;
    }
}
