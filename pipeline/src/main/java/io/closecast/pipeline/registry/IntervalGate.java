package io.closecast.pipeline.registry;

import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.risk.GarchFit;
import io.closecast.model.risk.IntervalBacktest;
import io.closecast.model.risk.RiskEvaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The gate's interval objective ({@code promotion.objective: interval}, {@code --objective interval}), a pure function
 * like {@link Gate}: a candidate with enough out-of-sample days is refused, in this order, when it has no next-day
 * intervals to judge; when GARCH(1,1) could not be fitted to compare with; when at any level its intervals fail the
 * Kupiec proportion-of-failures or the Christoffersen conditional-coverage test at the policy's level (p below
 * alpha); when at any level its mean interval score is not below GARCH(1,1)'s on the same days (with
 * {@code requireSignificance}: not significantly below, Diebold-Mariano p of "better" at least alpha); when it is
 * significantly worse than production's intervals at any level (Diebold-Mariano on the interval scores of the days
 * out of sample for both). Otherwise it passes; the reason names every number.
 */
final class IntervalGate {

    private IntervalGate() {
    }

    static Gate.Judgement judge(Gate.Policy policy, Gate.Evaluation candidate, Optional<Gate.Production> production) {
        double alpha = policy.alpha();
        Optional<RiskEvaluation> risk = candidate.risk();
        List<IntervalBacktest> model = risk.map(r -> r.of(RiskEvaluation.MODEL)).orElse(List.of());
        if (model.isEmpty()) {
            return refused("the version has no next-day intervals to judge on " + candidate.window()
                    + " (its bundle carries no interval calibration); the interval objective needs them");
        }
        RiskEvaluation r = risk.get();
        if (r.garch() instanceof GarchFit.Failed failed) {
            return refused("GARCH(1,1) could not be fitted to compare with (" + failed.reason() + ") on "
                    + candidate.window());
        }
        List<IntervalBacktest> garch = r.of(RiskEvaluation.GARCH);
        List<DieboldMariano.Result> dm = r.againstGarch().getOrDefault(RiskEvaluation.MODEL, List.of());
        List<String> passed = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            IntervalBacktest m = model.get(i);
            String level = percent(m.level());
            String tests = String.format(Locale.ROOT, "coverage %.1f%%, %d misses in %d days, Kupiec p = %.4f,"
                            + " Christoffersen cc p = %.4f", 100 * m.coverage(), m.tests().misses(), m.tests().days(),
                    m.tests().kupiecP(), m.tests().conditionalCoverageP());
            if (!(m.tests().kupiecP() >= alpha) || !(m.tests().conditionalCoverageP() >= alpha)) {
                return refused(String.format(Locale.ROOT, "the %s intervals fail the coverage tests at %.2f (%s) on %s",
                        level, alpha, tests, candidate.window()));
            }
            int l = i;
            IntervalBacktest g = garch.stream().filter(t -> t.level() == m.level()).findFirst().orElse(null);
            if (g == null || l >= dm.size()) {
                return refused("GARCH(1,1) has no " + level + " intervals on " + candidate.window());
            }
            DieboldMariano.Result test = dm.get(l);
            String scores = String.format(Locale.ROOT, "interval score %.4f vs GARCH(1,1) %.4f, Diebold-Mariano p = %.4f",
                    m.intervalScore(), g.intervalScore(), test.pBetter());
            if (!(m.intervalScore() < g.intervalScore())) {
                return refused(String.format(Locale.ROOT, "the %s intervals score no better than GARCH(1,1)'s (%s; %s)"
                        + " on %s", level, scores, tests, candidate.window()));
            }
            if (policy.requireSignificance() && !(test.pBetter() < alpha)) {
                return refused(String.format(Locale.ROOT, "the %s intervals are not significantly better than"
                        + " GARCH(1,1)'s (%s, needs < %.2f with --require-significance) on %s", level, scores, alpha,
                        candidate.window()));
            }
            passed.add(level + ": " + tests + ", " + scores);
        }
        Optional<Gate.Comparison> comparison = production.flatMap(Gate.Production::comparison);
        String vsProduction = production.isEmpty() ? "no production version yet"
                : "not compared with production version " + production.get().version() + "'s intervals";
        if (comparison.isPresent() && !comparison.get().intervals().isEmpty()) {
            List<String> notWorse = new ArrayList<>();
            for (Gate.IntervalComparison c : comparison.get().intervals()) {
                String numbers = String.format(Locale.ROOT, "%s interval score %.4f vs %.4f on %s, %d days,"
                                + " Diebold-Mariano p = %.4f", percent(c.level()), c.candidateScore(),
                        c.productionScore(), comparison.get().range(), comparison.get().days(), c.dm().pWorse());
                if (c.dm().pWorse() < alpha) {
                    return refused(String.format(Locale.ROOT, "intervals worse than production version %d's (%s < %.2f)",
                            production.get().version(), numbers, alpha));
                }
                notWorse.add(numbers);
            }
            vsProduction = "not worse than production version " + production.get().version() + " ("
                    + String.join("; ", notWorse) + ")";
        }
        return new Gate.Judgement(true, "passed on the interval objective: " + String.join("; ", passed) + "; "
                + vsProduction + " on " + candidate.window());
    }

    private static Gate.Judgement refused(String why) {
        return new Gate.Judgement(false, "refused: " + why);
    }

    private static String percent(double level) {
        return String.format(Locale.ROOT, "%s %%", new java.math.BigDecimal(Double.toString(100 * level))
                .stripTrailingZeros().toPlainString());
    }
}
