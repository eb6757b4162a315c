package io.closecast.pipeline.registry;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.PromotionObjective;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.closecast.model.evaluation.Backtest;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.prices.DateRange;
import io.closecast.model.risk.RiskEvaluation;

/**
 * The promotion gate's rules, as a pure function: a policy and the evaluations of a candidate (and of production on
 * the days out of sample for both) in, a judgement (passed or refused, and why) out. No MLflow, no I/O:
 * {@link Promotion} reads the versions, evaluates them, writes the verdict's tags and moves the alias.
 *
 * <p>A candidate is refused, in this order, when it has fewer out-of-sample days than the policy's minimum (or
 * none); when its MASE is not below the policy's maximum; when significance is required and the Diebold-Mariano test
 * does not find it better than naive at the policy's level; when it is worse than production by the Diebold-Mariano
 * test at that level. Otherwise it passes, also when there is no production version, or no days out of sample for
 * both to compare on. That is the {@link PromotionObjective#POINT} objective; {@link PromotionObjective#INTERVAL}
 * judges the candidate's next-day intervals instead ({@link IntervalGate}).
 */
public final class Gate {
    private Gate() {
    }

    /**
     * When a candidate may be promoted, judged only on days out of sample for it: at least {@code minDays} of them,
     * MASE below {@code maxMase}, not worse than production by the Diebold-Mariano test (absolute errors, one-sided,
     * level {@code alpha}) on days out of sample for both, and with {@code requireSignificance} also better than
     * naive by the same test.
     */
    public record Policy(double maxMase, int minDays, boolean requireSignificance, double alpha,
                         PromotionObjective objective) {
        public static final int DEFAULT_MIN_DAYS = 120;
        public static final Policy DEFAULT = new Policy(1.0, DEFAULT_MIN_DAYS, false, 0.05);

        /** A policy of the point objective. */
        public Policy(double maxMase, int minDays, boolean requireSignificance, double alpha) {
            this(maxMase, minDays, requireSignificance, alpha, PromotionObjective.POINT);
        }

        public Policy {
            java.util.Objects.requireNonNull(objective, "objective");
            if (!(maxMase > 0)) {
                throw new PipelineException("--max-mase must be > 0, found " + maxMase);
            }
            if (minDays < 3) {
                throw new PipelineException("--days must be >= 3, found " + minDays);
            }
            if (!(alpha > 0 && alpha < 1)) {
                throw new PipelineException("the gate's significance level must be in (0, 1), found " + alpha);
            }
        }

        public Policy withRequireSignificance(boolean value) {
            return new Policy(maxMase, minDays, value, alpha, objective);
        }

        public Policy withObjective(PromotionObjective value) {
            return new Policy(maxMase, minDays, requireSignificance, alpha, value);
        }
    }

    /**
     * One version's rolling-origin forecasts on the gate's days, a description of them, and (for the interval
     * objective) its next-day intervals beside GARCH(1,1), EWMA and the constant baseline on the same days.
     */
    public record Evaluation(Backtest backtest, String window, Optional<RiskEvaluation> risk) {
        public Evaluation(Backtest backtest, String window) {
            this(backtest, window, Optional.empty());
        }

        public ForecastEvaluation.Step step() {
            return backtest.evaluation().first();
        }

        public int days() {
            return backtest.days();
        }
    }

    /**
     * Candidate and production on the days out of sample for both, and the Diebold-Mariano test between them; for
     * the interval objective also the test between their interval scores, one per level (empty when not compared).
     */
    public record Comparison(DateRange range, int days, double candidateMase, double productionMase,
                             DieboldMariano.Result dm, List<IntervalComparison> intervals) {
        public Comparison(DateRange range, int days, double candidateMase, double productionMase,
                          DieboldMariano.Result dm) {
            this(range, days, candidateMase, productionMase, dm, List.of());
        }

        public Comparison {
            intervals = List.copyOf(intervals);
        }
    }

    /**
     * Candidate and production's interval scores at one level on their common days, and the Diebold-Mariano test
     * of the candidate's against production's.
     */
    public record IntervalComparison(double level, double candidateScore, double productionScore,
                                     DieboldMariano.Result dm) {
    }

    /** The version {@code alias} points at, and the candidate's comparison with it (empty: no days in common). */
    public record Production(int version, Optional<Comparison> comparison) {
    }

    /** What the gate decided: passed or refused, and the reason (the verdict's text). */
    public record Judgement(boolean passed, String reason) {
    }

    /**
     * Whether the candidate has the days the policy needs; only then is it compared with production (the comparison
     * would not change a refusal for too few days).
     */
    public static boolean enoughDays(Policy policy, Optional<Evaluation> candidate) {
        return candidate.isPresent() && candidate.get().days() >= policy.minDays();
    }

    /**
     * Judges a candidate whose out-of-sample days start {@code outOfSampleFrom}, evaluated on them as
     * {@code candidate} (empty: no forecastable day), against {@code production} (empty: no version holds the alias).
     */
    public static Judgement judge(Policy policy, LocalDate outOfSampleFrom, Optional<Evaluation> candidate,
                                  Optional<Production> production) {
        if (enoughDays(policy, candidate) && policy.objective() == PromotionObjective.INTERVAL) {
            return IntervalGate.judge(policy, candidate.get(), production);
        }
        if (!enoughDays(policy, candidate)) {
            return new Judgement(false, String.format(Locale.ROOT, "refused: %d out-of-sample days (%s), the gate needs"
                            + " at least %d; the version's out-of-sample days start %s (--days lowers the minimum, --data"
                            + " adds days)", candidate.map(Evaluation::days).orElse(0),
                    candidate.map(Evaluation::window).orElse("no forecastable days on or after " + outOfSampleFrom),
                    policy.minDays(), outOfSampleFrom));
        }
        Evaluation s = candidate.get();
        ForecastEvaluation.Step step = s.step();
        if (!(step.mase() < policy.maxMase())) {
            return new Judgement(false, String.format(Locale.ROOT, "refused: MASE %.4f is not below %.4f (MAE %.4f vs"
                    + " naive %.4f on %s)", step.mase(), policy.maxMase(), step.mae(), step.naiveMae(), s.window()));
        }
        if (policy.requireSignificance() && !(step.dmAbsolute().pBetter() < policy.alpha())) {
            return new Judgement(false, String.format(Locale.ROOT, "refused: MASE %.4f but not significantly better"
                            + " than naive (Diebold-Mariano p = %.4f, needs < %.2f with --require-significance) on %s",
                    step.mase(), step.dmAbsolute().pBetter(), policy.alpha(), s.window()));
        }
        Optional<Comparison> comparison = production.flatMap(Production::comparison);
        if (comparison.isPresent() && comparison.get().dm().pWorse() < policy.alpha()) {
            Comparison c = comparison.get();
            return new Judgement(false, String.format(Locale.ROOT, "refused: worse than production version %d by the"
                            + " Diebold-Mariano test (p = %.4f < %.2f; MASE %.4f vs %.4f on %s, %d days)",
                    production.get().version(), c.dm().pWorse(), policy.alpha(), c.candidateMase(), c.productionMase(),
                    c.range(), c.days()));
        }
        return new Judgement(true, passedReason(policy, s, production));
    }

    private static String passedReason(Policy policy, Evaluation candidate, Optional<Production> production) {
        ForecastEvaluation.Step s = candidate.step();
        String vsProduction = production.isEmpty() ? ", no production version yet"
                : production.get().comparison().map(c -> String.format(Locale.ROOT, ", not worse than production version"
                                + " %d (MASE %.4f vs %.4f on %s, Diebold-Mariano p = %.4f)", production.get().version(),
                        c.candidateMase(), c.productionMase(), c.range(), c.dm().pWorse()))
                .orElse(", not compared with production version " + production.get().version()
                        + ": no days are out of sample for both");
        return String.format(Locale.ROOT, "passed: MASE %.4f below %.4f (Diebold-Mariano p = %.4f vs naive%s)%s on %s",
                s.mase(), policy.maxMase(), s.dmAbsolute().pBetter(),
                policy.requireSignificance() ? ", required < " + policy.alpha() : ", not required", vsProduction,
                candidate.window());
    }
}
