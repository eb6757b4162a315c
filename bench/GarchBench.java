import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.risk.DailyBounds;
import io.closecast.model.risk.GarchFit;
import io.closecast.model.risk.GarchParameters;
import io.closecast.model.risk.IntervalBacktest;
import io.closecast.model.risk.RiskEvaluation;
import io.closecast.model.risk.VolatilityReferences;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The GARCH(1,1) peer's cost in one warm JVM (see garch-bench.sh): per symbol, what an evaluation does for GARCH,
 * {@code VolatilityReferences.fit} on the training returns (the Student-t GARCH(1,1) maximum likelihood) and then
 * the one-year interval evaluation with the parameters fixed (the variances filtered through the evaluated days, the
 * 80 % and 95 % intervals, {@code RiskEvaluation.of}: coverage, Winkler score, pinball, Kupiec, Christoffersen).
 * Uses only the model's public API, so the same file runs against another build (BENCH_BASE).
 *
 * <pre>GarchBench IMPL DATA_DIR EVAL_DAYS WARMUP REPETITIONS SYMBOL...</pre>
 * WARMUP untimed rounds over every symbol (the first call per symbol reported as first_ms: cold for the first symbol),
 * then REPETITIONS timed ones (symbols interleaved in each round). Prints one line {@code RESULT impl=... symbol=... fit_ms=[...] eval_ms=[...] ...} per symbol.
 */
public class GarchBench {
    private static final double[] LEVELS = {0.8, 0.95};

    record Data(String symbol, double[] train, double[] later, double[] last, double[] actual) {
    }

    public static void main(String[] args) {
        String impl = args[0];
        Path dir = Path.of(args[1]);
        int evalDays = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int repetitions = Integer.parseInt(args[4]);
        List<Data> data = new ArrayList<>();
        for (String symbol : Arrays.copyOfRange(args, 5, args.length)) {
            data.add(load(symbol, dir.resolve(symbol + ".csv"), evalDays));
        }
        double sink = 0;
        // the first call of each symbol, cold for the first: what a fresh `closecast evaluate` pays
        double[] first = new double[data.size()];
        for (int i = 0; i < Math.max(1, warmup); i++) {
            for (int s = 0; s < data.size(); s++) {
                Run run = once(data.get(s));
                if (i == 0) {
                    first[s] = run.fitMs + run.evalMs;
                }
                sink += run.score80;
            }
        }
        double[][] fit = new double[data.size()][repetitions];
        double[][] eval = new double[data.size()][repetitions];
        Run[] lastRun = new Run[data.size()];
        for (int i = 0; i < repetitions; i++) {
            for (int s = 0; s < data.size(); s++) {
                Run run = once(data.get(s));
                fit[s][i] = run.fitMs;
                eval[s][i] = run.evalMs;
                lastRun[s] = run;
                sink += run.score80;
            }
        }
        for (int s = 0; s < data.size(); s++) {
            Data d = data.get(s);
            Run r = lastRun[s];
            double[] total = new double[repetitions];
            for (int i = 0; i < repetitions; i++) {
                total[i] = fit[s][i] + eval[s][i];
            }
            System.out.printf(Locale.ROOT, "RESULT impl=%s symbol=%s train=%d eval_days=%d fit_ms=%s eval_ms=%s"
                            + " total_ms=%s median_total_ms=%.3f first_ms=%.3f evaluations=%d %s%n", impl, d.symbol,
                    d.train.length, d.actual.length, list(fit[s]), list(eval[s]), list(total), median(total), first[s],
                    r.evaluations,
                    r.describe);
        }
        if (sink == 42) {
            System.out.println("(never printed: keeps the results alive)");
        }
    }

    record Run(double fitMs, double evalMs, double score80, int evaluations, String describe) {
    }

    static Run once(Data d) {
        long start = System.nanoTime();
        VolatilityReferences refs = VolatilityReferences.fit(d.train);
        long fitted = System.nanoTime();
        List<DailyBounds> bounds = new ArrayList<>();
        for (double level : LEVELS) {
            refs.garch(level, d.later, d.last).ifPresent(bounds::add);
        }
        RiskEvaluation evaluation = RiskEvaluation.of(refs.garch(), bounds, d.actual);
        long evaluated = System.nanoTime();
        if (!(refs.garch() instanceof GarchFit.Fitted f)) {
            throw new IllegalStateException(d.symbol + ": the GARCH fit failed: " + refs.garch());
        }
        GarchParameters p = f.parameters();
        // in percent units, as arch reports them
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "mu=%.8f omega=%.8f alpha=%.8f beta=%.8f nu=%.6f loglik=%.6f", p.mu() * 100, p.omega() * 1e4,
                p.alpha(), p.beta(), p.nu(), f.logLikelihood() - f.observations() * Math.log(100)));
        double score80 = 0;
        for (IntervalBacktest t : evaluation.of(RiskEvaluation.GARCH)) {
            String l = Integer.toString((int) Math.round(t.level() * 100));
            b.append(String.format(Locale.ROOT, " coverage_%s=%.6f interval_score_%s=%.6f kupiec_p_%s=%.6f"
                            + " christoffersen_cc_p_%s=%.6f", l, t.coverage(), l, t.intervalScore(), l,
                    t.tests().kupiecP(), l, t.tests().conditionalCoverageP()));
            if (t.level() == 0.8) {
                score80 = t.intervalScore();
            }
        }
        return new Run((fitted - start) / 1e6, (evaluated - fitted) / 1e6, score80, f.evaluations(), b.toString());
    }

    static Data load(String symbol, Path file, int evalDays) {
        double[] close = PriceCsv.read(file).column(PriceColumn.CLOSE);
        double[] r = RiskEvaluation.logReturns(close);
        int train = r.length - evalDays;
        double[] last = Arrays.copyOfRange(close, train, train + evalDays);
        double[] actual = Arrays.copyOfRange(close, train + 1, train + 1 + evalDays);
        return new Data(symbol, Arrays.copyOfRange(r, 0, train), Arrays.copyOfRange(r, train, r.length), last,
                actual);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String list(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", v[i]));
        }
        return b.append(']').toString();
    }
}
