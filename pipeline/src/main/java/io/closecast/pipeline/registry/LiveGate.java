package io.closecast.pipeline.registry;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.live.LiveTrackRecord;
import io.closecast.pipeline.tracking.ClosecastTags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.model.risk.CoverageTests;

/**
 * The gate's live rule ({@code promote --live-evidence URL}), a pure function like {@link Gate}: the service's live
 * track record of the model in, a judgement out. It judges the next-day step ({@value #STEP}), as the gate does.
 *
 * <p>The candidate is refused, in this order, when the service has no challenger in shadow for the model; when the
 * challenger serves no version, or another version than the candidate; when the service compares it with another
 * production version than the one the alias points at; when the two were scored on fewer common target days than
 * {@code minDays}; and then by the objective:
 * <ul>
 *   <li>point: when the service has run no Diebold-Mariano test yet (it runs one from its {@code dm_min_days} common
 *   days), or the test finds the challenger's absolute errors larger than production's (one-sided p of "worse" below
 *   alpha);</li>
 *   <li>interval: the service compares no interval scores on common days, only coverage per version; so the live
 *   rule judges calibration: refused when the service reports no live coverage for the candidate, or when at any
 *   level its live coverage fails the Kupiec proportion-of-failures test at alpha. Sharpness is not judged live (the
 *   offline interval gate judges it against GARCH(1,1) and production).</li>
 * </ul>
 * Otherwise it passes; either way the reason names every number.
 */
public final class LiveGate {
    /** The horizon step the live rule judges: the next day, as the offline gate. */
    public static final int STEP = 1;

    private LiveGate() {
    }

    /**
     * When live evidence is enough: at least {@code minDays} common scored days, not significantly worse at
     * {@code alpha} on {@code objective}.
     */
    public record Policy(int minDays, double alpha, PromotionObjective objective) {
        public static final int DEFAULT_MIN_DAYS = 30;

        public Policy {
            java.util.Objects.requireNonNull(objective, "objective");
            if (minDays < 1) {
                throw new PipelineException("--live-min-days must be >= 1, found " + minDays);
            }
            if (!(alpha > 0 && alpha < 1)) {
                throw new PipelineException("the live rule's significance level must be in (0, 1), found " + alpha);
            }
        }
    }

    /** The live evidence a promotion uses: where it came from, the minimum of common days, and the record itself. */
    public record Evidence(String source, int minDays, LiveTrackRecord record) {
    }

    /**
     * Judges {@code candidate} (its version number) on the service's {@code record}, with {@code production} the
     * version the alias points at (empty: none).
     */
    public static Gate.Judgement judge(Policy policy, int candidate, Optional<Integer> production, LiveTrackRecord record) {
        String model = record.model();
        if (record.challenger().isEmpty()) {
            return refused("the service serves " + model + " with no challenger in shadow (models[].shadow-alias):"
                    + " there is no live comparison to judge version " + candidate + " on");
        }
        LiveTrackRecord.Challenger c = record.challenger().get();
        if (c.version().isEmpty()) {
            return refused("the service's challenger (alias " + c.alias() + ") serves no version (" + c.condition()
                    + "): version " + candidate + " has no live record");
        }
        if (!c.version().get().equals(Integer.toString(candidate))) {
            return refused("the service's challenger in shadow (alias " + c.alias() + ") is version " + c.version().get()
                    + ", not version " + candidate + ": move the alias " + c.alias() + " to it and let it be scored");
        }
        String productionVersion = c.productionVersion().orElse("none");
        if (production.isPresent() && !productionVersion.equals(Integer.toString(production.get()))) {
            return refused("the service compares the challenger with production version " + productionVersion
                    + ", but the alias points at version " + production.get() + ": the live comparison is not with it");
        }
        Optional<LiveTrackRecord.Comparison> at = c.at(STEP);
        int days = at.map(LiveTrackRecord.Comparison::days).orElse(0);
        if (days < policy.minDays()) {
            return refused(String.format(Locale.ROOT, "%d common scored days of version %d and production version %s%s,"
                            + " the live rule needs at least %d (--live-min-days)", days, candidate, productionVersion,
                    at.map(a -> " (" + a.first() + ".." + a.last() + ")").orElse(""), policy.minDays()));
        }
        LiveTrackRecord.Comparison cmp = at.get();
        String numbers = numbers(candidate, productionVersion, cmp);
        if (policy.objective() == PromotionObjective.INTERVAL) {
            return intervals(policy, candidate, record, productionVersion, numbers);
        }
        if (cmp.dm().isEmpty()) {
            return refused(String.format(Locale.ROOT, "no Diebold-Mariano test of version %d against production yet:"
                    + " the service runs it from %d common days (%s)", candidate, record.dmMinDays(), numbers));
        }
        LiveTrackRecord.Dm dm = cmp.dm().get();
        if (dm.pWorse() < policy.alpha()) {
            return refused(String.format(Locale.ROOT, "worse than production version %s live by the Diebold-Mariano test"
                    + " (p = %.4f < %.2f; %s)", productionVersion, dm.pWorse(), policy.alpha(), numbers));
        }
        return new Gate.Judgement(true, String.format(Locale.ROOT, "passed live: not worse than production version %s"
                + " (Diebold-Mariano p = %.4f >= %.2f; %s)", productionVersion, dm.pWorse(), policy.alpha(), numbers));
    }

    private static Gate.Judgement intervals(Policy policy, int candidate, LiveTrackRecord record, String production,
                                            String numbers) {
        List<LiveTrackRecord.LevelCoverage> coverage = record.line(Integer.toString(candidate), STEP)
                .map(LiveTrackRecord.Line::coverage).orElse(List.of());
        String scope = "the service compares no interval scores on common days, so the live rule judges the"
                + " candidate's live coverage";
        if (coverage.isEmpty()) {
            return refused("the service reports no live coverage for version " + candidate + " (no intervals scored);"
                    + " the interval objective needs it (" + scope + "; " + numbers + ")");
        }
        List<String> levels = new ArrayList<>();
        for (LiveTrackRecord.LevelCoverage l : coverage) {
            double p = kupiecP(l);
            String text = String.format(Locale.ROOT, "%s: coverage %.1f%% (%d of %d days), Kupiec p = %.4f%s",
                    percent(l.level()), 100 * l.coverage(), l.inside(), l.days(), p,
                    productionCoverage(record, production, l.level()));
            if (!(p >= policy.alpha())) {
                return refused(String.format(Locale.ROOT, "the live %s intervals fail the Kupiec test at %.2f (%s; %s;"
                        + " %s)", percent(l.level()), policy.alpha(), text, scope, numbers));
            }
            levels.add(text);
        }
        return new Gate.Judgement(true, "passed live on the interval objective: " + String.join("; ", levels) + " ("
                + scope + "; " + numbers + ")");
    }

    private static String productionCoverage(LiveTrackRecord record, String production, double level) {
        return record.line(production, STEP).flatMap(l -> l.coverage().stream().filter(c -> c.level() == level).findFirst())
                .map(c -> String.format(Locale.ROOT, ", production's %.1f%% (%d of %d)", 100 * c.coverage(), c.inside(),
                        c.days())).orElse("");
    }

    /** The Kupiec proportion-of-failures p-value of a level's live coverage (NaN with no days). */
    static double kupiecP(LiveTrackRecord.LevelCoverage l) {
        if (l.days() < 1 || !(l.level() > 0 && l.level() < 1)) {
            return Double.NaN;
        }
        int misses = l.days() - l.inside();
        double missRate = 1 - l.level();
        return new CoverageTests.Result(l.days(), misses, missRate, CoverageTests.kupiecLr(l.days(), misses, missRate), 0)
                .kupiecP();
    }

    private static String numbers(int candidate, String production, LiveTrackRecord.Comparison c) {
        return String.format(Locale.ROOT, "MAE %.4f vs production's %.4f, ratio %s, on %d common days %s..%s%s",
                c.challengerMae(), c.productionMae(), c.ratio().isPresent()
                        ? String.format(Locale.ROOT, "%.4f", c.ratio().getAsDouble()) : "-",
                c.days(), c.first(), c.last(), c.dm().map(dm -> String.format(Locale.ROOT,
                        ", DM statistic %.4f", dm.statistic())).orElse(""));
    }

    /**
     * The evidence and the live rule's verdict as the version's tags ({@code closecast.promotion.live.*}): the source,
     * the minimum, the versions compared, the common days, both MAEs, the ratio, the DM test, the candidate's coverage
     * per level with its Kupiec p, and the verdict and reason.
     */
    public static Map<String, String> tags(Evidence evidence, int candidate, Gate.Judgement judgement) {
        String p = ClosecastTags.PROMOTION_LIVE_PREFIX;
        Map<String, String> tags = new LinkedHashMap<>();
        LiveTrackRecord record = evidence.record();
        tags.put(p + "source", evidence.source());
        tags.put(p + "min_days", Integer.toString(evidence.minDays()));
        tags.put(p + "step", Integer.toString(STEP));
        record.challenger().ifPresent(c -> {
            tags.put(p + "challenger_alias", c.alias());
            tags.put(p + "challenger_version", c.version().orElse("none"));
            tags.put(p + "production_version", c.productionVersion().orElse("none"));
            Optional<LiveTrackRecord.Comparison> at = c.at(STEP);
            tags.put(p + "days", Integer.toString(at.map(LiveTrackRecord.Comparison::days).orElse(0)));
            at.ifPresent(cmp -> {
                tags.put(p + "range", cmp.first() + ".." + cmp.last());
                tags.put(p + "challenger_mae", format(cmp.challengerMae()));
                tags.put(p + "production_mae", format(cmp.productionMae()));
                cmp.ratio().ifPresent(r -> tags.put(p + "mae_ratio", format(r)));
                cmp.dm().ifPresent(dm -> {
                    tags.put(p + "dm_stat", format(dm.statistic()));
                    tags.put(p + "dm_p_better", format(dm.pBetter()));
                    tags.put(p + "dm_p_worse", format(dm.pWorse()));
                });
            });
        });
        if (record.challenger().isEmpty()) {
            tags.put(p + "challenger_version", "none");
        }
        record.line(Integer.toString(candidate), STEP).ifPresent(l -> l.coverage().forEach(c -> {
            String level = Long.toString(Math.round(100 * c.level()));
            tags.put(p + "coverage_" + level, format(c.coverage()));
            tags.put(p + "kupiec_p_" + level, format(kupiecP(c)));
        }));
        tags.put(p + "verdict", judgement.passed() ? "passed" : "refused");
        tags.put(p + "reason", judgement.reason());
        return tags;
    }

    private static Gate.Judgement refused(String why) {
        return new Gate.Judgement(false, "refused live: " + why);
    }

    private static String percent(double level) {
        return String.format(Locale.ROOT, "%s %%", new java.math.BigDecimal(Double.toString(100 * level))
                .stripTrailingZeros().toPlainString());
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
