package io.closecast.pipeline.registry;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.PipelineException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Stage;
import io.closecast.model.evaluation.Backtest;
import io.closecast.model.prices.DateRange;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.evaluation.ForecastEvaluation;

/**
 * Moves an alias (default {@code production}) between versions of a registered model, through a gate,
 * keeping the legacy stage {@code Production} in step and the alias's history in a registered-model tag
 * ({@code closecast.alias.<alias>.history}: the versions that held it, oldest first), so that rollback
 * needs no guessing. Every verdict is written to the candidate's version tags.
 */
public final class Promotion {
    public static final String DEFAULT_ALIAS = "production";

    private final MlflowClient client;
    private final Clock clock;
    private final String user;

    public Promotion(MlflowClient client, Clock clock, String user) {
        this.client = client;
        this.clock = clock;
        this.user = user;
    }

    /**
     * When a candidate may be promoted, judged only on days out of sample for it: at least {@code minDays} of them,
     * MASE below {@code maxMase}, not worse than production by the Diebold-Mariano test (absolute errors, one-sided,
     * level {@code alpha}) on days out of sample for both, and with {@code requireSignificance} also better than
     * naive by the same test.
     */
    public record GatePolicy(double maxMase, int minDays, boolean requireSignificance, double alpha) {
        public static final int DEFAULT_MIN_DAYS = 120;
        public static final GatePolicy DEFAULT = new GatePolicy(1.0, DEFAULT_MIN_DAYS, false, 0.05);

        public GatePolicy {
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

        public GatePolicy withRequireSignificance(boolean value) {
            return new GatePolicy(maxMase, minDays, value, alpha);
        }
    }

    /** One version's rolling-origin forecasts on the gate's days, and a description of them. */
    public record Evaluation(Backtest backtest, String window) {
        public ForecastEvaluation.Step step() {
            return backtest.evaluation().first();
        }

        public int days() {
            return backtest.days();
        }
    }

    /** Candidate and production on the days out of sample for both, and the Diebold-Mariano test between them. */
    public record Comparison(DateRange range, int days, double candidateMase, double productionMase,
                             DieboldMariano.Result dm) {
    }

    /** Evaluates registered versions on out-of-sample days of the gate's data. */
    public interface Evaluator {
        /** The first day out of sample for the version (the held-out test period, or after a refit's data end). */
        LocalDate outOfSampleFrom(ModelVersion version);

        /** Next-day forecasts of every day of the gate's data from {@code from} on; empty with fewer than 3 days. */
        Optional<Evaluation> evaluate(ModelVersion version, LocalDate from);
    }

    public enum Decision { PROMOTED, REFUSED, FORCED, ALREADY }

    /** What {@link #promote} decided and why, with the scores it decided on. */
    public record Verdict(String name, int version, String alias, Decision decision, String reason,
                          Optional<Integer> previousVersion, Optional<Evaluation> candidate,
                          Optional<Comparison> comparison) {
        public boolean moved() {
            return decision == Decision.PROMOTED || decision == Decision.FORCED;
        }
    }

    /** A promotion request. {@code forceReason} present means: skip the gate, record the reason. */
    public record Request(String name, int version, String alias, GatePolicy policy, Optional<String> forceReason) {
        public Request {
            if (forceReason.isPresent() && forceReason.get().isBlank()) {
                throw new PipelineException("--force needs --reason with a non-empty text");
            }
        }
    }

    public Verdict promote(Request request, Evaluator evaluator) {
        ModelVersion candidate = client.registry().getModelVersion(request.name(), request.version());
        Optional<ModelVersion> current = client.registry().findModelVersionByAlias(request.name(), request.alias());
        Optional<Integer> previous = current.map(ModelVersion::version);
        if (previous.filter(v -> v == request.version()).isPresent()) {
            return new Verdict(request.name(), request.version(), request.alias(), Decision.ALREADY,
                    request.alias() + " already points at version " + request.version(), previous,
                    Optional.empty(), Optional.empty());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.PROMOTION_PREFIX + "alias", request.alias());
        tags.put(ClosecastTags.PROMOTION_PREFIX + "by", user);
        tags.put(ClosecastTags.PROMOTION_PREFIX + "at", Instant.now(clock).toString());
        previous.ifPresent(v -> tags.put(ClosecastTags.PROMOTION_PREFIX + "production_version", Integer.toString(v)));

        Verdict verdict;
        if (request.forceReason().isPresent()) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "verdict", "forced");
            tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", request.forceReason().get());
            verdict = new Verdict(request.name(), request.version(), request.alias(), Decision.FORCED,
                    "forced: " + request.forceReason().get(), previous, Optional.empty(), Optional.empty());
        } else {
            verdict = gate(request, evaluator, candidate, current, tags);
        }
        tags.forEach((k, v) -> client.registry().setModelVersionTag(request.name(), request.version(), k, v));
        if (verdict.moved()) {
            moveAlias(request.name(), request.alias(), request.version());
            List<Integer> history = history(request.name(), request.alias());
            history.add(request.version());
            writeHistory(request.name(), request.alias(), history);
        }
        return verdict;
    }

    /** What {@link #rollback} did. */
    public record Rollback(String name, String alias, int from, int to) {
    }

    /** Moves the alias back to the version that held it before the current one. */
    public Rollback rollback(String name, String alias) {
        ModelVersion current = client.registry().findModelVersionByAlias(name, alias).orElseThrow(() -> new PipelineException(
                "cannot roll back " + name + "@" + alias + ": the alias points at no version"));
        List<Integer> history = history(name, alias);
        // Drop the current holder (and anything after it), then find the latest earlier holder that still exists.
        int at = history.lastIndexOf(current.version());
        List<Integer> earlier = new ArrayList<>(at >= 0 ? history.subList(0, at) : history);
        while (!earlier.isEmpty() && earlier.get(earlier.size() - 1) == current.version()) {
            earlier.remove(earlier.size() - 1);
        }
        if (earlier.isEmpty()) {
            throw new PipelineException("cannot roll back " + name + "@" + alias + ": version " + current.version()
                    + " is the first version that held it (history: " + (history.isEmpty() ? "none" : history) + ")");
        }
        int target = earlier.get(earlier.size() - 1);
        moveAlias(name, alias, target);
        writeHistory(name, alias, earlier);
        client.registry().setModelVersionTag(name, current.version(), ClosecastTags.PROMOTION_PREFIX + "rolled_back_at", Instant.now(clock).toString());
        client.registry().setModelVersionTag(name, current.version(), ClosecastTags.PROMOTION_PREFIX + "rolled_back_by", user);
        return new Rollback(name, alias, current.version(), target);
    }

    /** The versions that held {@code alias}, oldest first, from the registered-model tag. */
    public List<Integer> history(String name, String alias) {
        String text = client.registry().getRegisteredModel(name).tags().getOrDefault(historyTag(alias), "");
        List<Integer> versions = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                versions.add(Integer.parseInt(part.trim()));
            }
        }
        return versions;
    }

    static String historyTag(String alias) {
        return ClosecastTags.ALIAS_PREFIX + alias + ".history";
    }

    private void writeHistory(String name, String alias, List<Integer> versions) {
        // Keep the tag well under MLflow's value limit: the last 200 holders are plenty for rollbacks.
        List<Integer> kept = versions.size() > 200 ? versions.subList(versions.size() - 200, versions.size()) : versions;
        client.registry().setRegisteredModelTag(name, historyTag(alias), String.join(",", kept.stream().map(String::valueOf).toList()));
    }

    private void moveAlias(String name, String alias, int version) {
        client.registry().setAlias(name, alias, version);
        if (alias.equals(DEFAULT_ALIAS)) {
            client.registry().transitionStage(name, version, Stage.PRODUCTION, true);
        }
    }

    private Verdict gate(Request request, Evaluator evaluator, ModelVersion candidate, Optional<ModelVersion> current,
                         Map<String, String> tags) {
        GatePolicy policy = request.policy();
        LocalDate from = evaluator.outOfSampleFrom(candidate);
        Optional<Evaluation> score = evaluator.evaluate(candidate, from);
        tags.put(ClosecastTags.PROMOTION_PREFIX + "out_of_sample_from", from.toString());
        tags.put(ClosecastTags.PROMOTION_PREFIX + "min_days", Integer.toString(policy.minDays()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "require_significance", Boolean.toString(policy.requireSignificance()));
        int days = score.map(Evaluation::days).orElse(0);
        tags.put(ClosecastTags.PROMOTION_PREFIX + "days", Integer.toString(days));
        Optional<Comparison> comparison = Optional.empty();
        String refusal;
        if (score.isEmpty() || days < policy.minDays()) {
            refusal = String.format(Locale.ROOT, "refused: %d out-of-sample days (%s), the gate needs at least %d;"
                            + " the version's out-of-sample days start %s (--days lowers the minimum, --data adds days)",
                    days, score.map(Evaluation::window).orElse("no forecastable days on or after " + from),
                    policy.minDays(), from);
            score.ifPresent(s -> putScores(tags, s));
        } else {
            Evaluation s = score.get();
            putScores(tags, s);
            ForecastEvaluation.Step step = s.step();
            if (!(step.mase() < policy.maxMase())) {
                refusal = String.format(Locale.ROOT, "refused: MASE %.4f is not below %.4f (MAE %.4f vs naive %.4f on %s)",
                        step.mase(), policy.maxMase(), step.mae(), step.naiveMae(), s.window());
            } else if (policy.requireSignificance() && !(step.dmAbsolute().pBetter() < policy.alpha())) {
                refusal = String.format(Locale.ROOT, "refused: MASE %.4f but not significantly better than naive"
                                + " (Diebold-Mariano p = %.4f, needs < %.2f with --require-significance) on %s",
                        step.mase(), step.dmAbsolute().pBetter(), policy.alpha(), s.window());
            } else {
                refusal = "";
            }
            if (current.isPresent()) {
                comparison = compare(evaluator, candidate, from, current.get(), tags);
                if (refusal.isEmpty() && comparison.isPresent() && comparison.get().dm().pWorse() < policy.alpha()) {
                    Comparison c = comparison.get();
                    refusal = String.format(Locale.ROOT, "refused: worse than production version %d by the Diebold-Mariano"
                                    + " test (p = %.4f < %.2f; MASE %.4f vs %.4f on %s, %d days)", current.get().version(),
                            c.dm().pWorse(), policy.alpha(), c.candidateMase(), c.productionMase(), c.range(), c.days());
                }
            }
        }
        boolean passed = refusal.isEmpty();
        String reason = passed ? passedReason(score.orElseThrow(), current, comparison, policy) : refusal;
        tags.put(ClosecastTags.PROMOTION_PREFIX + "verdict", passed ? "passed" : "refused");
        tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", reason);
        return new Verdict(request.name(), request.version(), request.alias(),
                passed ? Decision.PROMOTED : Decision.REFUSED, reason, current.map(ModelVersion::version), score,
                comparison);
    }

    private static Optional<Comparison> compare(Evaluator evaluator, ModelVersion candidate, LocalDate candidateFrom,
                                                ModelVersion production, Map<String, String> tags) {
        LocalDate productionFrom = evaluator.outOfSampleFrom(production);
        LocalDate from = candidateFrom.isAfter(productionFrom) ? candidateFrom : productionFrom;
        Optional<Evaluation> c = evaluator.evaluate(candidate, from);
        Optional<Evaluation> p = evaluator.evaluate(production, from);
        if (c.isEmpty() || p.isEmpty()) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison", "none: no days out of sample for both (candidate from " + candidateFrom
                    + ", production version " + production.version() + " from " + productionFrom + ")");
            return Optional.empty();
        }
        // Align on the dates both forecast.
        Map<LocalDate, Integer> productionIndex = new LinkedHashMap<>();
        List<LocalDate> pDates = p.get().backtest().dates();
        for (int i = 0; i < pDates.size(); i++) {
            productionIndex.put(pDates.get(i), i);
        }
        double[] ce = c.get().backtest().errors(1);
        double[] pe = p.get().backtest().errors(1);
        List<double[]> pairs = new ArrayList<>();
        List<LocalDate> common = new ArrayList<>();
        for (int i = 0; i < ce.length; i++) {
            Integer j = productionIndex.get(c.get().backtest().dates().get(i));
            if (j != null) {
                pairs.add(new double[]{ce[i], pe[j], c.get().backtest().last()[i] - c.get().backtest().actual()[i][0]});
                common.add(c.get().backtest().dates().get(i));
            }
        }
        if (pairs.size() < 3) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison", "none: " + pairs.size() + " days forecast by both from " + from);
            return Optional.empty();
        }
        double[] a = pairs.stream().mapToDouble(x -> x[0]).toArray();
        double[] b = pairs.stream().mapToDouble(x -> x[1]).toArray();
        double[] naive = pairs.stream().mapToDouble(x -> Math.abs(x[2])).toArray();
        double naiveMae = java.util.Arrays.stream(naive).average().orElseThrow();
        double cMase = java.util.Arrays.stream(a).map(Math::abs).average().orElseThrow() / naiveMae;
        double pMase = java.util.Arrays.stream(b).map(Math::abs).average().orElseThrow() / naiveMae;
        DieboldMariano.Result dm = DieboldMariano.test(a, b, 1, DieboldMariano.Loss.ABSOLUTE);
        Comparison comparison = new Comparison(DateRange.create(common.getFirst(), common.getLast()), common.size(),
                cMase, pMase, dm);
        tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison", "production version " + production.version() + " on " + comparison.range()
                + " (" + comparison.days() + " days)");
        tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison_candidate_mase", format(cMase));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "production_mase", format(pMase));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_vs_production_stat", format(dm.statistic()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_vs_production_p_worse", format(dm.pWorse()));
        return Optional.of(comparison);
    }

    private static void putScores(Map<String, String> tags, Evaluation s) {
        ForecastEvaluation.Step step = s.step();
        tags.put(ClosecastTags.PROMOTION_PREFIX + "window", s.window());
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_mase", format(step.mase()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_mae", format(step.mae()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_rmse", format(step.rmse()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_mape", format(step.mape()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "naive_mae", format(step.naiveMae()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "drift_mase", format(step.driftMase()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_abs_stat", format(step.dmAbsolute().statistic()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_abs_p_better", format(step.dmAbsolute().pBetter()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_sq_stat", format(step.dmSquared().statistic()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_sq_p_better", format(step.dmSquared().pBetter()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "directional_accuracy", format(step.directionalAccuracy()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "majority_sign_accuracy", format(step.majoritySignAccuracy()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "up_share", format(step.upShare()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "forecast_up_share", format(step.forecastUpShare()));
    }

    private static String passedReason(Evaluation candidate, Optional<ModelVersion> current,
                                       Optional<Comparison> comparison, GatePolicy policy) {
        ForecastEvaluation.Step s = candidate.step();
        String vsProduction = current.isEmpty() ? ", no production version yet"
                : comparison.map(c -> String.format(Locale.ROOT, ", not worse than production version %d (MASE %.4f vs"
                                + " %.4f on %s, Diebold-Mariano p = %.4f)", current.get().version(), c.candidateMase(),
                        c.productionMase(), c.range(), c.dm().pWorse()))
                .orElse(", not compared with production version " + current.get().version()
                        + ": no days are out of sample for both");
        return String.format(Locale.ROOT, "passed: MASE %.4f below %.4f (Diebold-Mariano p = %.4f vs naive%s)%s on %s",
                s.mase(), policy.maxMase(), s.dmAbsolute().pBetter(),
                policy.requireSignificance() ? ", required < " + policy.alpha() : ", not required", vsProduction,
                candidate.window());
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
