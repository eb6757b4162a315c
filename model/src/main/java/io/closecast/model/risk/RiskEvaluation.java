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
     * {@link #of} with GARCH(1,1)'s (when it fitted) and RiskMetrics EWMA's intervals at every level of
     * {@code methods} added: the references a model's intervals are always shown beside.
     *
     * @param references GARCH and EWMA fitted on the training returns
     * @param later every daily log return after the training part up to the last evaluated day
     * @param last the price the day before each evaluated day
     * @param actual the price of each evaluated day
     * @param methods the model's (and e.g. the constant baseline's) intervals
     * @return the side-by-side evaluation
     */
    public static RiskEvaluation beside(VolatilityReferences references, double[] later, double[] last, double[] actual,
                                        List<DailyBounds> methods) {
        List<DailyBounds> all = new ArrayList<>(methods);
        List<Double> levels = methods.stream().map(DailyBounds::level).distinct().sorted().toList();
        for (double level : levels) {
            references.garch(level, later, last).ifPresent(all::add);
        }
        for (double level : levels) {
            all.add(references.ewma(level, later, last));
        }
        return of(references.garch(), all, actual);
    }

    /**
     * Daily log returns of prices.
     *
     * @param prices prices in date order
     * @return {@code ln(p[t + 1] / p[t])}, one fewer than the prices
     */
    public static double[] logReturns(double[] prices) {
        double[] r = new double[Math.max(0, prices.length - 1)];
        for (int t = 0; t < r.length; t++) {
            r[t] = Math.log(prices[t + 1] / prices[t]);
        }
        return r;
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

    /**
     * The evaluation as nested maps for JSON: {@code garch} (fitted, the estimate, or the reason it failed) and
     * {@code methods}: per method a list, one entry per level, of {@code level}, {@code days}, {@code coverage},
     * {@code interval_score}, {@code interval_width}, {@code pinball}, {@code misses}, {@code kupiec_lr},
     * {@code kupiec_p}, {@code christoffersen_ind_lr}, {@code christoffersen_ind_p}, {@code christoffersen_cc_lr},
     * {@code christoffersen_cc_p} and, beside GARCH, {@code dm_garch_stat}, {@code dm_garch_p_better},
     * {@code dm_garch_p_two_sided}. Non-finite numbers are {@code null}.
     *
     * @return JSON-ready maps
     */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> g = new LinkedHashMap<>();
        if (garch instanceof GarchFit.Fitted f) {
            g.put("fitted", true);
            g.put("observations", f.observations());
            g.put("mu", finite(f.parameters().mu()));
            g.put("omega", finite(f.parameters().omega()));
            g.put("alpha", finite(f.parameters().alpha()));
            g.put("beta", finite(f.parameters().beta()));
            g.put("nu", finite(f.parameters().nu()));
            g.put("log_likelihood", finite(f.logLikelihood()));
        } else if (garch instanceof GarchFit.Failed failed) {
            g.put("fitted", false);
            g.put("reason", failed.reason());
        }
        out.put("garch", g);
        Map<String, Object> byMethod = new LinkedHashMap<>();
        methods.forEach((method, tests) -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < tests.size(); i++) {
                IntervalBacktest t = tests.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("level", t.level());
                row.put("days", t.tests().days());
                row.put("coverage", finite(t.coverage()));
                row.put("interval_score", finite(t.intervalScore()));
                row.put("interval_width", finite(t.meanWidth()));
                row.put("pinball", finite(t.pinball()));
                row.put("misses", t.tests().misses());
                row.put("kupiec_lr", finite(t.tests().kupiecLr()));
                row.put("kupiec_p", finite(t.tests().kupiecP()));
                row.put("christoffersen_ind_lr", finite(t.tests().independenceLr()));
                row.put("christoffersen_ind_p", finite(t.tests().independenceP()));
                row.put("christoffersen_cc_lr", finite(t.tests().conditionalCoverageLr()));
                row.put("christoffersen_cc_p", finite(t.tests().conditionalCoverageP()));
                List<DieboldMariano.Result> dm = againstGarch.get(method);
                if (dm != null) {
                    row.put("dm_garch_stat", finite(dm.get(i).statistic()));
                    row.put("dm_garch_p_better", finite(dm.get(i).pBetter()));
                    row.put("dm_garch_p_two_sided", finite(dm.get(i).pTwoSided()));
                }
                rows.add(row);
            }
            byMethod.put(method, rows);
        });
        out.put("methods", byMethod);
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
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
