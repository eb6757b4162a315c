package io.closecast.model.risk;

import io.closecast.model.ModelException;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.intervals.IntervalSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-day intervals of several methods on the same days, side by side: per method and level an
 * {@link IntervalBacktest}, and for every method but GARCH a Diebold-Mariano test (HLN-corrected, horizon 1, on the
 * daily Winkler scores) against GARCH(1,1)'s intervals at the same level. A negative statistic and a small
 * {@code p_better} say the method's intervals score better than GARCH's.
 *
 * @param garch the GARCH fit the {@code garch} method came from, or why there is none
 * @param methods per method (in the order given), one backtest per level
 * @param againstGarch per method other than {@code garch}, one DM result per level; empty without GARCH
 */
public record RiskEvaluation(GarchFit garch, Map<String, List<IntervalBacktest>> methods,
                             Map<String, List<DieboldMariano.Result>> againstGarch) {
    /** The method name of the model under evaluation: its metrics carry the bare part prefix ({@code test_}). */
    public static final String MODEL = "model";
    /** GARCH(1,1)'s method name. */
    public static final String GARCH = "garch";

    public RiskEvaluation {
        methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
        againstGarch = Collections.unmodifiableMap(new LinkedHashMap<>(againstGarch));
    }

    /**
     * Scores every method's intervals against {@code actual} and compares each with GARCH's at the same level.
     *
     * @param garch the GARCH fit (its bounds, when it fitted, are among {@code bounds} as method {@code garch})
     * @param bounds every method's intervals, any order; the same days for all
     * @param actual the price of each evaluated day
     * @return the side-by-side evaluation
     * @throws ModelException when a method's days differ from the actuals
     */
    public static RiskEvaluation of(GarchFit garch, List<DailyBounds> bounds, double[] actual) {
        Map<String, List<IntervalBacktest>> methods = new LinkedHashMap<>();
        for (DailyBounds b : bounds) {
            methods.computeIfAbsent(b.method(), k -> new ArrayList<>()).add(IntervalBacktest.of(b, actual));
        }
        Map<String, List<DieboldMariano.Result>> dm = new LinkedHashMap<>();
        List<IntervalBacktest> reference = methods.get(GARCH);
        if (reference != null && actual.length >= 3) {
            methods.forEach((method, tests) -> {
                if (!method.equals(GARCH)) {
                    List<DieboldMariano.Result> results = new ArrayList<>();
                    for (IntervalBacktest t : tests) {
                        IntervalBacktest g = reference.stream().filter(r -> r.level() == t.level()).findFirst()
                                .orElseThrow(() -> new ModelException("GARCH has no interval at level " + t.level()));
                        results.add(DieboldMariano.test(t.scores(), g.scores(), 1, DieboldMariano.Loss.ABSOLUTE));
                    }
                    dm.put(method, results);
                }
            });
        }
        return new RiskEvaluation(garch, methods, dm);
    }

    /**
     * Every statistic, the model's as {@code part + "_" + name} (e.g. {@code test_kupiec_p_80}) and the others' as
     * {@code method + "_" + part + "_" + name} (e.g. {@code garch_test_interval_score_80}); the DM tests as
     * {@code ..._dm_garch_interval_score_80_stat}, {@code _p_better}, {@code _p_two_sided}; GARCH's estimate as
     * {@code garch_mu}, {@code garch_omega}, {@code garch_alpha}, {@code garch_beta}, {@code garch_nu},
     * {@code garch_log_likelihood} and {@code garch_fitted} (1 or 0). Non-finite values are left out.
     *
     * @param part the evaluated part's name, e.g. {@code test} or {@code eval}
     * @return metric key to value
     */
    public Map<String, Double> metrics(String part) {
        Map<String, Double> m = new LinkedHashMap<>();
        methods.forEach((method, tests) -> {
            String prefix = method.equals(MODEL) ? part + "_" : method + "_" + part + "_";
            for (int i = 0; i < tests.size(); i++) {
                tests.get(i).toMap(prefix).forEach((k, v) -> putFinite(m, k, v));
                List<DieboldMariano.Result> dm = againstGarch.get(method);
                if (dm != null) {
                    String key = prefix + "dm_garch_interval_score_" + IntervalSpec.levelName(tests.get(i).level());
                    putFinite(m, key + "_stat", dm.get(i).statistic());
                    putFinite(m, key + "_p_better", dm.get(i).pBetter());
                    putFinite(m, key + "_p_two_sided", dm.get(i).pTwoSided());
                }
            }
        });
        m.put("garch_fitted", garch instanceof GarchFit.Fitted ? 1.0 : 0.0);
        if (garch instanceof GarchFit.Fitted f) {
            m.put("garch_mu", f.parameters().mu());
            m.put("garch_omega", f.parameters().omega());
            m.put("garch_alpha", f.parameters().alpha());
            m.put("garch_beta", f.parameters().beta());
            m.put("garch_nu", f.parameters().nu());
            m.put("garch_log_likelihood", f.logLikelihood());
        }
        return m;
    }

    private static void putFinite(Map<String, Double> m, String key, double value) {
        if (Double.isFinite(value)) {
            m.put(key, value);
        }
    }

    /**
     * One method's backtests.
     *
     * @param method a method name, e.g. {@code model}
     * @return its backtests, one per level; empty when the method was not evaluated
     */
    public List<IntervalBacktest> of(String method) {
        return methods.getOrDefault(method, List.of());
    }
}
